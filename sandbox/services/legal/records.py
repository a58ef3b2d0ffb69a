"""What disputes and exemption requests share: who sees one, reading one with its case, and the
role-scoped, searchable, paginated list.

Both records belong to a case and are assigned to a legal-partner organisation. The enterprise's
applicants, regulators and that organisation's legal partners see them (`policies.can_view_legal_record`);
anyone else gets 404 for one record and an empty list or 403 for the list, never another party's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import NotFound, PermissionDenied
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute, ExemptionRequest
from sandbox.policies import can_view_legal_record
from sandbox.services.common.text_search import text_matches

RecordT = TypeVar("RecordT", Dispute, ExemptionRequest)


def can_view(actor: User | None, record: Dispute | ExemptionRequest, case: Case) -> bool:
    return can_view_legal_record(
        actor, enterprise_id=case.enterprise_id, organisation_id=record.organisation_id
    )


def get_record(
    session: Session, model: type[RecordT], *, actor: User, record_id: int
) -> tuple[RecordT, Case]:
    """Return the record and its case if `actor` may see it; NotFound otherwise (even if it exists)."""
    record = session.get(model, record_id)
    case = session.get(Case, record.case_id) if record else None
    if record is None or case is None or not can_view(actor, record, case):
        raise NotFound()
    return record, case


@dataclass(frozen=True)
class Page(Generic[RecordT]):
    rows: list[tuple[RecordT, Case]]
    total: int


def list_records(
    session: Session,
    model: type[RecordT],
    *,
    actor: User,
    conditions: Sequence[Any] = (),
    case_id: int | None = None,
    query: str = "",
    text_columns: Sequence[Any] = (),
    page: int = 1,
    per_page: int = 20,
) -> Page[RecordT]:
    """The records `actor` may see, newest first, narrowed by `conditions`, a case and a text search
    over the case's title and filing number and `text_columns`."""
    statement = select(model, Case).join(Case, col(Case.id) == model.case_id)
    if actor.role is Role.APPLICANT:
        statement = statement.where(Case.enterprise_id == (actor.enterprise_id or -1))
    elif actor.role is Role.LEGAL_PARTNER:
        statement = statement.where(model.organisation_id == (actor.organisation_id or -1))
    elif actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    if conditions:
        statement = statement.where(*conditions)
    if case_id is not None:
        statement = statement.where(model.case_id == case_id)
    if query.strip():
        statement = statement.where(text_matches(query, Case.title, Case.filing_number, *text_columns))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(model.id).desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page([(record, case) for record, case in rows], total)
