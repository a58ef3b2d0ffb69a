"""Draw the annual report as a PDF with reportlab: Chinese first with English beneath, the CJK font embedded.

Owns the wording and the layout only; the numbers come from `AnnualReport` (the same charts the dashboard
shows). Output is reproducible (`invariant=1`): the same data and date give the same bytes.
Imports reportlab, the certificates package's font type and the statistics shapes — no flask.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, cast
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from certificates.pdf.fonts import CJKFont
from sandbox.services.statistics.model import AnnualReport, Chart
from sandbox.services.vouchers.vouchers import yuan
from workflows.sectors import default_sector_packs
from workflows.states import CaseState, state_label

INK, MUTED, LINE, HEAD = (colors.HexColor(c) for c in ("#1d2733", "#5b6675", "#d9dee5", "#eef1f5"))
SERIES_COLOURS = (colors.HexColor("#1f5fa8"), colors.HexColor("#b3261e"))
WORDS: dict[str, tuple[str, str]] = {
    "org": ("北京经济技术开发区数据监管沙盒", "Beijing E-Town Data Regulatory Sandbox"),
    "title": ("{year} 年度报告", "Annual Report {year}"),
    "as_of": ("统计截至 {date}（北京时间）", "Data as of {date} (Beijing time)"),
    "figures": ("一、主要数据", "1. Key figures"),
    "filed": ("新备案申请（首次提交）", "Filings received (first submission)"),
    "accepted": ("予以备案（赋备案编号）", "Filings accepted (filing number given)"),
    "exits": ("出盒", "Exits"),
    "terminations": ("终止测试", "Terminations"),
    "withdrawals": ("主动撤回", "Withdrawals"),
    "rejections": ("驳回", "Rejections"),
    "certificates": ("签发出盒证明", "Exit certificates issued"),
    "overdue": ("当前逾期案件（本年备案）", "Overdue now (filed this year)"),
    "vouchers": ("创新服务券发放 / 年度预算", "Vouchers issued / annual budget"),
    "stages": ("二、本年备案项目当前所处阶段", "2. Current stage of the projects filed this year"),
    "stage": ("阶段", "Stage"),
    "total": ("合计", "Total"),
    "months": ("三、每月备案情况", "3. Filings per month"),
    "durations": ("四、各阶段办理时长（工作日）与时限", "4. Working days per stage against the deadline"),
    "completed": ("已完成", "Completed"),
    "median": ("中位数", "Median"),
    "deadline": ("时限", "Deadline"),
    "over": ("超时", "Over deadline"),
    "outcomes": ("五、出盒、终止、撤回与驳回（按行业）", "5. Exits, terminations, withdrawals, rejections"),
    "sector": ("行业", "Sector"),
    "budget": ("六、创新服务券预算使用（元）", "6. Voucher budget use (yuan)"),
    "count": ("张数", "Vouchers"),
    "issued_fen": ("发放金额", "Issued"),
    "awaiting_holder_fen": ("待持券企业确认", "Awaiting the holder"),
    "requested_fen": ("待审核", "Awaiting approval"),
    "approved_fen": ("已批准", "Approved"),
    "settled_fen": ("已结算", "Settled"),
    "lessons": ("七、经验与启示", "7. Lessons"),
    "from_typical": ("摘自已发布的典型案例。", "From the published typical cases."),
    "from_evaluation": ("摘自出盒评估结论（尚无已发布的典型案例）。", "From exit evaluation conclusions."),
    "none": ("本年度暂无数据。", "No data for this year."),
    "page": ("第 {page} 页", "page {page}"),
}


def _w(key: str, **params: object) -> tuple[str, str]:
    zh, en = WORDS[key]
    return zh.format(**params), en.format(**params)


class _Styles:
    def __init__(self, font: str) -> None:
        base: dict[str, Any] = {"fontName": font, "textColor": INK, "wordWrap": "CJK"}
        self.title = ParagraphStyle("title", fontSize=20, leading=28, alignment=1, **base)
        self.subtitle = ParagraphStyle("subtitle", fontSize=11, leading=16, alignment=1, **base)
        self.h2 = ParagraphStyle(
            "h2", fontSize=13, leading=18, spaceBefore=10, spaceAfter=4, keepWithNext=1, **base
        )
        self.body = ParagraphStyle("body", fontSize=9.5, leading=14, **base)
        self.cell = ParagraphStyle("cell", fontSize=8.5, leading=11, **base)
        self.muted = ParagraphStyle("muted", fontSize=8.5, leading=12, **(base | {"textColor": MUTED}))


def _both(key: str, style: ParagraphStyle, **params: object) -> Paragraph:
    zh, en = _w(key, **params)
    return Paragraph(f"{escape(zh)}<br/><font size='{style.fontSize * 0.72:.1f}'>{escape(en)}</font>", style)


def _sector(code: str) -> str:
    pack = default_sector_packs().get(code)
    return pack.zh if pack else code


def _table(
    rows: Sequence[Sequence[object]], widths: list[float], style: _Styles, *, header: bool = True
) -> Table:
    cells = [
        [c if isinstance(c, Paragraph) else Paragraph(escape(str(c)), style.cell) for c in r] for r in rows
    ]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle([*commands, *([("BACKGROUND", (0, 0), (-1, 0), HEAD)] if header else [])]))
    return table


def _num(value: object) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _figures(report: AnnualReport, style: _Styles) -> list[Flowable]:
    stats = report.statistics
    filings, outcomes = stats.chart("filings_per_month"), stats.chart("outcomes")
    share = f" ({stats.issued_fen * 100 // stats.budget_fen}%)" if stats.budget_fen else ""
    values = {
        "filed": filings.total("submitted"),
        "accepted": filings.total("accepted"),
        **{key: outcomes.total(key) for key in ("exits", "terminations", "withdrawals", "rejections")},
        "certificates": sum(stats.chart("certificates").total(k) for k in ("active", "suspended", "revoked")),
        "overdue": stats.chart("overdue").total("overdue_now"),
        "vouchers": f"¥{yuan(stats.issued_fen)} / ¥{yuan(stats.budget_fen)}{share}",
    }
    rows = [[_both(key, style.cell), str(value)] for key, value in values.items()]
    return [_both("figures", style.h2), _table(rows, [95 * mm, 75 * mm], style, header=False)]


def _stages(chart: Chart, style: _Styles) -> list[Flowable]:
    out: list[Flowable] = [_both("stages", style.h2)]
    header = [_both("stage", style.cell), *(_sector(s.key) for s in chart.series), _both("total", style.cell)]
    rows = []
    for i, stage in enumerate(chart.categories):
        counts = [s.values[i] or 0 for s in chart.series]
        if sum(counts):
            rows.append([state_label(CaseState(stage), "zh"), *counts, sum(counts)])
    if not rows:
        return [*out, _both("none", style.muted)]
    width = (170 * mm - 32 * mm) / (len(chart.series) + 1)
    return [*out, _table([header, *rows], [32 * mm] + [width] * (len(chart.series) + 1), style)]


def _months(chart: Chart, font: str) -> Drawing:
    drawing = Drawing(170 * mm, 68 * mm)
    bars = VerticalBarChart()
    # types-reportlab declares the chart's geometry as int; reportlab takes any number.
    bars.x, bars.y, bars.width, bars.height = 12 * mm, 8 * mm, 150 * mm, 46 * mm  # type: ignore[assignment]
    bars.data = [tuple(v or 0 for v in s.values) or (0,) for s in chart.series]
    bars.categoryAxis.categoryNames = [m[-2:] for m in chart.categories] or ["—"]
    for axis in (bars.categoryAxis.labels, bars.valueAxis.labels):
        axis.fontName, axis.fontSize = font, 7.5
    bars.valueAxis.valueMin = 0
    bars.barLabelFormat = lambda value: f"{value:.0f}" if value else ""
    bars.barLabels.fontName, bars.barLabels.fontSize, bars.barLabels.nudge = font, 7, 6
    for index, colour in enumerate(SERIES_COLOURS[: len(chart.series)]):
        bars.bars[index].fillColor, bars.bars[index].strokeColor = colour, colour
    drawing.add(bars)
    x = 14 * mm
    for index, key in enumerate(("filed", "accepted")):
        text = " ".join(_w(key))
        # types-reportlab reads the shape's keyword arguments as one TypedDict and refuses them all.
        drawing.add(Rect(x, 63 * mm, 3 * mm, 3 * mm, fillColor=SERIES_COLOURS[index], strokeColor=None))  # type: ignore[arg-type]
        drawing.add(String(x + 5 * mm, 63 * mm, text, fontName=font, fontSize=8, fillColor=INK))
        x += 5 * mm + stringWidth(text, font, 8) + 8 * mm
    return drawing


def _durations(chart: Chart, style: _Styles) -> list[Flowable]:
    values = {s.key: s.values for s in chart.series}
    header = [_both(k, style.cell) for k in ("stage", "completed", "median", "deadline", "over")]
    rows = [
        [
            state_label(CaseState(stage), "zh"),
            *(_num(values[k][i]) for k in ("completed", "median_days")),
            _num((chart.targets or [None] * (i + 1))[i]),
            _num(values["over_deadline"][i]),
        ]
        for i, stage in enumerate(chart.categories)
    ]
    return [_both("durations", style.h2), _table([header, *rows], [50 * mm] + [30 * mm] * 4, style)]


def _by_sector(
    key: str, chart: Chart, columns: list[tuple[str, str]], style: _Styles, money: bool
) -> list[Flowable]:
    out: list[Flowable] = [_both(key, style.h2)]
    if not chart.categories:
        return [*out, _both("none", style.muted)]
    values = {s.key: s.values for s in chart.series}
    header = [_both("sector", style.cell), *(_both(word, style.cell) for word, _ in columns)]
    rows = []
    for i, sector in enumerate(chart.categories):
        cells = [values[series][i] or 0 for _, series in columns]
        shown = [
            yuan(cast(int, v)) if money and series != "vouchers" else str(v)  # money is integer fen
            for v, (_, series) in zip(cells, columns, strict=True)
        ]
        rows.append([_sector(sector), *shown])
    widths = [40 * mm] + [130 * mm / len(columns)] * len(columns)
    return [*out, _table([header, *rows], widths, style)]


def _lessons(report: AnnualReport, style: _Styles) -> list[Flowable]:
    out: list[Flowable] = [_both("lessons", style.h2)]
    if not report.lessons:
        return [*out, _both("none", style.muted)]
    source = "from_typical" if report.lessons[0].source == "typical_case" else "from_evaluation"
    out.append(_both(source, style.muted))
    for lesson in report.lessons:
        text = f"【{escape(_sector(lesson.sector))}】{escape(lesson.heading)}：{escape(lesson.text)}"
        out.extend([Spacer(1, 2 * mm), Paragraph(text.replace("\n", "<br/>"), style.body)])
    return out


def render_annual_report(report: AnnualReport, *, font: CJKFont) -> bytes:
    """Return the annual report as PDF bytes."""
    style, stats = _Styles(font.name), report.statistics
    org, title = _w("org"), _w("title", year=report.year)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{org[0]} {title[0]} {org[1]} {title[1]}",
        author=org[0],
        lang="zh-CN",
        creator="Sandbox",
        producer="Sandbox statistics (reportlab)",
        initialFontName=font.name,
    )
    story: list[Flowable] = [
        Paragraph(escape(f"{org[0]}{title[0]}"), style.title),
        Paragraph(escape(f"{org[1]} — {title[1]}"), style.subtitle),
        Paragraph(escape("  ·  ".join(_w("as_of", date=report.as_of.isoformat()))), style.subtitle),
        Spacer(1, 4 * mm),
        *_figures(report, style),
        *_stages(stats.chart("cases_by_stage"), style),
        _both("months", style.h2),
        _months(stats.chart("filings_per_month"), font.name),
        *_durations(stats.chart("stage_durations"), style),
        *_by_sector(
            "outcomes",
            stats.chart("outcomes"),
            [(k, k) for k in ("exits", "terminations", "withdrawals", "rejections")],
            style,
            False,
        ),
        *_by_sector(
            "budget",
            stats.chart("voucher_budget"),
            [
                ("count", "vouchers"),
                *((k, k) for k in ("issued_fen", "awaiting_holder_fen", "requested_fen", "approved_fen")),
                ("settled_fen", "settled_fen"),
            ],
            style,
            True,
        ),
        *_lessons(report, style),
    ]

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font.name, 8)
        canvas.setFillColor(MUTED)
        label = f"{org[0]} · {title[0]} · {_w('page', page=doc.page)[0]}"
        canvas.drawCentredString(A4[0] / 2, 10 * mm, label)
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
