"""Where a record-only case event may be written: the states each is limited to.

Record-only events (`states.RecordEvent`) go into the case's hash-chained history like fired events but
change no state (DESIGN.md §3). Most may be recorded in any state (an assignment, a step of a two-person
decision); the ones listed in `RECORDED_IN` only where the table says.

A review of a certificate revocation (复核) is one: the case has exited and `raise_dispute` cannot fire
from `exited` (closed for good, `states.FINAL_STATES`), so the review is a dispute record of its own kind,
handled by a legal partner outside the machine, and the case stays exited; the request and its outcome
are recorded in the history. Imports the standard library and this package only.
"""

from __future__ import annotations

from .errors import InvalidTransition
from .states import CaseState, RecordEvent

RECORDED_IN: dict[RecordEvent, frozenset[CaseState]] = {
    RecordEvent.REQUEST_CERTIFICATE_REVIEW: frozenset({CaseState.EXITED}),
    RecordEvent.RESOLVE_CERTIFICATE_REVIEW: frozenset({CaseState.EXITED}),
    RecordEvent.SUBMIT_VERIFICATION_CONCLUSION: frozenset({CaseState.TECHNICAL_VERIFICATION}),
    RecordEvent.SUBMIT_EXIT_REVIEW: frozenset({CaseState.EXIT_EVALUATION}),
}


def check_recorded(state: CaseState | str, event: RecordEvent | str) -> RecordEvent:
    """Return the record-only event if it may be recorded in `state`, else raise InvalidTransition."""
    try:
        chosen = RecordEvent(event)
    except ValueError:
        raise InvalidTransition(state, event, "unknown record-only event") from None
    allowed = RECORDED_IN.get(chosen)
    if allowed is not None and CaseState(state) not in allowed:
        raise InvalidTransition(state, chosen)
    return chosen
