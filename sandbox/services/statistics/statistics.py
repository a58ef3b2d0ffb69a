"""Regulator statistics: every chart of the statistics dashboard as plain data (issue 8, item 3).

A `Chart` holds a title message id, its categories (stage, sector or month codes), its series and, for
durations, the deadline of each stage; views translate and draw it, the API serialises it, the CSV
export writes `Chart.rows()`. Counts are aggregated in SQL (GROUP BY); months are bucketed here from one
query's timestamps because SQLite and PostgreSQL disagree on grouping dates in Beijing time. Voucher
money comes from `voucher_reports.budget_use`, not recomputed. Regulators only. Imports no flask.

Filters: `year` selects events that happened in that Beijing calendar year (filings, decisions, stage
visits that ended, certificates issued, the voucher budget year); the current-stage charts (cases by
stage, overdue now) count the cases first filed in that year. `sector` narrows everything to one sector.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_
from sandbox.models.accounts import User
from sandbox.models.cases import Case, CaseEvent
from sandbox.models.vouchers import Voucher
from sandbox.services.cases.calendar import BEIJING
from sandbox.services.common.settings import settings_of
from sandbox.services.statistics.by_size import participation_by_size
from sandbox.services.statistics.model import (
    CHART_KEYS,
    STAGES,
    Chart,
    Filters,
    Series,
    Statistics,
    deadline_stages,
    require_regulator,
    sector_order,
)
from sandbox.services.statistics.outcomes import certificates_chart, outcomes_chart, voucher_budget
from sandbox.services.statistics.stage_durations import completed_visits, summarise
from workflows.states import CaseState

__all__ = ["CHART_KEYS", "Chart", "Filters", "Series", "Statistics", "chart_csv", "collect"]


def available_years(session: Session, *, today: date) -> list[int]:
    """Years with any history or voucher, and the current one, newest first."""
    first, last = session.exec(select(func.min(CaseEvent.created_at), func.max(CaseEvent.created_at))).one()
    years = {today.year}
    if first and last:
        years |= set(range(first.astimezone(BEIJING).year, last.astimezone(BEIJING).year + 1))
    years |= set(session.exec(select(Voucher.year).distinct()).all())
    return sorted(years, reverse=True)


def first_filings():
    """Subquery: each case's first submission time (its filing)."""
    return (
        select(CaseEvent.case_id, func.min(CaseEvent.created_at).label("filed_at"))
        .where(CaseEvent.event == "submit")
        .group_by(col(CaseEvent.case_id))
        .subquery()
    )


def cohort(statement, filters: Filters):
    """Narrow a statement over Case to the filters: filed in the year, in the sector; never drafts."""
    statement = statement.where(Case.state != CaseState.DRAFT)
    if filters.sector:
        statement = statement.where(Case.sector == filters.sector)
    if filters.year is not None:
        start, end = filters.bounds()  # type: ignore[misc]
        filed = first_filings()
        statement = statement.join(filed, filed.c.case_id == Case.id).where(
            filed.c.filed_at >= start, filed.c.filed_at < end
        )
    return statement


def cases_by_stage(session: Session, filters: Filters) -> Chart:
    statement = cohort(select(Case.state, Case.sector, func.count()), filters)
    counts = {
        (state, sector): n for state, sector, n in session.exec(statement.group_by(Case.state, Case.sector))
    }
    sectors = sector_order({sector for _, sector in counts}, filters)
    series = [Series(code, "", [counts.get((stage, code), 0) for stage in STAGES]) for code in sectors]
    return Chart(
        "cases_by_stage",
        N_("Cases by stage and sector"),
        "stacked",
        "stage",
        "sector",
        "cases",
        [stage.value for stage in STAGES],
        series,
        note=N_(
            "Current stage of every filed case (drafts are not counted); "
            "with a year, the cases first filed in it."
        ),
    )


