"""The printable credential: a bilingual A4 PDF carrying its own signed bundle.

This module owns the page (Chinese first, English second), the QR code placement, and embedding the bundle
as the attachment ``credential.json`` (read back by `certificates.pdf.read`). The words differ by credential
type — an exit certificate (出盒证明) or a liability exemption decision (试错免责决定书) — and come from
`certificates.pdf.layouts`; the drawing is the same for both. Near the bottom, the issuer signs: the line
``签发机构 Issuer: …`` with the issue date in Chinese (Beijing date of ``validFrom``) under its end, and the
office's seal stamped over both, bound to the credential's SM2 signature (`certificates.pdf.seal`).
Output is reproducible: reportlab runs with ``invariant=1``, so the same bundle gives the same bytes.
Standard library, reportlab, rfc8785, zxing-cpp and this package only.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from certificates._internal.pdfattach import attach_file, set_xmp_metadata
from certificates._internal.timefmt import LONG_AGO, beijing_text, parse_utc, pdf_date, xmp_date
from certificates._internal.xmp import DocumentInfo, xmp_packet
from certificates.errors import CertificateError
from certificates.pdf.fonts import CJKFont, find_cjk_font
from certificates.pdf.layouts import ATTACHMENT_NAME, Layout, issuer_name, layout_for, pick_value, value_lines
from certificates.pdf.prose import BEIJING, cn_date
from certificates.pdf.qr import credential_digest_b64url, draw_qr, qr_matrix, verification_url
from certificates.pdf.seal import DEFAULT_SEAL_NUMBER, Seal, credential_seal_binding, draw_seal

QR_SIZE = 40 * mm  # with the quiet zone; the symbol itself stays above 30 mm up to version 10
MARGIN = 20 * mm
QR_Y = MARGIN + 1 * mm  # its caption below stays inside the frame
QR_LABEL_GAP = 3.2 * mm
# The signature line (落款): "签发机构 Issuer: …" right-aligned above the footer, the issue date in Chinese
# below its end, and the office's seal stamped over both (GB/T 9704: the seal presses down on the issuer
# and the date); the seal's SM2 caption sits between the seal and the QR code, right of the footer's text.
SIGNATURE_Y = MARGIN + QR_SIZE + 34 * mm
SIGNATURE_SIZE = 10.0
FOOTER_TOP = SIGNATURE_Y - 4.6 * mm  # the first footer line's baseline
SEAL_RADIUS = 18 * mm
# The caption's two lines take ~6.7 mm under the seal, and stay above the QR code's quiet zone.
SEAL_CENTRE_Y = QR_Y + QR_SIZE + 7.2 * mm + SEAL_RADIUS
SIGNATURE_DATE_Y = SEAL_CENTRE_Y - 1.5 * mm
FIELDS_BOTTOM = SEAL_CENTRE_Y + SEAL_RADIUS + 1 * mm  # the fields (and statement) stay above the seal
CLIPPED = "……（全文见内嵌 credential.json / full text in credential.json）"


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"  # CJK, and full-width forms: breakable anywhere
_TOKEN = re.compile(f"[{_WIDE}]|[^\\s{_WIDE}]+\\s*|\\s+")


@functools.lru_cache(maxsize=8192)
def _width(token: str, font: str, size: float) -> float:
    return stringWidth(token, font, size)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break a line to fit `width`: between CJK characters, at Latin spaces, inside over-long words."""
    lines, current, used = [], "", 0.0
    for token in _TOKEN.findall(text):
        core = token.rstrip()
        if current and used + _width(core, font, size) > width:
            lines.append(current.rstrip())
            current, used, token = "", 0.0, token.lstrip()
        while token and _width(token.rstrip(), font, size) > width:  # a URL wider than the line
            cut = next(i for i in range(len(token), 0, -1) if _width(token[:i], font, size) <= width)
            lines.append(token[:cut])
            token = token[cut:]
        current += token
        used += _width(token, font, size)
    return [*lines, current.rstrip()]


def _row_height(size: float, rows: list[str], least: float = 8 * mm) -> float:
    return max(len(rows) * size * 1.35, least) + 2.5 * mm


