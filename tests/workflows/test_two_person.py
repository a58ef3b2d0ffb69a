"""Two-person rules as pure functions: who ever held the case may not approve its exit, the office's
policy decides which earlier roles count, and a proposal is confirmed by someone else."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.workflows.builders import DURING_TRIAL, TRIAL_START, valid_ctx
from workflows import (
    DEFAULT_POLICY,
    TWO_PERSON_CODES,
    Event,
    RecordEvent,
    TwoPersonPolicy,
    check_guard,
    history_label,
    is_record_only,
)


def refusals(event: Event, **overrides: Any) -> set[tuple[str, str | None]]:
    return {(r.code, r.field) for r in check_guard(event, valid_ctx(event, **overrides))}


def test_the_defaults_bar_former_officers_and_evaluators_but_not_the_filing_acceptor() -> None:
    expected = TwoPersonPolicy(bar_former_officers=True, bar_evaluators=True, bar_filing_acceptor=False)
    assert expected == DEFAULT_POLICY


@pytest.mark.parametrize(
    ("approver", "code"),
    [
        (7, "four_eyes"),  # scored the evaluation the approval rests on
        (5, "former_officer"),  # was the case officer once, is not any more
        (9, "former_evaluator"),  # scored an earlier evaluation
    ],
)
def test_whoever_held_the_case_is_refused_whatever_it_looks_like_now(approver: int, code: str) -> None:
    assert refusals(Event.APPROVE_EXIT, approver_id=approver, case_officer_id=None) == {(code, "approver_id")}
    assert code in TWO_PERSON_CODES


def test_the_current_officer_is_refused_even_when_the_policy_looks_no_further() -> None:
    lenient = TwoPersonPolicy(bar_former_officers=False, bar_evaluators=False)
    assert refusals(Event.APPROVE_EXIT, approver_id=5, case_officer_id=5, two_person_policy=lenient) == {
        ("four_eyes_officer", "approver_id")
    }
    unassigned = {"case_officer_id": None, "two_person_policy": lenient}
    assert refusals(Event.APPROVE_EXIT, approver_id=5, **unassigned) == set()
    assert refusals(Event.APPROVE_EXIT, approver_id=9, two_person_policy=lenient) == set()


def test_the_filing_acceptor_is_refused_only_when_the_office_says_so() -> None:
    strict = TwoPersonPolicy(bar_former_officers=False, bar_filing_acceptor=True)
    assert refusals(Event.APPROVE_EXIT, approver_id=6, officer_ids=frozenset()) == set()
    assert refusals(Event.APPROVE_EXIT, approver_id=6, two_person_policy=strict) == {
        ("filing_acceptor", "approver_id")
    }


def test_a_history_the_policy_needs_but_nobody_gave_is_a_refusal() -> None:
    assert refusals(Event.APPROVE_EXIT, officer_ids=None, evaluator_ids=None) == {
        ("required", "officer_ids"),
        ("required", "evaluator_ids"),
    }
    strict = TwoPersonPolicy(bar_filing_acceptor=True)
    assert refusals(Event.APPROVE_EXIT, filing_acceptor_ids=None, two_person_policy=strict) == {
        ("required", "filing_acceptor_ids")
    }


def test_an_independent_regulator_may_approve() -> None:
    assert refusals(Event.APPROVE_EXIT, approver_id=8) == set()


def test_exit_is_neither_requested_nor_approved_before_the_trial_starts() -> None:
    before = date(2026, 3, 8)
    for event in (Event.REQUEST_EXIT, Event.APPROVE_EXIT):
        assert refusals(event, today=before) == {("exit_before_start", "trial_start")}
        assert refusals(event, today=TRIAL_START) == set()
    assert refusals(Event.REQUEST_EXIT, today=before, actor_role="regulator", trial_end=date(2026, 3, 1)) == {
        ("exit_before_start", "trial_start")
    }
    reason = check_guard(Event.REQUEST_EXIT, valid_ctx(Event.REQUEST_EXIT, today=before))[0]
    assert "2026-03-09" in reason.zh and "before the trial starts (2026-03-09)" in reason.en
    assert refusals(Event.REQUEST_EXIT, today=DURING_TRIAL, trial_start=None) == {("required", "trial_start")}


def test_an_exemption_decision_is_proposed_by_one_regulator_and_confirmed_by_another() -> None:
    assert refusals(Event.DECIDE_EXEMPTION, proposer_id=None) == {("proposal_required", "proposer_id")}
    assert refusals(Event.DECIDE_EXEMPTION, approver_id=4) == {("same_person", "approver_id")}
    assert "same_person" in TWO_PERSON_CODES and "proposal_required" not in TWO_PERSON_CODES
    reasons = check_guard(Event.DECIDE_EXEMPTION, valid_ctx(Event.DECIDE_EXEMPTION, approver_id=4))
    assert "另一名监管人员" in reasons[0].zh and "another regulator" in reasons[0].en


def test_record_only_events_are_named_and_labelled_but_are_not_events() -> None:
    names = {event.value for event in RecordEvent}
    assert not names & {event.value for event in Event}
    assert all(is_record_only(name) for name in names) and not is_record_only("approve_exit")
    assert history_label("assign_case_officer") == "指派承办人"
    assert history_label("assign_case_officer", "en") == "Case officer assigned"
    assert history_label("approve_exit", "en") == "Approve exit"
    assert history_label("something_from_elsewhere") == "something_from_elsewhere"
