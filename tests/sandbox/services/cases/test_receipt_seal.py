"""The acceptance receipt's signature: the office's name and the date in Chinese, its seal pressed on them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.units import mm

from certificates.pdf.fonts import find_cjk_font
from certificates.pdf.seal import NO_BINDING_TEXT, SEAL_TITLE, Seal, printed_seal_binding
from sandbox.services.cases.receipt_pdf import OFFICE, ReceiptFacts, render_receipt
from tests.certificates.pdf.test_pdf import EMBEDDED, POPPLER
from tests.certificates.test_seal import pdftotext, red_box
from workflows.states import CaseState


def receipt(seal: Seal | None) -> bytes:
    facts = ReceiptFacts(
        filing_number="YZSB-2026-0013",
        title="具身智能仓储机器人",
        enterprise="北京亦庄智能驾驶科技有限公司",
        accepted_on=date(2026, 12, 7),
        stage_days=((CaseState.RISK_ASSESSMENT, 15), (CaseState.TECHNICAL_VERIFICATION, 20)),
        progress_url="https://sandbox.example.cn/progress?number=YZSB-2026-0013",
        query_code="7KQ2-XM4D",
        seal=seal,
    )
    return render_receipt(facts, font=find_cjk_font())


@POPPLER
@EMBEDDED
def test_the_receipt_is_signed_and_sealed(tmp_path: Path) -> None:
    unsealed = pdftotext(receipt(None))
    assert OFFICE in unsealed and "2026年12月7日" in unsealed and SEAL_TITLE not in unsealed
    pdf = receipt(Seal(office=OFFICE, number="1101150026007", binding=None))
    text = pdftotext(pdf)
    assert SEAL_TITLE in text and "1101150026007" in text and NO_BINDING_TEXT in text
    bound = pdftotext(receipt(Seal(office=OFFICE, number="1101150026007", binding="3F2A 9C01 77B0 12DE")))
    assert printed_seal_binding(bound) == "3F2A 9C01 77B0 12DE" and NO_BINDING_TEXT not in bound
    assert receipt(Seal(OFFICE, "1101150026007", None)) == pdf  # reproducible
    left, bottom, right, top = red_box(pdf, tmp_path)
    assert bottom > 26 * mm + 38 * mm and right < 210 * mm - 20 * mm  # above the QR code, inside the page
