"""The typical-case collection PDF: contents with page numbers, Chinese text, a scannable QR code per shown
certificate, none for a withheld one, the font embedded, and the same bytes for the same data."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from certificates.pdf.collection import WITHHELD, Collection, CollectionEntry, render_collection_pdf
from certificates.pdf.fonts import find_cjk_font
from tests.certificates.pdf.test_pdf import QR_ONLY
from tests.conftest import REQUIRE_ALL

URL = "https://sandbox.example.cn/c/0f1e2d3c4b5a69788796a5b4c3d2e1f0#sha256=" + "Qk" * 21 + "A"
POPPLER = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not REQUIRE_ALL, reason="needs poppler-utils"
)
EMBEDDED = pytest.mark.skipif(
    not find_cjk_font().embedded and not REQUIRE_ALL, reason="needs fonts-wqy-zenhei or similar"
)

SHOWN = CollectionEntry(
    title="自动驾驶出租车数据车端匿名化闭环",
    background="自动驾驶出租车在道路测试中持续采集车外影像。\n第二段：<b>不是标记</b> & 符号。",
    tested="人脸与车牌在车端完成匿名化后再上传。",
    boundaries="测试车辆数：20 辆",
    results="按期出盒。",
    lessons="匿名化越靠近采集端越好。",
    enterprise_name="北京亦庄智驾科技有限公司",
    uscc="91110302MA01YJ8K35",
    project_title="L4级自动驾驶出租车道路测试数据闭环",
    filing_number="YZSB-2026-0001",
    trial_period="2026-01-01 至 to 2026-06-30",
    exit_date="2026-07-01",
    certificate_number="YZCC-2026-0001",
    verification_url=URL,
    published_on="2026-08-01",
)
HIDDEN = CollectionEntry(
    title="去标识化医学影像多中心验证",
    background="医学影像需要多家医院验证。" * 40,  # long enough to run onto a second page
    tested="院内隐私计算。",
    boundaries="影像不出院。",
    results="按期出盒。",
    lessons="数据不动模型动。",
)
COLLECTION = Collection(
    sector_zh="自动驾驶",
    sector_en="Autonomous driving",
    year=2026,
    issuer_zh="北京经济技术开发区数据监管沙盒办公室",
    issuer_en="Beijing E-Town Data Regulatory Sandbox Office",
    entries=(SHOWN, HIDDEN),
)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_collection_pdf(COLLECTION)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text; the ideographic space of the headings comes out as a plain one."""
    return [(page.extract_text() or "").replace("\u3000", " ") for page in PdfReader(io.BytesIO(pdf)).pages]


def test_cover_contents_and_sections(pdf: bytes) -> None:
    pages = page_texts(pdf)
    assert "2026年度自动驾驶领域典型标杆案例集" in pages[0]
    assert "北京经济技术开发区数据监管沙盒办公室" in pages[0]
    contents = pages[1]
    assert "目录" in contents
    # The contents name each case, in order, with the page its section starts on, and those pages say so.
    numbers = [int(n) for n in re.findall(r"(?:\.\s+)+(\d+)", contents)]
    assert numbers == [3, 4]
    for number, (entry, page_number) in enumerate(zip(COLLECTION.entries, numbers, strict=True), start=1):
        assert f"案例{number} {entry.title}" in contents
        page = pages[page_number - 1]
        assert f"案例{number} {entry.title}" in page and f"— {page_number} —" in page
    first = pages[2]
    for text in ("案例背景", "测试内容", "测试边界", "测试结果", "经验启示", "北京亦庄智驾科技有限公司",
                 "YZCC-2026-0001", "YZSB-2026-0001", "<b>不是标记</b> & 符号"):  # fmt: skip
        assert text in first, text
    assert "Typical Cases 2026: Autonomous driving" in first  # the running header


def test_withheld_facts_print_as_withheld_without_qr(pdf: bytes) -> None:
    hidden_pages = "\n".join(page_texts(pdf)[3:])
    assert hidden_pages.count(WITHHELD) == 7
    assert "YZCC" not in hidden_pages and "二维码" in hidden_pages


def test_pdf_metadata_and_embedded_font(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert (
        reader.metadata.title == "2026年度自动驾驶领域典型标杆案例集 Typical Cases 2026: Autonomous driving"
    )
    assert [item.title for item in reader.outline] == ["案例1　自动驾驶出租车数据车端匿名化闭环",  # type: ignore[union-attr]
                                                        "案例2　去标识化医学影像多中心验证"]  # fmt: skip
    names = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    if find_cjk_font().embedded:  # only subsets of the embedded font: no Helvetica from a default style
        assert names and all("+" in name for name in names), names


@POPPLER
@EMBEDDED
def test_pdffonts_reports_every_font_embedded(pdf: bytes) -> None:
    listing = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = listing.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), listing


def render_page(path: Path, number: int) -> Image.Image:
    out = path.with_name(f"page{number}")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", str(number), "-l", str(number),
                    path, out], check=True)  # fmt: skip
    return Image.open(out.with_suffix(".png"))


@POPPLER
def test_qr_scans_to_the_verification_url(pdf: bytes, tmp_path: Path) -> None:
    (tmp_path / "c.pdf").write_bytes(pdf)
    [code] = zxingcpp.read_barcodes(render_page(tmp_path / "c.pdf", 3), formats=QR_ONLY)
    assert code.format == zxingcpp.BarcodeFormat.QRCode and code.ec_level == "Q"
    assert code.text == URL
    withheld = render_page(tmp_path / "c.pdf", 4)  # the withheld certificate's page: no QR code
    assert zxingcpp.read_barcodes(withheld, formats=QR_ONLY) == []


def test_output_is_reproducible(pdf: bytes) -> None:
    assert render_collection_pdf(COLLECTION) == pdf
    script = (
        "import sys; from tests.certificates.pdf.test_collection import COLLECTION; "
        "from certificates.pdf.collection import render_collection_pdf as r; "
        "sys.stdout.buffer.write(r(COLLECTION))"
    )
    root = Path(__file__).resolve().parents[3]
    other = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, check=True).stdout
    assert other == pdf
    changed = dataclasses.replace(COLLECTION, year=2027)
    assert render_collection_pdf(changed) != pdf


def test_an_empty_collection_still_renders() -> None:
    empty = render_collection_pdf(dataclasses.replace(COLLECTION, entries=()))
    assert "尚无公开发布的典型案例" in "".join(page_texts(empty))
