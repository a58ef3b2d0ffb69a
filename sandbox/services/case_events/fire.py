"""Firing case events: the one path by which a case changes state.

`apply_event` runs, in order: the permission check (policies) → the guard's data collected from the
case and its records → `workflows.fire` → the version claim (409 for a stale or concurrent edit) →
one hash-chained `CaseEvent` → side effects (filing number, plan version, deadlines, notifications).
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
from sandbox.models.accounts import Organisation, OrganisationKind, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case, CaseEvent, ReportKind, TrialReport
from sandbox.models.documents import DocumentKind
from sandbox.policies import can_fire, can_view_case
from sandbox.services.case_events.effects import after_event
from sandbox.services.case_events.history import append_event
from sandbox.services.case_events.records import AMENDABLE_FIELDS, RecordContext, record_data
from sandbox.services.cases import assignments
from sandbox.services.cases import calendar as calendar_service
from sandbox.services.cases.cases import claim_version, get_case, nfc
from sandbox.services.cases.documents import has_document
from sandbox.services.cases.trial import latest_evaluation
from sandbox.services.common.settings import settings_of
from sandbox.services.decisions import policy as two_person_policy
from sandbox.services.legal import dispute_records, exemption_records
from workflows.cases import available_events, fire
from workflows.errors import GuardFailed
from workflows.sectors import sector_pack
from workflows.states import CaseState, Event
from workflows.two_person import TWO_PERSON_CODES

LEGAL_KINDS = frozenset(
    {OrganisationKind.MEDIATION_CENTRE, OrganisationKind.COURT_LIAISON, OrganisationKind.LAW_FIRM}
)


@dataclass(frozen=True)
class EventResult:
    case: Case
    event: CaseEvent


def parse_date(value: Any, field: str) -> date | None:
    """Read an ISO date from request data (None when absent)."""
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed.single(field, N_("Enter a date as YYYY-MM-DD.")) from None


def guard_context(
    session: Session, case: Case, event: Event, actor: User, data: dict[str, Any], note: str, today: date
) -> dict[str, Any]:
    """Collect the plain values the event's guard reads (see `workflows.guards`)."""
    pack = sector_pack(case.sector)
    ctx: dict[str, Any] = {"note": note, "pack": pack, "today": today, "actor_role": actor.role.value}
    if event is Event.SUBMIT:
        ctx["plan"] = {
            **case.plan,
            "title": case.title,
            "data_categories": case.data_categories,
            "commitment_accepted_by": case.commitment_accepted_by_id,
        }
    elif event is Event.COMPLETE_RISK_ASSESSMENT:
        ctx.update(
            answers={**case.risk_answers, **(data.get("answers") or {})},
            risk_level=data.get("risk_level"),
            risk_level_reason=data.get("risk_level_reason"),
            conditions=data.get("conditions"),
            boundaries=data.get("trial_boundaries"),
        )
    elif event is Event.PASS_VERIFICATION:
        ctx.update(
            verification_report_on_file=has_document(
                session,
                case_id=case.id,
                kind=DocumentKind.TECHNICAL_VERIFICATION_REPORT,  # type: ignore[arg-type]
            ),
            trial_start=parse_date(data.get("trial_start"), "trial_start"),
            trial_end=parse_date(data.get("trial_end"), "trial_end"),
        )
    elif event is Event.EXTEND_TRIAL:
        ctx.update(
            new_end=parse_date(data.get("new_end"), "new_end"),
            trial_start=case.trial_start,
            trial_end=case.trial_end,
        )
    elif event is Event.SUSPEND:
        ctx["mitigation_order"] = data.get("mitigation_order")
    elif event is Event.TERMINATE:
        ctx["wind_down_order"] = data.get("wind_down_order")
    elif event is Event.REQUEST_EXIT:
        ctx.update(
            self_assessment_on_file=has_document(session, case_id=case.id, kind=DocumentKind.SELF_ASSESSMENT),  # type: ignore[arg-type]
            trial_start=case.trial_start,
            trial_end=case.trial_end,
        )
    elif event is Event.APPROVE_EXIT:
        evaluation = latest_evaluation(session, case_id=case.id)  # type: ignore[arg-type]
        ctx.update(
            scores=evaluation.scores if evaluation else None,
            evaluator_id=evaluation.evaluator_id if evaluation else None,
            approver_id=actor.id,
            case_officer_id=case.case_officer_id,
            officer_ids=assignments.officer_ids(session, case),
            evaluator_ids=assignments.evaluator_ids(session, case.id),
            filing_acceptor_ids=assignments.filing_acceptor_ids(session, case.id),
            two_person_policy=two_person_policy.current_policy(session)[1],
            trial_start=case.trial_start,
        )
    elif event is Event.RAISE_DISPUTE:
        ctx.update(legal_partner_org_id=data.get("legal_partner_org_id"), claim=data.get("claim"))
    elif event is Event.RESOLVE_DISPUTE:
        ctx["outcome"] = data.get("outcome")
    elif event is Event.APPLY_EXEMPTION:
        ctx.update(
            incident_id=data.get("incident_id"), good_faith_explanation=data.get("good_faith_explanation")
        )
    elif event is Event.DECIDE_EXEMPTION:
        request = exemption_records.pending_request(session, case.id)  # type: ignore[arg-type]
        proposal = exemption_records.pending_proposal(session, request)
        ctx.update(
            # The opinion is written on the request, or uploaded as a legal-opinion document.
            legal_opinion_on_file=bool(request and request.opinion)
            or has_document(session, case_id=case.id, kind=DocumentKind.LEGAL_OPINION),  # type: ignore[arg-type]
            # Deciding confirms the decision another regulator proposed, exactly as proposed.
            decision=exemption_records.confirmed_decision(proposal, data),
            proposer_id=proposal.proposed_by_id if proposal else None,
            approver_id=actor.id,
        )
    return ctx


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
    case = get_case(session, actor=actor, case_id=case_id)
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
    ctx = guard_context(session, case, chosen, actor, data, note, today)
    if chosen in (Event.RAISE_DISPUTE, Event.APPLY_EXEMPTION):
        check_legal_organisation(
            session, data.get("legal_partner_org_id"), required=chosen is Event.APPLY_EXEMPTION
        )
    if chosen is Event.APPLY_EXEMPTION:
        _incident(session, case, data.get("incident_id"))
    if chosen is Event.RAISE_DISPUTE and can_raise_from(case.state):
        dispute_records.check_input(actor, case.state, data)
    from_state, legal_org_before = case.state, case.legal_org_id
    try:
        fired = fire(case, chosen, **ctx)  # raises InvalidTransition / GuardFailed before changing anything
    except GuardFailed as refused:
        not_you = [reason for reason in refused.reasons if reason.code in TWO_PERSON_CODES]
        if not_you:
            raise TwoPersonRule(not_you) from None
        raise
    claim_version(session, case, expected_version)
    settings = settings_of(session)
    effects = RecordContext(from_state, calendar, today, settings.dispute_days)
    payload = record_data(session, case, chosen, actor, data, ctx, effects)
    record = CaseEvent(
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
    # Raising a dispute or applying for an exemption assigns the legal organisation: that is recorded too.
    assignments.record_assignment(session, case, actor=actor, field="legal_org_id", before=legal_org_before)
    calendar_service.restart_clock(
        case, from_state=from_state, calendar=calendar, today=today, stage_days=settings.stage_days
    )
    session.flush()
    after_event(session, case=case, event=chosen, actor=actor)
    return EventResult(case, record)


def check_legal_organisation(session: Session, organisation_id: Any, *, required: bool) -> None:
    """Refuse (422) an organisation that is not a mediation centre, court liaison or law firm."""
    if organisation_id in (None, ""):
        if required:
            raise ValidationFailed.single("legal_partner_org_id", N_("This field is required."))
        return  # the guard names the missing field
    organisation = session.get(Organisation, organisation_id) if str(organisation_id).isdigit() else None
    if organisation is None or organisation.kind not in LEGAL_KINDS:
        raise ValidationFailed.single(
            "legal_partner_org_id", N_("Choose a mediation centre, court liaison or law firm.")
        )


def _incident(session: Session, case: Case, incident_id: Any) -> None:
    report = session.get(TrialReport, int(incident_id)) if str(incident_id).isdigit() else None
    if incident_id not in (None, "") and (
        report is None or report.case_id != case.id or report.kind is not ReportKind.INCIDENT
    ):
        raise ValidationFailed.single("incident_id", N_("Choose one of this case's incident reports."))


def can_raise_from(state: CaseState) -> bool:
    return Event.RAISE_DISPUTE in available_events(state)


__all__ = [
    "AMENDABLE_FIELDS",
    "EventResult",
    "apply_event",
    "check_legal_organisation",
    "guard_context",
    "parse_date",
]
