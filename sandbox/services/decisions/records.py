"""Proposals of two-person decisions as rows: open one, find the pending one of a subject, settle it.

Kept apart from `services.proposals` (which orchestrates: checks, the decision itself, history and
notices) so that `decide_exemption`, fired through `apply_event`, can settle the proposal it carries
out without importing the orchestrator above it. Settling is a compare-and-set on the row's state and
version: of two regulators confirming at once, one wins and the other gets 409.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sandbox.errors import N_, Conflict
from sandbox.models.accounts import User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.two_person import DecisionProposal, ProposalKind, ProposalState

ALREADY_DECIDED = N_("This proposal has already been confirmed, declined or withdrawn; reload the page.")


def pending_key(kind: ProposalKind, subject: object) -> str:
    return f"{kind.value}:{subject}"


def pending_proposal(session: Session, kind: ProposalKind, subject: object) -> DecisionProposal | None:
    """The proposal waiting for confirmation on a certificate or an exemption request, if any."""
    statement = select(DecisionProposal).where(DecisionProposal.pending_key == pending_key(kind, subject))
    return session.exec(statement.execution_options(populate_existing=True)).first()


def open_proposal(
    session: Session,
    *,
    kind: ProposalKind,
    subject: object,
    case: Case,
    actor: User,
    action: str,
    reason: str,
    data: dict[str, Any] | None = None,
) -> DecisionProposal:
    """Add a pending proposal; refuse (409) while another one waits on the same subject."""
    if pending_proposal(session, kind, subject) is not None:
        raise Conflict(N_("A proposal on this is already waiting for confirmation."))
    row = DecisionProposal(
        kind=kind,
        case_id=case.id,  # type: ignore[arg-type]
        certificate_id=str(subject) if kind is ProposalKind.CERTIFICATE_STATUS else None,
        exemption_request_id=int(str(subject)) if kind is ProposalKind.EXEMPTION_DECISION else None,
        action=action,
        reason=reason,
        data=dict(data or {}),
        pending_key=pending_key(kind, subject),
        proposed_by_id=actor.id,  # type: ignore[arg-type]
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another regulator proposed on the same subject a moment ago (the unique pending key).
        raise Conflict(N_("A proposal on this is already waiting for confirmation.")) from None
    return row


def settle(
    session: Session,
    proposal: DecisionProposal,
    *,
    state: ProposalState,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
) -> DecisionProposal:
    """Move a pending proposal to `state` once: a stale `expected_version` or a lost race is 409."""
    if proposal.state is not ProposalState.PENDING or (
        expected_version is not None and expected_version != proposal.version
    ):
        raise Conflict(ALREADY_DECIDED)
    now = utcnow()
    values = {
        "state": state,
        "pending_key": None,
        "decided_by_id": actor.id,
        "decided_at": now,
        "decision_note": note,
        "version": proposal.version + 1,
    }
    result = session.execute(
        update(DecisionProposal)
        .where(
            col(DecisionProposal.id) == proposal.id,
            col(DecisionProposal.state) == ProposalState.PENDING,
            col(DecisionProposal.version) == proposal.version,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(ALREADY_DECIDED)
    for name, value in values.items():
        setattr(proposal, name, value)
    return proposal
