"""The transparency log in the database: serialised appends, Merkle nodes, signed checkpoints, proofs.

Every writer first takes the log lock (`lock_log`): an UPDATE of the single `log_head` row, so on
PostgreSQL concurrent writers queue on its row lock until the holder commits or rolls back, and on
SQLite the UPDATE takes the database write lock. Appends, their checkpoints, certificate numbers and
key creation all happen under it, inside the caller's transaction: a rollback removes the entry, its
nodes and its checkpoint together, so the log never shows an entry whose certificate does not exist.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from certificates.log.checkpoint import sign_checkpoint
from certificates.log.merkle import MerkleLog, hash_leaf
from certificates.log.store import entry_leaf, format_utc, make_entry
from sandbox.errors import N_, ValidationFailed
from sandbox.models.base import utcnow
from sandbox.models.certificates import LogCheckpoint, LogEntry, LogHead, LogNode

HEAD_ID = 1
LOCKED = "sandbox.log_locked"


class DbNodeStore:
    """`certificates.log.merkle.NodeStore` over the `log_node` table (reads cached per instance)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[tuple[int, int], bytes] = {}
        self._size: int | None = None

    def size(self) -> int:
        if self._size is None:
            head = _head(self.session)
            self._size = head.size if head else 0
        return self._size

    def get(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._cache:
            if (index + 1) << level > self.size():
                raise KeyError(key)
            value = self.session.exec(
                select(LogNode.hash).where(LogNode.level == level, LogNode.index == index)
            ).first()
            if value is None:
                raise KeyError(key)
            self._cache[key] = bytes(value)
        return self._cache[key]

    def append(self, index: int, hashes: Sequence[bytes]) -> None:
        if index != self.size():
            raise ValueError(f"append at {index} but the log has {self.size()} leaves")
        for level, value in enumerate(hashes):
            self.session.add(LogNode(level=level, index=index >> level, hash=value))
            self._cache[(level, index >> level)] = value
        head = _head(self.session)
        assert head is not None, "append without lock_log"
        head.size = index + 1
        head.updated_at = utcnow()
        self._size = index + 1
        self.session.flush()


def _head(session: Session) -> LogHead | None:
    # populate_existing: another process may have appended since this session last looked.
    statement = select(LogHead).where(col(LogHead.id) == HEAD_ID).execution_options(populate_existing=True)
    return session.exec(statement).first()


def lock_log(session: Session) -> None:
    """Take the log lock for the rest of the transaction (idempotent within one transaction)."""
    current = session.get_transaction()
    if current is not None and session.info.get(LOCKED) is current:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(LogHead).values(id=HEAD_ID, size=0, updated_at=utcnow()).on_conflict_do_nothing())
    session.execute(
        update(LogHead).where(col(LogHead.id) == HEAD_ID).values(updated_at=utcnow())
    )  # the row lock
    session.info[LOCKED] = session.get_transaction()


def holds_lock(session: Session) -> bool:
    """Whether the session's current transaction took the log lock (and so may have appended)."""
    current = session.get_transaction()
    return current is not None and session.info.get(LOCKED) is current


def append(session: Session, kind: str, *, at: datetime, log_key: Any, origin: str, **fields: Any) -> int:
    """Append an entry (under `lock_log`), sign the new checkpoint, and return the entry's index.

    `log_key` is the Ed25519 log key, or the list `signing_keys.log_signers` gives (the Ed25519 key, then
    the SM2 key whose signature line follows it)."""
    signers = list(log_key) if isinstance(log_key, (list, tuple)) else [log_key]
    if not holds_lock(session):
        raise RuntimeError("append() needs lock_log() in the same transaction")
    entry = make_entry(kind, at=format_utc(at), **fields)
    store = DbNodeStore(session)
    log = MerkleLog(store)
    leaf = hash_leaf(entry_leaf(entry))
    index = log.append_hash(leaf)
    session.add(LogEntry(index=index, kind=kind, entry=entry, leaf_hash=leaf.hex(), created_at=at))
    root = log.root()
    national = signers[1].private_key if len(signers) > 1 else None
    note = sign_checkpoint(origin, index + 1, root, origin, signers[0].private_key, at=at, sm2_key=national)
    session.add(LogCheckpoint(size=index + 1, root_hash=root.hex(), note=note, created_at=at))
    session.flush()
    return index


def log_size(session: Session) -> int:
    return DbNodeStore(session).size()


def latest_checkpoint(session: Session) -> LogCheckpoint | None:
    statement = select(LogCheckpoint).order_by(col(LogCheckpoint.size).desc()).limit(1)
    return session.exec(statement).first()


def checkpoint_at(session: Session, size: int) -> LogCheckpoint | None:
    return session.get(LogCheckpoint, size)


def checkpoints_around(session: Session, index: int) -> list[str]:
    """Return the signed notes just before and just after entry `index` entered the log."""
    notes = []
    for size in (index, index + 1):
        row = session.get(LogCheckpoint, size) if size > 0 else None
        if row is not None:
            notes.append(row.note)
    return notes


def _bounds(session: Session, size: int | None) -> int:
    current = log_size(session)
    if size is None:
        return current
    if not 0 <= size <= current:
        raise ValidationFailed.single("size", N_("The log has %(size)s entries."), size=current)
    return size


def inclusion_proof(session: Session, index: int, size: int | None = None) -> list[bytes]:
    """Return the inclusion proof of entry `index` in the tree of `size` entries."""
    size = _bounds(session, size)
    if not 0 <= index < size:
        raise ValidationFailed.single("index", N_("Choose an entry below the tree size."))
    return MerkleLog(DbNodeStore(session)).inclusion_proof(index, size)


def consistency_proof(session: Session, first: int, second: int | None = None) -> list[bytes]:
    """Return the consistency proof from tree size `first` (at least 1, as RFC 9162 asks) to `second`."""
    second = _bounds(session, second)
    if first < 1:
        message = N_("The first size must be at least 1: there is no consistency proof from the empty tree.")
        raise ValidationFailed.single("first", message)
    if first > second:
        raise ValidationFailed.single("first", N_("The first size must not exceed the second."))
    return MerkleLog(DbNodeStore(session)).consistency_proof(first, second)


def entries(session: Session, start: int, end: int) -> list[LogEntry]:
    """Return entries [start, end) in order."""
    statement = (
        select(LogEntry)
        .where(col(LogEntry.index) >= start, col(LogEntry.index) < end)
        .order_by(col(LogEntry.index))
    )
    return list(session.exec(statement).all())


def entry_at(session: Session, index: int) -> LogEntry | None:
    return session.get(LogEntry, index)


def b64(hashes: Sequence[bytes]) -> list[str]:
    return [base64.b64encode(h).decode("ascii") for h in hashes]
