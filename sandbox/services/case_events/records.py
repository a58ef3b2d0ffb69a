"""What an accepted event writes besides its history row: plan versions, filing numbers, trial dates, the
exit certificate and its voucher, the dispute and exemption records.

One function per event that writes something; the case event table (`table.py`) names which one each
event uses. `apply_event` calls it after `fire`, in the same transaction, and keeps what it returns as
the history row's payload. Nothing commits: a failure anywhere undoes the event too.
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
from sandbox.services.cases.progress import issue_progress_code
from sandbox.services.common.filing import filing_order, next_filing_number
from sandbox.services.legal import dispute_records, exemption_records
from sandbox.services.trust.certificates import issue_certificate
from sandbox.services.vouchers.vouchers import issue_voucher, voucher_decision
from workflows.calendar import WorkingCalendar
from workflows.states import CaseState

# Plan fields a regulator can point at when asking for an amendment (shown next to those fields).
AMENDABLE_FIELDS = (
    "title", "data_categories", "objectives", "boundaries", "duration_months", "risk_controls", "exit_plan",
    "consumer_protection",
)  # fmt: skip


@dataclass(frozen=True)
class Accepted:
    """An event the machine accepted, with what its guard read (`ctx`), before its history row."""

    session: Session
    case: Case
    actor: User
    data: dict[str, Any]
    ctx: dict[str, Any]
    from_state: CaseState
    calendar: WorkingCalendar
    today: date
    dispute_days: Mapping[str, int]


def nothing(done: Accepted) -> dict[str, Any]:
    """Write nothing; the history row has no payload."""
    return {}


def freeze_plan_version(done: Accepted) -> dict[str, Any]:
    """submit, resubmit: freeze the plan as a numbered version."""
    version = freeze_plan(done.session, case=done.case, actor=done.actor)
    return {"planVersion": version.number}


def name_fields_to_amend(done: Accepted) -> dict[str, Any]:
    """request_amendment: keep the plan fields the regulator points at."""
    return {"fields": [name for name in done.data.get("fields") or [] if name in AMENDABLE_FIELDS]}


def assign_filing_number(done: Accepted) -> dict[str, Any]:
    """accept_filing: the testing lab chosen, the next filing number of the year, the query code and the
    receipt that prints it.

    The clear code is printed on that receipt only; neither the case nor its history keeps it. The lab's
    assignment is recorded in the history after the event (`fire.apply_event`).
    """
    done.case.assessor_org_id = done.ctx["testing_lab_id"]
    done.case.filing_number = next_filing_number(done.session, year=done.today.year)
    done.case.filing_order = filing_order(done.case.filing_number)
    issue_progress_code(done.session, case=done.case, today=done.today)
    return {"filingNumber": done.case.filing_number}


def set_risk_assessment(done: Accepted) -> dict[str, Any]:
    """complete_risk_assessment: the answers, risk level, conditions and trial boundaries."""
    case, ctx = done.case, done.ctx
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


def set_trial_period(done: Accepted) -> dict[str, Any]:
    """pass_verification: the trial's start and end dates."""
    case = done.case
    case.trial_start, case.trial_end = done.ctx["trial_start"], done.ctx["trial_end"]
    return {"trialStart": case.trial_start.isoformat(), "trialEnd": case.trial_end.isoformat()}


def extend_trial_end(done: Accepted) -> dict[str, Any]:
    """extend_trial: the new end date, keeping the previous one in the history."""
    case = done.case
    previous, case.trial_end = case.trial_end, done.ctx["new_end"]
    return {"previousEnd": previous.isoformat(), "trialEnd": case.trial_end.isoformat()}  # type: ignore[union-attr]


def keep_mitigation_order(done: Accepted) -> dict[str, Any]:
    """suspend: the mitigation order goes into the history."""
    return {"mitigationOrder": done.ctx["mitigation_order"]}


def keep_wind_down_order(done: Accepted) -> dict[str, Any]:
    """terminate: the wind-down order goes into the history."""
    return {"windDownOrder": done.ctx["wind_down_order"]}


def issue_exit_certificate_and_voucher(done: Accepted) -> dict[str, Any]:
    """approve_exit: sign, log and render the exit certificate, then issue its voucher.

    Both in this transaction: a failed certificate undoes the approval; a refused voucher is recorded
    as refused and never blocks the exit.
    """
    certificate = issue_certificate(done.session, case=done.case, today=done.today)
    voucher = issue_voucher(done.session, certificate=certificate, case=done.case, today=done.today)
    return {
        "evaluatorId": done.ctx["evaluator_id"],
        "scores": done.ctx["scores"],
        "certificateNumber": certificate.number,
        "certificateId": certificate.id,
        # The voucher decision (size used, 从高从优 outcome, refusal) belongs to the exit's history.
        "voucher": voucher_decision(voucher),
    }


def open_dispute(done: Accepted) -> dict[str, Any]:
    """raise_dispute: assign the legal partner and open the dispute record."""
    case, ctx = done.case, done.ctx
    case.legal_org_id = int(ctx["legal_partner_org_id"])
    dispute = dispute_records.open_record(
        done.session, case=case, actor=done.actor, from_state=done.from_state, data=done.data,
        organisation_id=case.legal_org_id, calendar=done.calendar, today=done.today,
        acknowledge_days=done.dispute_days["acknowledge"],
    )  # fmt: skip
    return {"legalPartnerOrgId": case.legal_org_id, "claim": ctx["claim"], "disputeId": dispute.id,
            "kind": dispute.kind.value}  # fmt: skip


def record_dispute_outcome(done: Accepted) -> dict[str, Any]:
    """resolve_dispute: the outcome, on the dispute record too."""
    outcome = done.ctx["outcome"]
    resolved = dispute_records.record_outcome(
        done.session, case=done.case, outcome=outcome, note=done.ctx["note"]
    )
    return {"outcome": outcome} | ({"disputeId": resolved.id} if resolved else {})


def open_exemption_request(done: Accepted) -> dict[str, Any]:
    """apply_exemption: assign the legal partner and open the exemption request."""
    case, ctx = done.case, done.ctx
    case.legal_org_id = int(done.data["legal_partner_org_id"])
    request = exemption_records.open_request(
        done.session, case=case, actor=done.actor, data=done.data, calendar=done.calendar, today=done.today
    )
    return {
        "legalPartnerOrgId": case.legal_org_id,
        "incidentId": int(ctx["incident_id"]),
        "goodFaithExplanation": ctx["good_faith_explanation"],
        "exemptionRequestId": request.id,
    }


def record_exemption_decision(done: Accepted) -> dict[str, Any]:
    """decide_exemption: the confirmed decision; a granted one is signed as a credential."""
    session, case, ctx = done.session, done.case, done.ctx
    pending = exemption_records.pending_request(session, case.id)  # type: ignore[arg-type]
    proposal = exemption_records.pending_proposal(session, pending)
    decided = exemption_records.record_decision(
        session, case=case, actor=done.actor, decision=ctx["decision"], data=done.data, note=ctx["note"],
        today=done.today,
    )  # fmt: skip
    payload: dict[str, Any] = {"decision": ctx["decision"]}
    if proposal is not None:
        payload |= {"proposalId": proposal.id, "proposedById": proposal.proposed_by_id}
    if decided is not None:
        payload["exemptionRequestId"] = decided.id
        if decided.certificate_id:
            payload["certificateId"] = decided.certificate_id
    return payload
