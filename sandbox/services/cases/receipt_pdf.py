"""The acceptance receipt (受理回执 / 备案通知书) as a one-page A4 PDF, Chinese first, English beneath.

Draws with reportlab on a canvas, the CJK font embedded (`certificates.pdf.fonts`) and the QR code
drawn as vector runs (`certificates.pdf.qr`). The office signs at the bottom right (落款: its name and the
acceptance date in Chinese), with its seal stamped over both when the facts carry one
(`certificates.pdf.seal`). The QR code leads to the public progress page with the
filing number filled in, never the query code: a photographed QR code must not open the case.
Knows nothing of the database; `services.cases.progress` gathers the facts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from certificates.pdf.fonts import CJKFont
from certificates.pdf.prose import cn_date
from certificates.pdf.qr import draw_qr, qr_matrix
from certificates.pdf.seal import Seal, draw_seal
from workflows.states import CaseState, state_label

MUTED = (0.35, 0.38, 0.42)
OFFICE = "北京经济技术开发区数据监管沙盒办公室"
QR_SIZE = 38 * mm
QR_Y = 26 * mm
# The signature (落款) above the QR code, the seal pressing on the office's name and the date; the seal's
# caption (its SM2 binding) fits between the seal and the QR code.
SEAL_RADIUS = 20 * mm
SEAL_CENTRE_Y = QR_Y + QR_SIZE + 9 * mm + SEAL_RADIUS
SIGNATURE_Y = SEAL_CENTRE_Y + 6 * mm
DATE_Y = SEAL_CENTRE_Y - 1 * mm


@dataclass(frozen=True)
class ReceiptFacts:
    filing_number: str
    title: str
    enterprise: str
    accepted_on: date
    stage_days: tuple[tuple[CaseState, int], ...]
    progress_url: str
    query_code: str | None  # printed only on the copy issued with the code
    seal: Seal | None = None  # the office's seal over the signature; None: the signature alone
    # The office's SM2 signature over `receipt_payload` (key id, base64url DER), printed so that anyone can
    # check it with the public key from the JWKS; the seal's binding is its digest.
    sm2_signature: tuple[str, str] | None = None


def receipt_payload(facts: ReceiptFacts, issuer: str) -> dict[str, str]:
    """What the office's SM2 signature on a receipt covers (signed as RFC 8785 bytes): the receipt's facts."""
    return {
        "type": "SandboxFilingReceipt",
        "issuer": issuer,
        "filingNumber": facts.filing_number,
        "project": facts.title,
        "enterprise": facts.enterprise,
        "acceptedOn": facts.accepted_on.isoformat(),
    }


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break `text` into lines no wider than `width`, between any two characters (Chinese has no spaces)."""
    lines, current = [], ""
    for char in text:
        if current and stringWidth(current + char, font, size) > width:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current]


