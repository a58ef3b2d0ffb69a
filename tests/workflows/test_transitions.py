"""The case state machine against DESIGN.md §3: every (state, event) pair, and the memory of holds.

The expected table is written out here from the design document, independently of workflows.cases.
"""

from __future__ import annotations

import pytest

from tests.workflows.builders import make_case, valid_ctx
from workflows import (
    FINAL_STATES,
    HOLD_STATES,
    REMEMBERING_HOLD_STATES,
    TRANSITIONS,
    CaseState,
    Event,
    FiredEvent,
    InvalidTransition,
    available_events,
    fire,
)
from workflows.cases import MACHINE

S = CaseState
NON_FINAL = [s for s in S if s not in {S.EXITED, S.REJECTED, S.WITHDRAWN, S.TERMINATED}]
# The state a hold returns to in the matrix test (set on the case before firing).
REMEMBERED = {
    S.AMENDMENT_REQUESTED: S.RISK_ASSESSMENT,
    S.DISPUTE: S.TESTING,
    S.LIABILITY_EXEMPTION: S.SUSPENDED,
}

EXPECTED: dict[str, dict[str, str]] = {
    "submit": {"draft": "submitted"},
    "request_amendment": {
        s: "amendment_requested"
        for s in ("submitted", "risk_assessment", "technical_verification", "exit_evaluation")
    },
    "resubmit": {"amendment_requested": "risk_assessment"},
    "accept_filing": {"submitted": "risk_assessment"},
    "reject": {s: "rejected" for s in ("submitted", "risk_assessment", "technical_verification")},
    "complete_risk_assessment": {"risk_assessment": "technical_verification"},
    "pass_verification": {"technical_verification": "testing"},
    "extend_trial": {"testing": "testing"},
    "suspend": {"testing": "suspended"},
    "resume": {"suspended": "testing"},
    "request_exit": {"testing": "exit_evaluation"},
    "return_to_testing": {"exit_evaluation": "testing"},
    "approve_exit": {"exit_evaluation": "exited"},
    "fail_exit": {"exit_evaluation": "terminated"},
    "terminate": {"testing": "terminated", "suspended": "terminated"},
    "withdraw": {s.value: "withdrawn" for s in NON_FINAL},
    "raise_dispute": {
        s: "dispute"
        for s in (
            "risk_assessment",
            "technical_verification",
            "testing",
            "suspended",
            "exit_evaluation",
            "rejected",
            "terminated",
        )
    },
    "resolve_dispute": {"dispute": "testing"},
    "apply_exemption": {s: "liability_exemption" for s in ("testing", "suspended", "exit_evaluation")},
    "decide_exemption": {"liability_exemption": "suspended"},
}
PAIRS = [(state, event) for state in S for event in Event]


def test_expected_table_names_every_event() -> None:
    assert set(EXPECTED) == {e.value for e in Event}


@pytest.mark.parametrize(("state", "event"), PAIRS, ids=[f"{s}-{e}" for s, e in PAIRS])
def test_every_state_event_pair(state: CaseState, event: Event) -> None:
    case = make_case(state, hold_return_state=REMEMBERED.get(state))
    expected = EXPECTED[event.value].get(state.value)
    if expected is None:
        before = (case.state, case.hold_return_state, case.decision_state)
        with pytest.raises(InvalidTransition) as caught:
            fire(case, event, **valid_ctx(event))
        assert (caught.value.from_state, caught.value.event) == (state, event)
        assert (case.state, case.hold_return_state, case.decision_state) == before
    else:
        fired = fire(case, event, **valid_ctx(event))
        assert fired == FiredEvent(event=event, from_state=state, to_state=S(expected))
        assert case.state is S(expected)


@pytest.mark.parametrize("state", list(S))
def test_available_events_match_the_design(state: CaseState) -> None:
    expected = [e for e in Event if state.value in EXPECTED[e.value]]
    assert available_events(state) == expected


def test_final_states_only_admit_an_appeal() -> None:
    assert available_events(S.EXITED) == [] and available_events(S.WITHDRAWN) == []
    for state in (S.REJECTED, S.TERMINATED):
        assert available_events(state) == [Event.RAISE_DISPUTE]
    assert {S.EXITED, S.REJECTED, S.WITHDRAWN, S.TERMINATED} == FINAL_STATES


def test_remembering_holds_never_nest() -> None:
    """No event enters a hold that remembers its return from another such hold."""
    for event, sources, dest in TRANSITIONS:
        if dest in REMEMBERING_HOLD_STATES:
            assert not sources & REMEMBERING_HOLD_STATES, event
    not_remembering = HOLD_STATES - REMEMBERING_HOLD_STATES
    assert not_remembering == {S.SUSPENDED}


def test_unknown_event_is_an_invalid_transition() -> None:
    case = make_case(S.TESTING)
    with pytest.raises(InvalidTransition) as caught:
        fire(case, "launch_rocket")
    assert caught.value.event == "launch_rocket" and caught.value.from_state is S.TESTING
    assert case.state is S.TESTING


