"""A filing accepted through the real API, its acceptance receipt, and the query code read off that PDF."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.case_flow import CaseFlow
from tests.certificates.pdf.test_pdf import QR_ONLY


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def code_in(pdf: bytes) -> str | None:
    """The query code printed on a receipt, or None when the copy does not print one."""
    found = re.search(r"Progress query code: ([0-9A-Z]{4}-[0-9A-Z]{4})", pdf_text(pdf))
    return found.group(1) if found else None


def qr_text(pdf: bytes, folder: Path) -> str:
    """Render the receipt's page and decode its QR code."""
    (folder / "receipt.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(folder / "receipt.pdf"), str(folder / "page")],
        check=True,
    )
    [code] = zxingcpp.read_barcodes(Image.open(folder / "page.png"), formats=QR_ONLY)
    return code.text


def accepted(client, session) -> tuple[CaseFlow, dict, bytes]:
    """A case whose filing was accepted, the case as the API shows it, and its receipt."""
    flow = CaseFlow(client, session)
    case = flow.to("risk_assessment")
    response = flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}/receipt")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return flow, case, response.data
