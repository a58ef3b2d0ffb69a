"""The exhibit list (证据目录) of a dispute's evidence package, as an A4 PDF a court clerk reads first.

One numbered row per piece of evidence in the order it was added: its title, who submitted it (name and
side), when (Beijing time), the file name, the SHA-256 digest (the first 16 hex digits large, the whole
value small, to compare with the manifest), and — for a withdrawn piece — that it was withdrawn, when
and why. The heading names the dispute and the case's filing number; the foot the time the package was
made. The evidence service puts the PDF into the signed package, so the manifest and its signature
cover it like every other file. Knows nothing of the database: the caller gathers the rows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from certificates.pdf.fonts import CJKFont
from certificates.pdf.prose import RULE, beijing_time, bilingual, document_styles, markup

FILE_NAME = "证据目录-exhibit-list.pdf"
MARGIN = 14 * mm
# Who submitted a piece, by the role of the account that added it.
SIDES_ZH = {"applicant": "申请企业", "regulator": "沙盒办公室", "legal_partner": "法律合作机构",
            "service_provider": "服务机构"}  # fmt: skip
HEADINGS = (
    ("序号", "No."), ("证据名称", "Exhibit"), ("提交方", "Submitted by"), ("提交时间", "Submitted at"),
    ("文件名", "File"), ("SHA-256", "digest"), ("状态", "Status"),
)  # fmt: skip
HEADER, WITHDRAWN = colors.HexColor("#f1f3f6"), colors.HexColor("#fbeaea")
WIDTHS = (0.06, 0.18, 0.14, 0.13, 0.16, 0.21, 0.12)


@dataclass(frozen=True)
class Exhibit:
    title: str
    submitted_by: str
    side: str  # the adding account's role
    submitted_at: datetime
    filename: str
    sha256: str
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None


@dataclass(frozen=True)
class ExhibitListFacts:
    dispute_id: int
    dispute_kind_zh: str
    case_title: str
    filing_number: str
    generated_at: datetime
    exhibits: tuple[Exhibit, ...]


def render_exhibit_list(facts: ExhibitListFacts, *, font: CJKFont) -> bytes:
    """Return the exhibit list as PDF bytes (the same facts always give the same bytes)."""
    styles = document_styles(font.name)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), invariant=1, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=f"证据目录 Exhibit list — dispute {facts.dispute_id}", creator="Sandbox",
        lang="zh-CN", initialFontName=font.name,
    )  # fmt: skip
    head = [
        Paragraph("证据目录", styles["title"]),
        Paragraph("Exhibit list", styles["subtitle"]),
        Paragraph(bilingual(f"纠纷编号：{facts.dispute_id}（{facts.dispute_kind_zh}）",
                            f"Dispute no. {facts.dispute_id}"), styles["body"]),
        Paragraph(bilingual(f"项目名称：{facts.case_title}", "Project"), styles["body"]),
        Paragraph(bilingual(f"备案编号：{facts.filing_number or '—'}", "Filing number"), styles["body"]),
        Paragraph(bilingual(f"生成时间：{beijing_time(facts.generated_at)}", "Generated (Beijing time)"),
                  styles["body"]),
        Spacer(1, 4 * mm),
    ]  # fmt: skip
    cell = styles["cell"]
    rows = [[Paragraph(bilingual(zh, en), cell) for zh, en in HEADINGS]]
    for number, item in enumerate(facts.exhibits, 1):
        status = "有效 In the record"
        if item.withdrawn_at is not None:
            status = f"已撤回 Withdrawn {beijing_time(item.withdrawn_at)}：{item.withdrawn_reason or '—'}"
        side = SIDES_ZH.get(item.side, item.side)
        digest = f"{item.sha256[:16]}<br/><font size=6>{item.sha256}</font>"
        texts = (item.title, f"{item.submitted_by}（{side}）", beijing_time(item.submitted_at), item.filename)
        rows.append([Paragraph(str(number), cell), *(Paragraph(markup(text), cell) for text in texts),
                     Paragraph(digest, cell), Paragraph(markup(status), cell)])  # fmt: skip
    if not facts.exhibits:
        rows.append([Paragraph(text, cell) for text in ("—", "暂无证据 No evidence yet", "", "", "", "", "")])
    table = Table(rows, colWidths=[doc.width * share for share in WIDTHS], repeatRows=1)
    style: list[Any] = [("GRID", (0, 0), (-1, -1), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BACKGROUND", (0, 0), (-1, 0), HEADER)]  # fmt: skip
    # Withdrawn pieces stay listed, shaded so that nobody reads them as part of the live record.
    style += [("BACKGROUND", (0, row), (-1, row), WITHDRAWN)
              for row, item in enumerate(facts.exhibits, 1) if item.withdrawn_at]  # fmt: skip
    table.setStyle(TableStyle(style))
    foot = Paragraph(
        "本目录与证据文件一同置于平台签名的证据包中；各文件的完整 SHA-256 见 manifest.json。"
        "时间均为北京时间。 This list is inside the platform-signed evidence package; full digests are in "
        "manifest.json. Times are Beijing time.",
        styles["small"],
    )
    doc.build([*head, table, Spacer(1, 4 * mm), foot])
    return buffer.getvalue()
