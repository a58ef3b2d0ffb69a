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
    MANAGE_CALENDAR = "manage_calendar"


# Which role holds which permission. Anything not listed is denied.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.APPLICANT: frozenset({Permission.VIEW_OWN_ENTERPRISE, Permission.FILE_CASES}),
    Role.REGULATOR: frozenset({Permission.VIEW_ENTERPRISES, Permission.REVIEW_CASES}),
    Role.ASSESSOR: frozenset({Permission.ASSESS_CASES}),
    Role.LEGAL_PARTNER: frozenset({Permission.HANDLE_DISPUTES}),
    Role.SERVICE_PROVIDER: frozenset({Permission.REDEEM_VOUCHERS}),
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_ORGANISATIONS,
            Permission.VIEW_ENTERPRISES,
            Permission.MANAGE_CALENDAR,
        }
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


class CaseLike(Protocol):
    enterprise_id: int
    assessor_org_id: int | None
    legal_org_id: int | None

    # Read-only, so a case whose state is a CaseState (a str subclass) fits.
    @property
    def state(self) -> str: ...


# A draft is the enterprise's own workspace until it is submitted; nobody outside the enterprise sees it.
DRAFT = "draft"


# Who may ask for a record-only event (`workflows.records`): the enterprise asks for a review of a
# revocation. Who may fire each workflow event is in the case event table (`services.case_events.table`).
RECORD_EVENT_ROLES: dict[str, frozenset[Role]] = {
    "request_certificate_review": frozenset({Role.APPLICANT}),
}


def can_view_case(actor: Actor | None, case: CaseLike) -> bool:
    """Applicants see their enterprise's cases, regulators every filed case, partners those assigned."""
    if actor is None or not actor.active:
        return False
    if actor.role is Role.REGULATOR:
        return case.state != DRAFT
    if actor.role is Role.APPLICANT:
        return actor.enterprise_id is not None and actor.enterprise_id == case.enterprise_id
    if actor.role is Role.ASSESSOR:
        return actor.organisation_id is not None and actor.organisation_id == case.assessor_org_id
    if actor.role is Role.LEGAL_PARTNER:
        return actor.organisation_id is not None and actor.organisation_id == case.legal_org_id
    return False


def can_act_on_case(actor: Actor | None, case: CaseLike, roles: frozenset[Role]) -> bool:
    """Return whether `actor` holds one of `roles` and sees `case` (an event's roles; state and data are
    checked elsewhere)."""
    return actor is not None and actor.role in roles and can_view_case(actor, case)


def can_record(actor: Actor | None, case: CaseLike, event: str) -> bool:
    """Return whether `actor` may ask for the record-only `event` on `case`."""
    return can_act_on_case(actor, case, RECORD_EVENT_ROLES.get(event, frozenset()))


def can_edit_plan(actor: Actor | None, case: CaseLike) -> bool:
    """Only the enterprise's own applicants edit its plan (the state decides when)."""
    return actor is not None and actor.role is Role.APPLICANT and can_view_case(actor, case)


def can_evaluate(actor: Actor | None, case: CaseLike) -> bool:
    """Regulators, and assessors of the organisation the case is assigned to, score evaluations."""
    return actor is not None and actor.role in (Role.REGULATOR, Role.ASSESSOR) and can_view_case(actor, case)


def can_view_legal_record(actor: Actor | None, *, enterprise_id: int, organisation_id: int) -> bool:
    """A dispute or exemption request: the case's enterprise, regulators, and the legal partners of the
    organisation it is assigned to (not whoever the case is assigned to now)."""
    if actor is None or not actor.active:
        return False
    if actor.role is Role.REGULATOR:
        return True
    if actor.role is Role.APPLICANT:
        return actor.enterprise_id is not None and actor.enterprise_id == enterprise_id
    if actor.role is Role.LEGAL_PARTNER:
        return actor.organisation_id is not None and actor.organisation_id == organisation_id
    return False
