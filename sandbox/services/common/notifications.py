"""Notifications: an in-app row per recipient, and its e-mail written to the outbox.

Services decide who must act next and call `notify`. The in-app rows are inserted at once (the bell is
right as soon as the action commits); each e-mail is an outbox row in the same transaction, rendered
and sent later by the outbox worker (`services.common.outbox`, `sandbox.mail.deliver_email`), so a
rolled-back action never mails anyone and a mail server that is down loses nothing. A `dedupe_key`
makes repeated sweeps notify only once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, update
from sqlmodel import Session, col, select

from sandbox.errors import NotFound
from sandbox.models.accounts import Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.notifications import Notification
from sandbox.services.common.outbox import EMAIL, enqueue


def notify(
    session: Session,
    *,
    recipients: Iterable[User],
    kind: str,
    msgid: str,
    params: dict[str, Any] | None = None,
    case: Case | None = None,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Create one notification per recipient (skipping any already sent under `dedupe_key`).

    The rows are inserted at once, with their e-mails' outbox rows (two statements whatever the number of
    recipients); the notifications returned carry their ids but are not in the session.
    """
    created, locales = [], []
    now = utcnow()
    for user in {user.id: user for user in recipients if user.active}.values():
        if dedupe_key is not None:
            exists = session.exec(
                select(Notification.id).where(
                    Notification.user_id == user.id, Notification.dedupe_key == dedupe_key
                )
            ).first()
            if exists is not None:
                continue
        notification = Notification(
            user_id=user.id,  # type: ignore[arg-type]
            case_id=case.id if case else None,
            kind=kind,
            msgid=msgid,
            params=params or {},
            dedupe_key=dedupe_key,
            created_at=now,
        )
        created.append(notification)
        locales.append(str(user.locale))
    if not created:
        return []
    session.flush()  # what the caller added first (the rows refer to users and cases)
    table = Notification.__table__  # type: ignore[attr-defined]
    rows = [row.model_dump(exclude={"id"}) for row in created]
    inserted = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    for row, new_id in zip(created, inserted.scalars().all(), strict=True):
        row.id = new_id
    enqueue(
        session,
        EMAIL,
        (
            {"notification_id": row.id, "user_id": row.user_id, "locale": locale}
            for row, locale in zip(created, locales, strict=True)
        ),
        now=now,
    )
    return created


def case_people(session: Session, case: Case, *roles: Role) -> list[User]:
    """Return the active users of `roles` concerned with `case`.

    Applicants of its enterprise; its case officer (or every regulator while none is assigned); the
    assessors of its testing lab; the legal partners of its assigned legal organisation.
    """
    conditions = []
    if Role.APPLICANT in roles:
        conditions.append((User.role == Role.APPLICANT) & (User.enterprise_id == case.enterprise_id))
    if Role.REGULATOR in roles:
        if case.case_officer_id is not None:
            conditions.append(User.id == case.case_officer_id)
        else:
            conditions.append(User.role == Role.REGULATOR)
    if Role.ASSESSOR in roles and case.assessor_org_id is not None:
        conditions.append((User.role == Role.ASSESSOR) & (User.organisation_id == case.assessor_org_id))
    if Role.LEGAL_PARTNER in roles and case.legal_org_id is not None:
        conditions.append((User.role == Role.LEGAL_PARTNER) & (User.organisation_id == case.legal_org_id))
    if not conditions:
        return []
    statement = select(User).where(User.active, or_(*conditions)).order_by(User.id)  # type: ignore[arg-type]
    return list(session.exec(statement).all())


def list_notifications(
    session: Session, *, user: User, unread_only: bool = False, page: int = 1, per_page: int = 20
) -> tuple[list[Notification], int]:
    statement = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        statement = statement.where(col(Notification.read_at).is_(None))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(Notification.id).desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total


def unread_count(session: Session, *, user: User) -> int:
    statement = (
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == user.id,
            col(Notification.read_at).is_(None),
        )
    )
    return session.exec(statement).one()


def mark_read(
    session: Session, *, user: User, notification_id: int, now: datetime | None = None
) -> Notification:
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        session.add(notification)
        session.flush()
    return notification


def mark_all_read(session: Session, *, user: User, now: datetime | None = None) -> int:
    """Mark every unread notification of `user` read; return how many were unread."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, col(Notification.read_at).is_(None))  # type: ignore[arg-type]
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]


def case_headings(session: Session, rows: Iterable[Notification]) -> dict[int, tuple[str, str | None]]:
    """Case id → (title, filing number) of the cases these notifications are about, in one query."""
    ids = {row.case_id for row in rows if row.case_id is not None}
    if not ids:
        return {}
    statement = select(Case.id, Case.title, Case.filing_number).where(col(Case.id).in_(ids))
    return {case_id: (title, number) for case_id, title, number in session.exec(statement).all()}  # type: ignore[misc]
