"""Firing case events: the one path by which a case changes state.

`apply_event` runs, in order: the permission check (the event's roles) → the guard's data collected
from the case and its records → `workflows.fire` → the version check (409 for a stale edit) → what
the event writes and sets off (filing number, plan version, the exit certificate and its voucher, …) →
one hash-chained `CaseEvent` → deadlines → the version claim, which writes the case row once (409 for a
concurrent edit) → notifications. What differs from one event to
another is read from the case event table (`table.py`); nothing here names an event.
Nothing is committed here; if any step raises, the caller's rollback undoes all of it. A refusal by a
two-person rule (the approver once held the case; the confirmer is the proposer) is 403, not 422.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from sandbox.errors import N_, NotFound, PermissionDenied, TwoPersonRule, ValidationFailed
from sandbox.models.accounts import User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case, CaseEvent
from sandbox.policies import can_view_case
from sandbox.services.case_events.effects import after_event
from sandbox.services.case_events.history import append_event
from sandbox.services.case_events.inputs import EventInput
from sandbox.services.case_events.records import Accepted
from sandbox.services.case_events.table import can_fire, guard_context, write_event_effects
from sandbox.services.cases import assignments
from sandbox.services.cases import calendar as calendar_service
from sandbox.services.cases.cases import check_version, claim_version, get_case, hold_changes, nfc
from sandbox.services.common.settings import settings_of
from workflows.cases import fire
from workflows.errors import GuardFailed
from workflows.states import Event
from workflows.two_person import TWO_PERSON_CODES

# The assignments an event may make (the rest are made by the assignment form or PATCH).
ASSIGNED_BY_EVENTS = ("assessor_org_id", "legal_org_id")


@dataclass(frozen=True)
class EventResult:
    case: Case
    event: CaseEvent


def apply_event(
    session: Session,
    *,
    actor: User,
    case_id: int,
    event: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> EventResult:
    """Fire `event` on the case for `actor`, or raise (403, 404, 409, 422) having changed nothing.

    `now` is when the event happens (default: the clock) and `today` its Beijing date (default: the date
    of `now` in Beijing): the history row carries `now`, deadlines and the exit date count from `today`.
    """
    # On PostgreSQL the case row is locked from here (as the UPDATE at the end will lock it): a concurrent
    # event on the case waits, then sees this one.
    case = get_case(session, actor=actor, case_id=case_id, for_update=True, key_share=True)
    try:
        chosen = Event(event)
    except ValueError:
        raise ValidationFailed.single("event", N_("Unknown event.")) from None
    if not can_fire(actor, case, chosen):
        raise PermissionDenied() if can_view_case(actor, case) else NotFound()
    note = unicodedata.normalize("NFC", (note or "").strip())
    data = nfc(dict(data or {}))
    calendar = calendar_service.office_calendar(session)
    now = now or utcnow()
    today = today or calendar_service.beijing_today(now)
    ctx = guard_context(EventInput(session, case, actor, data, note, today), chosen)
    from_state = case.state
    assigned_before = {field: getattr(case, field) for field in ASSIGNED_BY_EVENTS}
    try:
        fired = fire(case, chosen, **ctx)  # raises InvalidTransition / GuardFailed before changing anything
    except GuardFailed as refused:
        not_you = [reason for reason in refused.reasons if reason.code in TWO_PERSON_CODES]
        if not_you:
            raise TwoPersonRule(not_you) from None
        raise
    check_version(case, expected_version)
    # The new state, then the history head, deadlines and assignments, reach the case row in one UPDATE
    # (with the version claim) instead of one per autoflush.
    held = hold_changes(case)
    settings = settings_of(session)
    accepted = Accepted(session, case, actor, data, ctx, from_state, calendar, today, settings.dispute_days)
    payload = write_event_effects(chosen, accepted)
    record = CaseEvent(  # type: ignore[call-arg]
        event=chosen.value,
        from_state=from_state,
        to_state=fired.to_state,
        actor_id=actor.id,
        actor_role=actor.role.value,
        note=note,
        payload=payload,
        created_at=now,
    )
    append_event(session, case, record)
    # Accepting the filing assigns the testing lab; raising a dispute or applying for an exemption assigns
    # the legal organisation: those assignments are recorded too.
    for field, before in assigned_before.items():
        assignments.record_assignment(session, case, actor=actor, field=field, before=before)
    calendar_service.restart_clock(
        case, from_state=from_state, calendar=calendar, today=today, stage_days=settings.stage_days
    )
    claim_version(session, case, expected_version, changes=held | hold_changes(case))
    session.flush()
    after_event(session, case=case, event=chosen, actor=actor)
    return EventResult(case, record)
