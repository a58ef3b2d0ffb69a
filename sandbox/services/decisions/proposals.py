"""Two-person decisions: one regulator proposes, a different regulator confirms (or declines), the
proposer may withdraw; only the confirmation carries the decision out (DESIGN.md §3).

Covers revoking, suspending and reinstating a certificate (carried out by
`certificate_status.apply_status_change`) and deciding a liability exemption (carried out by firing
`decide_exemption`, whose actor is the confirming regulator). Each step is a record in the case's
hash-chained history and in the proposal row (the certificate's and the request's history read it);
other regulators are told of a new proposal, and the proposer of the outcome (`proposal_notices`). This
module orchestrates: the rows live in `proposal_records`, the checks of each decision in the services
that own it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_, Conflict, NotFound, PermissionDenied, TwoPersonRule, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate
from sandbox.models.documents import DocumentKind
from sandbox.models.two_person import DecisionProposal, ProposalKind, ProposalState
from sandbox.services.case_events.fire import apply_event
from sandbox.services.case_events.history import record_event
from sandbox.services.cases.cases import claim_version, nfc
from sandbox.services.cases.documents import has_document
from sandbox.services.decisions import notices as proposal_notices
from sandbox.services.decisions import records as proposal_records
from sandbox.services.legal import exemption_records, exemptions
from sandbox.services.trust import certificates
from sandbox.services.trust import status as certificate_status
from workflows.guards import exemption_decision_reasons
from workflows.states import RecordEvent
from workflows.two_person import second_person_reasons

MAX_NOTE = 2000
STEP_EVENTS: dict[ProposalKind, dict[ProposalState, RecordEvent]] = {
    ProposalKind.CERTIFICATE_STATUS: {
        ProposalState.PENDING: RecordEvent.PROPOSE_CERTIFICATE_STATUS,
        ProposalState.CONFIRMED: RecordEvent.CONFIRM_CERTIFICATE_STATUS,
        ProposalState.DECLINED: RecordEvent.DECLINE_CERTIFICATE_STATUS,
        ProposalState.WITHDRAWN: RecordEvent.WITHDRAW_CERTIFICATE_STATUS,
    },
    ProposalKind.EXEMPTION_DECISION: {
        ProposalState.PENDING: RecordEvent.PROPOSE_EXEMPTION_DECISION,
        ProposalState.DECLINED: RecordEvent.DECLINE_EXEMPTION_DECISION,
        ProposalState.WITHDRAWN: RecordEvent.WITHDRAW_EXEMPTION_DECISION,
        # Confirming is `decide_exemption` itself, written by `apply_event`.
    },
}


def _regulator(actor: User) -> None:
    if not actor.active or actor.role is not Role.REGULATOR:
        raise PermissionDenied()


def _note(text: Any, *, required: bool) -> str:
    note = unicodedata.normalize("NFC", str(text or "").strip())
    if required and not note:
        raise ValidationFailed.single("note", N_("Give the reason; it is recorded with the step."))
    if len(note) > MAX_NOTE:
        raise ValidationFailed.single("note", N_("At most %(count)s characters."), count=MAX_NOTE)
    return note


# --- proposing ---------------------------------------------------------------------------------------------


def propose_status_change(
    session: Session, *, actor: User, certificate_id: str, action: str, reason: str
) -> DecisionProposal:
    """Propose revoking, suspending or reinstating a certificate; nothing changes until confirmed."""
    _regulator(actor)
    cert = certificates.get_certificate(session, certificate_id)
    reason = certificate_status.check_change(cert, action, reason)
    case = _case(session, cert.case_id)
    proposal = proposal_records.open_proposal(
        session, kind=ProposalKind.CERTIFICATE_STATUS, subject=cert.id, case=case, actor=actor,
        action=action, reason=reason,
    )  # fmt: skip
    _record(session, case, proposal, actor, note=reason)
    proposal_notices.tell_regulators(session, proposal, actor, cert=cert, case=case)
    return proposal


def propose_exemption_decision(
    session: Session, *, actor: User, request_id: int, data: dict[str, Any], expected_version: int | None
) -> DecisionProposal:
    """Propose the decision on an exemption request (granted, partly granted or denied, with reasons)."""
    _regulator(actor)
    request, case = exemptions.get_request(session, actor=actor, request_id=request_id)
    if request.decided_at is not None:
        raise Conflict(N_("This request has already been decided."))
    if expected_version is not None and expected_version != request.version:
        raise Conflict(N_("This request was changed by someone else; reload it and try again."))
    data = nfc(dict(data))
    decision = data.get("decision")
    # As `decide_exemption` will check: the opinion on the request, or uploaded as a legal-opinion document.
    opinion = bool(request.opinion) or has_document(session, case_id=case.id, kind=DocumentKind.LEGAL_OPINION)  # type: ignore[arg-type]
    problems = exemption_decision_reasons(legal_opinion_on_file=opinion, decision=decision)
    if problems:
        raise ValidationFailed.from_reasons(problems)
    scope, reasons = exemption_records.check_decision(decision, data, "")
    proposal = proposal_records.open_proposal(
        session, kind=ProposalKind.EXEMPTION_DECISION, subject=request.id, case=case, actor=actor,
        action=str(decision), reason=reasons, data={"scope": scope} if scope else {},
    )  # fmt: skip
    request.version += 1  # a decision form opened before the proposal is stale now
    session.add(request)
    _record(session, case, proposal, actor, note=reasons)
    proposal_notices.tell_regulators(session, proposal, actor, case=case)
    return proposal


# --- deciding on a proposal ---------------------------------------------------------------------------------


def confirm(
    session: Session,
    *,
    actor: User,
    proposal_id: int,
    note: str = "",
    expected_version: int | None = None,
    **event_options: Any,
) -> DecisionProposal:
    """Confirm another regulator's proposal and carry the decision out (the one step that changes things).

    A revocation tells the holder it may ask for a review within `CERTIFICATE_REVIEW_DAYS`."""
    proposal = _pending(session, actor, proposal_id, expected_version)
    refused = second_person_reasons(proposal.proposed_by_id, actor.id)
    if refused:
        raise TwoPersonRule(refused)
    note = _note(note, required=False)
    case = _case(session, proposal.case_id)
    if proposal.kind is ProposalKind.CERTIFICATE_STATUS:
        assert proposal.certificate_id is not None
        proposal_records.settle(session, proposal, state=ProposalState.CONFIRMED, actor=actor, note=note)
        cert = certificate_status.apply_status_change(
            session, actor=actor, certificate_id=proposal.certificate_id, action=proposal.action,
            reason=proposal.reason,
        )  # fmt: skip
        # The certificate's status history names both regulators of each change through this link.
        proposal.data = {**proposal.data, "statusChangeId": certificates.status_history(session, cert)[-1].id}
        session.add(proposal)
        _record(session, case, proposal, actor, note=note, status=cert.status.value)
    else:
        # `decide_exemption` settles the proposal and writes the decision (exemption_records).
        data = {**proposal.data, "decision": proposal.action, "reasons": proposal.reason}
        apply_event(
            session, actor=actor, case_id=proposal.case_id, event="decide_exemption",
            note=note or proposal.reason, data=data, **event_options,
        )  # fmt: skip
        session.refresh(proposal)
        cert = None
    proposal_notices.tell_proposer(session, proposal, actor, cert=cert, case=case)
    return proposal


def decline(
    session: Session, *, actor: User, proposal_id: int, note: str, expected_version: int | None = None
) -> DecisionProposal:
    """Decline another regulator's proposal, with a reason; nothing is carried out."""
    proposal = _pending(session, actor, proposal_id, expected_version)
    if proposal.proposed_by_id == actor.id:
        raise PermissionDenied(N_("You proposed this: withdraw it instead."))
    note = _note(note, required=True)
    case = _case(session, proposal.case_id)
    proposal_records.settle(session, proposal, state=ProposalState.DECLINED, actor=actor, note=note)
    _record(session, case, proposal, actor, note=note)
    cert = certificates.get_certificate(session, proposal.certificate_id) if proposal.certificate_id else None
    proposal_notices.tell_proposer(session, proposal, actor, cert=cert, case=case)
    return proposal


