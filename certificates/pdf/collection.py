"""The printable typical-case collection (分行业典型标杆案例集): one sector, one year, one A4 PDF.

This module owns the collection's pages: a cover (sector, year, issuer), a table of contents with page
numbers (two reportlab passes), one section per case — its write-up, the facts that may be shown, and the
certificate number with a QR code leading to the public verification page — and page numbers. It takes
plain data: what is withheld is decided by the caller, and a fact given as None is printed as withheld,
never looked up. The Chinese font is embedded (`certificates.pdf.fonts`); reportlab runs with ``invariant=1``,
so the same data gives the same bytes. Standard library, reportlab and this package only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from certificates.pdf.fonts import CJKFont, find_cjk_font
from certificates.pdf.prose import markup
from certificates.pdf.qr import draw_qr, qr_matrix

QR_SIZE = 32 * mm
MARGIN = 20 * mm
WITHHELD = "不公开 Withheld"
NO_QR = "出盒证明编号不公开，故不附核验二维码。The exit certificate is withheld, so no QR code is printed."
INK = colors.HexColor("#1f2933")
BRAND = colors.HexColor("#8c1a1a")
MUTED = colors.HexColor("#5f6b7a")

# (attribute, Chinese heading, English heading): the write-up, in the order a reader needs it.
SECTIONS = (
    ("background", "案例背景", "Background"),
    ("tested", "测试内容", "What was tested"),
    ("boundaries", "测试边界", "Boundaries"),
    ("results", "测试结果", "Results"),
    ("lessons", "经验启示", "Lessons"),
)
FACTS = (
    ("enterprise_name", "企业名称", "Enterprise"),
    ("uscc", "统一社会信用代码", "USCC"),
    ("project_title", "项目名称", "Project"),
    ("filing_number", "备案编号", "Filing number"),
    ("trial_period", "测试期间", "Trial period"),
    ("exit_date", "出盒日期", "Exit date"),
    ("certificate_number", "出盒证明编号", "Exit certificate"),
)


@dataclass(frozen=True)
class CollectionEntry:
    """One typical case as it may be published; a fact that is None is withheld."""

    title: str
    background: str
    tested: str
    boundaries: str
    results: str
    lessons: str
    enterprise_name: str | None = None
    uscc: str | None = None
    project_title: str | None = None
    filing_number: str | None = None
    trial_period: str | None = None
    exit_date: str | None = None
    certificate_number: str | None = None
    verification_url: str | None = None  # printed and put in the QR code; None: no QR code
    published_on: str | None = None


@dataclass(frozen=True)
class Collection:
    sector_zh: str
    sector_en: str
    year: int
    issuer_zh: str
    issuer_en: str
    entries: tuple[CollectionEntry, ...]

    @property
    def title_zh(self) -> str:
        return f"{self.year}年度{self.sector_zh}领域典型标杆案例集"

    @property
    def title_en(self) -> str:
        return f"Typical Cases {self.year}: {self.sector_en}"


class QrCode(Flowable):
    """The verification URL as a vector QR code (level Q, version ≤ 10), with its quiet zone."""

    def __init__(self, text: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.text, self.size, self.matrix = text, size, qr_matrix(text)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.matrix, 0, 0, self.size)


class _Document(BaseDocTemplate):
    """Numbers the table of contents from headings marked with `toc_text`, and adds PDF bookmarks."""

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802  (reportlab's hook name)
        text, key = getattr(flowable, "toc_text", None), getattr(flowable, "toc_key", None)
        if text and key:
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=0, closed=True)
            self.notify("TOCEntry", (0, text, self.page, key))


def _toc_style(font: str) -> TableStyle:
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "TOP")])


def _styles(font: str) -> dict[str, ParagraphStyle]:
    def style(name: str, size: float, **extra: Any) -> ParagraphStyle:
        defaults: dict[str, Any] = {"fontName": font, "fontSize": size, "leading": size * 1.55,
                                    "wordWrap": "CJK", "textColor": INK}  # fmt: skip
        return ParagraphStyle(name, **(defaults | extra))

    return {
        "cover_title": style("cover_title", 26, alignment=1, leading=38, textColor=BRAND),
        "cover_en": style("cover_en", 14, alignment=1, textColor=MUTED),
        "cover_issuer": style("cover_issuer", 12, alignment=1),
        "heading": style("heading", 16, spaceBefore=2, spaceAfter=6, textColor=BRAND),
        "section": style("section", 11.5, spaceBefore=8, spaceAfter=3),
        "body": style("body", 10.5, firstLineIndent=21, spaceAfter=3),
        "fact_label": style("fact_label", 9, textColor=MUTED),
        "fact": style("fact", 9.5),
        "small": style("small", 8.5, textColor=MUTED),
        "toc_title": style("toc_title", 16, spaceAfter=12, textColor=BRAND),
        "toc": style("toc", 11, leftIndent=0, firstLineIndent=0, leading=20),
    }


_text = markup

def _paragraphs(value: str, style: ParagraphStyle) -> list[Paragraph]:
    blocks = [block.strip() for block in value.replace("\r\n", "\n").split("\n") if block.strip()]
    return [Paragraph(_text(block), style) for block in blocks] or [Paragraph("—", style)]


def _heading(text: str, key: str, style: ParagraphStyle) -> Paragraph:
    heading = Paragraph(_text(text), style)
    # The table of contents renders its entries as Paragraph markup too: the text goes in escaped.
    heading.toc_text, heading.toc_key = _text(text), key  # type: ignore[attr-defined]
    return heading


def _facts(entry: CollectionEntry, styles: dict[str, ParagraphStyle], width: float) -> Table:
    rows = [
        [Paragraph(f"{zh}<br/>{en}", styles["fact_label"]),
         Paragraph(_text(getattr(entry, name) or WITHHELD), styles["fact"])]
        for name, zh, en in FACTS
    ]  # fmt: skip
    table = Table(rows, colWidths=[36 * mm, width - 36 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), styles["fact"].fontName),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f6f7f9")),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.HexColor("#d9dee5")),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#c5ccd6")),
            ]
        )
    )
    return table


def _certificate(entry: CollectionEntry, styles: dict[str, ParagraphStyle], width: float) -> Flowable:
    if not (entry.certificate_number and entry.verification_url):
        return Paragraph(NO_QR, styles["small"])
    text = [
        Paragraph(f"出盒证明 Exit certificate: {_text(entry.certificate_number)}", styles["fact"]),
        Paragraph("扫描二维码或访问以下地址，核验证明真伪及当前状态。"
                  "Scan the code or open the address to verify the certificate and its status.",
                  styles["small"]),
        Paragraph(_text(entry.verification_url), styles["small"]),
    ]  # fmt: skip
    table = Table(
        [[QrCode(entry.verification_url), text]], colWidths=[QR_SIZE + 4 * mm, width - QR_SIZE - 4 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), styles["fact"].fontName),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    return table


def _entry(entry: CollectionEntry, number: int, styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    story: list[Any] = [_heading(f"案例{number}　{entry.title}", f"case-{number}", styles["heading"])]
    if entry.published_on:
        story.append(Paragraph(f"发布日期 Published: {_text(entry.published_on)}", styles["small"]))
    story += [Spacer(1, 3 * mm), _facts(entry, styles, width)]
    for name, zh, en in SECTIONS:
        story.append(Paragraph(f"{zh}　<font size=9 color='#5f6b7a'>{en}</font>", styles["section"]))
        story += _paragraphs(getattr(entry, name), styles["body"])
    story += [Spacer(1, 5 * mm), _certificate(entry, styles, width)]
    return story


def render_collection_pdf(collection: Collection, *, font: CJKFont | None = None) -> bytes:
    """Render the collection as an A4 PDF: cover, contents with page numbers, one section per case."""
    font = font or find_cjk_font()
    styles = _styles(font.name)
    buffer = io.BytesIO()
    width, height = A4
    frame_width = width - 2 * MARGIN

    def cover_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(BRAND)
        canvas.setLineWidth(2)
        canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        canvas.restoreState()

    def body_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font.name, 8.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, height - 12 * mm, collection.title_zh)
        canvas.drawRightString(width - MARGIN, height - 12 * mm, collection.title_en)
        canvas.setStrokeColor(colors.HexColor("#d9dee5"))
        canvas.line(MARGIN, height - 14 * mm, width - MARGIN, height - 14 * mm)
        canvas.drawCentredString(width / 2, 10 * mm, f"— {doc.page} —")
        canvas.restoreState()

    doc = _Document(
        buffer, pagesize=A4, invariant=1, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=f"{collection.title_zh} {collection.title_en}",
        author=collection.issuer_zh, creator="Sandbox", producer="Sandbox certificates (reportlab)",
        lang="zh-CN", initialFontName=font.name,
    )  # fmt: skip
    frame = Frame(MARGIN, MARGIN, frame_width, height - 2 * MARGIN, id="body")
    doc.addPageTemplates(
        [
            PageTemplate(id="cover", frames=[frame], onPage=cover_page),
            PageTemplate(id="body", frames=[frame], onPage=body_page),
        ]
    )
    # Every table names the font: reportlab's default (Helvetica) would be referenced and not embedded.
    contents = TableOfContents(
        dotsMinLevel=0,
        tableStyle=TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), font.name), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        ),
    )
    contents.levelStyles = [styles["toc"]]
    story: list[Any] = [
        Spacer(1, 60 * mm),
        Paragraph("北京经济技术开发区数据监管沙盒", styles["cover_issuer"]),
        Spacer(1, 10 * mm),
        Paragraph(_text(collection.title_zh), styles["cover_title"]),
        Spacer(1, 4 * mm),
        Paragraph(_text(collection.title_en), styles["cover_en"]),
        Spacer(1, 70 * mm),
        Paragraph(_text(collection.issuer_zh), styles["cover_issuer"]),
        Paragraph(_text(collection.issuer_en), styles["cover_en"]),
        Paragraph(
            f"收录案例 {len(collection.entries)} 个 · {len(collection.entries)} case(s)", styles["cover_en"]
        ),
        NextPageTemplate("body"),
        PageBreak(),
    ]
    if collection.entries:  # an empty contents table is drawn as a placeholder text in Helvetica
        heading = Paragraph("目录　<font size=11 color='#5f6b7a'>Contents</font>", styles["toc_title"])
        story += [heading, contents, PageBreak()]
    for number, entry in enumerate(collection.entries, start=1):
        story += ([PageBreak()] if number > 1 else []) + _entry(entry, number, styles, frame_width)
    if not collection.entries:
        story.append(
            Paragraph("本年度本领域尚无公开发布的典型案例。No typical case was published.", styles["body"])
        )
    doc.multiBuild(story)
    return buffer.getvalue()
