"""Working days and deadlines against the State Council's official 2026 arrangement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows import (
    STAGE_DEADLINE_DAYS,
    ArrangementError,
    CaseState,
    Deadline,
    WorkingCalendar,
    YearArrangement,
    add_months,
    parse_year_arrangement,
)
from workflows.calendar import restart_stage_clock


def span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# 国务院办公厅关于2026年部分节假日安排的通知 (General Office of the State Council, 4 November 2025,
# published by Xinhua): 元旦 1月1日至3日放假, 1月4日(周日)上班; 春节 2月15日至23日放假, 2月14日(周六)、
# 2月28日(周六)上班; 清明 4月4日至6日; 劳动节 5月1日至5日, 5月9日(周六)上班; 端午 6月19日至21日;
# 中秋 9月25日至27日; 国庆 10月1日至7日, 9月20日(周日)、10月10日(周六)上班.
NOTICE_2026_HOLIDAYS = frozenset(
    span(date(2026, 1, 1), date(2026, 1, 3))
    + span(date(2026, 2, 15), date(2026, 2, 23))
    + span(date(2026, 4, 4), date(2026, 4, 6))
    + span(date(2026, 5, 1), date(2026, 5, 5))
    + span(date(2026, 6, 19), date(2026, 6, 21))
    + span(date(2026, 9, 25), date(2026, 9, 27))
    + span(date(2026, 10, 1), date(2026, 10, 7))
)
NOTICE_2026_WORKDAYS = frozenset(
    {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)
NOTICE_2026 = YearArrangement(2026, NOTICE_2026_HOLIDAYS, NOTICE_2026_WORKDAYS)
CAL = WorkingCalendar()


def test_the_package_data_matches_the_notice_on_every_day_of_2026() -> None:
    from_notice = WorkingCalendar({2026: NOTICE_2026})
    for day in span(date(2026, 1, 1), date(2026, 12, 31)):
        assert CAL.is_working_day(day) == from_notice.is_working_day(day), day
        assert not CAL.is_provisional(day)


def test_make_up_saturdays_are_working_days() -> None:
    for day in NOTICE_2026_WORKDAYS:
        assert day.weekday() >= 5 and CAL.is_working_day(day)
    assert not CAL.is_working_day(date(2026, 2, 16))  # Monday in the Spring Festival holiday


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Thu before Spring Festival: Fri 13, Sat 14 (调休), then holiday to Mon 23; Tue 24, Wed 25, Thu 26.
        (date(2026, 2, 12), 5, date(2026, 2, 26)),
        # Counting from the make-up Saturday's eve, the make-up Saturday 28 Feb is day 6 of 15.
        (date(2026, 2, 13), 15, date(2026, 3, 12)),
        # Tue before National Day: Wed 30 Sep, holiday 1–7 Oct, Thu 8, Fri 9, Sat 10 (调休), Mon 12.
        (date(2026, 9, 29), 5, date(2026, 10, 12)),
        # Sun 20 Sep is a make-up day, Fri 25 Sep is Mid-Autumn, then the National Day week.
        (date(2026, 9, 18), 20, date(2026, 10, 22)),
        # New Year: Sun 4 Jan is worked.
        (date(2025, 12, 31), 2, date(2026, 1, 5)),
    ],
)
def test_deadlines_across_2026_holidays(start: date, days: int, due: date) -> None:
    assert CAL.add_working_days(start, days) == due
    assert CAL.deadline(start, days) == Deadline(due=due, provisional=False)
    assert CAL.working_days_between(start, due) == days


def test_the_start_day_is_not_counted() -> None:
    assert CAL.add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)
    assert CAL.add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 3, 2), -1)


def test_stage_defaults() -> None:
    assert STAGE_DEADLINE_DAYS == {
        CaseState.SUBMITTED: 5,
        CaseState.RISK_ASSESSMENT: 15,
        CaseState.TECHNICAL_VERIFICATION: 20,
        CaseState.EXIT_EVALUATION: 20,
        CaseState.DISPUTE: 30,
        CaseState.LIABILITY_EXEMPTION: 20,
    }


# Test data for an office-entered year, not an official arrangement.
ARRANGEMENT_2027 = """
year = 2027
holidays = ["2027-01-01", 2027-02-05, "2027-02-08"]
workdays = ["2027-02-06"]
"""


def test_2027_without_data_falls_back_to_weekdays_and_is_provisional() -> None:
    assert CAL.is_provisional(date(2027, 1, 1)) and CAL.is_working_day(date(2027, 1, 1))
    assert CAL.deadline(date(2026, 12, 28), 5) == Deadline(due=date(2027, 1, 4), provisional=True)
    assert CAL.deadline(date(2026, 12, 24), 3) == Deadline(due=date(2026, 12, 29), provisional=False)


def test_an_office_arrangement_takes_precedence() -> None:
    cal = WorkingCalendar({2027: parse_year_arrangement(ARRANGEMENT_2027)})
    assert not cal.is_provisional(date(2027, 1, 1)) and not cal.is_working_day(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 2, 6))  # a Saturday worked in exchange
    assert cal.deadline(date(2026, 12, 28), 5) == Deadline(due=date(2027, 1, 5), provisional=False)
    assert cal.add_working_days(date(2027, 2, 4), 2) == date(2027, 2, 9)
    # An override beats the package too: a fictitious holiday on a 2026 working day.
    cal_2026 = WorkingCalendar({2026: YearArrangement(2026, frozenset({date(2026, 3, 3)}), frozenset())})
    assert not cal_2026.is_working_day(date(2026, 3, 3)) and not cal_2026.is_working_day(date(2026, 2, 14))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('year = 2027\nholidays = ["2026-12-31"]', "holidays: 2026-12-31 is not in 2027"),
        (
            'year = 2027\nholidays = ["2027-02-06"]\nworkdays = ["2027-02-06"]',
            "both as a holiday and as a workday",
        ),
        ('year = 2027\nholidays = []\nworkdays = ["2027-02-08"]', "2027-02-08 is a weekday"),
        ('year = 2027\nholidays = ["2027-01-01", "2027-01-01"]', "2027-01-01 is listed twice"),
        ('year = 2027\nholidays = ["1 Jan"]', "'1 Jan' is not a date"),
        ('year = 2027\nholidays = "2027-01-01"', "must be a list of dates"),
        ("year = 2027", "holidays is missing"),
        ('holidays = ["2027-01-01"]', "year must be a whole number"),
        ('year = 2027\nholidays = []\nnotes = "x"', "unknown field 'notes'"),
        ("year = ", "not valid TOML"),
    ],
)
def test_parse_year_arrangement_explains_mistakes(text: str, message: str) -> None:
    with pytest.raises(ArrangementError, match=message):
        parse_year_arrangement(text)


def test_an_arrangement_must_be_filed_under_its_year() -> None:
    with pytest.raises(ArrangementError, match="filed under 2028"):
        WorkingCalendar({2028: parse_year_arrangement(ARRANGEMENT_2027)})


def test_a_pause_carries_the_remaining_working_days_over() -> None:
    due = CAL.add_working_days(date(2026, 2, 12), 5)  # 26 Feb
    # Paused on 13 Feb with 4 working days left (14, 24, 25, 26 Feb); resumed on 2 Mar.
    assert CAL.resume_deadline(due, date(2026, 2, 13), date(2026, 3, 2)) == date(2026, 3, 6)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 9), 24) == date(2028, 3, 9)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 30)), st.integers(min_value=0, max_value=40)
)
def test_counting_back_gives_the_same_number(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due) == n
    assert n == 0 or CAL.is_working_day(due)
    assert CAL.working_days_between(due, start) == -n


@dataclass
class Clock:
    stage_due: date | None = None
    stage_due_provisional: bool = False
    paused_days_left: int | None = None


def test_the_stage_clock_pauses_and_resumes_with_the_days_left() -> None:
    clock, calendar = Clock(), WorkingCalendar()

    def enter(from_state: CaseState, to_state: CaseState, today: date) -> None:
        restart_stage_clock(clock, from_state=from_state, to_state=to_state, calendar=calendar, today=today,
                            stage_days=STAGE_DEADLINE_DAYS)  # fmt: skip

    enter(CaseState.DRAFT, CaseState.SUBMITTED, date(2026, 3, 2))
    assert clock.stage_due == date(2026, 3, 9)  # five working days
    enter(CaseState.SUBMITTED, CaseState.AMENDMENT_REQUESTED, date(2026, 3, 4))
    assert (clock.stage_due, clock.paused_days_left) == (None, 3)
    enter(CaseState.AMENDMENT_REQUESTED, CaseState.SUBMITTED, date(2026, 3, 16))
    assert (clock.stage_due, clock.paused_days_left) == (date(2026, 3, 19), None)
