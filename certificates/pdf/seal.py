"""The office's electronic seal (电子印章): a round red official seal drawn as vectors, bound to SM2.

A credential secured by a proof set carries, beside its ``eddsa-jcs-2022`` proof, an ``sm2-jcs-2026`` one
(`certificates.sm2`). The seal printed on its page is bound to that signature: under the seal, the page
prints the *binding*, the first 8 bytes of SM3(DER SM2 signature) in upper-case hex, in groups of four
(``3F2A 9C01 77B0 12DE``). Anyone holding the credential can recompute it, and the PDF verifier compares
the printed binding with the credential's (`certificates.pdf.text`). A credential without an SM2 proof
(issued before the proof set) gets the seal with the line ``无 SM2 签名 / no SM2 signature`` instead.

The seal is drawn with reportlab paths and text only (no image): a thick outer ring and a thin inner
ring, the office's name along the upper arc (each character turned to follow the arc), a solid
five-pointed star, the title 数据监管沙盒专用章 below it and the seal number under the title. Its ink is
red, slightly transparent and multiplied onto the page like ink on paper, so the signature line and the
date it is stamped over stay readable, in colour and in greyscale. Reportlab and this package only.

Public API:
    SEAL_TITLE, DEFAULT_SEAL_NUMBER, BINDING_LABEL, NO_BINDING_TEXT
    Seal(office, number, binding)
    sm2_proof(credential) -> dict | None                  the proof of the set whose suite is sm2-jcs-2026
    seal_binding(signature_der) -> str                    "3F2A 9C01 77B0 12DE"
    credential_seal_binding(credential) -> str | None     from the credential's SM2 proof, if readable
    seal_caption(binding) -> str                          the line printed under the seal
    printed_seal_binding(page_text) -> str | None         the binding a page's text prints under its seal
    printed_seal_bindings(page_text) -> [str | None]      every seal caption's binding (None: unreadable)
    draw_seal(canvas, cx, cy, seal, font_name, *, radius=20 mm, caption_width=None,
              caption_size=6.5) -> float
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from certificates._internal.encoding import multibase_decode
from certificates.errors import CertificateError
from certificates.sm2 import CRYPTOSUITE, sm3

__all__ = [
    "BINDING_LABEL",
    "DEFAULT_SEAL_NUMBER",
    "NO_BINDING_TEXT",
    "SEAL_TITLE",
    "Seal",
    "credential_seal_binding",
    "draw_seal",
    "printed_seal_binding",
    "printed_seal_bindings",
    "seal_binding",
    "seal_caption",
    "sm2_proof",
]

SEAL_TITLE = "数据监管沙盒专用章"
# 13 digits as on a registered official seal: the area code (110115, Daxing/E-Town), then the office's own.
DEFAULT_SEAL_NUMBER = "1101150026001"
BINDING_LABEL = "SM2 签名摘要 SM2 signature digest:"
NO_BINDING_TEXT = "无 SM2 签名 / no SM2 signature"
BINDING_BYTES = 8

SEAL_RED = (0.85, 0.1, 0.1)
INK_ALPHA = 0.9
CAPTION_GREY = (0.45, 0.45, 0.45)
FILL_STROKE: Literal[2] = 2  # text rendering mode: fill, then stroke the outline (a heavier face, as carved)
ARC_SPAN = 240.0  # degrees of the upper arc the office's name is spread over

_LABEL_EN = "SM2 signature digest"
_BINDING = re.compile(r"(?<![0-9A-Za-z])([0-9A-F]{4}(?:\s?[0-9A-F]{4}){3})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Seal:
    """What a seal shows: the office's name, the seal's number and the SM2 binding (None: no SM2 proof)."""

    office: str
    number: str
    binding: str | None


def sm2_proof(credential: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``sm2-jcs-2026`` proof of the credential's proof (a set, or a single proof), if it has one."""
    proof = credential.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    found = [p for p in proofs if isinstance(p, dict) and p.get("cryptosuite") == CRYPTOSUITE]
    return found[0] if found else None


def seal_binding(signature_der: bytes) -> str:
    """The seal's short digest of an SM2 signature: SM3 of its DER, first 8 bytes, hex in groups of 4."""
    text = sm3(signature_der)[:BINDING_BYTES].hex().upper()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def credential_seal_binding(credential: Mapping[str, Any]) -> str | None:
    """The binding of the credential's SM2 proof; None without one, or when its proofValue is unreadable."""
    proof = sm2_proof(credential)
    if proof is None:
        return None
    try:
        signature = multibase_decode(proof.get("proofValue"), expected_base="z")
    except CertificateError:
        return None
    return seal_binding(signature)


def seal_caption(binding: str | None) -> str:
    """The line printed under the seal."""
    return f"{BINDING_LABEL} {binding}" if binding is not None else NO_BINDING_TEXT


def printed_seal_bindings(page_text: str) -> list[str | None]:
    """Every seal caption a page's extracted text prints: its binding, or None where none follows the label.

    Text extraction may break the caption after its label or run it into a neighbouring line, so a
    caption's binding is the first group-of-four hex code after its label, however the spaces fell.
    """
    found: list[str | None] = []
    start = page_text.find(_LABEL_EN)
    while start >= 0:
        following = page_text.find(_LABEL_EN, start + len(_LABEL_EN))
        match = _BINDING.search(page_text, start, following if following >= 0 else len(page_text))
        if match is None:
            found.append(None)
        else:
            compact = "".join(match.group(1).split())
            found.append(" ".join(compact[i : i + 4] for i in range(0, len(compact), 4)))
        start = following
    return found


