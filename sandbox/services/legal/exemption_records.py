"""The exemption request behind a case's `liability_exemption` hold, written in the same step as the event.

`apply_event` calls `open_request` when `apply_exemption` fires — the platform pre-fills the record from
what it already knows (the trial boundaries, the regulators' guidance and its acknowledgements, the
reports and whether they came on time, deviations) — and `record_decision` when `decide_exemption`
fires. Deciding confirms the decision another regulator proposed (two-person rule): the decision, its
scope and reasons are the proposal's, and the proposal is settled in the same step. A granted or partly
granted decision is issued as a signed `SandboxLiabilityExemption` credential through the same signing
path as exit certificates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlmodel import Session, col, select

from certificates.exemption import ExemptionDecisionSubject, build_exemption_decision
from sandbox.errors import N_, ValidationFailed
from sandbox.models.accounts import Enterprise, Organisation, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case, CaseEvent, GuidanceItem, ReportKind, TrialReport
from sandbox.models.certificates import Certificate, CertificateKind, ExemptionSequence
from sandbox.models.disputes import ExemptionRequest, ExemptionStage
from sandbox.models.two_person import DecisionProposal, ProposalKind, ProposalState
from sandbox.services.common.filing import take_next
from sandbox.services.common.settings import settings_of
from sandbox.services.decisions import records as proposal_records
from sandbox.services.trust.certificates import issue_signed
from workflows.calendar import WorkingCalendar
from workflows.sectors import sector_pack

PREFIX = "YZMZ"
BEIJING = timezone(timedelta(hours=8))
# An incident report is on time when filed by the end of the next working day after the incident.
INCIDENT_REPORT_WORKING_DAYS = 1
GRANTING = ("granted", "partly_granted")


def _day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def _stamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def build_record(session: Session, case: Case, *, calendar: WorkingCalendar, today: date) -> dict[str, Any]:
    """What the platform knows about how the trial kept to its plan, as of `today`."""
    pack = sector_pack(case.sector)
    boundaries = []
    for param_id, value in case.trial_boundaries.items():
        param = pack.boundary(param_id)
        boundaries.append({"id": param_id, "zh": param.zh if param else param_id,
                           "en": param.en if param else param_id, "value": value,
                           "unit": (param.unit if param else "") or ""})  # fmt: skip
    guidance = session.exec(
        select(GuidanceItem).where(GuidanceItem.case_id == case.id).order_by(col(GuidanceItem.id))
    ).all()
    reports = session.exec(
        select(TrialReport).where(TrialReport.case_id == case.id).order_by(col(TrialReport.id))
    ).all()
    deviations: list[dict[str, Any]] = []
    report_rows = []
    for report in reports:
        if report.kind is ReportKind.EXTENSION_REQUEST:
            continue
        on_time = None
        if report.kind is ReportKind.INCIDENT and report.occurred_on is not None:
            due = calendar.add_working_days(report.occurred_on, INCIDENT_REPORT_WORKING_DAYS)
            on_time = _day(report.filed_at) <= due
            if not on_time:
                deviations.append({"kind": "late_incident_report", "reportId": report.id,
                                   "title": report.title, "due": due.isoformat()})  # fmt: skip
        report_rows.append({"id": report.id, "kind": report.kind.value, "title": report.title,
                            "occurredOn": report.occurred_on.isoformat() if report.occurred_on else None,
                            "filedAt": _stamp(report.filed_at), "onTime": on_time})  # fmt: skip
    for item in guidance:
        if item.acknowledged_at is None:
            deviations.append({"kind": "guidance_unacknowledged", "guidanceId": item.id, "text": item.text})
    periodic = sum(1 for report in reports if report.kind is ReportKind.PERIODIC)
    if case.trial_start is not None:
        end = min(today, case.trial_end or today)
        expected = max(0, (end.year - case.trial_start.year) * 12 + end.month - case.trial_start.month
                       - (1 if end.day < case.trial_start.day else 0))  # fmt: skip
        if periodic < expected:
            deviations.append({"kind": "periodic_reports_missing", "expected": expected, "filed": periodic})
    suspensions = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.event == "suspend")
    ).all()
    for event in suspensions:
        deviations.append({"kind": "suspended", "seq": event.seq, "note": event.note,
                           "at": _stamp(event.created_at)})  # fmt: skip
    return {
        "asOf": today.isoformat(),
        "trialPeriod": {
            "start": case.trial_start.isoformat() if case.trial_start else None,
            "end": case.trial_end.isoformat() if case.trial_end else None,
        },  # fmt: skip
        "boundaries": boundaries,
        "conditions": list(case.conditions),
        "guidance": [
            {
                "id": item.id,
                "text": item.text,
                "issuedAt": _stamp(item.issued_at),
                "acknowledgedAt": _stamp(item.acknowledged_at),
            }
            for item in guidance
        ],  # fmt: skip
        "reports": report_rows,
        "deviations": deviations,
    }


def open_request(
    session: Session,
    *,
    case: Case,
    actor: User,
    data: dict[str, Any],
    calendar: WorkingCalendar,
    today: date,
) -> ExemptionRequest:
    """Create the exemption request for an `apply_exemption` that is firing now (inputs already checked)."""
    request = ExemptionRequest(
        case_id=case.id,  # type: ignore[arg-type]
        incident_id=int(data["incident_id"]),
        explanation=str(data["good_faith_explanation"]).strip(),
        record=build_record(session, case, calendar=calendar, today=today),
        applicant_id=actor.id,  # type: ignore[arg-type]
        organisation_id=int(data["legal_partner_org_id"]),
    )
    session.add(request)
    session.flush()
    return request


def pending_request(session: Session, case_id: int) -> ExemptionRequest | None:
    """The exemption request holding the case (not decided yet), if any."""
    statement = (
        select(ExemptionRequest)
        .where(ExemptionRequest.case_id == case_id, col(ExemptionRequest.decided_at).is_(None))
        .order_by(col(ExemptionRequest.id).desc())
    )
    return session.exec(statement).first()


def pending_proposal(session: Session, request: ExemptionRequest | None) -> DecisionProposal | None:
    """The decision proposed on the request and waiting for another regulator's confirmation, if any."""
    if request is None:
        return None
    return proposal_records.pending_proposal(session, ProposalKind.EXEMPTION_DECISION, request.id)


