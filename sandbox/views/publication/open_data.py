"""Public statistics (政务公开, `/open-data`): aggregate charts of the sandbox for anyone, no login, with
year and sector filters and each chart's data as CSV. Small cells are hidden
(`sandbox.services.statistics.public`). The regulators' dashboard (`/statistics`) is unchanged."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from sandbox.db import get_session
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.statistics import public
from sandbox.services.statistics.model import Filters
from sandbox.views.statistics import svg
from sandbox.views.statistics.charts import csv_bytes, present
from workflows.sectors import default_sector_packs

bp = Blueprint("open_data", __name__)


def _collect() -> public.OpenData:
    filters = Filters.parse(request.args.get("year"), request.args.get("sector"))
    return public.collect_public(get_session(), filters=filters, today=beijing_today())


@bp.get("/open-data")
def open_data():
    found = _collect()
    data = found.statistics
    return render_template(
        "guide/open_data.html",
        data=data,
        figures=found.figures,
        number=svg.number,
        charts=[present(chart) for chart in data.charts],
        sectors=default_sector_packs(),
        min_cases=public.MIN_CASES,
    )


@bp.get("/open-data/<chart>.csv")
def chart_csv(chart: str):
    if chart not in public.PUBLIC_CHART_KEYS:
        abort(404)
    data = _collect().statistics
    parts = [chart, str(data.filters.year or "all"), *([data.filters.sector] if data.filters.sector else [])]
    return Response(
        csv_bytes(data.chart(chart)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=open-data-{'-'.join(parts)}.csv"},
    )
