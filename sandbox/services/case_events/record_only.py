"""Recording a record-only event that the enterprise or a legal partner asks for, with its own checks.

`record_event` is the counterpart of `services.workflow.apply_event` for record-only events limited to
some states (`workflows.records`): the table says in which states each may be recorded
(InvalidTransition otherwise), the case's version is claimed (409 for a stale or concurrent edit) and
`history.record_event` chains one `CaseEvent` with the same state before and after. Callers check who
may record it; nothing commits.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlmodel import Session

from sandbox.models.accounts import User
from sandbox.models.cases import Case, CaseEvent
from sandbox.services.case_events import history
from sandbox.services.cases.cases import claim_version
from workflows.records import check_recorded
from workflows.states import RecordEvent


def record_event(
    session: Session,
    *,
    case: Case,
    actor: User,
    event: RecordEvent,
    note: str = "",
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> CaseEvent:
    """Write `event` to the case's history if the table allows it in the case's state."""
    chosen = check_recorded(case.state, event)
    claim_version(session, case, expected_version)
    row = history.record_event(
        session, case, actor=actor, event=chosen, payload=dict(payload or {}),
        note=unicodedata.normalize("NFC", note.strip()),
    )  # fmt: skip
    session.flush()
    return row
