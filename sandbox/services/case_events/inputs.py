"""What an event's guard reads, collected from the case, its records and the request before firing.

One function per event that needs more than the keys every guard may read (`common_inputs`); the case
event table (`table.py`) names which one each event uses. Each returns the plain values its guard in
`workflows.guards` reads and refuses (422) input no guard could judge: a malformed date, an
organisation that is no legal partner, an incident report of another case. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from sandbox.errors import N_, ValidationFailed
from sandbox.models.accounts import LAB_KINDS, LEGAL_KINDS, Organisation, User
from sandbox.models.cases import Case, ReportKind, TrialReport
from sandbox.models.documents import DocumentKind
from sandbox.services.cases import assignments
from sandbox.services.cases.documents import has_document
from sandbox.services.cases.filing_steps import submitted_plan
from sandbox.services.cases.trial import latest_evaluation
from sandbox.services.cases.verification import latest_conclusion
from sandbox.services.decisions import policy as two_person_policy
from sandbox.services.legal import dispute_records, exemption_records
from workflows.cases import available_events
from workflows.sectors import sector_pack
from workflows.states import CaseState, Event


@dataclass(frozen=True)
class EventInput:
    """An event asked for, before it fires: who asks, on which case, with what."""

    session: Session
    case: Case
    actor: User
    data: dict[str, Any]
    note: str
    today: date


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


def common_inputs(asked: EventInput) -> dict[str, Any]:
    """The keys any guard may read: the note, the sector pack, today and the actor's role."""
    return {
        "note": asked.note,
        "pack": sector_pack(asked.case.sector),
        "today": asked.today,
        "actor_role": asked.actor.role.value,
    }


def no_inputs(asked: EventInput) -> dict[str, Any]:
    """Nothing beyond the common keys."""
    return {}


def plan_inputs(asked: EventInput) -> dict[str, Any]:
    """submit: the plan as it stands, with the title, data categories and the commitment."""
    return {"plan": submitted_plan(asked.case)}


def acceptance_inputs(asked: EventInput) -> dict[str, Any]:
    """accept_filing: the testing lab chosen now (or already assigned); refuses an organisation that is
    no testing lab or expert panel."""
    chosen = asked.data.get("assessor_org_id")
    if chosen in (None, ""):
        return {"testing_lab_id": asked.case.assessor_org_id}
    organisation = asked.session.get(Organisation, int(chosen)) if str(chosen).isdigit() else None
    if organisation is None or organisation.kind not in LAB_KINDS:
        raise ValidationFailed.single("assessor_org_id", N_("Choose a testing laboratory or expert panel."))
    return {"testing_lab_id": organisation.id}


def risk_assessment_inputs(asked: EventInput) -> dict[str, Any]:
    """complete_risk_assessment: the checklist answers (saved ones, overridden), level, conditions."""
    data = asked.data
    return {
        "answers": {**asked.case.risk_answers, **(data.get("answers") or {})},
        "risk_level": data.get("risk_level"),
        "risk_level_reason": data.get("risk_level_reason"),
        "conditions": data.get("conditions"),
        "boundaries": data.get("trial_boundaries"),
    }


def verification_inputs(asked: EventInput) -> dict[str, Any]:
    """pass_verification: whether a verification report is on file, the lab's latest conclusion, and the
    trial dates asked for."""
    conclusion = latest_conclusion(asked.session, asked.case.id)  # type: ignore[arg-type]
    return {
        "verification_result": conclusion.result.value if conclusion else None,
        "verification_report_on_file": has_document(
            asked.session,
            case_id=asked.case.id,  # type: ignore[arg-type]
            kind=DocumentKind.TECHNICAL_VERIFICATION_REPORT,
        ),
        "trial_start": parse_date(asked.data.get("trial_start"), "trial_start"),
        "trial_end": parse_date(asked.data.get("trial_end"), "trial_end"),
    }


def extension_inputs(asked: EventInput) -> dict[str, Any]:
    """extend_trial: the new end date and the trial as it stands."""
    return {
        "new_end": parse_date(asked.data.get("new_end"), "new_end"),
        "trial_start": asked.case.trial_start,
        "trial_end": asked.case.trial_end,
    }