def _layout_fields(
    subject: dict[str, Any], layout: Layout, font: str, width: float, space: float
) -> tuple[float, list[tuple[str, str, list[str]]]]:
    """Wrap the subject fields at the largest size that fits `space`; clip at the smallest if none does."""
    for size in (10.5, 9.5, 8.5):
        fields = [
            (zh, en, [row for line in value_lines(pick_value(subject, keys), layout.values)
                      for row in _wrap(line, font, size, width)])
            for zh, en, keys, _ in layout.fields
        ]  # fmt: skip
        if sum(_row_height(size, rows, layout.row_min) for _, _, rows in fields) <= space:
            return size, fields
    # Still too long for one page: the paper shows what fits, the embedded credential is complete.
    clipped, left, floor = [], space, _row_height(size, ["x"], layout.row_min)
    for number, (zh, en, rows) in enumerate(fields):
        allowed = left - (len(fields) - number - 1) * floor  # keep one line for every later field
        while len(rows) > 1 and _row_height(size, rows, layout.row_min) > allowed:
            rows = [*rows[:-2], CLIPPED]
        clipped.append((zh, en, rows))
        left -= _row_height(size, rows, layout.row_min)
    return size, clipped


# The statement box: Chinese then English, each (font size, line height), inside a padded frame.
STATEMENT_SIZES = ((10.5, 5.2 * mm), (9, 4.4 * mm))
STATEMENT_PADDING = 3 * mm


def _statement_rows(layout: Layout, font: str, width: float) -> list[tuple[float, float, list[str]]]:
    """Wrap the layout's bilingual statement, if it has one, as (size, line height, rows) per language."""
    if layout.statement is None:
        return []
    return [
        (size, leading, _wrap(text, font, size, width))
        for text, (size, leading) in zip(layout.statement, STATEMENT_SIZES, strict=True)
    ]


def _statement_height(statement: list[tuple[float, float, list[str]]]) -> float:
    return sum(len(rows) * leading for _, leading, rows in statement) + 2 * STATEMENT_PADDING


def _draw_statement(
    canvas: Canvas,
    statement: list[tuple[float, float, list[str]]],
    font: str,
    x: float,
    top: float,
    width: float,
) -> None:
    """Draw the statement in a framed, tinted box whose top edge is at `top`."""
    height = _statement_height(statement)
    canvas.setFillColorRGB(0.99, 0.95, 0.93)
    canvas.setStrokeColorRGB(0.55, 0.1, 0.1)
    canvas.setLineWidth(1)
    canvas.rect(x, top - height, width, height, stroke=1, fill=1)
    canvas.setFillColorRGB(0.45, 0.05, 0.05)
    y = top - STATEMENT_PADDING
    for size, leading, rows in statement:
        canvas.setFont(font, size)
        for row in rows:
            y -= leading
            canvas.drawString(x + STATEMENT_PADDING, y + (leading - size) / 2, row)
    canvas.setFillColorRGB(0, 0, 0)


def _issued_at(credential: Mapping[str, Any]) -> datetime | None:
    try:
        return parse_utc(str(credential.get("validFrom")))
    except CertificateError:
        return None


def _describe(canvas: Canvas, credential: Mapping[str, Any], layout: Layout, number: str) -> str:
    """Write the document information and XMP metadata; return the PDF date string of the issue time."""
    subject = credential.get("credentialSubject") or {}
    enterprise = " ".join(value_lines(pick_value(subject, layout.fields[0].keys), layout.values))
    issued = _issued_at(credential) or LONG_AGO
    info = DocumentInfo(
        title=f"{layout.title_zh} {layout.title_en} {number}",
        author=issuer_name(credential, layout),
        subject=f"{layout.title_zh} {layout.title_en}: {enterprise}",
        keywords=f"{number}, {ATTACHMENT_NAME}, W3C Verifiable Credential",
        created=xmp_date(issued),
        creator_tool="Sandbox",
        producer="Sandbox certificates (reportlab)",
    )
    canvas.setTitle(info.title)
    canvas.setAuthor(info.author)
    canvas.setSubject(info.subject)
    canvas.setKeywords(info.keywords)
    canvas.setCreator(info.creator_tool)
    canvas.setProducer(info.producer)
    date = pdf_date(issued)
    # invariant=1 pins every date to 2000-01-01; the issue time is as reproducible and is the truth.
    canvas.setDateFormatter(lambda *_: date)
    set_xmp_metadata(canvas, xmp_packet(info))
    return date


