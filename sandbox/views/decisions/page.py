"""What pages show of two-person proposals: their wording, the panel beside a certificate or an exemption
request (the pending proposal with what this user may do about it, and every earlier one), and the
confirmation dialog each step passes through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from sandbox.labels.decisions import ACTION_LABELS
from sandbox.models.accounts import Role, User
from sandbox.models.two_person import DecisionProposal, ProposalKind, ProposalState

STEP_LABELS = {
    "confirm": _l("Confirm and carry out"),
    "decline": _l("Decline"),
    "withdraw": _l("Withdraw the proposal"),
}
STEP_WARNINGS = {
    "confirm": _l("Confirming carries the decision out now, in your name. This cannot be undone."),
    "decline": _l("Declining ends the proposal; nothing is changed. Give your reason: the proposer is told."),
    "withdraw": _l("Withdrawing ends your proposal; nothing is changed."),
}


@dataclass(frozen=True)
class Panel:
    rows: list[DecisionProposal]
    pending: DecisionProposal | None
    people: dict[int, User]
    can_decide: bool
    can_withdraw: bool


def people_of(session: Session, rows: list[DecisionProposal]) -> dict[int, User]:
    ids = {row.proposed_by_id for row in rows} | {row.decided_by_id for row in rows if row.decided_by_id}
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {user.id: user for user in users if user.id is not None}


def panel(session: Session, user: User, rows: list[DecisionProposal]) -> Panel:
    """The proposals on one subject as `user` sees them: a regulator other than the proposer may confirm
    or decline the pending one; its proposer may withdraw it."""
    pending = next((row for row in rows if row.state is ProposalState.PENDING), None)
    regulator = user.role is Role.REGULATOR and user.active
    return Panel(
        rows=rows,
        pending=pending,
        people=people_of(session, rows),
        can_decide=regulator and pending is not None and pending.proposed_by_id != user.id,
        can_withdraw=regulator and pending is not None and pending.proposed_by_id == user.id,
    )


def confirmed_by(shown: Panel) -> dict[int, tuple[str, str]]:
    """Status change id → (proposer, confirmer) names, for the certificate's status history."""
    names = {user_id: user.display_name for user_id, user in shown.people.items()}
    return {
        row.data["statusChangeId"]: (names.get(row.proposed_by_id, "—"), names.get(row.decided_by_id, "—"))  # type: ignore[arg-type]
        for row in shown.rows
        if row.state is ProposalState.CONFIRMED and "statusChangeId" in row.data
    }


def subject_url(proposal: DecisionProposal) -> str:
    """The page of what the proposal is about."""
    if proposal.kind is ProposalKind.CERTIFICATE_STATUS:
        return url_for("certificates.certificate_detail", cert_id=proposal.certificate_id)
    return url_for("exemptions.exemption_detail", request_id=proposal.exemption_request_id)


def render_dialog(
    session: Session,
    proposal: DecisionProposal,
    step: str,
    *,
    note: str = "",
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The confirmation page of one step (again with the errors of a refused attempt)."""
    context: dict[str, Any] = {
        "proposal": proposal,
        "step": step,
        "note": note,
        "errors": errors or {},
        "people": people_of(session, [proposal]),
        "action_labels": ACTION_LABELS,
        "step_label": STEP_LABELS[step],
        "warning": STEP_WARNINGS[step],
        "back": subject_url(proposal),
    }
    return render_template("proposals/confirm.html", **context), status
