"""The process's office calendar: kept between events, rebuilt as soon as a year is entered here, and
within `recheck` seconds when another process enters one."""

from __future__ import annotations

import time
from datetime import date

from sandbox.db import open_session
from sandbox.services.cases import calendar
from tests import factories


def year(number: int) -> str:
    """A year's arrangement: 2 January off, the weekend day 4 January worked."""
    days = f'holidays = ["{number}-01-01", "{number}-01-02"]\nworkdays = ["{number}-01-04"]\n'
    return f"year = {number}\n{days}"


def entered(cal, number: int) -> bool:
    return not cal.is_working_day(date(number, 1, 2)) and cal.is_working_day(date(number, 1, 4))


def test_the_calendar_is_kept_and_forgotten_when_a_year_is_entered_here(app) -> None:
    with open_session(app) as reader, open_session(app) as writer:
        first = calendar.office_calendar(reader)
        assert calendar.office_calendar(reader) is first  # kept: nothing changed
        with open_session(app) as other:
            assert calendar.office_calendar(other) is first  # one per process, not per session
        assert first.is_working_day(date(2031, 1, 2)) and not entered(first, 2031)

        calendar.import_arrangement(writer, actor=factories.make_user(writer, "admin"), text=year(2031))
        writer.commit()
        reader.rollback()
        rebuilt = calendar.office_calendar(reader)
        assert rebuilt is not first and entered(rebuilt, 2031)
        assert calendar.office_calendar(reader) is rebuilt


def test_a_year_entered_by_another_process_is_seen_after_the_recheck(app) -> None:
    with open_session(app) as reader, open_session(app) as elsewhere:
        cache = reader.info[calendar.CALENDAR_CACHE_KEY] = calendar.CalendarCache(recheck=0.2)
        elsewhere.info.pop(calendar.CALENDAR_CACHE_KEY)  # another process: its own cache, not this one
        first = cache.get(reader)
        calendar.import_arrangement(elsewhere, actor=factories.make_user(elsewhere, "admin"), text=year(2032))
        elsewhere.commit()
        reader.rollback()
        assert cache.get(reader) is first  # within the recheck period
        time.sleep(0.25)
        assert cache.get(reader) is not first and entered(cache.get(reader), 2032)
        reader.rollback()
        time.sleep(0.25)
        kept = cache.get(reader)
        time.sleep(0.25)
        assert cache.get(reader) is kept  # asked again, nothing changed: not rebuilt


def test_a_session_without_the_cache_reads_the_database_each_time(app) -> None:
    with open_session(app) as session:
        session.info.pop(calendar.CALENDAR_CACHE_KEY)
        assert calendar.office_calendar(session) is not calendar.office_calendar(session)
