"""Regulator statistics pages: the dashboard with server-drawn SVG charts, each chart's data as CSV, and
the sandbox's annual report as PDF (issue 8, item 3). Regulators only; others get 403.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l

from sandbox.db import get_session
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.statistics import statistics
from sandbox.services.statistics.annual_report import annual_report_pdf
from sandbox.services.vouchers.vouchers import yuan
from sandbox.views.statistics.charts import csv_bytes, present
from workflows.sectors import default_sector_packs

bp = Blueprint("statistics", __name__)


def _collect() -> statistics.Statistics:
    filters = statistics.Filters.parse(request.args.get("year"), request.args.get("sector"))
    return statistics.collect(
        get_session(),
        actor=signed_in_user(),
        filters=filters,
        today=beijing_today(),
    )


def key_figures(data: statistics.Statistics) -> list[tuple[str, object, str]]:
    """(id, label, value) of the headline numbers above the charts."""
    filings, outcomes = data.chart("filings_per_month"), data.chart("outcomes")
    certificates = data.chart("certificates")
    return [
        ("filed", _l("Filings received"), str(filings.total("submitted"))),
        ("accepted", _l("Filings accepted"), str(filings.total("accepted"))),
        ("exits", _l("Exits"), str(outcomes.total("exits"))),
        ("terminations", _l("Terminations"), str(outcomes.total("terminations"))),
        ("withdrawals", _l("Withdrawals"), str(outcomes.total("withdrawals"))),
        ("overdue", _l("Overdue now"), str(data.chart("overdue").total("overdue_now"))),
        (
            "certificates",
            _l("Exit certificates"),
            str(sum(certificates.total(s.key) for s in certificates.series)),
        ),
        ("vouchers", _l("Vouchers issued / budget"), f"¥{yuan(data.issued_fen)} / ¥{yuan(data.budget_fen)}"),
    ]


@bp.get("/statistics")
@roles_required(Role.REGULATOR)
def dashboard():
    data = _collect()
    return render_template(
        "statistics/dashboard.html",
        data=data,
        charts=[present(chart) for chart in data.charts],
        figures=key_figures(data),
        sectors=default_sector_packs(),
        report_year=data.filters.year or data.years[0],
    )


@bp.get("/statistics/<chart>.csv")
@roles_required(Role.REGULATOR)
def chart_csv(chart: str):
    if chart not in statistics.CHART_KEYS:
        abort(404)
    data = _collect()
    parts = [chart, str(data.filters.year or "all"), *([data.filters.sector] if data.filters.sector else [])]
    return Response(
        csv_bytes(data.chart(chart)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=statistics-{'-'.join(parts)}.csv"},
    )


@bp.get("/statistics/annual-report/<year:year>.pdf")
@roles_required(Role.REGULATOR)
def annual_report(year: int):
    pdf = annual_report_pdf(
        get_session(),
        actor=signed_in_user(),
        year=year,
        today=beijing_today(),
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=sandbox-annual-report-{year}.pdf"},
    )
