"""`fire` works on objects that know nothing of transitions, as SQLModel rows must (DESIGN.md §2)."""

from __future__ import annotations

import gc
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from tests.workflows.builders import valid_ctx
from workflows import CaseState, Event, InvalidTransition, fire
from workflows.cases import replay


class StrictRow:
    """Like pydantic/SQLModel rows: unknown attributes raise, so nothing may be bolted onto it."""

    __slots__ = ("state", "hold_return_state", "decision_state")

    def __init__(self, state: CaseState) -> None:
        self.state = state
        self.hold_return_state: CaseState | None = None
        self.decision_state: CaseState | None = None

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"{type(self).__name__!r} object has no field {name!r}")


class PydanticCase(BaseModel):
    model_config = ConfigDict(validate_assignment=False)

    state: CaseState
    hold_return_state: CaseState | None = None
    decision_state: CaseState | None = None


@dataclass
class StringCase:
    """A row whose enum column came back as its plain string value."""

    state: str
    hold_return_state: str | None = None
    decision_state: str | None = None


def lifecycle(case: Any) -> list[CaseState]:
    seen = []
    for event in (
        Event.SUBMIT,
        Event.REQUEST_AMENDMENT,
        Event.RESUBMIT,
        Event.ACCEPT_FILING,
        Event.COMPLETE_RISK_ASSESSMENT,
        Event.PASS_VERIFICATION,
        Event.EXTEND_TRIAL,
        Event.REQUEST_EXIT,
        Event.APPROVE_EXIT,
    ):
        seen.append(fire(case, event, **valid_ctx(event)).to_state)
    return seen


@pytest.mark.parametrize("factory", [StrictRow, lambda s: PydanticCase(state=s), StringCase])
def test_full_lifecycle_on_objects_without_transitions_attributes(factory: Any) -> None:
    case = factory(CaseState.DRAFT)
    assert lifecycle(case)[-1] is CaseState.EXITED
    assert case.state is CaseState.EXITED
    assert not [name for name in dir(case) if name.startswith(("to_", "is_", "may_", "trigger"))]


def test_strict_row_memory_is_written_through_plain_attributes() -> None:
    row = StrictRow(CaseState.TESTING)
    fire(row, Event.APPLY_EXEMPTION, **valid_ctx(Event.APPLY_EXEMPTION))
    assert (row.state, row.hold_return_state) == (CaseState.LIABILITY_EXEMPTION, CaseState.TESTING)


def test_a_state_that_is_no_case_state_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="no valid state"):
        fire(StringCase("limbo"), Event.SUBMIT)  # type: ignore[arg-type]


def test_the_machine_keeps_no_reference_to_fired_cases() -> None:
    case = PydanticCase(state=CaseState.DRAFT)
    lifecycle(case)
    ref = weakref.ref(case)
    del case
    gc.collect()
    assert ref() is None


def test_threads_share_the_machine_safely() -> None:
    def run(_: int) -> CaseState:
        case = StringCase("draft")
        return lifecycle(case)[-1]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(400)))
    assert results == [CaseState.EXITED] * 400


def test_replay_takes_the_machine_s_path_without_the_guards() -> None:
    """`replay` (for generated histories) keeps the table and the memory slots, skips only the data guard."""
    case = StrictRow(CaseState.DRAFT)
    replay(case, Event.SUBMIT)  # `fire` would ask for a complete application
    replay(case, Event.REQUEST_AMENDMENT)
    assert (case.state, case.hold_return_state) == (CaseState.AMENDMENT_REQUESTED, CaseState.SUBMITTED)
    fired = replay(case, Event.RESUBMIT)
    assert (fired.to_state, case.hold_return_state) == (CaseState.SUBMITTED, None)
    replay(case, Event.REJECT)
    assert case.decision_state is CaseState.SUBMITTED
    with pytest.raises(InvalidTransition):
        replay(case, Event.SUBMIT)
    assert case.state is CaseState.REJECTED
