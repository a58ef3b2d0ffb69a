"""Enterprise size declarations: an applicant declares the last year's figures, the size is derived.

The size is never typed: `workflows.enterprise_size.classify` derives it from the industry row of
《中小企业划型标准规定》 and the figures. Declarations are versioned per enterprise and never edited; a
declaration older than `RENEW_AFTER_MONTHS` is due for renewal (the applicant's home and filing form
ask for it), and the voucher decision at exit uses the newest one and records which.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.enterprise_size import SizeDeclaration, SizeDeclarationCreate
from sandbox.policies import can_view_enterprise
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.common.validation import validate
from workflows.calendar import add_months
from workflows.enterprise_size import INDUSTRY_BY_KEY, Figures, classify, needs_assets

RENEW_AFTER_MONTHS = 12


def declare_size(session: Session, *, actor: User, data: dict[str, Any]) -> SizeDeclaration:
    """Record the applicant's enterprise's figures as its next size declaration."""
    if not actor.active or actor.role is not Role.APPLICANT or actor.enterprise_id is None:
        raise PermissionDenied()
    declared = validate(SizeDeclarationCreate, data)
    if declared.industry not in INDUSTRY_BY_KEY:
        raise ValidationFailed.single("industry", N_("Choose one of the listed options."))
    if needs_assets(declared.industry) and declared.total_assets_fen is None:
        raise ValidationFailed.single(
            "total_assets_fen", N_("The standard uses total assets for this industry: enter them.")
        )
    if declared.year > beijing_today().year:
        raise ValidationFailed.single("year", N_("Declare the figures of a year that has begun."))
    size = classify(
        declared.industry,
        Figures(declared.employees, declared.operating_revenue_fen, declared.total_assets_fen),
    )
    latest = session.exec(
        select(func.max(SizeDeclaration.version)).where(SizeDeclaration.enterprise_id == actor.enterprise_id)
    ).one()
    row = SizeDeclaration(
        enterprise_id=actor.enterprise_id,
        version=(latest or 0) + 1,
        year=declared.year,
        industry=declared.industry,
        employees=declared.employees,
        operating_revenue_fen=declared.operating_revenue_fen,
        total_assets_fen=declared.total_assets_fen if needs_assets(declared.industry) else None,
        size=size,
        declared_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(row)
    session.flush()
    return row


def latest_size(session: Session, *, enterprise_id: int) -> SizeDeclaration | None:
    """The enterprise's newest size declaration (the one a voucher decision uses)."""
    statement = (
        select(SizeDeclaration)
        .where(SizeDeclaration.enterprise_id == enterprise_id)
        .order_by(col(SizeDeclaration.version).desc())
    )
    return session.exec(statement).first()


def latest_sizes(session: Session, *, enterprise_ids: set[int]) -> dict[int, str]:
    """Enterprise id → its newest declared size code, for those that declared one."""
    if not enterprise_ids:
        return {}
    statement = (
        select(SizeDeclaration)
        .where(col(SizeDeclaration.enterprise_id).in_(enterprise_ids))
        .order_by(col(SizeDeclaration.version))
    )
    return {row.enterprise_id: row.size.value for row in session.exec(statement).all()}


def list_declarations(session: Session, *, actor: User | None, enterprise_id: int) -> list[SizeDeclaration]:
    """Every size declaration of an enterprise, newest first (its own applicants, regulators, admins)."""
    if not can_view_enterprise(actor, enterprise_id):
        raise NotFound()
    statement = (
        select(SizeDeclaration)
        .where(SizeDeclaration.enterprise_id == enterprise_id)
        .order_by(col(SizeDeclaration.version).desc())
    )
    return list(session.exec(statement).all())


def renewal_due(declaration: SizeDeclaration | None, *, today: date) -> bool:
    """Whether the enterprise should declare again: never declared, or the newest is 12 months old."""
    if declaration is None:
        return True
    declared_on = declaration.declared_at.date()
    return today >= add_months(declared_on, RENEW_AFTER_MONTHS)
