"""Permission rules as data and small pure functions; deny by default.

Views and services ask `can(actor, permission, obj)`. Nothing here imports Flask or touches the
database: rules look only at the actor and the object handed in.
"""

from __future__ import annotations

import enum
from typing import Protocol

from sandbox.models.accounts import Role


class Actor(Protocol):
    id: int | None
    role: Role
    enterprise_id: int | None
    organisation_id: int | None
    active: bool


class Permission(enum.StrEnum):
    VIEW_OWN_ENTERPRISE = "view_own_enterprise"
    MANAGE_USERS = "manage_users"
    MANAGE_ORGANISATIONS = "manage_organisations"
    VIEW_ENTERPRISES = "view_enterprises"
    FILE_CASES = "file_cases"
    REVIEW_CASES = "review_cases"
    ASSESS_CASES = "assess_cases"
    HANDLE_DISPUTES = "handle_disputes"
    REDEEM_VOUCHERS = "redeem_vouchers"


# Which role holds which permission. Anything not listed is denied.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.APPLICANT: frozenset({Permission.VIEW_OWN_ENTERPRISE, Permission.FILE_CASES}),
    Role.REGULATOR: frozenset({Permission.VIEW_ENTERPRISES, Permission.REVIEW_CASES}),
    Role.ASSESSOR: frozenset({Permission.ASSESS_CASES}),
    Role.LEGAL_PARTNER: frozenset({Permission.HANDLE_DISPUTES}),
    Role.SERVICE_PROVIDER: frozenset({Permission.REDEEM_VOUCHERS}),
    Role.ADMIN: frozenset(
        {Permission.MANAGE_USERS, Permission.MANAGE_ORGANISATIONS, Permission.VIEW_ENTERPRISES}
    ),
}


def has_permission(actor: Actor | None, permission: Permission) -> bool:
    """Return whether `actor`'s role grants `permission` (inactive or absent actors get nothing)."""
    if actor is None or not actor.active:
        return False
    return permission in ROLE_PERMISSIONS.get(actor.role, frozenset())


def can_view_enterprise(actor: Actor | None, enterprise_id: int) -> bool:
    """Applicants see their own enterprise only; regulators and admins see all."""
    if has_permission(actor, Permission.VIEW_ENTERPRISES):
        return True
    return (
        has_permission(actor, Permission.VIEW_OWN_ENTERPRISE)
        and actor is not None
        and actor.enterprise_id == enterprise_id
    )
