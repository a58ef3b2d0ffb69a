"""What an accepted event writes besides its history row: filing numbers, plan versions, trial dates,
the certificate, and the dispute and exemption records. Called by `apply_event` after `fire`, in the
same transaction; returns what the history row keeps of it (its payload).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from sandbox.models.accounts import User
from sandbox.models.cases import Case
from sandbox.services.cases.cases import freeze_plan
from sandbox.services.common.filing import next_filing_number
from sandbox.services.legal import dispute_records, exemption_records
from sandbox.services.trust.certificates import issue_certificate
from workflows.calendar import WorkingCalendar
from workflows.states import CaseState, Event

# Plan fields a regulator can point at when asking for an amendment (shown next to those fields).
AMENDABLE_FIELDS = (
    "title", "data_categories", "objectives", "boundaries", "duration_months", "risk_controls", "exit_plan",
    "consumer_protection",
)  # fmt: skip


@dataclass(frozen=True)
class RecordContext:
    from_state: CaseState
    calendar: WorkingCalendar
    today: date
    dispute_days: Mapping[str, int]


def record_data(
    session: Session,
    case: Case,
    event: Event,
    actor: User,
    data: dict[str, Any],
    ctx: dict[str, Any],
    effects: RecordContext,
) -> dict[str, Any]:
    """Write the event's data onto the case and return what the history row keeps of it."""
    today = effects.today
    if event in (Event.SUBMIT, Event.RESUBMIT):
        version = freeze_plan(session, case=case, actor=actor)
        return {"planVersion": version.number}
    if event is Event.REQUEST_AMENDMENT:
        fields = [name for name in data.get("fields") or [] if name in AMENDABLE_FIELDS]
        return {"fields": fields}
    if event is Event.ACCEPT_FILING:
        case.filing_number = next_filing_number(session, year=today.year)
        return {"filingNumber": case.filing_number}
    if event is Event.COMPLETE_RISK_ASSESSMENT:
        case.risk_answers = dict(ctx["answers"])
        case.risk_level = ctx["risk_level"]
        case.risk_level_reason = ctx.get("risk_level_reason") or None
        case.conditions = list(ctx["conditions"])
        case.trial_boundaries = dict(ctx["boundaries"])
        return {
            "riskLevel": case.risk_level,
            "conditions": case.conditions,
            "trialBoundaries": case.trial_boundaries,
        }
    if event is Event.PASS_VERIFICATION:
        case.trial_start, case.trial_end = ctx["trial_start"], ctx["trial_end"]
        return {"trialStart": case.trial_start.isoformat(), "trialEnd": case.trial_end.isoformat()}
    if event is Event.EXTEND_TRIAL:
        previous, case.trial_end = case.trial_end, ctx["new_end"]
        return {"previousEnd": previous.isoformat(), "trialEnd": case.trial_end.isoformat()}  # type: ignore[union-attr]
    if event is Event.SUSPEND:
        return {"mitigationOrder": ctx["mitigation_order"]}
    if event is Event.TERMINATE:
        return {"windDownOrder": ctx["wind_down_order"]}
    if event is Event.APPROVE_EXIT:
        # The certificate is issued in this transaction: a failure here undoes the approval too.
        certificate = issue_certificate(session, case=case, today=today)
        return {
            "evaluatorId": ctx["evaluator_id"],
            "scores": ctx["scores"],
            "certificateNumber": certificate.number,
            "certificateId": certificate.id,
        }
    if event is Event.RAISE_DISPUTE:
        case.legal_org_id = int(ctx["legal_partner_org_id"])
        dispute = dispute_records.open_record(
            session, case=case, actor=actor, from_state=effects.from_state, data=data,
            organisation_id=case.legal_org_id, calendar=effects.calendar, today=today,
            acknowledge_days=effects.dispute_days["acknowledge"],
        )  # fmt: skip
        return {"legalPartnerOrgId": case.legal_org_id, "claim": ctx["claim"], "disputeId": dispute.id,
                "kind": dispute.kind.value}  # fmt: skip
    if event is Event.RESOLVE_DISPUTE:
        resolved = dispute_records.record_outcome(
            session, case=case, outcome=ctx["outcome"], note=ctx["note"]
        )
        return {"outcome": ctx["outcome"]} | ({"disputeId": resolved.id} if resolved else {})
    if event is Event.APPLY_EXEMPTION:
        case.legal_org_id = int(data["legal_partner_org_id"])
        request = exemption_records.open_request(
            session, case=case, actor=actor, data=data, calendar=effects.calendar, today=today
        )
        return {
            "legalPartnerOrgId": case.legal_org_id,
            "incidentId": int(ctx["incident_id"]),
            "goodFaithExplanation": ctx["good_faith_explanation"],
            "exemptionRequestId": request.id,
        }
    if event is Event.DECIDE_EXEMPTION:
        pending = exemption_records.pending_request(session, case.id)  # type: ignore[arg-type]
        proposal = exemption_records.pending_proposal(session, pending)
        decided = exemption_records.record_decision(
            session,
            case=case,
            actor=actor,
            decision=ctx["decision"],
            data=data,
            note=ctx["note"],
            today=today,
        )
        payload: dict[str, Any] = {"decision": ctx["decision"]}
        if proposal is not None:
            payload |= {"proposalId": proposal.id, "proposedById": proposal.proposed_by_id}
        if decided is not None:
            payload["exemptionRequestId"] = decided.id
            if decided.certificate_id:
                payload["certificateId"] = decided.certificate_id
        return payload
    return {}
