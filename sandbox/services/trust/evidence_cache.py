"""The evidence a verification is judged by, gathered from the database and kept per process.

What `verification.evidence_for` needs — the key set, the signed status lists, the latest checkpoint,
the checkpoints around an entry and a consistency proof — changes only when the transparency log moves
(keys are created, rotated and revoked, and certificate statuses change, each with a log entry under
the log lock) or when a status list is re-signed. So a snapshot is labelled with the log head (its size
and the time of its last lock) and the lists' signing times, read in one query per verification. A
different label, or a list due for re-signing, rebuilds the snapshot through the uncached path, which
also does the first-use writes (keys, lists). A snapshot is kept only when the label did not move
while it was built and the transaction took no log lock, so a rollback never leaves one behind.

Per (entry, tree size), the `Evidence` object itself is kept, so the verifier's memo of lists and
checkpoints it has already verified carries over between requests for the same certificate; and so is
each certificate's bundle against the snapshot's latest checkpoint (its credential, log entry and
inclusion proof never change), which the QR landing page and verification by number rebuild otherwise.
And so is the report of verifying a certificate as the server holds it (`certificate_report`): it
depends on nothing but the snapshot — a status change, a key event or a re-issue moves the log head, a
re-signed list the lists' times — so every process sees a revocation on its next request, whichever
process made it, and the QR landing page does not run both proofs' checks on every scan.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from certificates.keys import KeySet
from certificates.verifier import Evidence, Report
from sandbox.models.certificates import Certificate, StatusListRecord
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import certificates, signing_keys, status_lists, transparency

# Evidence objects kept per snapshot (one per certificate bundle shape); the dict is emptied when full.
MAX_KEPT = 1024


@dataclass
class Snapshot:
    """What verification needs from one database, as of `label`."""

    label: tuple[Any, ...]
    key_set: KeySet
    status_lists: dict[str, dict[str, Any]]
    resign_at: datetime | None  # the first moment `status_lists.current_list` would re-sign a list
    log_size: int
    latest_size: int | None
    latest_note: str | None
    kept: dict[tuple[int | None, int | None], Evidence] = field(default_factory=dict)
    bundles: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    pages: dict[tuple[str, ...], str] = field(default_factory=dict)


# Plain SQL, so that checking the label costs one small statement with no ORM work per request (the
# tables of `LogHead` and `StatusListRecord`; the head row is `transparency.HEAD_ID`).
LABEL = text(
    "SELECT (SELECT size FROM log_head WHERE id = 1), (SELECT updated_at FROM log_head WHERE id = 1),"
    " (SELECT count(*) FROM status_list), (SELECT min(signed_at) FROM status_list),"
    " (SELECT max(signed_at) FROM status_list)"
)

_snapshots: weakref.WeakKeyDictionary[Engine, Snapshot] = weakref.WeakKeyDictionary()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def read_label(session: Session) -> tuple[Any, ...]:
    """The log head and the status lists' signing times, in one round trip."""
    return tuple(session.connection().execute(LABEL).one())


def _build(session: Session) -> Snapshot:
    """Gather everything afresh (creating keys and re-signing lists when due), keeping it if safe."""
    before = read_label(session)
    signing_keys.ensure_keys(session)
    lists = status_lists.current_lists(session)
    latest = transparency.latest_checkpoint(session)
    half = settings_of(session).trust.status_list_validity / 2
    records = session.exec(select(StatusListRecord)).all()
    snapshot = Snapshot(
        label=read_label(session),
        key_set=signing_keys.key_set(session),
        status_lists=lists,
        resign_at=min((record.signed_at + half for record in records), default=None),
        log_size=transparency.log_size(session),
        latest_size=latest.size if latest else None,
        latest_note=latest.note if latest else None,
    )
    if snapshot.label == before and not transparency.holds_lock(session):
        _snapshots[_engine(session)] = snapshot
    return snapshot


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _current(session: Session) -> Snapshot:
    snapshot = _snapshots.get(_engine(session))
    if (
        snapshot is None
        or snapshot.resign_at is None
        or signing_keys.now_seconds() >= snapshot.resign_at
        or read_label(session) != snapshot.label
    ):
        snapshot = _build(session)
    return snapshot


def _keep(kept: dict[Any, Any], key: Any, value: Any) -> None:
    if len(kept) >= MAX_KEPT:
        kept.clear()
    kept[key] = value


def certificate_bundle(session: Session, cert: Certificate) -> dict[str, Any]:
    """`certificates.make_bundle` against the latest checkpoint (shared between requests: read only)."""
    snapshot = _current(session)
    found = snapshot.bundles.get(cert.id)
    if found is None:
        size = snapshot.latest_size if cert.log_index < (snapshot.latest_size or 0) else None
        found = certificates.make_bundle(session, cert, settings_of(session).trust, size=size)
        if size is not None:
            _keep(snapshot.bundles, cert.id, found)
    return found


def certificate_report(session: Session, cert: Certificate, verify: Callable[[], Report]) -> Report:
    """`verify()`'s report on the certificate as the server holds it, kept with the snapshot it was made
    against (read only: shared between requests)."""
    snapshot = _current(session)
    found = snapshot.reports.get(cert.id)
    if found is None:
        found = verify()
        if read_label(session) == snapshot.label and not transparency.holds_lock(session):
            _keep(snapshot.reports, cert.id, found)
    return found


def kept_page(session: Session, key: tuple[str, ...], render: Callable[[], str]) -> str:
    """`render()`'s HTML for `key` — a page part that follows from a certificate's report alone, in one
    language — kept with the snapshot like the report itself."""
    snapshot = _current(session)
    found = snapshot.pages.get(key)
    if found is None:
        found = render()
        if read_label(session) == snapshot.label and not transparency.holds_lock(session):
            _keep(snapshot.pages, key, found)
    return found


def evidence_for(session: Session, *, index: Any, size: Any) -> Evidence:
    """The evidence for a bundle claiming entry `index` in a tree of `size` entries."""
    snapshot = _current(session)
    at = index if _whole(index) and 0 <= index < snapshot.log_size else None
    latest = snapshot.latest_size
    since = size if _whole(size) and latest is not None and 0 < size <= latest else None
    found = snapshot.kept.get((at, since))
    if found is None:
        found = Evidence(
            key_set=snapshot.key_set,
            status_lists=snapshot.status_lists,
            checkpoints=tuple(transparency.checkpoints_around(session, at)) if at is not None else (),
            latest_checkpoint=snapshot.latest_note,
            consistency_proof=(
                transparency.consistency_proof(session, since, latest) if since is not None else None
            ),
        )
        _keep(snapshot.kept, (at, since), found)
    return found
