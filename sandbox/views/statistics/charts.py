"""Statistics charts for people: labels in the reader's language, the inline SVG, the data table, the CSV.

Turns the plain `Chart` data of `sandbox.services.statistics.statistics` into what the dashboard shows;
the drawing itself is `sandbox.views.statistics.svg` (no Flask). Money is kept in integer fen and shown
in yuan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from sandbox.i18n import lang
from sandbox.labels.enterprise_size import size_name
from sandbox.services.statistics.statistics import Chart, Series, chart_csv
from sandbox.services.vouchers.vouchers import yuan
from sandbox.views.context import sector_name
from sandbox.views.statistics import svg as charts
from workflows.states import CaseState, state_label

UNIT_LABELS = {
    "cases": _l("Cases"),
    "working_days": _l("Working days"),
    "fen": _l("Yuan"),
    "certificates": _l("Certificates"),
    "count": _l("Number"),
}
# Colours with a meaning (sandbox.css: --ok, --accent, --warn, --brand, --muted); sectors use the palette.
OK, ACCENT, WARN, BAD, MUTED, PALE = "#1e7a3e", "#1f5fa8", "#9a6700", "#b3261e", "#5b6675", "#c5ccd6"
SERIES_COLOURS = {
    "submitted": ACCENT,
    "accepted": OK,
    "median_days": ACCENT,
    "overdue_now": BAD,
    "completed_late": WARN,
    "exits": OK,
    "terminations": BAD,
    "withdrawals": MUTED,
    "rejections": WARN,
    "settled_fen": OK,
    "approved_fen": ACCENT,
    "requested_fen": WARN,
    "unredeemed_fen": PALE,
    "active": OK,
    "suspended": WARN,
    "revoked": BAD,
    "filed": ACCENT,
    "exited": OK,
    "vouchers_issued": WARN,
    "vouchers_used": MUTED,
}
CATEGORY_LABELS = {"stage": _l("Stage"), "sector": _l("Sector"), "month": _l("Month"), "size": _l("Size")}


@dataclass(frozen=True)
class ShownChart:
    key: str
    title: str
    note: str
    svg: Markup
    header: list[str]
    rows: list[list[str]]


def category_name(chart: Chart, code: str) -> str:
    if chart.category_kind == "stage":
        return state_label(CaseState(code), lang())
    if chart.category_kind == "sector":
        return sector_name(code)
    if chart.category_kind == "size":
        return size_name(code)
    return code


def series_name(chart: Chart, series: Series) -> str:
    return sector_name(series.key) if chart.series_kind == "sector" else gettext(series.label)


def _unit(chart: Chart, series: Series | None = None) -> str:
    return (series.unit if series is not None and series.unit else "") or chart.unit


def cell(unit: str, value: object) -> str:
    """A value as text: yuan for money, plain numbers otherwise, a dash when there is none."""
    if value is None:
        return "—"
    if unit == "fen":
        return yuan(int(value))  # type: ignore[call-overload]
    return charts.number(value)  # type: ignore[arg-type]


def _formatter(unit: str) -> Callable[[charts.Number], str]:
    if unit == "fen":
        return lambda value: f"{value / 100:,.0f}"
    return charts.number


def header(chart: Chart) -> list[str]:
    """Column names in the reader's language: code, category, each series (money in yuan), the target."""
    columns, in_yuan = [gettext("Code"), str(CATEGORY_LABELS[chart.category_kind])], gettext("yuan")
    for series in chart.series:
        suffix = f" ({in_yuan})" if _unit(chart, series) == "fen" else ""
        columns.append(series_name(chart, series) + suffix)
    if chart.targets is not None:
        columns.append(gettext("Deadline (working days)"))
    return columns


def table_rows(chart: Chart) -> list[list[str]]:
    units = [_unit(chart, series) for series in chart.series] + (["count"] if chart.targets else [])
    return [
        [
            str(code),  # the first column is the category code
            category_name(chart, str(code)),
            *(cell(unit, value) for unit, value in zip(units, values, strict=True)),
        ]
        for code, *values in chart.rows()
    ]


def _colour(chart: Chart, index: int, series: Series) -> str:
    if chart.series_kind == "sector":
        return charts.PALETTE[index % len(charts.PALETTE)]
    return SERIES_COLOURS.get(series.key, charts.PALETTE[index % len(charts.PALETTE)])


def spec(chart: Chart) -> charts.ChartSpec:
    drawn = [(i, s) for i, s in enumerate(chart.series) if s.drawn]
    return charts.ChartSpec(
        dom_id=f"chart-{chart.key}",
        title=gettext(chart.title),
        description=gettext(chart.note) if chart.note else "",
        categories=[category_name(chart, code) for code in chart.categories],
        series=[
            charts.Series(series_name(chart, s), s.values, colour=_colour(chart, i, s)) for i, s in drawn
        ],
        value_axis=str(UNIT_LABELS[chart.unit]),
        fmt=_formatter(chart.unit),
        targets=chart.targets,
        target_label=gettext("Deadline (working days)"),
        empty_text=gettext("No data for these filters."),
    )


def svg(chart: Chart) -> Markup:
    drawing = spec(chart)
    if chart.kind == "line":
        return Markup(charts.line_chart(drawing))  # noqa: S704 -- sandbox.views.statistics.svg escapes every text
    return Markup(charts.bar_chart(drawing, stacked=chart.kind == "stacked"))  # noqa: S704


def present(chart: Chart) -> ShownChart:
    return ShownChart(
        chart.key,
        gettext(chart.title),
        gettext(chart.note) if chart.note else "",
        svg(chart),
        header(chart),
        table_rows(chart),
    )


def csv_bytes(chart: Chart) -> bytes:
    """The chart's data as CSV: money as plain yuan with two decimals, no thousands separators."""
    rows = [
        [text if i < 2 else ("" if text == "—" else text.replace(",", "")) for i, text in enumerate(row)]
        for row in table_rows(chart)
    ]
    return chart_csv(header(chart), rows)
