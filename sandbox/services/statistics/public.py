"""Public statistics (政务公开, issue 17 §3): aggregates of the sandbox anyone may read, without login.

Reuses the regulator charts that are aggregates of cases (filings per month, outcomes per sector, working
days per stage) and adds the working days from filing to exit per sector (median and average). Nothing
names an enterprise, a case or a filing number. Small cells are hidden: a count of 1 to
`MIN_CASES - 1` cases becomes None (shown as a dash), and a median or average is shown only where at
least `MIN_CASES` cases contributed, so a single enterprise's dates cannot be read off a cell.
Imports no flask.
"""

from __future__ import annotations

import statistics as stats
from dataclasses import replace
from datetime import date

from sqlmodel import Session, col, select

from sandbox.errors import N_
from sandbox.models.cases import Case, CaseEvent
from sandbox.services.cases.calendar import BEIJING, office_calendar
from sandbox.services.common.settings import settings_of
from sandbox.services.statistics.model import Chart, Filters, Number, Series, Statistics, sector_order
from sandbox.services.statistics.outcomes import outcomes_chart
from sandbox.services.statistics.statistics import (
    available_years,
    durations_and_overdue,
    filings_per_month,
    first_filings,
)

MIN_CASES = 3
PUBLIC_CHART_KEYS = ("filings_per_month", "outcomes", "exit_durations", "stage_durations")


def hide_small(value: Number | None) -> Number | None:
    """A count, or None when it is between 1 and MIN_CASES - 1."""
    return None if value is not None and 0 < value < MIN_CASES else value


def _counts_hidden(chart: Chart) -> Chart:
    series = [replace(s, values=[hide_small(v) for v in s.values]) for s in chart.series]
    return replace(chart, series=series)


def _durations_hidden(chart: Chart, counted: str) -> Chart:
    """Hide every value of a category whose `counted` series is below MIN_CASES."""
    counts = next(s.values for s in chart.series if s.key == counted)
    shown = [count is not None and count >= MIN_CASES for count in counts]
    series = [replace(s, values=[v if ok else None for v, ok in zip(s.values, shown, strict=True)])
              for s in chart.series]  # fmt: skip
    return replace(chart, series=series)


def exit_durations(session: Session, filters: Filters) -> Chart:
    """Working days from the first submission to the exit approval, per sector: exits in the period."""
    filed = first_filings()
    statement = (
        select(Case.sector, filed.c.filed_at, CaseEvent.created_at)
        .join(Case, col(Case.id) == CaseEvent.case_id)
        .join(filed, filed.c.case_id == CaseEvent.case_id)
        .where(CaseEvent.event == "approve_exit")
    )
    if filters.sector:
        statement = statement.where(Case.sector == filters.sector)
    if (bounds := filters.bounds()) is not None:
        statement = statement.where(CaseEvent.created_at >= bounds[0], CaseEvent.created_at < bounds[1])
    calendar = office_calendar(session)
    days: dict[str, list[int]] = {}
    for sector, filed_at, exited_at in session.exec(statement).all():
        start, end = (moment.astimezone(BEIJING).date() for moment in (filed_at, exited_at))
        days.setdefault(sector, []).append(calendar.working_days_between(start, end))
    sectors = sector_order(set(days), filters)
    return Chart(
        "exit_durations",
        N_("Working days from filing to exit, per sector"),
        "bar",
        "sector",
        "measure",
        "working_days",
        sectors,
        [
            Series("median_days", N_("Median working days"),
                   [stats.median(days[s]) if days.get(s) else None for s in sectors]),
            Series("average_days", N_("Average working days"),
                   [round(stats.fmean(days[s]), 1) if days.get(s) else None for s in sectors]),
            Series("exits", N_("Exits"), [len(days.get(s, [])) for s in sectors], drawn=False),
        ],
        note=N_("From the first submission of the filing to the exit approval, trial included; exits "
                "approved in the period."),
    )  # fmt: skip


def collect_public(session: Session, *, filters: Filters, today: date) -> Statistics:
    """The public charts for the filters, small cells hidden. Anyone may read them."""
    stage_durations = durations_and_overdue(session, filters, settings_of(session).stage_days)[0]
    charts = [
        _counts_hidden(filings_per_month(session, filters, today=today)),
        _counts_hidden(outcomes_chart(session, filters)),
        _durations_hidden(exit_durations(session, filters), "exits"),
        _durations_hidden(replace(stage_durations, series=[
            s for s in stage_durations.series if s.key != "over_deadline"]), "completed"),
    ]  # fmt: skip
    return Statistics(filters, available_years(session, today=today), charts, extra={"min_cases": MIN_CASES})
