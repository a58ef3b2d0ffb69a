"""Record-only case events: written to the case's hash-chained history like fired events, they change
no state (DESIGN.md §3).

Owns `RecordedEvent`, the table of the case states each may be recorded in (`RECORDED_IN`), their
bilingual labels, `check_recorded` and `history_label`, the label of any history row, fired or recorded.
A history row of a recorded event has the same state before and after.

A review of a certificate revocation (复核) is one: the case has exited and `raise_dispute` cannot fire
from `exited` (closed for good, `states.FINAL_STATES`), so the review is a dispute record of its own kind,
handled by a legal partner outside the machine, and the case stays exited; the request and its outcome
are recorded here. Imports the standard library and this package only.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import InvalidTransition
from .states import CaseState, Event, event_label


class RecordedEvent(StrEnum):
    """What is written to a case's history without moving it; the names are stable (stored, in the API)."""

    REQUEST_CERTIFICATE_REVIEW = "request_certificate_review"
    RESOLVE_CERTIFICATE_REVIEW = "resolve_certificate_review"


RECORDED_IN: dict[RecordedEvent, frozenset[CaseState]] = {
    RecordedEvent.REQUEST_CERTIFICATE_REVIEW: frozenset({CaseState.EXITED}),
    RecordedEvent.RESOLVE_CERTIFICATE_REVIEW: frozenset({CaseState.EXITED}),
}

RECORDED_LABELS: dict[RecordedEvent, tuple[str, str]] = {
    RecordedEvent.REQUEST_CERTIFICATE_REVIEW: ("申请复核（证明撤销）", "Review of the revocation requested"),
    RecordedEvent.RESOLVE_CERTIFICATE_REVIEW: ("复核办结", "Review of the revocation concluded"),
}


def check_recorded(state: CaseState | str, event: RecordedEvent | str) -> RecordedEvent:
    """Return the recorded event if the table allows it in `state`, else raise InvalidTransition."""
    try:
        chosen = RecordedEvent(event)
    except ValueError:
        raise InvalidTransition(state, event, "unknown recorded event") from None
    if CaseState(state) not in RECORDED_IN[chosen]:
        raise InvalidTransition(state, chosen)
    return chosen


def history_label(name: str, lang: str = "zh") -> str:
    """Return the label of a history row's event, fired or recorded, in `lang` ("zh" or "en")."""
    if name in RecordedEvent.__members__.values():
        zh, en = RECORDED_LABELS[RecordedEvent(name)]
        return en if lang == "en" else zh
    try:
        return event_label(Event(name), lang)
    except ValueError:
        return name
