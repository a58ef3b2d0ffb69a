"""The case state machine: the event table of DESIGN.md §3, one shared machine, and `fire`.

Owns `TRANSITIONS` (the table as data), the single module-level, model-less `transitions.Machine` built
from it, and `fire(case, event, **ctx)`, the only code that ever assigns `case.state` (`replay` is `fire`
without the data guard, for generated histories). Rows are never
added to the machine (`add_model` fails on SQLModel rows and keeps every row alive); `fire` calls the
shared machine's `Event.trigger(case, ...)`, which reads and writes only `case.state`, and the callbacks
here write `case.hold_return_state` and `case.decision_state`. Imports transitions and the stdlib only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, cast

from transitions import EventData, Machine

from .errors import GuardFailed, InvalidTransition
from .guards import check_guard
from .states import FINAL_STATES, REMEMBERING_HOLD_STATES, CaseState, Event

if TYPE_CHECKING:
    from transitions.core import StateIdentifier

S = CaseState


class Rule(StrEnum):
    """A destination decided when the event fires rather than fixed in the table."""

    # Back to the state remembered in `case.hold_return_state`.
    RETURN = "return_to_remembered"
    # Back to the remembered state, or — when an appeal overturns a rejection or termination — to the
    # stage in which that decision was taken (`case.decision_state`).
    DISPUTE_OUTCOME = "dispute_outcome"


NON_FINAL: frozenset[CaseState] = frozenset(CaseState) - FINAL_STATES
# Events that decide against the applicant; the state they fire from is kept so an appeal can reopen it.
DECISION_EVENTS: frozenset[Event] = frozenset({Event.REJECT, Event.TERMINATE, Event.FAIL_EXIT})
APPEALABLE_DECISIONS: frozenset[CaseState] = frozenset({S.REJECTED, S.TERMINATED})

TRANSITIONS: tuple[tuple[Event, frozenset[CaseState], CaseState | Rule], ...] = (
    (Event.SUBMIT, frozenset({S.DRAFT}), S.SUBMITTED),
    (
        Event.REQUEST_AMENDMENT,
        frozenset({S.SUBMITTED, S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION, S.EXIT_EVALUATION}),
        S.AMENDMENT_REQUESTED,
    ),
    (Event.RESUBMIT, frozenset({S.AMENDMENT_REQUESTED}), Rule.RETURN),
    (Event.ACCEPT_FILING, frozenset({S.SUBMITTED}), S.RISK_ASSESSMENT),
    (Event.REJECT, frozenset({S.SUBMITTED, S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION}), S.REJECTED),
    (Event.COMPLETE_RISK_ASSESSMENT, frozenset({S.RISK_ASSESSMENT}), S.TECHNICAL_VERIFICATION),
    (Event.PASS_VERIFICATION, frozenset({S.TECHNICAL_VERIFICATION}), S.TESTING),
    (Event.EXTEND_TRIAL, frozenset({S.TESTING}), S.TESTING),
    (Event.SUSPEND, frozenset({S.TESTING}), S.SUSPENDED),
    (Event.RESUME, frozenset({S.SUSPENDED}), S.TESTING),
    (Event.REQUEST_EXIT, frozenset({S.TESTING}), S.EXIT_EVALUATION),
    (Event.RETURN_TO_TESTING, frozenset({S.EXIT_EVALUATION}), S.TESTING),
    (Event.APPROVE_EXIT, frozenset({S.EXIT_EVALUATION}), S.EXITED),
    (Event.FAIL_EXIT, frozenset({S.EXIT_EVALUATION}), S.TERMINATED),
    (Event.TERMINATE, frozenset({S.TESTING, S.SUSPENDED}), S.TERMINATED),
    (Event.WITHDRAW, NON_FINAL, S.WITHDRAWN),
    (
        Event.RAISE_DISPUTE,
        frozenset(
            {
                S.RISK_ASSESSMENT,
                S.TECHNICAL_VERIFICATION,
                S.TESTING,
                S.SUSPENDED,
                S.EXIT_EVALUATION,
                S.REJECTED,
                S.TERMINATED,
            }
        ),
        S.DISPUTE,
    ),
    (Event.RESOLVE_DISPUTE, frozenset({S.DISPUTE}), Rule.DISPUTE_OUTCOME),
    (Event.APPLY_EXEMPTION, frozenset({S.TESTING, S.SUSPENDED, S.EXIT_EVALUATION}), S.LIABILITY_EXEMPTION),
    (Event.DECIDE_EXEMPTION, frozenset({S.LIABILITY_EXEMPTION}), Rule.RETURN),
)


class CaseLike(Protocol):
    """What `fire` needs of a case: three plain attributes, nothing transitions-specific."""

    state: CaseState
    hold_return_state: CaseState | None
    decision_state: CaseState | None


@dataclass(frozen=True)
class FiredEvent:
    """The outcome of one accepted event (what the service writes into the case history)."""

    event: Event
    from_state: CaseState
    to_state: CaseState


class _SharedMachine(Machine):
    """A Machine that also accepts a state stored as its plain string value ("testing")."""

    def get_model_state(self, model: Any) -> Any:
        # Enum states are registered by member name, so a raw string read from storage must be turned
        # back into the member before transitions looks it up.
        return self.get_state(CaseState(getattr(model, self.model_attribute)))


def _rule_target(rule: Rule, event_data: EventData) -> CaseState | None:
    case = cast(CaseLike, event_data.model)  # `fire` is the only caller of the machine's triggers
    remembered = case.hold_return_state
    if remembered is None:
        return None
    remembered = CaseState(remembered)
    overturned = rule is Rule.DISPUTE_OUTCOME and event_data.kwargs.get("outcome") == "overturned"
    if overturned and remembered in APPEALABLE_DECISIONS:
        return CaseState(case.decision_state) if case.decision_state is not None else None
    return remembered


def _condition(rule: Rule, dest: CaseState) -> Callable[[EventData], bool]:
    def condition(event_data: EventData) -> bool:
        return _rule_target(rule, event_data) == dest

    return condition


def _remember(event_data: EventData) -> None:
    """Update the case's memory slots just before its state changes (a `before` callback)."""
    case = cast(CaseLike, event_data.model)  # `fire` is the only caller of the machine's triggers
    event = Event(event_data.event.name)
    # The machine's states were made from CaseState (`states=CaseState`): a state's value is its member.
    source = cast(CaseState, event_data.state.value)
    transition = event_data.transition
    assert transition is not None and transition.dest is not None  # `before` runs on a real transition
    dest = cast(CaseState, event_data.machine.get_state(transition.dest).value)
    if event in DECISION_EVENTS:
        case.decision_state = source
    if event is Event.RESOLVE_DISPUTE and source is S.DISPUTE and dest not in APPEALABLE_DECISIONS:
        # A case in dispute always remembers the state it came from (`raise_dispute` entered the hold).
        remembered = CaseState(cast(str, case.hold_return_state))
        if remembered in APPEALABLE_DECISIONS:
            # The decision was overturned and its stage reopens: the decision no longer stands.
            case.decision_state = None
    if dest in REMEMBERING_HOLD_STATES:
        case.hold_return_state = source
    elif source in REMEMBERING_HOLD_STATES or event is Event.WITHDRAW:
        case.hold_return_state = None


