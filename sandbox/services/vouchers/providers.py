"""The approved provider pool (managed by regulators) and enterprises' declared related parties.

A provider may redeem vouchers only while its pool entry is active (from/to, Beijing dates) and only
for the service categories it is approved for; it may never redeem a voucher of an enterprise that has
the same USCC or declared it a related party.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from pydantic import field_validator
from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Enterprise, Organisation, OrganisationKind, Role, User, _uscc
from sandbox.models.base import utcnow
from sandbox.models.vouchers import ApprovedProvider, RelatedParty
from sandbox.services.common.validation import validate
from sandbox.services.vouchers import policy as voucher_policy


class ProviderEntry(SQLModel):
    organisation_id: int
    uscc: str
    categories: list[str] = Field(min_length=1)
    active_from: date
    active_to: date | None = None

    @field_validator("uscc")
    @classmethod
    def _check_uscc(cls, value: str) -> str:
        return _uscc(value)


class RelatedPartyEntry(SQLModel):
    name: str = Field(min_length=2, max_length=200)
    uscc: str
    relation: str = Field(min_length=1, max_length=200)

    @field_validator("uscc")
    @classmethod
    def _check_uscc(cls, value: str) -> str:
        return _uscc(value)


def save_provider(session: Session, *, actor: User, data: dict) -> ApprovedProvider:
    """Put an organisation in the pool or change its entry (regulators)."""
    if not actor.active or actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    entry = validate(ProviderEntry, data)
    organisation = session.get(Organisation, entry.organisation_id)
    if organisation is None or organisation.kind is not OrganisationKind.SERVICE_PROVIDER:
        raise ValidationFailed.single("organisation_id", N_("Choose a service provider organisation."))
    _, policy = voucher_policy.current_policy(session)
    unknown = [c for c in entry.categories if policy.category(c) is None]
    if unknown:
        raise ValidationFailed.single("categories", N_("Choose one of the listed options."))
    if entry.active_to is not None and entry.active_to < entry.active_from:
        raise ValidationFailed.single("active_to", N_("The end date cannot be before the start date."))
    row = session.exec(
        select(ApprovedProvider).where(ApprovedProvider.organisation_id == organisation.id)
    ).first()
    row = row or ApprovedProvider(
        organisation_id=organisation.id, uscc=entry.uscc, active_from=entry.active_from  # type: ignore[arg-type]
    )
    row.uscc, row.categories = entry.uscc, sorted(set(entry.categories))
    row.active_from, row.active_to = entry.active_from, entry.active_to
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    organisation.uscc = organisation.uscc or entry.uscc
    session.add_all([row, organisation])
    session.flush()
    return row


def list_providers(session: Session) -> list[tuple[ApprovedProvider, Organisation]]:
    statement = (
        select(ApprovedProvider, Organisation)
        .join(Organisation, col(Organisation.id) == ApprovedProvider.organisation_id)
        .order_by(col(Organisation.name))
    )
    return [(row, org) for row, org in session.exec(statement).all()]


def provider_organisations(session: Session) -> list[Organisation]:
    statement = select(Organisation).where(Organisation.kind == OrganisationKind.SERVICE_PROVIDER)
    return list(session.exec(statement.order_by(col(Organisation.name))).all())


def provider_of(session: Session, actor: User) -> ApprovedProvider | None:
    """The pool entry of the actor's organisation, if any."""
    if actor.role is not Role.SERVICE_PROVIDER or actor.organisation_id is None:
        return None
    return session.exec(
        select(ApprovedProvider).where(ApprovedProvider.organisation_id == actor.organisation_id)
    ).first()


def is_active(provider: ApprovedProvider, today: date) -> bool:
    return provider.active_from <= today and (provider.active_to is None or today <= provider.active_to)


def is_related(session: Session, *, enterprise: Enterprise, provider: ApprovedProvider) -> bool:
    """Same USCC, or a related party the enterprise declared."""
    if enterprise.uscc == provider.uscc:
        return True
    declared = session.exec(
        select(RelatedParty.id).where(
            RelatedParty.enterprise_id == enterprise.id, RelatedParty.uscc == provider.uscc
        )
    ).first()
    return declared is not None


def declare_related_party(session: Session, *, actor: User, data: dict) -> RelatedParty:
    """Record a related party of the actor's enterprise (its applicants)."""
    if not actor.active or actor.role is not Role.APPLICANT or actor.enterprise_id is None:
        raise PermissionDenied()
    entry = validate(
        RelatedPartyEntry,
        {k: unicodedata.normalize("NFC", v.strip()) if isinstance(v, str) else v for k, v in data.items()},
    )
    exists = session.exec(
        select(RelatedParty.id).where(
            RelatedParty.enterprise_id == actor.enterprise_id, RelatedParty.uscc == entry.uscc
        )
    ).first()
    if exists is not None:
        raise ValidationFailed.single("uscc", N_("This party is already declared."))
    row = RelatedParty(
        enterprise_id=actor.enterprise_id,
        name=entry.name,
        uscc=entry.uscc,
        relation=entry.relation,
        declared_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(row)
    session.flush()
    return row


def related_parties(session: Session, *, actor: User, enterprise_id: int | None = None) -> list[RelatedParty]:
    """The declared related parties of the actor's enterprise (or, for regulators, of any)."""
    if actor.role is Role.APPLICANT:
        enterprise_id = actor.enterprise_id
    elif actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    if enterprise_id is None:
        raise NotFound()
    statement = select(RelatedParty).where(RelatedParty.enterprise_id == enterprise_id)
    return list(session.exec(statement.order_by(col(RelatedParty.id))).all())