def printed_seal_binding(page_text: str) -> str | None:
    """The binding a page's extracted text prints under its seal; None when it prints none."""
    return next((binding for binding in printed_seal_bindings(page_text) if binding is not None), None)


def _star(canvas: Canvas, cx: float, cy: float, outer: float) -> None:
    """A solid five-pointed star, one point straight up."""
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(54))
    path = canvas.beginPath()
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(90 + 36 * i)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _arc_text(canvas: Canvas, cx: float, cy: float, text: str, font: str, size: float,
              baseline: float, squeeze: float) -> None:  # fmt: skip
    """Set `text` clockwise along the upper arc, each character upright to the circle, evenly spread."""
    count = len(text)
    if count == 0:
        return
    # A short name keeps its characters a little apart, rather than thrown to the ends of the arc.
    span = min(ARC_SPAN, count * math.degrees(size * squeeze * 1.5 / baseline))
    step = span / count
    # One text object, each character placed by its own text matrix (rotation, then the squeeze).
    line = canvas.beginText()
    line.setFont(font, size)
    line.setTextRenderMode(FILL_STROKE)
    for i, char in enumerate(text):
        angle = math.radians(90 + span / 2 - (i + 0.5) * step)
        cos, sin = math.sin(angle), -math.cos(angle)  # the character's x axis: the tangent, clockwise
        half = stringWidth(char, font, size) * squeeze / 2
        x, y = cx + baseline * math.cos(angle), cy + baseline * math.sin(angle)
        line.setTextTransform(cos * squeeze, sin * squeeze, -sin, cos, x - half * cos, y - half * sin)
        line.textOut(char)
    line.setTextRenderMode(0)
    canvas.drawText(line)


def _fitted(text: str, font: str, size: float, width: float) -> tuple[float, float]:
    """(size, horizontal squeeze) to set `text` within `width`: narrower glyphs first, then smaller."""
    natural = stringWidth(text, font, size)
    if natural <= width:
        return size, 1.0
    squeeze = width / natural
    if squeeze >= 0.6:
        return size, squeeze
    return size * squeeze / 0.6, 0.6


def draw_seal(
    canvas: Canvas,
    cx: float,
    cy: float,
    seal: Seal,
    font_name: str,
    *,
    radius: float = 20 * mm,
    caption_width: float | None = None,
    caption_size: float = 6.5,
) -> float:
    """Stamp `seal` centred at (cx, cy), with its caption (the SM2 binding) under it; return the caption's
    lowest baseline. The caption is centred under the seal, on one line or, if it is wider than
    `caption_width`, on two (label, then binding)."""
    r = radius
    canvas.saveState()
    canvas.setFillColorRGB(*SEAL_RED)
    canvas.setStrokeColorRGB(*SEAL_RED)
    canvas.setFillAlpha(INK_ALPHA)
    canvas.setStrokeAlpha(INK_ALPHA)
    canvas.setBlendMode("Multiply")  # like ink on paper: black text under the seal stays black

    ring = r * 0.065
    canvas.setLineWidth(ring)
    canvas.circle(cx, cy, r - ring / 2, stroke=1, fill=0)
    canvas.setLineWidth(max(0.35, r * 0.012))
    canvas.circle(cx, cy, r - ring - r * 0.045, stroke=1, fill=0)

    # The office's name, tall narrow characters as on a carved seal, along the upper arc.
    inner_edge = r - ring - r * 0.045
    name_size = r * 0.235
    baseline = inner_edge - r * 0.05 - name_size * 0.86
    count = max(len(seal.office), 1)
    room = math.radians(ARC_SPAN) * baseline / count  # arc length per character at the baseline
    squeeze = min(1.0, room * 0.9 / name_size)
    canvas.setFont(font_name, name_size)
    canvas.setLineWidth(r * 0.006)  # the outline that thickens the strokes of the carved characters
    _arc_text(canvas, cx, cy, seal.office, font_name, name_size, baseline, squeeze)

    star = r * 0.3
    _star(canvas, cx, cy + r * 0.04, star)

    title_size, title_squeeze = _fitted(SEAL_TITLE, font_name, r * 0.16, r * 1.16)
    title_y = cy - r * 0.5
    canvas.saveState()
    canvas.translate(cx, title_y)
    canvas.scale(title_squeeze, 1)
    canvas.setFont(font_name, title_size)
    canvas.drawCentredString(0, 0, SEAL_TITLE, mode=FILL_STROKE)
    canvas.restoreState()

    number_size, number_squeeze = _fitted(seal.number, font_name, r * 0.085, r * 0.8)
    canvas.saveState()
    canvas.translate(cx, cy - r * 0.68)
    canvas.scale(number_squeeze, 1)
    canvas.setFont(font_name, number_size)
    canvas.drawCentredString(0, 0, seal.number)
    canvas.restoreState()
    canvas.restoreState()

    # The caption, in plain ink outside the seal: the SM2 binding, or a grey note that there is none.
    size = caption_size
    y = cy - r - 1.6 * mm - size * 0.8
    canvas.saveState()
    canvas.setFont(font_name, size)
    if seal.binding is None:
        canvas.setFillColorRGB(*CAPTION_GREY)
        canvas.drawCentredString(cx, y, NO_BINDING_TEXT)
    else:
        canvas.setFillColorRGB(0.15, 0.15, 0.15)
        line = seal_caption(seal.binding)
        if caption_width is None or stringWidth(line, font_name, size) <= caption_width:
            canvas.drawCentredString(cx, y, line)
        else:
            canvas.drawCentredString(cx, y, BINDING_LABEL)
            y -= size * 1.3
            canvas.setFont(font_name, size + 0.5)
            canvas.drawCentredString(cx, y, seal.binding)
    canvas.restoreState()
    return y
