"""The certificate PDF: scanned QR, extractable Chinese text, embedded font and bundle, reproducibility."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import rfc8785
import zxingcpp
from PIL import Image
from pypdf import PdfReader, PdfWriter

import certificates.pdf.render as pdf_module
from certificates.errors import CertificateVerificationError
from certificates.pdf.fonts import find_cjk_font
from certificates.pdf.qr import credential_digest_b64url, verification_url
from certificates.pdf.read import extract_bundle
from certificates.pdf.render import render_certificate_pdf
from certificates.pdf.scan import scan_printed_qr
from tests.conftest import REQUIRE_ALL

# Only QR codes: a page of text can make a 1D decoder "read" a barcode (the product's scanner looks
# for QR codes alone too, `certificates.pdf.scan`).
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)

DATA = Path(__file__).parents[1] / "data" / "pdf"
BASE = "https://sandbox.example.cn"
POPPLER = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not REQUIRE_ALL, reason="needs poppler-utils"
)
EMBEDDED = pytest.mark.skipif(
    not find_cjk_font().embedded and not REQUIRE_ALL, reason="needs fonts-wqy-zenhei or similar"
)


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return json.loads((DATA / "bundle.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdf(bundle: dict[str, Any]) -> bytes:
    return render_certificate_pdf(bundle, verify_base_url=BASE)


def run(*args: str | Path, data: bytes | None = None) -> bytes:
    return subprocess.run([str(a) for a in args], input=data, capture_output=True, check=True).stdout


def scan(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "c.pdf").write_bytes(pdf)
    run("pdftoppm", "-r", "150", "-png", "-singlefile", tmp_path / "c.pdf", tmp_path / "page")
    [code] = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"), formats=QR_ONLY)
    assert code.format == zxingcpp.BarcodeFormat.QRCode and code.ec_level == "Q"
    assert int(code.extra["Version"]) <= 10  # type: ignore[index]
    return code.text


@POPPLER
def test_printed_qr_matches_the_embedded_credential(pdf: bytes, bundle: dict, tmp_path: Path) -> None:
    embedded = json.loads(PdfReader(io.BytesIO(pdf)).attachments["credential.json"][0])
    assert embedded == bundle == extract_bundle(pdf)
    text = scan(pdf, tmp_path)
    digest = credential_digest_b64url(embedded["credential"])
    assert text == verification_url(BASE, "BJET-SBX-2025-0007", digest)
    assert scan_printed_qr(pdf).text == text  # the verifier's own bounded renderer reads the same


@POPPLER
@EMBEDDED
def test_chinese_text_is_extractable_and_the_font_embedded(pdf: bytes, bundle: dict[str, Any]) -> None:
    text = run("pdftotext", "-enc", "UTF-8", "-", "-", data=pdf).decode()
    for expected in (
        "出盒证明",
        "北京亦庄智驾科技有限公司",
        "91110302MA01ABCD3X",
        "自动驾驶",
        "测试车辆数: 20 辆",
        "BJET-SBX-2025-0007",
        "2025-01-15 至 to 2025-06-15",
        "北京经济技术开发区数据监管沙盒管理办公室",
    ):
        assert expected in text
    assert text.index("出盒证明") < text.index("Sandbox Exit Certificate")  # Chinese first
    digest_hex = hashlib.sha256(rfc8785.dumps(bundle["credential"])).hexdigest()
    assert digest_hex[:16] in text
    fonts = run("pdffonts", "-", data=pdf).decode().splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert all("WenQuanYi" in line or "CJK" in line or "Droid" in line or "AR" in line for line in fonts)


def test_output_is_reproducible(pdf: bytes, bundle: dict[str, Any]) -> None:
    assert render_certificate_pdf(copy.deepcopy(bundle), verify_base_url=BASE) == pdf
    script = (
        "import json, sys; from certificates.pdf.render import render_certificate_pdf as r; "
        "bundle = json.load(open(sys.argv[1], encoding='utf-8')); "
        "sys.stdout.buffer.write(r(bundle, verify_base_url=sys.argv[2]))"
    )
    other_process = run(sys.executable, "-c", script, DATA / "bundle.json", BASE)
    assert other_process == pdf
    changed = copy.deepcopy(bundle)
    changed["credential"]["credentialSubject"]["exitDate"] = "2025-07-01"
    assert render_certificate_pdf(changed, verify_base_url=BASE) != pdf


def swap_attachment(pdf: bytes, new_bundle: dict[str, Any]) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    del writer._root_object["/Names"]  # drop the original attachment, keep the printed page
    writer.add_attachment("credential.json", json.dumps(new_bundle, ensure_ascii=False).encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@POPPLER
def test_a_swapped_credential_is_detected(pdf: bytes, bundle: dict[str, Any], tmp_path: Path) -> None:
    printed = scan(pdf, tmp_path)
    forged = copy.deepcopy(bundle)
    forged["credential"]["credentialSubject"]["outcome"] = "passed_with_conditions"
    forged_pdf = swap_attachment(pdf, forged)
    assert extract_bundle(forged_pdf) == forged  # the reader follows the rewritten file
    # What the printed_qr check compares: the paper still carries the original credential's digest.
    assert printed.endswith(credential_digest_b64url(bundle["credential"]))
    assert not printed.endswith(credential_digest_b64url(forged["credential"]))
    with pytest.raises(CertificateVerificationError) as err:
        extract_bundle(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")
    assert err.value.code in ("pdf", "attachment")


@POPPLER
def test_fallback_font_is_flagged_and_still_renders(bundle: dict[str, Any], tmp_path: Path) -> None:
    fallback = find_cjk_font(candidates=())
    assert not fallback.embedded and "NOT embedded" in (fallback.warning or "")
    pdf = render_certificate_pdf(bundle, verify_base_url=BASE, font=fallback)
    # Read from the PDF itself: pdffonts leaves out a CID font it has no Adobe-GB1 data for (no poppler-data).
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()  # type: ignore[index]
    assert [font.get_object()["/BaseFont"] for font in fonts] == ["/STSong-Light"]
    assert scan(pdf, tmp_path).startswith(BASE + "/c/BJET-SBX-2025-0007#sha256=")


@POPPLER
def test_overlong_subjects_are_clipped_on_paper_not_in_the_attachment(bundle: dict, tmp_path: Path) -> None:
    long = copy.deepcopy(bundle)
    subject = long["credential"]["credentialSubject"]
    subject["conditions"] = [c * 3 for c in subject["conditions"]] * 5
    subject["testedBoundaries"] = "单个字符串形式的测试边界"  # whatever shape the credential uses
    pdf = render_certificate_pdf(long, verify_base_url=BASE)
    text = run("pdftotext", "-enc", "UTF-8", "-", "-", data=pdf).decode()
    assert pdf_module.CLIPPED.replace(" ", "")[:8] in text.replace(" ", "") and "单个字符串形式" in text
    assert "结论" in text and "出盒日期" in text  # later fields keep their line
    assert extract_bundle(pdf) == long
    assert scan(pdf, tmp_path).endswith(credential_digest_b64url(long["credential"]))


@EMBEDDED
def test_unusable_fonts_are_refused() -> None:
    cff = next(Path("/usr/share/fonts/opentype").rglob("*.otf"), None)
    no_cjk = next(Path("/usr/share/fonts/truetype").rglob("DejaVuSans.ttf"), None)
    for configured in filter(None, (cff, no_cjk, Path("/nonexistent/font.ttf"))):
        font = find_cjk_font(configured)
        assert font.embedded and font.warning and str(configured) in font.warning
    if cff is not None:
        assert "postscript outlines" in find_cjk_font(cff).warning


def widget_qr(canvas: Any, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code with reportlab's own widget: the slow path the fast encoder replaces."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(url, barLevel="Q", barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def test_render_time_against_the_reportlab_widget(bundle: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """Print (do not assert) the per-page time of the fast path and of reportlab's QR widget."""

    def per_page(n: int) -> float:
        render_certificate_pdf(bundle, verify_base_url=BASE)
        started = time.perf_counter()
        for _ in range(n):
            render_certificate_pdf(bundle, verify_base_url=BASE)
        return (time.perf_counter() - started) / n * 1000

    fast = per_page(10)
    monkeypatch.setattr(pdf_module, "qr_matrix", lambda url: url)
    monkeypatch.setattr(pdf_module, "draw_qr", widget_qr)
    slow = per_page(2)
    print(
        f"\nper page: zxing-cpp vectors {fast:.1f} ms, reportlab QrCodeWidget {slow:.1f} ms, "
        f"ratio {fast / slow:.3f}"
    )