def withdraw(
    session: Session, *, actor: User, proposal_id: int, note: str = "", expected_version: int | None = None
) -> DecisionProposal:
    """Withdraw one's own proposal before anyone decided on it."""
    proposal = _pending(session, actor, proposal_id, expected_version)
    if proposal.proposed_by_id != actor.id:
        raise PermissionDenied(N_("Only the regulator who proposed this can withdraw it."))
    note = _note(note, required=False)
    case = _case(session, proposal.case_id)
    proposal_records.settle(session, proposal, state=ProposalState.WITHDRAWN, actor=actor, note=note)
    _record(session, case, proposal, actor, note=note)
    return proposal


# --- reading ---------------------------------------------------------------------------------------------


def get_proposal(session: Session, *, actor: User, proposal_id: int) -> DecisionProposal:
    """A proposal, for regulators (anyone else: 404, as if it did not exist)."""
    proposal = session.get(DecisionProposal, proposal_id)
    if proposal is None or not actor.active or actor.role is not Role.REGULATOR:
        raise NotFound()
    return proposal


@dataclass(frozen=True)
class Page:
    rows: list[DecisionProposal]
    total: int


def list_proposals(
    session: Session,
    *,
    actor: User,
    pending: bool | None = None,
    case_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Proposals newest first, for regulators; `pending` limits to those waiting (or settled)."""
    _regulator(actor)
    conditions = []
    if pending is not None:
        wanted = col(DecisionProposal.state) == ProposalState.PENDING
        conditions.append(wanted if pending else ~wanted)
    if case_id is not None:
        conditions.append(col(DecisionProposal.case_id) == case_id)
    rows = session.exec(
        select(DecisionProposal).where(*conditions).order_by(col(DecisionProposal.id).desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()  # fmt: skip
    total = session.exec(select(func.count()).select_from(DecisionProposal).where(*conditions)).one()
    return Page(list(rows), total)


def for_certificate(session: Session, cert: Certificate) -> list[DecisionProposal]:
    """Every proposal on a certificate, oldest first (the caller checked who may see the certificate)."""
    statement = select(DecisionProposal).where(DecisionProposal.certificate_id == cert.id)
    return list(session.exec(statement.order_by(col(DecisionProposal.id))).all())


def for_exemption_request(session: Session, request_id: int) -> list[DecisionProposal]:
    """Every proposed decision on an exemption request, oldest first (the caller checked visibility)."""
    statement = select(DecisionProposal).where(DecisionProposal.exemption_request_id == request_id)
    return list(session.exec(statement.order_by(col(DecisionProposal.id))).all())


# --- helpers ---------------------------------------------------------------------------------------------


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    assert case is not None
    return case


def _pending(
    session: Session, actor: User, proposal_id: int, expected_version: int | None
) -> DecisionProposal:
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    session.refresh(proposal)
    if proposal.state is not ProposalState.PENDING or (
        expected_version is not None and expected_version != proposal.version
    ):
        raise Conflict(proposal_records.ALREADY_DECIDED)
    return proposal


def _record(
    session: Session, case: Case, proposal: DecisionProposal, actor: User, *, note: str, **extra: Any
) -> None:
    """Write this step of the proposal into the case's hash-chained history."""
    claim_version(session, case, None)
    payload: dict[str, Any] = {"proposalId": proposal.id, "action": proposal.action, **extra}
    if proposal.certificate_id:
        payload["certificateId"] = proposal.certificate_id
    if proposal.exemption_request_id:
        payload["exemptionRequestId"] = proposal.exemption_request_id
    if proposal.state is not ProposalState.PENDING:
        payload["proposedById"] = proposal.proposed_by_id
    event = STEP_EVENTS[proposal.kind][proposal.state]
    record_event(session, case, actor=actor, event=event, payload=payload, note=note)
