"""Recording a record-only event in a case's history: no state change, the same hash chain.

`record_event` is the counterpart of `services.workflow.apply_event` for the events of
`workflows.records`: the table says in which states each may be recorded (InvalidTransition otherwise),
the case's version is claimed (409 for a stale or concurrent edit) and one `CaseEvent` with the same
state before and after is chained after the newest. Callers check who may record it; nothing commits.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlmodel import Session

from sandbox.models.accounts import User
from sandbox.models.cases import Case, CaseEvent
from sandbox.services.cases import claim_version
from sandbox.services.history import append_event
from workflows.records import RecordedEvent, check_recorded


def record_event(
    session: Session,
    *,
    case: Case,
    actor: User,
    event: RecordedEvent,
    note: str = "",
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> CaseEvent:
    """Write `event` to the case's history if the table allows it in the case's state."""
    chosen = check_recorded(case.state, event)
    claim_version(session, case, expected_version)
    row = CaseEvent(
        event=chosen.value,
        from_state=case.state,
        to_state=case.state,
        actor_id=actor.id,
        actor_role=actor.role.value,
        note=unicodedata.normalize("NFC", note.strip()),
        payload=dict(payload or {}),
    )
    append_event(session, case, row)
    session.flush()
    return row
