"""Chinese working days and stage deadlines (法定节假日 and 调休 make-up working days).

Owns `WorkingCalendar`, `YearArrangement` (a year's official holiday arrangement entered by the sandbox
office, which takes precedence over the `chinesecalendar` package), `parse_year_arrangement` (the small
TOML file the CLI and admin page import), `Deadline`, `STAGE_DEADLINE_DAYS`, the stage clock's rule
`restart_stage_clock` and `add_months`.
Where neither the office nor the package knows a year (the package's data ends with 2026), Monday–Friday
is assumed and the result is marked provisional. Imports chinesecalendar and the standard library only.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

import chinese_calendar

from .errors import ArrangementError
from .states import CaseState

# Default review periods in working days per stage (DESIGN.md §3); the application may configure others.
STAGE_DEADLINE_DAYS: dict[CaseState, int] = {
    CaseState.SUBMITTED: 5,
    CaseState.RISK_ASSESSMENT: 15,
    CaseState.TECHNICAL_VERIFICATION: 20,
    CaseState.EXIT_EVALUATION: 20,
    CaseState.DISPUTE: 30,
    CaseState.LIABILITY_EXEMPTION: 20,
}
# The clock stops while the case waits for the applicant to amend the filing.
CLOCK_PAUSED_STATES: frozenset[CaseState] = frozenset({CaseState.AMENDMENT_REQUESTED})


@dataclass(frozen=True)
class YearArrangement:
    """A year's official arrangement: holidays (放假) and weekend days that are working days (调休上班)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    def __post_init__(self) -> None:
        for kind, days in (("holidays", self.holidays), ("workdays", self.workdays)):
            outside = sorted(day for day in days if day.year != self.year)
            if outside:
                raise ArrangementError(f"{kind}: {outside[0].isoformat()} is not in {self.year}")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ArrangementError(f"{both[0].isoformat()} is listed both as a holiday and as a workday")
        weekdays = sorted(day for day in self.workdays if day.weekday() < 5)
        if weekdays:
            raise ArrangementError(
                f"workdays: {weekdays[0].isoformat()} is a weekday; "
                "list only the weekend days worked in exchange (调休)"
            )


@dataclass(frozen=True)
class Deadline:
    """A due date; provisional when some day up to it is counted Monday–Friday for lack of year data."""

    due: date
    provisional: bool


@functools.cache
def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        # chinesecalendar 1.11.0 ships data for 2004–2026 and refuses other years.
        return False
    return True


