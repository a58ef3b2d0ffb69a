"""Record-only events and the review of a revocation, as rules: no app, no database."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.cases import available_events
from workflows.certificate_review import REVIEW_DAYS, review_deadline
from workflows.errors import InvalidTransition
from workflows.records import RECORDED_IN, check_recorded
from workflows.states import CaseState, Event, RecordEvent, history_label


def test_a_dispute_cannot_be_raised_from_exited_so_a_review_is_recorded_there() -> None:
    assert Event.RAISE_DISPUTE not in available_events(CaseState.EXITED)
    request = RecordEvent.REQUEST_CERTIFICATE_REVIEW
    assert check_recorded(CaseState.EXITED, "request_certificate_review") is request
    for state in set(CaseState) - {CaseState.EXITED}:
        with pytest.raises(InvalidTransition):
            check_recorded(state, request)
    with pytest.raises(InvalidTransition):
        check_recorded(CaseState.EXITED, "approve_exit")  # a fired event is not recorded
    assert not {event.value for event in RECORDED_IN} & {event.value for event in Event}


def test_every_history_row_has_a_label() -> None:
    assert history_label("request_certificate_review") == "申请复核（证明撤销）"
    assert history_label("resolve_certificate_review", "en") == "Review of the revocation concluded"
    assert history_label("approve_exit") == "准予出盒"
    assert history_label("something_older") == "something_older"


def test_the_review_deadline_counts_calendar_days_from_the_revocation() -> None:
    assert REVIEW_DAYS == 30
    assert review_deadline(date(2026, 12, 7)) == date(2027, 1, 6)
    assert review_deadline(date(2026, 12, 7), 15) == date(2026, 12, 22)
