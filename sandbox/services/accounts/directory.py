"""Who and what can be chosen in a form: case officers, testing labs, legal-partner organisations, the
counter-parties of contract disputes.

The pages fill their select boxes from these lists; the API serves the same lists, so a client can fill
`case_officer_id`, `assessor_org_id` or `legal_partner_org_id` without guessing ids. Imports no flask.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from sandbox.errors import PermissionDenied
from sandbox.models.accounts import LAB_KINDS, LEGAL_KINDS, Organisation, OrganisationKind, Role, User
from sandbox.services.legal import disputes

# Everyone who files, decides or handles cases needs the legal partners (disputes, exemptions).
DIRECTORY_ROLES = frozenset({Role.APPLICANT, Role.REGULATOR, Role.ASSESSOR, Role.LEGAL_PARTNER})
DISPUTE_RAISERS = frozenset({Role.APPLICANT, Role.REGULATOR})


def _organisations(session: Session, kinds: tuple[OrganisationKind, ...]) -> list[Organisation]:
    statement = select(Organisation).where(col(Organisation.kind).in_(kinds))
    return list(session.exec(statement.order_by(col(Organisation.name), col(Organisation.id))).all())


def legal_organisations(session: Session, *, actor: User) -> list[Organisation]:
    """Mediation centres, court liaisons and law firms, by name."""
    if actor.role not in DIRECTORY_ROLES:
        raise PermissionDenied()
    return _organisations(session, LEGAL_KINDS)


def testing_labs(session: Session, *, actor: User) -> list[Organisation]:
    """Testing labs and expert panels a case can be assigned to (regulators)."""
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    return _organisations(session, LAB_KINDS)


def provider_organisations(session: Session, *, actor: User) -> list[Organisation]:
    """Service-provider organisations that can be put in the approved pool (regulators)."""
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    return _organisations(session, (OrganisationKind.SERVICE_PROVIDER,))


def contract_counterparties(session: Session, *, actor: User) -> list[Organisation]:
    """The organisations a contract dispute can be with: service providers (those who raise disputes)."""
    if actor.role not in DISPUTE_RAISERS:
        raise PermissionDenied()
    return _organisations(session, (OrganisationKind.SERVICE_PROVIDER,))


def case_officers(session: Session, *, actor: User) -> list[User]:
    """The active regulators a case can be assigned to (regulators)."""
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    statement = select(User).where(User.role == Role.REGULATOR, col(User.active))
    return list(session.exec(statement.order_by(col(User.id))).all())


def dispute_colleagues(session: Session, *, actor: User, dispute_id: int) -> list[User]:
    """The legal partners a dispute can be assigned to (its handling organisation's members only)."""
    dispute, _ = disputes.get_dispute(session, actor=actor, dispute_id=dispute_id)  # not visible: 404
    if actor.role not in disputes.HANDLERS or actor.organisation_id != dispute.organisation_id:
        raise PermissionDenied()
    return disputes.colleagues(session, dispute)
