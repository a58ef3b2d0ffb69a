"""Enterprises as others see them: object-level checks first, then the query.

An applicant asking for another enterprise gets `NotFound`, not `PermissionDenied`, so the answer
does not even confirm that the other enterprise exists.
"""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from sandbox.errors import NotFound, PermissionDenied
from sandbox.models.accounts import EligibilityDeclaration, Enterprise, User
from sandbox.policies import Permission, can_view_enterprise, has_permission
from sandbox.services.common.text_search import text_matches


def get_enterprise(session: Session, *, actor: User | None, enterprise_id: int) -> Enterprise:
    """Return the enterprise if `actor` may see it; otherwise NotFound."""
    if not can_view_enterprise(actor, enterprise_id):
        raise NotFound()
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound()
    return enterprise


def latest_declaration(session: Session, *, enterprise_id: int) -> EligibilityDeclaration | None:
    """Return the enterprise's most recent eligibility declaration."""
    statement = (
        select(EligibilityDeclaration)
        .where(EligibilityDeclaration.enterprise_id == enterprise_id)
        .order_by(col(EligibilityDeclaration.declared_at).desc(), col(EligibilityDeclaration.id).desc())
    )
    return session.exec(statement).first()


def list_enterprises(
    session: Session, *, actor: User | None, query: str = "", page: int = 1, per_page: int = 20
) -> tuple[list[Enterprise], int]:
    """Return one page of enterprises matching name or USCC (regulators and admins)."""
    if not has_permission(actor, Permission.VIEW_ENTERPRISES):
        raise PermissionDenied()
    statement = select(Enterprise)
    if query.strip():
        needle = query.strip()
        same_uscc = col(Enterprise.uscc) == needle.upper()
        statement = statement.where(or_(text_matches(needle, Enterprise.name), same_uscc))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(Enterprise.id)).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total
