"""Partner organisations: testing labs, mediation centres, court liaisons, service providers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field, Session, SQLModel, select

from sandbox.errors import N_, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Organisation, OrganisationKind, User
from sandbox.policies import Permission, has_permission
from sandbox.services.common.validation import validate


class OrganisationCreate(SQLModel):
    name: str = Field(min_length=2, max_length=200)
    kind: OrganisationKind


def create_organisation(session: Session, *, actor: User | None, data: dict[str, Any]) -> Organisation:
    """Create a partner organisation (admins only); names are unique."""
    if not has_permission(actor, Permission.MANAGE_ORGANISATIONS):
        raise PermissionDenied()
    new = validate(OrganisationCreate, data)
    name = new.name.strip()
    if session.exec(select(Organisation.id).where(Organisation.name == name)).first() is not None:
        raise ValidationFailed.single("name", N_("An organisation with this name already exists."))
    organisation = Organisation(name=name, kind=new.kind)
    session.add(organisation)
    session.flush()
    return organisation


def list_organisations(session: Session, *, actor: User | None) -> list[Organisation]:
    """Return every organisation, by name (admins only)."""
    if not has_permission(actor, Permission.MANAGE_ORGANISATIONS):
        raise PermissionDenied()
    return list(session.exec(select(Organisation).order_by(Organisation.name)).all())