def _footer(credential: Mapping[str, Any], layout: Layout, transparency: Mapping[str, Any],
            digest_hex: str) -> list[str]:  # fmt: skip
    issued = _issued_at(credential)
    zh, en = beijing_text(issued) if issued else ("—", "—")
    index, size = transparency.get("leafIndex"), transparency.get("treeSize")
    # People count from one: the log's entry 0 is printed as 第 1 条.
    entry = index + 1 if isinstance(index, int) and not isinstance(index, bool) else "—"
    return [  # the issuer is the signature line, drawn with the seal (`_draw_signature`)
        f"签发时间 Issued: {zh}（北京时间）/ {en} Beijing time",
        f"凭证摘要 Credential digest (SHA-256): {digest_hex[:16]}…",
        f"透明日志 Transparency log: {transparency.get('origin', '—')} · 第 {entry} 条，共 {size or '—'} 条 "
        f"/ entry {entry} of {size or '—'}",
    ]


def _draw_signature(canvas: Canvas, credential: Mapping[str, Any], layout: Layout, font: str,
                    seal_number: str, right: float, left: float, footer_right: float) -> None:  # fmt: skip
    """The signature with the issue date in Chinese under its end, and the seal stamped over both.

    The issuer's first (Chinese) name ends the line ``签发机构 Issuer: …``, where the seal presses on it;
    its other names, if it has any, follow in a smaller line beneath, still above the footer.
    """
    office, *others = issuer_name(credential, layout).split(" / ")
    lines = [(f"签发机构 Issuer: {office}", SIGNATURE_SIZE)]
    if others:
        lines.append((" / ".join(others), SIGNATURE_SIZE - 2))
    y = SIGNATURE_Y + (len(lines) - 1) * SIGNATURE_SIZE * 1.3
    canvas.setFillColorRGB(0, 0, 0)
    for line, wanted in lines:
        size = wanted
        while size > 6 and _width(line, font, size) > right - left:
            size -= 0.5
        canvas.setFont(font, size)
        canvas.drawRightString(right, y, line)
        y -= SIGNATURE_SIZE * 1.3
    issued = _issued_at(credential)
    day = cn_date(issued.astimezone(BEIJING).date()) if issued else "—"
    cx = right - SEAL_RADIUS - 2 * mm
    canvas.setFont(font, SIGNATURE_SIZE)
    canvas.drawCentredString(cx, SIGNATURE_DATE_Y, day)
    seal = Seal(office=office, number=seal_number, binding=credential_seal_binding(credential))
    caption_width = 2 * (min(right + 4 * mm - cx, cx - footer_right) - 0.5 * mm)
    draw_seal(canvas, cx, SEAL_CENTRE_Y, seal, font, radius=SEAL_RADIUS, caption_width=caption_width,
              caption_size=6)  # fmt: skip


