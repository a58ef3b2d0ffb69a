"""The transactional outbox: work written in the transaction that causes it, done by a worker afterwards.

An event's e-mails used to be rendered and sent inside the request, after its commit: about half of an
event's time, and lost if the process died or SMTP was down. Now `enqueue` writes one `OutboxMessage`
row per e-mail in the event's own transaction (a rolled-back event leaves none), and `deliver_batch`,
run by `flask --app sandbox outbox run` (one or several workers), claims due rows, hands each to the
delivery function it is given, and marks it sent — or counts the failure and retries later with
exponential backoff, giving up after `MAX_ATTEMPTS` (`dead_at`, shown to admins).

A claim selects due rows (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint
rows) and stamps them with the worker's name and a lease; a worker that dies before
marking its rows leaves them to be claimed again once the lease expires. Delivery is at least once: a
worker that dies between sending and marking sends that message again later.

Unlike a request, a worker commits here: one transaction for the claim and one per message, so a
message's outcome is kept whatever happens to the rest of the batch. No Flask here: rendering and
sending are the caller's `deliver` function.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, update
from sqlmodel import Session, col, select

from sandbox.models.base import utcnow
from sandbox.models.notifications import OutboxMessage

EMAIL = "email"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
LEASE = timedelta(minutes=5)

# What a delivery function receives: the message (kind, payload, attempts so far).
Deliver = Callable[[Session, OutboxMessage], None]


class Undeliverable(Exception):
    """Raised by a delivery function when retrying cannot help (the message is given up at once)."""


@dataclass(frozen=True)
class BatchResult:
    claimed: int
    sent: int
    failed: int
    dead: int


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    due: int
    sent: int
    dead: int
    oldest_pending: datetime | None


def enqueue(
    session: Session, kind: str, payloads: Iterable[dict[str, Any]], *, now: datetime | None = None
) -> int:
    """Write one outbox row per payload in the caller's transaction (one statement); return how many."""
    now = now or utcnow()
    rows = [
        {
            "kind": kind,
            "payload": payload,
            "created_at": now,
            "next_attempt_at": now,
            "attempts": 0,
            "last_error": "",
        }
        for payload in payloads
    ]
    if rows:
        # Into the table, not the entity: one executemany with no ORM bookkeeping (no object is needed).
        session.execute(insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def worker_name() -> str:
    """A name no other worker has: host, process and a random part (process ids are reused)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 30 s, doubling, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _due(now: datetime, lease: timedelta) -> list[Any]:
    return [
        col(OutboxMessage.sent_at).is_(None),
        col(OutboxMessage.dead_at).is_(None),
        col(OutboxMessage.next_attempt_at) <= now,
        or_(col(OutboxMessage.locked_at).is_(None), col(OutboxMessage.locked_at) < now - lease),
    ]


def claim(session: Session, *, worker: str, now: datetime, limit: int, lease: timedelta = LEASE) -> list[int]:
    """Claim up to `limit` due messages for `worker` and commit the claim; return their ids, oldest first."""
    due = select(OutboxMessage.id).where(*_due(now, lease)).order_by(col(OutboxMessage.id)).limit(limit)
    # PostgreSQL: concurrent claims skip each other's rows. SQLite has one writer at a time; the UPDATE
    # checks again that each row is still due, so a row another worker claimed meanwhile is left to it.
    ids = list(session.exec(due.with_for_update(skip_locked=True)).all())
    if not ids:
        session.rollback()
        return []
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids), *_due(now, lease))
        .values(locked_by=worker, locked_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    mine = select(OutboxMessage.id).where(OutboxMessage.locked_by == worker, OutboxMessage.locked_at == now)
    return list(session.exec(mine.order_by(col(OutboxMessage.id))).all())  # type: ignore[arg-type]


def _finish(session: Session, message_id: int, worker: str, **values: Any) -> None:
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.locked_by) == worker)
        .values(locked_by=None, locked_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def deliver_batch(
    session: Session,
    *,
    deliver: Deliver,
    worker: str,
    now: Callable[[], datetime] = utcnow,
    limit: int = 50,
    lease: timedelta = LEASE,
    max_attempts: int = MAX_ATTEMPTS,
) -> BatchResult:
    """Claim due messages and deliver each in its own transaction; return what happened to them.

    `now` is a clock (tests pass a fixed one); a delivery that raises counts as a failed attempt.
    """
    ids = claim(session, worker=worker, now=now(), limit=limit, lease=lease)
    sent = failed = dead = 0
    session.expunge_all()
    for message_id in ids:
        message = session.get(OutboxMessage, message_id)
        if message is None:  # pragma: no cover - rows are never deleted while claimed
            continue
        attempts = message.attempts + 1
        try:
            deliver(session, message)
        except Exception as error:  # noqa: BLE001 - any failure of one message must not stop the others
            session.rollback()
            text = f"{type(error).__name__}: {error}"[:500]
            if isinstance(error, Undeliverable) or attempts >= max_attempts:
                _finish(session, message_id, worker, attempts=attempts, last_error=text, dead_at=now())
                dead += 1
            else:
                retry_at = now() + retry_delay(attempts)
                _finish(
                    session, message_id, worker, attempts=attempts, last_error=text, next_attempt_at=retry_at
                )
                failed += 1
        else:
            _finish(session, message_id, worker, attempts=attempts, sent_at=now())
            sent += 1
        session.expunge_all()
    return BatchResult(claimed=len(ids), sent=sent, failed=failed, dead=dead)


def outbox_status(session: Session, *, now: datetime | None = None) -> OutboxStatus:
    """Count pending (due or waiting to retry), sent and given-up messages."""
    now = now or utcnow()
    pending = (col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.dead_at).is_(None))

    def count(*where: Any) -> int:
        return session.exec(select(func.count()).select_from(OutboxMessage).where(*where)).one()

    oldest = session.exec(select(func.min(OutboxMessage.created_at)).where(*pending)).one()
    return OutboxStatus(
        pending=count(*pending),
        due=count(*pending, col(OutboxMessage.next_attempt_at) <= now),
        sent=count(col(OutboxMessage.sent_at).is_not(None)),
        dead=count(col(OutboxMessage.dead_at).is_not(None)),
        oldest_pending=oldest,
    )


def dead_count(session: Session) -> int:
    """How many messages the outbox has given up on (for the admins' page)."""
    return session.exec(
        select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.dead_at).is_not(None))
    ).one()


def given_up(session: Session, *, limit: int = 10) -> list[OutboxMessage]:
    """The messages given up most recently, newest first (with their last error)."""
    statement = select(OutboxMessage).where(col(OutboxMessage.dead_at).is_not(None))
    return list(session.exec(statement.order_by(col(OutboxMessage.dead_at).desc()).limit(limit)).all())