@pytest.mark.parametrize(
    "stage", [S.SUBMITTED, S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION, S.EXIT_EVALUATION]
)
def test_amendment_returns_to_the_stage_it_came_from(stage: CaseState) -> None:
    case = make_case(stage)
    fire(case, Event.REQUEST_AMENDMENT, note="请补充数据分类分级清单")
    assert (case.state, case.hold_return_state) == (S.AMENDMENT_REQUESTED, stage)
    fired = fire(case, Event.RESUBMIT, **valid_ctx(Event.RESUBMIT))
    assert fired.to_state is stage and case.state is stage and case.hold_return_state is None


@pytest.mark.parametrize(
    ("event", "stage", "ctx"),
    [
        (Event.REJECT, S.TECHNICAL_VERIFICATION, valid_ctx(Event.REJECT)),
        (Event.TERMINATE, S.SUSPENDED, valid_ctx(Event.TERMINATE)),
        (Event.FAIL_EXIT, S.EXIT_EVALUATION, valid_ctx(Event.FAIL_EXIT)),
    ],
)
def test_decisions_record_their_stage_and_an_overturn_reopens_it(
    event: Event, stage: CaseState, ctx: dict
) -> None:
    case = make_case(stage)
    decided = fire(case, event, **ctx).to_state
    assert case.decision_state is stage
    fire(case, Event.RAISE_DISPUTE, **valid_ctx(Event.RAISE_DISPUTE))
    assert case.hold_return_state is decided
    fired = fire(case, Event.RESOLVE_DISPUTE, outcome="overturned")
    assert fired.to_state is stage and case.state is stage
    assert case.hold_return_state is None and case.decision_state is None


def test_an_upheld_decision_stands() -> None:
    case = make_case(S.RISK_ASSESSMENT)
    fire(case, Event.REJECT, note="数据来源不合法")
    fire(case, Event.RAISE_DISPUTE, **valid_ctx(Event.RAISE_DISPUTE))
    fire(case, Event.RESOLVE_DISPUTE, outcome="upheld")
    assert (case.state, case.hold_return_state, case.decision_state) == (S.REJECTED, None, S.RISK_ASSESSMENT)


@pytest.mark.parametrize("outcome", ["upheld", "overturned"])
def test_a_dispute_during_the_trial_returns_to_where_it_was_raised(outcome: str) -> None:
    case = make_case(S.SUSPENDED)
    fire(case, Event.RAISE_DISPUTE, **valid_ctx(Event.RAISE_DISPUTE))
    assert case.hold_return_state is S.SUSPENDED
    assert fire(case, Event.RESOLVE_DISPUTE, outcome=outcome).to_state is S.SUSPENDED
    assert case.hold_return_state is None


@pytest.mark.parametrize("stage", [S.TESTING, S.SUSPENDED, S.EXIT_EVALUATION])
def test_exemption_returns_to_the_stage_it_came_from(stage: CaseState) -> None:
    case = make_case(stage)
    fire(case, Event.APPLY_EXEMPTION, **valid_ctx(Event.APPLY_EXEMPTION))
    assert (case.state, case.hold_return_state) == (S.LIABILITY_EXEMPTION, stage)
    assert fire(case, Event.DECIDE_EXEMPTION, **valid_ctx(Event.DECIDE_EXEMPTION)).to_state is stage
    assert case.hold_return_state is None


def test_suspension_keeps_no_memory_and_resumes_to_testing() -> None:
    case = make_case(S.TESTING)
    fire(case, Event.SUSPEND, **valid_ctx(Event.SUSPEND))
    assert case.hold_return_state is None
    assert fire(case, Event.RESUME, note="整改完成").to_state is S.TESTING


def test_extend_trial_is_a_fired_event_that_keeps_the_state() -> None:
    case = make_case(S.TESTING)
    assert fire(case, Event.EXTEND_TRIAL, **valid_ctx(Event.EXTEND_TRIAL)) == FiredEvent(
        Event.EXTEND_TRIAL, S.TESTING, S.TESTING
    )


@pytest.mark.parametrize("hold", sorted(REMEMBERING_HOLD_STATES))
def test_withdraw_from_a_hold_clears_the_memory(hold: CaseState) -> None:
    case = make_case(hold, hold_return_state=REMEMBERED[hold])
    fire(case, Event.WITHDRAW)
    assert (case.state, case.hold_return_state) == (S.WITHDRAWN, None)


def test_a_hold_without_memory_cannot_return() -> None:
    case = make_case(S.AMENDMENT_REQUESTED, hold_return_state=None)
    with pytest.raises(InvalidTransition, match="remember"):
        fire(case, Event.RESUBMIT, **valid_ctx(Event.RESUBMIT))
    assert case.state is S.AMENDMENT_REQUESTED


def test_an_overturn_without_a_recorded_stage_cannot_reopen() -> None:
    case = make_case(S.DISPUTE, hold_return_state=S.REJECTED, decision_state=None)
    with pytest.raises(InvalidTransition):
        fire(case, Event.RESOLVE_DISPUTE, outcome="overturned")
    assert (case.state, case.hold_return_state) == (S.DISPUTE, S.REJECTED)


def test_the_shared_machine_holds_no_models() -> None:
    case = make_case(S.SUBMITTED)
    fire(case, Event.ACCEPT_FILING, testing_lab_id=1)
    assert MACHINE.models == []
    assert MACHINE.auto_transitions is False and MACHINE.send_event is True and MACHINE.has_queue is False
