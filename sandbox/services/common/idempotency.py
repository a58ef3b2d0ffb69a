"""Idempotency keys: a retried request with the same `Idempotency-Key` gets the first response back.

A record holds (user, key) — unique in the database — the SHA-256 of the request (method, path and
canonical JSON body) and the first successful response. The same key with a different request is
refused with 422, never silently replayed. Only successes are stored: a refused request writes nothing,
so retrying it is re-evaluated (and refused the same way while nothing changed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from sandbox.errors import N_, ValidationFailed
from sandbox.models.vouchers import IdempotencyRecord

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class IdempotencyKey:
    user_id: int
    key: str
    request_sha256: str


class Replay(Exception):
    """Raised inside a service when the request was already done: the caller replays `record`."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.record = record


def request_hash(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def make_key(*, user_id: int, header: str | None, method: str, path: str, body: Any) -> IdempotencyKey | None:
    """Read the header (None when absent); refuse an empty or overlong key."""
    if header is None:
        return None
    key = header.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed.single(
            "Idempotency-Key", N_("An Idempotency-Key is 1 to %(count)s printable characters."), count=200
        )
    return IdempotencyKey(user_id, key, request_hash(method, path, body))


def find(session: Session, key: IdempotencyKey) -> IdempotencyRecord | None:
    """Return the stored first response for `key`, refusing reuse of the key for another request."""
    record = session.exec(
        select(IdempotencyRecord)
        .where(IdempotencyRecord.user_id == key.user_id, IdempotencyRecord.key == key.key)
        .execution_options(populate_existing=True)
    ).first()
    if record is not None and record.request_sha256 != key.request_sha256:
        raise ValidationFailed.single(
            "Idempotency-Key",
            N_("This Idempotency-Key was already used for a different request; use a new key."),
        )
    return record


def check(session: Session, key: IdempotencyKey | None) -> None:
    """Raise `Replay` if `key` was already answered (call it after taking the lock the work needs)."""
    if key is not None:
        record = find(session, key)
        if record is not None:
            raise Replay(record)


def remember(session: Session, key: IdempotencyKey, *, status_code: int, response: dict[str, Any]) -> None:
    """Store the first response, in the same transaction as the work it answers."""
    session.add(
        IdempotencyRecord(
            user_id=key.user_id,
            key=key.key,
            request_sha256=key.request_sha256,
            status_code=status_code,
            response=response,
        )
    )
    session.flush()
