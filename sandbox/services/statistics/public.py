"""Public statistics (政务公开, issue 17 §3): aggregates of the sandbox anyone may read, without login.

Reuses the regulator charts that are aggregates of cases (filings per month, outcomes per sector, working
days per stage) and adds the working days from filing to exit per sector (median and average). Nothing
names an enterprise, a case or a filing number. Small cells are hidden: a count of 1 to
`MIN_CASES - 1` cases becomes None (shown as a dash), and a median or average is shown only where at
least `MIN_CASES` cases contributed, so a single enterprise's dates cannot be read off a cell. Headline
totals are hidden when small, and when exactly one cell of their series is hidden (the total would give
it away). Imports no flask.
"""

from __future__ import annotations

import statistics as stats
from dataclasses import dataclass, replace
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


def _exit_days(session: Session, filters: Filters) -> dict[str, list[int]]:
    """Working days from the first submission to the exit approval of each exit in the period, per sector."""
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
    return days


def exit_durations(session: Session, filters: Filters) -> Chart:
    """Working days from the first submission to the exit approval, per sector: exits in the period."""
    return _exit_chart(_exit_days(session, filters), filters)


def _exit_chart(days: dict[str, list[int]], filters: Filters) -> Chart:
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


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # message id
    value: Number | None  # None: hidden (too few cases, or it would reveal a hidden cell)


@dataclass(frozen=True)
class OpenData:
    statistics: Statistics
    figures: list[Figure]  # headline totals over the chart's categories


def total(chart: Chart, key: str) -> Number | None:
    """The series' total, unless it is small or would give away the one hidden cell of the series.

    With two or more hidden cells the total tells only their sum, not any one of them.
    """
    found = next(s.values for s in chart.series if s.key == key)
    hidden = sum(1 for value in found if hide_small(value) is None and value)
    whole = sum(value or 0 for value in found)
    return None if hidden == 1 or hide_small(whole) is None else whole


def collect_public(session: Session, *, filters: Filters, today: date) -> OpenData:
    """The public charts and headline figures for the filters, small cells hidden. Anyone may read them."""
    stage_durations = durations_and_overdue(session, filters, settings_of(session).stage_days)[0]
    filings, outcomes = filings_per_month(session, filters, today=today), outcomes_chart(session, filters)
    days = _exit_days(session, filters)
    exits = _exit_chart(days, filters)
    charts = [
        _counts_hidden(filings),
        _counts_hidden(outcomes),
        _durations_hidden(exits, "exits"),
        _durations_hidden(replace(stage_durations, series=[
            s for s in stage_durations.series if s.key != "over_deadline"]), "completed"),
    ]  # fmt: skip
    all_days = [d for found in days.values() for d in found]
    figures = [
        Figure("filed", N_("Filings received"), total(filings, "submitted")),
        Figure("exits", N_("Exits"), total(outcomes, "exits")),
        Figure("terminations", N_("Terminations"), total(outcomes, "terminations")),
        Figure("withdrawals", N_("Withdrawals"), total(outcomes, "withdrawals")),
        Figure("median_exit_days", N_("Median working days from filing to exit"),
               stats.median(all_days) if len(all_days) >= MIN_CASES else None),
    ]  # fmt: skip
    return OpenData(Statistics(filters, available_years(session, today=today), charts), figures)