def render_certificate_pdf(
    bundle: dict[str, Any],
    *,
    verify_base_url: str,
    font: CJKFont | None = None,
    cert_id: str | None = None,
    seal_number: str | None = None,
) -> bytes:
    """Render the credential of a bundle ``{"credential": …, "transparency": …}``; return PDF bytes.

    The page's words follow the credential's type (`certificates.pdf.layouts.layout_for`). The office's
    seal, numbered `seal_number` (default `DEFAULT_SEAL_NUMBER`), is stamped over the signature block and
    bound to the credential's SM2 proof when it has one (`certificates.pdf.seal`). The result is the
    unsigned page; `certificates.pdf.sign.sign_certificate_pdf` signs it.
    """
    font = font or find_cjk_font()
    credential = bundle["credential"]
    layout = layout_for(credential)
    subject = credential.get("credentialSubject") or {}
    transparency = bundle.get("transparency") or {}
    number = str(pick_value(subject, layout.number_keys) or "—")
    cert_id = cert_id or (transparency.get("entry") or {}).get("certId") or number
    digest = credential_digest_b64url(credential)
    digest_hex = base64.urlsafe_b64decode(digest + "=").hex()
    url = verification_url(verify_base_url, cert_id, digest)

    buffer = io.BytesIO()
    # pageCompression=0: compressing the page stream costs ~3 ms (a quarter of the render) for ~30 KB;
    # fonts and the attachment are compressed regardless.
    canvas = Canvas(
        buffer,
        pagesize=A4,
        invariant=1,
        pageCompression=0,
        initialFontName=font.name,  # type: ignore[arg-type]  # types-reportlab 5.0 wants a number here
        initialFontSize=10,
        lang="zh-CN",
    )
    date = _describe(canvas, credential, layout, number)
    width, height = A4
    f = font.name

    canvas.setStrokeColorRGB(0.55, 0.1, 0.1)
    canvas.setLineWidth(2)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.5)
    canvas.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)

    y = height - layout.title_top
    canvas.setFont(f, 28)
    canvas.drawCentredString(width / 2, y, layout.title_zh)
    canvas.setFont(f, 14)
    canvas.drawCentredString(width / 2, y - 9 * mm, layout.title_en)
    canvas.setFont(f, 10.5)
    canvas.drawCentredString(width / 2, y - 17 * mm, f"{layout.number_label}: {number}")

    label_x, value_x, value_w = MARGIN + 4 * mm, MARGIN + 52 * mm, width - 2 * MARGIN - 56 * mm
    y -= layout.fields_gap
    statement = _statement_rows(layout, f, width - 2 * MARGIN - 14 * mm)
    reserved = _statement_height(statement) + 3 * mm if statement else 0
    size, fields = _layout_fields(subject, layout, f, value_w, y - FIELDS_BOTTOM - reserved)
    for zh, en, rows in fields:
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(f, 10.5)
        canvas.drawString(label_x, y, zh)
        canvas.setFont(f, 7.5)
        canvas.setFillColorRGB(0.35, 0.35, 0.35)
        canvas.drawString(label_x, y - 3.6 * mm, en)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(f, size)
        for i, row in enumerate(rows):
            canvas.drawString(value_x, y - i * size * 1.35, row)
        y -= _row_height(size, rows, layout.row_min)
    if statement:
        _draw_statement(canvas, statement, f, label_x - 2 * mm, y + 1 * mm, width - 2 * MARGIN - 4 * mm)

    text_w = width - 2 * MARGIN - QR_SIZE - 10 * mm
    y = FOOTER_TOP
    canvas.setFont(f, 9)
    for line in _footer(credential, layout, transparency, digest_hex):
        for row in _wrap(line, f, 9, text_w):
            canvas.drawString(label_x, y, row)
            y -= 4.6 * mm
    y -= 2 * mm
    canvas.setFont(f, 8)
    canvas.setFillColorRGB(0.25, 0.25, 0.25)
    for paragraph in (*((layout.remedies,) if layout.remedies else ()), *layout.notice, url):
        for row in _wrap(paragraph, f, 8, text_w):
            canvas.drawString(label_x, y, row)
            y -= 4 * mm
        y -= 1.5 * mm

    right = width - MARGIN - 4 * mm
    _draw_signature(canvas, credential, layout, f, seal_number or DEFAULT_SEAL_NUMBER, right, label_x,
                    label_x + text_w)  # fmt: skip

    qr_x, qr_y = width - MARGIN - QR_SIZE, QR_Y
    draw_qr(canvas, qr_matrix(url), qr_x, qr_y, QR_SIZE)
    canvas.setFont(f, 8)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - QR_LABEL_GAP, "扫码核验 Scan to verify")

    payload = json.dumps(bundle, ensure_ascii=False, indent=2, sort_keys=True).encode()
    attach_file(canvas, ATTACHMENT_NAME, payload, layout.attachment_description, pdf_date=date)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