def _possible_targets(rule: Rule, sources: frozenset[CaseState]) -> list[CaseState]:
    """Every state a rule may lead to, given which transitions can enter its hold state."""
    # A rule leaves exactly one hold state, so its single source names the hold.
    (hold,) = sources
    remembered = [state for event, srcs, dest in TRANSITIONS if dest == hold for state in sorted(srcs)]
    if rule is Rule.DISPUTE_OUTCOME:
        remembered += [src for event, srcs, _ in TRANSITIONS if event in DECISION_EVENTS for src in srcs]
    return sorted(set(remembered))


def _build_machine() -> Machine:
    machine = _SharedMachine(
        model=None,
        states=CaseState,
        initial=None,
        auto_transitions=False,
        send_event=True,
        queued=False,
    )
    for event, sources, dest in TRANSITIONS:
        source_list = cast("list[StateIdentifier]", sorted(sources))
        if isinstance(dest, Rule):
            for target in _possible_targets(dest, sources):
                machine.add_transition(
                    event.value,
                    source_list,
                    target,
                    conditions=[_condition(dest, target)],
                    before=[_remember],
                )
        elif event is Event.EXTEND_TRIAL:
            # Internal transition (dest=None): the case stays in testing, still a recorded event.
            machine.add_transition(event.value, source_list, None)
        else:
            machine.add_transition(event.value, source_list, dest, before=[_remember])
    return machine


MACHINE: Machine = _build_machine()


def available_events(state: CaseState) -> list[Event]:
    """List the events the table allows in `state` (data guards are not applied)."""
    state = CaseState(state)
    allowed = {event for event, sources, _ in TRANSITIONS if state in sources}
    return [event for event in Event if event in allowed]


def fire(case: CaseLike, event: Event | str, **ctx: Any) -> FiredEvent:
    """Apply `event` to `case` if its state and guard allow it; raise InvalidTransition or GuardFailed."""
    from_state, event = _allowed(case, event)
    # The guard runs before the machine, so a refused event leaves every attribute untouched.
    reasons = check_guard(event, ctx)
    if reasons:
        raise GuardFailed(event, reasons)
    return _move(case, from_state, event, ctx)


def replay(case: CaseLike, event: Event | str, **ctx: Any) -> FiredEvent:
    """Apply `event` as the table and the memory rules say, without the event's data guard.

    For a history whose data is made to fit rather than entered — the generated demo cases play theirs
    on a plain object, so their states and memory slots are the machine's own. Every action of a person
    on a case goes through `fire`. Raises InvalidTransition as `fire` does.
    """
    from_state, event = _allowed(case, event)
    return _move(case, from_state, event, ctx)


def _allowed(case: CaseLike, event: Event | str) -> tuple[CaseState, Event]:
    raw_state = case.state
    try:
        from_state = CaseState(raw_state)
    except ValueError:
        raise InvalidTransition(raw_state, event, "the case has no valid state") from None
    try:
        event = Event(event)
    except ValueError:
        raise InvalidTransition(from_state, event, "unknown event") from None
    if event not in available_events(from_state):
        raise InvalidTransition(from_state, event)
    return from_state, event


def _move(case: CaseLike, from_state: CaseState, event: Event, ctx: dict[str, Any]) -> FiredEvent:
    if not MACHINE.events[event.value].trigger(case, **ctx):
        # Only a rule-based destination can fail here: the remembered state is missing or unusable.
        raise InvalidTransition(from_state, event, "the case does not remember where to return")
    return FiredEvent(event=event, from_state=from_state, to_state=CaseState(case.state))
