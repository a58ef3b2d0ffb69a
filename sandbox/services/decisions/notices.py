"""Who hears of a two-person proposal: the other regulators when it is made (so that one of them confirms
or declines it), and its proposer when it is confirmed or declined. Messages are message ids with their
parameters, translated into each reader's language when shown or mailed."""

from __future__ import annotations

from sqlmodel import Session, col, select

from sandbox.errors import N_
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate
from sandbox.models.two_person import DecisionProposal, ProposalKind, ProposalState
from sandbox.services.common.notifications import notify

# Notices: to the other regulators when proposed, to the proposer when confirmed or declined.
NOTICES: dict[tuple[str, ProposalState], str] = {
    ("revoke", ProposalState.PENDING): N_(
        "%(name)s proposes to revoke certificate %(number)s; another regulator must confirm or decline."
    ),
    ("suspend", ProposalState.PENDING): N_(
        "%(name)s proposes to suspend certificate %(number)s; another regulator must confirm or decline."
    ),
    ("reinstate", ProposalState.PENDING): N_(
        "%(name)s proposes to reinstate certificate %(number)s; another regulator must confirm or decline."
    ),
    ("revoke", ProposalState.CONFIRMED): N_(
        "%(name)s confirmed your proposal to revoke certificate %(number)s."
    ),
    ("suspend", ProposalState.CONFIRMED): N_(
        "%(name)s confirmed your proposal to suspend certificate %(number)s."
    ),
    ("reinstate", ProposalState.CONFIRMED): N_(
        "%(name)s confirmed your proposal to reinstate certificate %(number)s."
    ),
    ("revoke", ProposalState.DECLINED): N_(
        "%(name)s declined your proposal to revoke certificate %(number)s: %(note)s"
    ),
    ("suspend", ProposalState.DECLINED): N_(
        "%(name)s declined your proposal to suspend certificate %(number)s: %(note)s"
    ),
    ("reinstate", ProposalState.DECLINED): N_(
        "%(name)s declined your proposal to reinstate certificate %(number)s: %(note)s"
    ),
    ("exemption", ProposalState.PENDING): N_(
        "%(name)s proposes a decision on the liability exemption for “%(title)s”; another regulator "
        "must confirm or decline."
    ),
    ("exemption", ProposalState.CONFIRMED): N_(
        "%(name)s confirmed your proposed exemption decision for “%(title)s”."
    ),
    ("exemption", ProposalState.DECLINED): N_(
        "%(name)s declined your proposed exemption decision for “%(title)s”: %(note)s"
    ),
}


def notice_key(proposal: DecisionProposal) -> str:
    """The wording family of a proposal: its certificate action, or "exemption"."""
    return proposal.action if proposal.kind is ProposalKind.CERTIFICATE_STATUS else "exemption"


def tell_regulators(
    session: Session, proposal: DecisionProposal, actor: User, *, case: Case, cert: Certificate | None = None
) -> None:
    """Tell every other active regulator that `actor` proposed something a second regulator must decide."""
    others = session.exec(
        select(User)
        .where(User.role == Role.REGULATOR, User.active, User.id != actor.id)
        .order_by(col(User.id))
    ).all()
    params = {"name": actor.display_name, "number": cert.number if cert else "", "title": case.title}
    notify(
        session, recipients=others, kind="proposal", msgid=NOTICES[(notice_key(proposal), proposal.state)],
        params=params, case=case,
    )  # fmt: skip


def tell_proposer(
    session: Session, proposal: DecisionProposal, actor: User, *, case: Case, cert: Certificate | None
) -> None:
    """Tell the proposer that `actor` confirmed or declined the proposal (with the reason for declining)."""
    proposer = session.get(User, proposal.proposed_by_id)
    if proposer is None:
        return
    params = {
        "name": actor.display_name, "number": cert.number if cert else "", "title": case.title,
        "note": proposal.decision_note or "—",
    }  # fmt: skip
    notify(
        session, recipients=[proposer], kind=f"proposal_{proposal.state.value}",
        msgid=NOTICES[(notice_key(proposal), proposal.state)], params=params, case=case,
    )  # fmt: skip
