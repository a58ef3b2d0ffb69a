"""Sign-in lockout per (account, client address), counted atomically in the database.

Wrong passwords are counted for the account *and* the address they came from: `max_failures` of them
within the lockout period lock that address out of that account for the period. The owner, signing in
from an address with no recent failures, is not affected, so guessing from elsewhere cannot lock the
owner out; the per-address request limit (Flask-Limiter, LOGIN_RATE_LIMIT) caps guessing across accounts.

A failure is one `INSERT … ON CONFLICT DO UPDATE SET failures = failures + 1 … RETURNING` statement:
the database adds, not Python, so parallel wrong passwords are all counted (a read-modify-write of the
counter lost most of them and let the right password in after fifteen parallel guesses).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, delete, select

from sandbox.models.accounts import LoginFailure
from sandbox.models.base import UTCDateTime

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def locked_until(session: Session, *, user_id: int, address: str, now: datetime) -> datetime | None:
    """Return when the lock of this address on this account ends, if it is locked now."""
    return session.exec(
        select(LoginFailure.locked_until).where(
            LoginFailure.user_id == user_id,
            LoginFailure.address == address,
            col(LoginFailure.locked_until) > now,
        )
    ).first()


def record_failure(
    session: Session, *, user_id: int, address: str, max_failures: int, lockout: timedelta, now: datetime
) -> datetime | None:
    """Count one wrong password; return the end of the lock if this failure locks the address out."""
    table = LoginFailure.__table__  # type: ignore[attr-defined]
    moment, until = sa.literal(now, UTCDateTime()), sa.literal(now + lockout, UTCDateTime())
    forgotten = sa.literal(now - lockout, UTCDateTime())
    # Failures older than the lockout period, or from before a lock that has ended, are forgotten; rows
    # of other addresses that are all forgotten go, so the table stays as small as the recent guessing.
    stale = sa.or_(table.c.locked_until <= moment, table.c.last_failed_at <= forgotten)
    session.execute(
        sa.delete(table).where(
            table.c.user_id == user_id,
            table.c.address != address,
            table.c.last_failed_at <= forgotten,
            sa.or_(table.c.locked_until.is_(None), table.c.locked_until <= moment),
        )
    )
    failures = sa.case((stale, 1), else_=table.c.failures + 1)
    insert = _INSERTS[session.get_bind().dialect.name](table).values(
        user_id=user_id, address=address, failures=1, last_failed_at=now,
        locked_until=(now + lockout) if max_failures <= 1 else None,
    )  # fmt: skip
    # Both dialects' Insert has on_conflict_do_update; the dict's value type is their common base.
    statement = insert.on_conflict_do_update(  # type: ignore[attr-defined]
        index_elements=[table.c.user_id, table.c.address],
        set_={
            "failures": failures,
            "last_failed_at": moment,
            "locked_until": sa.case(
                (failures >= max_failures, until), (stale, sa.null()), else_=table.c.locked_until
            ),
        },
    ).returning(table.c.locked_until)
    return session.execute(statement).scalar_one()


def clear_failures(session: Session, *, user_id: int, address: str) -> None:
    """Forget the failures from this address after a successful sign-in from it."""
    session.execute(
        delete(LoginFailure).where(col(LoginFailure.user_id) == user_id, col(LoginFailure.address) == address)
    )
