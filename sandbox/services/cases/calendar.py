"""The office's working-day calendar and each case's stage clock.

Year arrangements entered by the sandbox office (`HolidayArrangement` rows) take precedence over the
chinesecalendar package; the clock of a stage starts when the case enters it, pauses while the
applicant amends the filing, and resumes with the working days that were left.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_, PermissionDenied, ValidationFailed
from sandbox.models.accounts import User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.notifications import HolidayArrangement
from sandbox.policies import Permission, has_permission
from workflows.calendar import (
    WorkingCalendar,
    YearArrangement,
    parse_year_arrangement,
    restart_stage_clock,
)
from workflows.errors import ArrangementError
from workflows.states import CaseState

BEIJING = ZoneInfo("Asia/Shanghai")
# Where a session carries its process's `CalendarCache` (`sandbox.db` puts one in every session's info).
CALENDAR_CACHE_KEY = "sandbox.calendar"


def beijing_today(now: datetime | None = None) -> date:
    """Return today's date in Beijing (deadlines count Beijing working days)."""
    return (now or utcnow()).astimezone(BEIJING).date()


class CalendarCache:
    """The office calendar kept by one process (it comes with every session the app opens).

    An import in this process forgets it at once. Other processes (gunicorn workers, the CLI) are noticed
    by one small question asked at most every `recheck` seconds — how many years are entered and when
    the newest was — and the calendar is rebuilt only when the answer changes. The calendar remembers
    each day it has decided, so a kept one also saves the day-by-day walk of each deadline.
    """

    def __init__(self, *, recheck: float = 2.0) -> None:
        self.recheck = recheck
        self._kept: tuple[tuple[int, datetime | None], float, WorkingCalendar] | None = None

    def get(self, session: Session) -> WorkingCalendar:
        kept, now = self._kept, time.monotonic()
        if kept is not None and now - kept[1] < self.recheck:
            return kept[2]
        count, newest = session.exec(select(func.count(), func.max(HolidayArrangement.entered_at))).one()
        if kept is not None and kept[0] == (count, newest):
            self._kept = (kept[0], now, kept[2])
            return kept[2]
        calendar = _load_calendar(session)
        self._kept = ((count, newest), now, calendar)
        return calendar

    def forget(self) -> None:
        self._kept = None


def office_calendar(session: Session) -> WorkingCalendar:
    """Return the working calendar with every year the office has entered (the process's copy if any)."""
    cache = session.info.get(CALENDAR_CACHE_KEY)
    if isinstance(cache, CalendarCache):
        return cache.get(session)
    return _load_calendar(session)


def _load_calendar(session: Session) -> WorkingCalendar:
    rows = session.exec(select(HolidayArrangement)).all()
    return WorkingCalendar(
        {
            row.year: YearArrangement(
                row.year,
                frozenset(date.fromisoformat(day) for day in row.holidays),
                frozenset(date.fromisoformat(day) for day in row.workdays),
            )
            for row in rows
        }
    )


def restart_clock(
    case: Case,
    *,
    from_state: CaseState,
    calendar: WorkingCalendar,
    today: date,
    stage_days: Mapping[CaseState, int],
) -> None:
    """Set the deadline of the stage the case has just entered (pausing or resuming as needed)."""
    if case.state is from_state:
        return
    case.overdue = False
    case.stage_entered_at = utcnow()
    restart_stage_clock(
        case,
        from_state=from_state,
        to_state=case.state,
        calendar=calendar,
        today=today,
        stage_days=stage_days,
    )


def import_arrangement(
    session: Session, *, actor: User | None, text: str, source: str = ""
) -> HolidayArrangement:
    """Enter (or replace) a year's official holiday arrangement from its TOML text (admins)."""
    if not has_permission(actor, Permission.MANAGE_CALENDAR):
        raise PermissionDenied()
    try:
        arrangement = parse_year_arrangement(text)
    except ArrangementError as error:
        raise ValidationFailed.single(
            "file", N_("The calendar file is not valid: %(problem)s"), problem=str(error)
        ) from None
    row = session.get(HolidayArrangement, arrangement.year) or HolidayArrangement(year=arrangement.year)
    row.holidays = sorted(day.isoformat() for day in arrangement.holidays)
    row.workdays = sorted(day.isoformat() for day in arrangement.workdays)
    row.source = source[:300]
    row.entered_by_id = actor.id if actor is not None else None
    row.entered_at = utcnow()
    session.add(row)
    session.flush()
    cache = session.info.get(CALENDAR_CACHE_KEY)
    if isinstance(cache, CalendarCache):
        cache.forget()  # (a rollback leaves the next lookup to read the stored years again)
    return row


def list_arrangements(session: Session) -> list[HolidayArrangement]:
    return list(session.exec(select(HolidayArrangement).order_by(col(HolidayArrangement.year))).all())
