"""API: the public statistics (`GET /api/v1/open-data`, no token), the twin of the `/open-data` page.

The same charts as the page, in the shape of `GET /api/v1/statistics`; small cells are null
(`sandbox.services.statistics.public.MIN_CASES`). Nothing names an enterprise, a case or a filing number.
"""

from __future__ import annotations

from datetime import date

from flask import request
from pydantic import BaseModel

from sandbox.api.routing import respond, route
from sandbox.api.statistics.statistics import QUERY, ChartPublic, StatisticsFilters, chart_document
from sandbox.db import get_session
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.statistics import public
from sandbox.services.statistics.model import Filters


class FigurePublic(BaseModel):
    key: str
    label: str
    value: int | float | None  # null: hidden (too few cases, or it would give a hidden cell away)


class OpenData(BaseModel):
    filters: StatisticsFilters
    years: list[int]
    as_of: date
    min_cases: int  # counts below this (and above 0) are null, as are durations from fewer cases
    figures: list[FigurePublic]
    charts: list[ChartPublic]


@route("/open-data", "GET", auth=False,
       summary="Public statistics: filings per month, exits and other outcomes per sector, working days from "
       "filing to exit per sector and per stage; aggregates only, small cells null",
       tags=("statistics",), responses={200: OpenData}, errors=(422,), parameters=QUERY)  # fmt: skip
def get_open_data():
    filters = Filters.parse(request.args.get("year"), request.args.get("sector"))
    today = beijing_today()
    found = public.collect_public(get_session(), filters=filters, today=today)
    data = found.statistics
    return respond(
        OpenData(
            filters=StatisticsFilters(year=filters.year, sector=filters.sector),
            years=data.years,
            as_of=today,
            min_cases=public.MIN_CASES,
            figures=[FigurePublic(key=f.key, label=f.label, value=f.value) for f in found.figures],
            charts=[chart_document(chart) for chart in data.charts],
        )
    )
