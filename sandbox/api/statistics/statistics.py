"""API: every chart of the regulator statistics as data (`GET /api/v1/statistics`), regulators only.

Categories and series are stable codes (stage values, sector codes, `YYYY-MM` months, measure names);
`title` and `label` are the English texts; money is integer fen.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from pydantic import BaseModel

from sandbox.api.routing import actor, respond, route
from sandbox.db import get_session
from sandbox.models.accounts import Role
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.statistics import statistics
from workflows.sectors import default_sector_packs


class SeriesPublic(BaseModel):
    key: str
    label: str
    values: list[int | float | None]
    unit: str
    drawn: bool


class ChartPublic(BaseModel):
    key: str
    title: str
    kind: str
    unit: str
    category_kind: str
    categories: list[str]
    series: list[SeriesPublic]
    targets: list[int | float | None] | None
    note: str


class StatisticsFilters(BaseModel):
    year: int | None
    sector: str | None


class StatisticsPublic(BaseModel):
    filters: StatisticsFilters
    years: list[int]
    as_of: date
    budget_fen: int
    issued_fen: int
    charts: list[ChartPublic]


def _series(chart: statistics.Chart, series: statistics.Series) -> SeriesPublic:
    packs = default_sector_packs()
    label = packs[series.key].en if chart.series_kind == "sector" and series.key in packs else series.label
    return SeriesPublic(
        key=series.key, label=label, values=series.values, unit=series.unit or chart.unit, drawn=series.drawn
    )


def chart_document(chart: statistics.Chart) -> ChartPublic:
    return ChartPublic(
        key=chart.key,
        title=chart.title,
        kind=chart.kind,
        unit=chart.unit,
        category_kind=chart.category_kind,
        categories=chart.categories,
        series=[_series(chart, s) for s in chart.series],
        targets=chart.targets,
        note=chart.note,
    )


QUERY: tuple[dict[str, Any], ...] = (
    {
        "name": "year",
        "in": "query",
        "required": False,
        "schema": {"type": "integer"},
        "description": "Only what happened in this year (Beijing time); empty for all years.",
    },
    {
        "name": "sector",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Only this sector (a sector code); empty for all sectors.",
    },
)


@route(
    "/statistics",
    "GET",
    roles=(Role.REGULATOR,),
    summary="Every chart of the regulator statistics: cases by stage and sector, filings per month, "
    "working days per stage against the deadline, overdue cases, outcomes, voucher budget use, certificates",
    tags=("statistics",),
    responses={200: StatisticsPublic},
    errors=(422,),
    parameters=QUERY,
)
def get_statistics():
    filters = statistics.Filters.parse(request.args.get("year"), request.args.get("sector"))
    today = beijing_today()
    data = statistics.collect(
        get_session(),
        actor=actor(),
        filters=filters,
        today=today,
    )
    return respond(
        StatisticsPublic(
            filters=StatisticsFilters(year=filters.year, sector=filters.sector),
            years=data.years,
            as_of=today,
            budget_fen=data.budget_fen,
            issued_fen=data.issued_fen,
            charts=[chart_document(chart) for chart in data.charts],
        )
    )