class WorkingCalendar:
    """Decides which days are working days: office data first, then chinesecalendar, then Mon–Fri."""

    def __init__(self, overrides: Mapping[int, YearArrangement] | None = None) -> None:
        self.overrides: dict[int, YearArrangement] = dict(overrides or {})
        for year, arrangement in self.overrides.items():
            if arrangement.year != year:
                raise ArrangementError(f"arrangement for {arrangement.year} filed under {year}")
        # Answers so far: a deadline walks day by day, and a calendar kept for a process asks again.
        self._working: dict[date, bool] = {}

    def is_provisional(self, day: date) -> bool:
        """Return True when neither office data nor the package covers the year of `day`."""
        return day.year not in self.overrides and not _package_covers(day.year)

    def is_working_day(self, day: date) -> bool:
        """Return True when `day` is a working day in mainland China."""
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        arrangement = self.overrides.get(day.year)
        if arrangement is not None:
            if day in arrangement.holidays:
                return False
            if day in arrangement.workdays:
                return True
            return day.weekday() < 5
        if _package_covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """Return the day that is the `n`-th working day after `start` (`start` itself is not counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days after `start` up to and including `end`; negative when `end` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))

    def deadline(self, start: date, n: int) -> Deadline:
        """Return the due date `n` working days after `start`, flagged provisional where guessed."""
        due = self.add_working_days(start, n)
        first_counted_year = min((start + timedelta(days=1)).year, due.year)
        years = range(first_counted_year, due.year + 1)
        provisional = any(self.is_provisional(date(year, 1, 1)) for year in years)
        return Deadline(due=due, provisional=provisional)

    def resume_deadline(self, due: date, paused_on: date, resumed_on: date) -> date:
        """Return the due date after a pause: the working days left on `paused_on` restart at `resumed_on`."""
        remaining = max(self.working_days_between(paused_on, due), 0)
        return self.add_working_days(resumed_on, remaining)


def _dates(value: Any, key: str, year: int) -> frozenset[date]:
    if not isinstance(value, list):
        raise ArrangementError(f'{key} must be a list of dates such as "{year}-01-01"')
    days: list[date] = []
    for item in value:
        try:
            # TOML allows bare dates (2027-01-01) and quoted ISO strings; both are accepted.
            day = item if isinstance(item, date) else date.fromisoformat(item)
        except (TypeError, ValueError):
            raise ArrangementError(f"{key}: {item!r} is not a date in the form YYYY-MM-DD") from None
        if day in days:
            raise ArrangementError(f"{key}: {day.isoformat()} is listed twice")
        days.append(day)
    return frozenset(days)


def parse_year_arrangement(text: str) -> YearArrangement:
    """Parse a year's arrangement from TOML: `year = 2027`, `holidays = [...]`, `workdays = [...]`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ArrangementError(f"not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"year", "holidays", "workdays"})
    if unknown:
        raise ArrangementError(f"unknown field {unknown[0]!r}; expected year, holidays, workdays")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ArrangementError("year must be a whole number such as 2027")
    if "holidays" not in data:
        raise ArrangementError("holidays is missing")
    workdays = data.get("workdays", [])
    return YearArrangement(
        year=year,
        holidays=_dates(data["holidays"], "holidays", year),
        workdays=_dates(workdays, "workdays", year),
    )


def add_months(start: date, months: int) -> date:
    """Return the same day `months` calendar months later, clamped to the end of a shorter month.

    A one-month trial from 2026-01-31 may run until 2026-02-28: when the target month has no such day,
    the period ends on that month's last day.
    """
    if months < 0:
        raise ValueError("months must not be negative")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _stdlib_calendar.monthrange(year, month)[1]))


class StageClock(Protocol):
    """The deadline a case carries for its current stage (a case row, or a generated history)."""

    stage_due: date | None
    stage_due_provisional: bool
    paused_days_left: int | None


class DayCounter(Protocol):
    """What the clock needs of a calendar (`WorkingCalendar`, or a cache in front of one)."""

    def working_days_between(self, start: date, end: date) -> int: ...

    def deadline(self, start: date, n: int) -> Deadline: ...


def restart_stage_clock(
    clock: StageClock,
    *,
    from_state: CaseState,
    to_state: CaseState,
    calendar: DayCounter,
    today: date,
    stage_days: Mapping[CaseState, int],
) -> None:
    """Set the deadline of the stage just entered: paused while the case waits for the applicant, resumed
    with the working days that were left, or a fresh one for a stage with a deadline."""
    if to_state in CLOCK_PAUSED_STATES:
        left = calendar.working_days_between(today, clock.stage_due) if clock.stage_due else None
        clock.paused_days_left = max(left, 0) if left is not None else None
        clock.stage_due = None
        return
    # Leaving the pause (resubmitted or withdrawn): the days left apply only to a stage with a deadline.
    left, clock.paused_days_left = clock.paused_days_left, None
    if from_state in CLOCK_PAUSED_STATES and left is not None and to_state in stage_days:
        deadline = calendar.deadline(today, left)
    elif to_state in stage_days:
        deadline = calendar.deadline(today, stage_days[to_state])
    else:
        clock.stage_due, clock.stage_due_provisional = None, False
        return
    clock.stage_due, clock.stage_due_provisional = deadline.due, deadline.provisional