def _month(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m")


def _months(found: set[str], filters: Filters, today: date) -> list[str]:
    if filters.year is not None:
        last = 12 if filters.year < today.year else (today.month if filters.year == today.year else 0)
        return [f"{filters.year}-{month:02d}" for month in range(1, last + 1)] or sorted(found)
    if not found:
        return []
    start, end = min(found), max([*found, today.strftime("%Y-%m")])
    months, (year, month) = [], map(int, start.split("-"))
    while f"{year}-{month:02d}" <= end:
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def filings_per_month(session: Session, filters: Filters, *, today: date) -> Chart:
    filed = first_filings()
    submitted = select(filed.c.filed_at).join(Case, col(Case.id) == filed.c.case_id)
    accepted = select(CaseEvent.created_at).join(Case, col(Case.id) == CaseEvent.case_id)
    accepted = accepted.where(CaseEvent.event == "accept_filing")
    if filters.sector:
        submitted = submitted.where(Case.sector == filters.sector)
        accepted = accepted.where(Case.sector == filters.sector)
    if filters.year is not None:
        start, end = filters.bounds()  # type: ignore[misc]
        submitted = submitted.where(filed.c.filed_at >= start, filed.c.filed_at < end)
        accepted = accepted.where(CaseEvent.created_at >= start, CaseEvent.created_at < end)
    counts: dict[str, dict[str, int]] = {"submitted": {}, "accepted": {}}
    for key, statement in (("submitted", submitted), ("accepted", accepted)):
        for moment in session.exec(statement).all():
            month = _month(moment)
            counts[key][month] = counts[key].get(month, 0) + 1
    months = _months(set(counts["submitted"]) | set(counts["accepted"]), filters, today)
    return Chart(
        "filings_per_month",
        N_("Filings per month"),
        "line",
        "month",
        "measure",
        "cases",
        months,
        [
            Series(
                "submitted", N_("Filed (first submission)"), [counts["submitted"].get(m, 0) for m in months]
            ),
            Series(
                "accepted",
                N_("Accepted (filing number given)"),
                [counts["accepted"].get(m, 0) for m in months],
            ),
        ],
    )


def durations_and_overdue(
    session: Session, filters: Filters, stage_days: Mapping[Any, int]
) -> list[Chart]:
    deadlines = deadline_stages(stage_days)
    visits = completed_visits(session, stages=set(deadlines), bounds=filters.bounds(), sector=filters.sector)
    summary = summarise(visits, deadlines)
    stages = [row.stage.value for row in summary]
    durations = Chart(
        "stage_durations",
        N_("Median working days per stage against its deadline"),
        "bar",
        "stage",
        "measure",
        "working_days",
        stages,
        [
            Series("median_days", N_("Median working days"), [row.median_days for row in summary]),
            Series(
                "completed", N_("Completed stage visits"), [row.completed for row in summary], drawn=False
            ),
            Series(
                "over_deadline",
                N_("Completed after the deadline"),
                [row.over_deadline for row in summary],
                drawn=False,
            ),
        ],
        targets=[row.deadline_days for row in summary],
        note=N_(
            "Working days from entering a stage to leaving it, without the time the "
            "applicant spent amending; stage visits that ended in the period."
        ),
    )
    statement = cohort(select(Case.state, func.count()).where(col(Case.overdue).is_(True)), filters)
    now = dict(session.exec(statement.group_by(Case.state)).all())
    overdue = Chart(
        "overdue",
        N_("Overdue cases"),
        "bar",
        "stage",
        "measure",
        "cases",
        stages,
        [
            Series("overdue_now", N_("Overdue now"), [now.get(CaseState(stage), 0) for stage in stages]),
            Series(
                "completed_late", N_("Completed after the deadline"), [row.over_deadline for row in summary]
            ),
        ],
        note=N_(
            "Overdue now: cases past their stage deadline today. Completed after "
            "the deadline: stage visits that ended in the period."
        ),
    )
    return [durations, overdue]


def collect(session: Session, *, actor: User | None, filters: Filters, today: date) -> Statistics:
    """Compute every chart of the dashboard for the filters (regulators only), against the configured
    stage deadlines."""
    actor = require_regulator(actor)
    budget, budget_fen, issued_fen = voucher_budget(session, filters, actor=actor)
    charts = [
        cases_by_stage(session, filters),
        filings_per_month(session, filters, today=today),
        *durations_and_overdue(session, filters, settings_of(session).stage_days),
        outcomes_chart(session, filters),
        budget,
        certificates_chart(session, filters),
        participation_by_size(session, filters, cohort),
    ]
    years = available_years(session, today=today)
    return Statistics(filters, years, charts, budget_fen=budget_fen, issued_fen=issued_fen)


def chart_csv(header: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    """Write rows as CSV in UTF-8 with a byte-order mark (so Excel shows the Chinese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
