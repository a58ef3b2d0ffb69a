"""The process's office calendar: kept between events, rebuilt as soon as any process enters a year."""

from __future__ import annotations

from datetime import date

from sandbox.db import open_session
from sandbox.services.cases import calendar
from tests import factories

YEAR_2031 = 'year = 2031\nholidays = ["2031-01-01", "2031-01-02"]\nworkdays = ["2031-01-04"]\n'


def test_the_calendar_is_kept_and_rebuilt_when_a_year_is_entered(app) -> None:
    with open_session(app) as reader, open_session(app) as writer:
        first = calendar.office_calendar(reader)
        assert calendar.office_calendar(reader) is first  # kept: nothing changed
        with open_session(app) as other:
            assert calendar.office_calendar(other) is first  # one per process, not per session
        assert first.is_working_day(date(2031, 1, 2)) and not first.is_working_day(date(2031, 1, 4))
        reader.rollback()

        admin = factories.make_user(writer, "admin")
        calendar.import_arrangement(writer, actor=admin, text=YEAR_2031)
        writer.commit()
        entered = calendar.office_calendar(reader)
        assert entered is not first
        assert not entered.is_working_day(date(2031, 1, 2)) and entered.is_working_day(date(2031, 1, 4))
        assert calendar.office_calendar(reader) is entered


def test_a_session_without_the_cache_reads_the_database_each_time(app) -> None:
    with open_session(app) as session:
        session.info.pop(calendar.CALENDAR_CACHE_KEY)
        assert calendar.office_calendar(session) is not calendar.office_calendar(session)