def confirmed_decision(proposal: DecisionProposal | None, data: dict[str, Any]) -> str | None:
    """The decision a `decide_exemption` takes: the proposed one (a different one is refused)."""
    if proposal is None:
        return data.get("decision")
    if data.get("decision") not in (None, "", proposal.action):
        raise ValidationFailed.single(
            "decision", N_("Confirm the decision as proposed, or decline it and propose another.")
        )
    return proposal.action


def check_decision(decision: str | None, data: dict[str, Any], note: str) -> tuple[str, str]:
    """Return (scope, reasons) of a decision, or refuse: reasons always, the scope of a partial grant."""
    reasons = str(data.get("reasons") or note or "").strip()
    scope = str(data.get("scope") or "").strip()
    if decision in (*GRANTING, "denied") and not reasons:
        raise ValidationFailed.single("reasons", N_("Give the reasons for the decision."))
    if decision == "partly_granted" and not scope:
        raise ValidationFailed.single("scope", N_("Say what the partial exemption covers."))
    return scope, reasons


def record_decision(
    session: Session, *, case: Case, actor: User, decision: str, data: dict[str, Any], note: str, today: date
) -> ExemptionRequest | None:
    """Write the decision of a `decide_exemption` that is firing now; issue the credential if granted."""
    request = pending_request(session, case.id)  # type: ignore[arg-type]
    if request is None:
        return None
    proposal = pending_proposal(session, request)
    if proposal is not None:
        data, note = {**proposal.data, "reasons": proposal.reason}, proposal.reason
        proposal_records.settle(session, proposal, state=ProposalState.CONFIRMED, actor=actor)
    scope, reasons = check_decision(decision, data, note)
    incident = session.get(TrialReport, request.incident_id)
    assert incident is not None
    request.decision = decision
    request.decision_scope = scope or f"{incident.title}（{incident.occurred_on or '—'}）"
    request.decision_reasons = reasons or note or "—"
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.stage = ExemptionStage.DECIDED
    request.version += 1
    if decision in GRANTING:
        request.certificate_id = issue_exemption(session, case=case, request=request, today=today).id
    session.add(request)
    session.flush()
    return request


def next_decision_number(session: Session, *, year: int) -> str:
    return f"{PREFIX}-{year}-{take_next(session, ExemptionSequence, year=year):04d}"


def issue_exemption(session: Session, *, case: Case, request: ExemptionRequest, today: date) -> Certificate:
    """Issue the signed exemption decision of `request` (in the decision's transaction)."""
    settings = settings_of(session).trust
    enterprise = session.get(Enterprise, case.enterprise_id)
    incident = session.get(TrialReport, request.incident_id)
    organisation = session.get(Organisation, request.organisation_id)
    assert enterprise is not None and incident is not None and organisation is not None
    pack = sector_pack(case.sector)
    number = next_decision_number(session, year=today.year)
    subject = ExemptionDecisionSubject(
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        project_title=case.title,
        sector=f"{pack.zh} {pack.en}",
        filing_number=case.filing_number or "—",
        decision_number=number,
        incident_title=incident.title,
        incident_date=incident.occurred_on or _day(incident.filed_at),
        decision=request.decision,  # type: ignore[arg-type]
        scope=request.decision_scope,  # type: ignore[arg-type]
        reasons=request.decision_reasons,  # type: ignore[arg-type]
        decision_date=today,
        legal_opinion_by=organisation.name,
    )

    def build(statuses: list[dict], at: datetime, credential_id: str) -> dict:
        return build_exemption_decision(subject, issuer=settings.issuer, valid_from=at,
                                        credential_id=credential_id, statuses=statuses)  # fmt: skip

    return issue_signed(session, case=case, kind=CertificateKind.EXEMPTION, number=number, build=build)
