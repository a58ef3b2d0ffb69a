"""The tamper-evident case history: each event row chains to the one before it.

hash(n) = SHA-256(bytes.fromhex(hash(n-1)) ‖ RFC 8785 form of event n), starting from 64 zeros. The case
row keeps the head hash and the count, so deleting the newest event is detected as well as editing or
deleting any other row. `verify_chain` names the first row that does not fit.

Record-only events (assignments, the steps of two-person decisions; `workflows.states.RecordEvent`) are
chained the same way by `record_event`, with the case's state as both `from` and `to`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlmodel import Session, col, select

from certificates.jcs import canonicalize
from sandbox.models.accounts import User
from sandbox.models.cases import Case, CaseEvent
from workflows.states import RecordEvent

GENESIS = "0" * 64


def canonical_event(event: CaseEvent) -> dict[str, Any]:
    """Return the event as the JSON object its hash covers."""
    return {
        "caseId": event.case_id,
        "seq": event.seq,
        "event": event.event,
        "from": str(event.from_state),
        "to": str(event.to_state),
        "actorId": event.actor_id,
        "actorRole": event.actor_role,
        "note": event.note,
        "payload": event.payload,
        "at": event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }


def event_hash(prev_hash: str, event: CaseEvent) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonicalize(canonical_event(event))).hexdigest()


def append_event(session: Session, case: Case, event: CaseEvent) -> CaseEvent:
    """Chain `event` after the case's newest event and advance the case's head."""
    event.case_id = case.id  # type: ignore[assignment]
    event.seq = case.event_count + 1
    event.prev_hash = case.history_head
    event.hash = event_hash(case.history_head, event)
    case.event_count = event.seq
    case.history_head = event.hash
    session.add(event)
    session.add(case)
    return event


def record_event(
    session: Session, case: Case, *, actor: User, event: RecordEvent, payload: dict[str, Any], note: str = ""
) -> CaseEvent:
    """Chain a record-only event (no state change) after the case's newest event.

    The caller has claimed the case's version in this transaction, so two writers never chain two
    events onto the same head: the second one gets 409, not a broken chain.
    """
    # append_event fills in the case, the sequence number and the hashes.
    row = CaseEvent(  # type: ignore[call-arg]
        event=RecordEvent(event).value,
        from_state=case.state,
        to_state=case.state,
        actor_id=actor.id,
        actor_role=actor.role.value,
        note=note,
        payload=payload,
    )
    return append_event(session, case, row)


@dataclass(frozen=True)
class ChainBreak:
    case_id: int
    seq: int
    event_id: int | None
    problem: str


def verify_chain(case: Case, events: list[CaseEvent]) -> ChainBreak | None:
    """Return the first break in a case's history (events ordered by seq), or None when intact."""
    previous = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return ChainBreak(case.id, expected_seq, event.id, "missing event before this one")  # type: ignore[arg-type]
        if event.prev_hash != previous:
            return ChainBreak(case.id, event.seq, event.id, "does not link to the previous event")  # type: ignore[arg-type]
        if event_hash(previous, event) != event.hash:
            return ChainBreak(case.id, event.seq, event.id, "content changed after it was written")  # type: ignore[arg-type]
        previous = event.hash
    if len(events) != case.event_count or previous != case.history_head:
        return ChainBreak(case.id, len(events) + 1, None, "newest events are missing")  # type: ignore[arg-type]
    return None


def case_history(session: Session, case_id: int) -> list[CaseEvent]:
    statement = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq))
    return list(session.exec(statement).all())


def verify_all(session: Session, *, batch: int = 500) -> tuple[int, list[ChainBreak]]:
    """Check every case's chain; return how many cases were checked and every break found."""
    checked = 0
    breaks: list[ChainBreak] = []
    last_id = 0
    while True:
        cases = session.exec(
            select(Case).where(col(Case.id) > last_id).order_by(col(Case.id)).limit(batch)
        ).all()
        if not cases:
            return checked, breaks
        for case in cases:
            found = verify_chain(case, case_history(session, case.id))  # type: ignore[arg-type]
            if found is not None:
                breaks.append(found)
            checked += 1
        last_id = cases[-1].id  # type: ignore[assignment]
        session.expunge_all()
