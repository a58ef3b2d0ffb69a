"""Who holds a case and who ever held it: assignment changes written into the case's history.

Every change of the case officer, the testing lab or the legal organisation — by the assignment form,
`PATCH /api/v1/cases/{id}` or an event that assigns (raising a dispute, applying for an exemption) — is a
record-only event in the same hash chain with who made it, from and to. The two-person rules read the
people who ever held the case from that history (and from the current assignment, which covers cases
assigned before assignments were recorded), so unassigning oneself changes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from sandbox.models.accounts import User
from sandbox.models.cases import Case, CaseEvent, Evaluation
from sandbox.services.case_events.history import record_event
from workflows.states import Event, RecordEvent

ASSIGNMENT_EVENTS: dict[str, RecordEvent] = {
    "case_officer_id": RecordEvent.ASSIGN_CASE_OFFICER,
    "assessor_org_id": RecordEvent.ASSIGN_TESTING_LAB,
    "legal_org_id": RecordEvent.ASSIGN_LEGAL_ORGANISATION,
}


def record_assignment(
    session: Session, case: Case, *, actor: User, field: str, before: Any
) -> CaseEvent | None:
    """Write the change of `field` from `before` to its value now (nothing when it did not change)."""
    after = getattr(case, field)
    if before == after:
        return None
    payload = {"field": field, "from": before, "to": after}
    return record_event(session, case, actor=actor, event=ASSIGNMENT_EVENTS[field], payload=payload)


def officer_ids(session: Session, case: Case) -> frozenset[int]:
    """Everyone who was ever the case's officer: each side of every recorded change, and the current one."""
    statement = select(CaseEvent.payload).where(
        CaseEvent.case_id == case.id, CaseEvent.event == RecordEvent.ASSIGN_CASE_OFFICER.value
    )
    ids = {case.case_officer_id}
    for payload in session.exec(statement).all():
        ids.update((payload.get("from"), payload.get("to")))
    return frozenset(user_id for user_id in ids if isinstance(user_id, int))


def evaluator_ids(session: Session, case_id: int) -> frozenset[int]:
    """Everyone who ever scored an exit evaluation of the case (evaluations are never deleted)."""
    statement = select(Evaluation.evaluator_id).where(Evaluation.case_id == case_id).distinct()
    return frozenset(session.exec(statement).all())


def filing_acceptor_ids(session: Session, case_id: int) -> frozenset[int]:
    """Who accepted the case's filing (the actor of `accept_filing`)."""
    statement = select(CaseEvent.actor_id).where(
        CaseEvent.case_id == case_id,
        CaseEvent.event == Event.ACCEPT_FILING.value,
        col(CaseEvent.actor_id).is_not(None),
    )
    return frozenset(user_id for user_id in session.exec(statement).all() if user_id is not None)