def render_receipt(facts: ReceiptFacts, *, font: CJKFont) -> bytes:
    """Return the receipt as PDF bytes."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, lang="zh-CN")
    canvas.setTitle(f"受理回执 Acceptance receipt {facts.filing_number}")
    canvas.setAuthor("北京经开区数据监管沙盒")
    canvas.setCreator("Sandbox")
    width, height = A4
    left, y = 22 * mm, height - 28 * mm

    def line(text: str, size: float = 11, gap: float = 6.5, muted: bool = False) -> None:
        nonlocal y
        canvas.setFont(font.name, size)
        canvas.setFillColorRGB(*(MUTED if muted else (0, 0, 0)))
        canvas.drawString(left, y, text)
        y -= gap * mm

    canvas.setFont(font.name, 20)
    canvas.drawCentredString(width / 2, y, "数据监管沙盒项目备案受理回执")
    y -= 8 * mm
    canvas.setFont(font.name, 11)
    canvas.setFillColorRGB(*MUTED)
    canvas.drawCentredString(
        width / 2, y, "Beijing E-Town Data Regulatory Sandbox — Filing acceptance receipt"
    )
    y -= 14 * mm
    rows = (
        ("备案编号", "Filing number", facts.filing_number),
        ("项目名称", "Project", facts.title),
        ("申请单位", "Enterprise", facts.enterprise),
        ("受理日期", "Accepted on", f"{cn_date(facts.accepted_on)}  ({facts.accepted_on.isoformat()})"),
    )
    for zh, en, value in rows:
        # Long project or enterprise names wrap under their label.
        indent = stringWidth(f"{zh}：", font.name, 12)
        first, *rest = _wrap(value, font.name, 12, width - 2 * left - indent)
        line(f"{zh}：{first}", size=12, gap=5.5)
        for more in rest:
            canvas.drawString(left + indent, y, more)
            y -= 5.5 * mm
        line(en, size=9, gap=7.5, muted=True)
    y -= 3 * mm
    line("各阶段办理时限（工作日，遇法定节假日顺延）", size=13, gap=5.5)
    line("Time limits per stage (working days, Chinese public holidays excluded)", size=9, muted=True)
    for state, days in facts.stage_days:
        line(f"  {state_label(state)}：{days} 个工作日", gap=5)
        line(f"  {state_label(state, 'en')}: {days} working days", size=9, gap=6.5, muted=True)
    y -= 3 * mm
    if facts.query_code:
        line(f"办件查询码：{facts.query_code}", size=16, gap=6.5)
        line(f"Progress query code: {facts.query_code}", size=10, gap=5, muted=True)
        line(
            "请妥善保管。查询码只在本回执中出现一次；遗失后可在案件页面重新生成，原查询码随即失效。",
            size=9,
            gap=4.5,
        )
        line(
            "Keep it safe: it is printed only here. If lost, issue a new one on the case page;",
            size=8,
            gap=4,
            muted=True,
        )
        line("the old code then stops working.", size=8, gap=7, muted=True)
    else:
        line("办件查询码已随首份回执发放，本副本不载明查询码。", size=10, gap=5)
        line("The query code was given on the receipt issued with it; this copy does not show it.", size=8,
             gap=7, muted=True)  # fmt: skip
    right = width - 22 * mm
    draw_qr(canvas, qr_matrix(facts.progress_url), right - QR_SIZE, QR_Y, QR_SIZE)
    canvas.setFont(font.name, 10)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawString(left, 52 * mm, "扫码或访问以下地址，输入备案编号和办件查询码，即可查询办理进度：")
    canvas.setFont(font.name, 8)
    canvas.setFillColorRGB(*MUTED)
    canvas.drawString(
        left, 47 * mm, "Scan the code or open this address and enter the filing number and query code:"
    )
    canvas.setFont(font.name, 9)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawString(left, 41 * mm, facts.progress_url)
    if facts.sm2_signature is not None:
        kid, value = facts.sm2_signature
        canvas.setFont(font.name, 7)
        canvas.setFillColorRGB(*MUTED)
        label = f"国密 SM2 签名 SM2 signature (SM3, RFC 8785 of the facts), key {kid}:"
        canvas.drawString(left, 35 * mm, label)
        room = right - QR_SIZE - 4 * mm - left
        for i, row in enumerate(_wrap(value, font.name, 6.5, room)[:3]):
            canvas.setFont(font.name, 6.5)
            canvas.drawString(left, (31.5 - 3 * i) * mm, row)
        canvas.setFillColorRGB(0, 0, 0)
    office = facts.seal.office if facts.seal else OFFICE
    cx = right - SEAL_RADIUS - 2 * mm
    canvas.setFont(font.name, 11)
    canvas.drawRightString(right, SIGNATURE_Y, office)
    canvas.drawCentredString(cx, DATE_Y, cn_date(facts.accepted_on))
    if facts.seal is not None:
        draw_seal(canvas, cx, SEAL_CENTRE_Y, facts.seal, font.name, radius=SEAL_RADIUS,
                  caption_width=2 * (right - cx))  # fmt: skip
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