def mitigation_inputs(asked: EventInput) -> dict[str, Any]:
    """suspend: the mitigation order."""
    return {"mitigation_order": asked.data.get("mitigation_order")}


def wind_down_inputs(asked: EventInput) -> dict[str, Any]:
    """terminate: the wind-down order."""
    return {"wind_down_order": asked.data.get("wind_down_order")}


def exit_request_inputs(asked: EventInput) -> dict[str, Any]:
    """request_exit: whether the self-assessment is on file, and the trial period."""
    case = asked.case
    return {
        "self_assessment_on_file": has_document(
            asked.session,
            case_id=case.id,  # type: ignore[arg-type]
            kind=DocumentKind.SELF_ASSESSMENT,
        ),
        "trial_start": case.trial_start,
        "trial_end": case.trial_end,
    }


def exit_approval_inputs(asked: EventInput) -> dict[str, Any]:
    """approve_exit: the latest evaluation and everyone who held the case (four eyes)."""
    return {**exit_approval_records(asked.session, asked.case), "approver_id": asked.actor.id}


def exit_approval_records(session: Session, case: Case) -> dict[str, Any]:
    """What approve_exit's guard reads besides the approver: the latest evaluation, who held the case,
    the office's two-person policy and the trial start (also used to find who may approve)."""
    evaluation = latest_evaluation(session, case_id=case.id)  # type: ignore[arg-type]
    return {
        "scores": evaluation.scores if evaluation else None,
        "evaluator_id": evaluation.evaluator_id if evaluation else None,
        "case_officer_id": case.case_officer_id,
        "officer_ids": assignments.officer_ids(session, case),
        "evaluator_ids": assignments.evaluator_ids(session, case.id),  # type: ignore[arg-type]
        "filing_acceptor_ids": assignments.filing_acceptor_ids(session, case.id),  # type: ignore[arg-type]
        "two_person_policy": two_person_policy.current_policy(session)[1],
        "trial_start": case.trial_start,
    }


def dispute_inputs(asked: EventInput) -> dict[str, Any]:
    """raise_dispute: the legal partner and the claim; refuses an organisation that is no legal partner."""
    data = asked.data
    ctx = {"legal_partner_org_id": data.get("legal_partner_org_id"), "claim": data.get("claim")}
    check_legal_organisation(asked.session, data.get("legal_partner_org_id"), required=False)
    if can_raise_from(asked.case.state):
        given = dispute_records.check_input(asked.actor, asked.case.state, data)
        dispute_records.check_counterparty(asked.session, given)
    return ctx


def dispute_outcome_inputs(asked: EventInput) -> dict[str, Any]:
    """resolve_dispute: the outcome, and the kind of the dispute it ends (the outcomes that fit vary)."""
    pending = dispute_records.pending_dispute(asked.session, asked.case.id)  # type: ignore[arg-type]
    return {"outcome": asked.data.get("outcome"), "dispute_kind": pending.kind.value if pending else None}


def exemption_request_inputs(asked: EventInput) -> dict[str, Any]:
    """apply_exemption: the incident and the explanation; the legal partner and incident must exist."""
    data = asked.data
    ctx = {
        "incident_id": data.get("incident_id"),
        "good_faith_explanation": data.get("good_faith_explanation"),
    }
    check_legal_organisation(asked.session, data.get("legal_partner_org_id"), required=True)
    _incident(asked.session, asked.case, data.get("incident_id"))
    return ctx


def exemption_decision_inputs(asked: EventInput) -> dict[str, Any]:
    """decide_exemption: the legal opinion, and the decision another regulator proposed."""
    session, case = asked.session, asked.case
    request = exemption_records.pending_request(session, case.id)  # type: ignore[arg-type]
    proposal = exemption_records.pending_proposal(session, request)
    return {
        # The opinion is written on the request, or uploaded as a legal-opinion document.
        "legal_opinion_on_file": bool(request and request.opinion)
        or has_document(session, case_id=case.id, kind=DocumentKind.LEGAL_OPINION),  # type: ignore[arg-type]
        # Deciding confirms the decision another regulator proposed, exactly as proposed.
        "decision": exemption_records.confirmed_decision(proposal, asked.data),
        "proposer_id": proposal.proposed_by_id if proposal else None,
        "approver_id": asked.actor.id,
    }


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
