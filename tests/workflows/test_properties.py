"""Random event sequences with random ctx on a plain object keep the workflow's invariants."""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.workflows.builders import make_case, valid_ctx
from workflows import (
    REMEMBERING_HOLD_STATES,
    CaseState,
    Event,
    GuardFailed,
    InvalidTransition,
    available_events,
    fire,
)

S = CaseState
CLOSED_FOR_GOOD = {S.EXITED, S.WITHDRAWN}
APPEALABLE = {S.REJECTED, S.TERMINATED}
DECISIONS = {Event.REJECT, Event.TERMINATE, Event.FAIL_EXIT}
RETURNS = {Event.RESUBMIT, Event.RESOLVE_DISPUTE, Event.DECIDE_EXEMPTION}


class CaseWorkflow(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.case = make_case(S.DRAFT)
        # The test's own memory of where a hold must return and which stage a decision was taken in.
        self.expected_return: CaseState | None = None
        self.expected_decision: CaseState | None = None

    @rule(
        event=st.sampled_from(list(Event)),
        ctx_kind=st.sampled_from(["valid", "empty", "junk"]),
        outcome=st.sampled_from(["upheld", "overturned", "dismissed"]),
    )
    def fire_event(self, event: Event, ctx_kind: str, outcome: str) -> None:
        ctx: dict[str, Any] = {"valid": valid_ctx(event), "empty": {}, "junk": {"note": 42, "plan": []}}[
            ctx_kind
        ]
        if event is Event.RESOLVE_DISPUTE and ctx_kind == "valid":
            ctx["outcome"] = outcome
        before = (self.case.state, self.case.hold_return_state, self.case.decision_state)
        try:
            fired = fire(self.case, event, **ctx)
        except InvalidTransition:
            assert (self.case.state, self.case.hold_return_state, self.case.decision_state) == before
            return
        except GuardFailed as refused:
            assert refused.reasons
            assert (self.case.state, self.case.hold_return_state, self.case.decision_state) == before
            return
        source = before[0]
        assert event in available_events(source)
        assert fired.from_state is source and fired.to_state is self.case.state
        assert source not in CLOSED_FOR_GOOD
        if source in APPEALABLE:
            assert event is Event.RAISE_DISPUTE
        self.check_memory(event, source, ctx)

    def check_memory(self, event: Event, source: CaseState, ctx: dict[str, Any]) -> None:
        state = self.case.state
        if source in REMEMBERING_HOLD_STATES and event in RETURNS:
            if ctx.get("outcome") == "overturned" and self.expected_return in APPEALABLE:
                assert state is self.expected_decision
                self.expected_decision = None
            else:
                assert state is self.expected_return
            self.expected_return = None
        if state in REMEMBERING_HOLD_STATES:
            self.expected_return = source
        if event is Event.WITHDRAW:
            self.expected_return = None
        if event in DECISIONS:
            self.expected_decision = source

    @invariant()
    def state_is_a_case_state(self) -> None:
        assert isinstance(self.case.state, CaseState)

    @invariant()
    def memory_is_held_exactly_while_in_a_remembering_hold(self) -> None:
        assert (self.case.hold_return_state is not None) == (self.case.state in REMEMBERING_HOLD_STATES)
        assert self.case.hold_return_state == self.expected_return

    @invariant()
    def decision_stage_is_kept(self) -> None:
        assert self.case.decision_state == self.expected_decision


CaseWorkflow.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestCaseWorkflow = CaseWorkflow.TestCase


class FromEveryState(CaseWorkflow):
    """The same invariants starting from states random walks from draft rarely reach."""

    @rule(start=st.sampled_from([s for s in S if s not in REMEMBERING_HOLD_STATES]))
    def restart(self, start: CaseState) -> None:
        self.case = make_case(start)
        self.expected_return = None
        self.expected_decision = {S.REJECTED: S.SUBMITTED, S.TERMINATED: S.TESTING}.get(start)
        self.case.decision_state = self.expected_decision


FromEveryState.TestCase.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)
TestFromEveryState = FromEveryState.TestCase
