"""The revocation and suspension Bitstring Status Lists: index allocation, history, signed credentials.

Each list is rebuilt from its append-only change rows (`CertificateStatusChange`), so the signed
credential always matches the recorded history. The latest signed credential of each list is kept
and re-signed when a bit changes, when it is past half its validity, or when its key is no longer the
active status key (after a rotation or revocation).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from certificates.errors import CertificateError
from certificates.keys import KeyUse
from certificates.proofs import proof_set
from certificates.status import (
    MIN_LIST_BITS,
    StatusChange,
    StatusList,
    StatusPurpose,
    issue_status_list_credential,
)
from sandbox.errors import N_, NotFound
from sandbox.models.certificates import Certificate, CertificateStatusChange, StatusListRecord
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import signing_keys, transparency
from sandbox.services.trust.settings import TrustSettings

INDEX_COLUMNS = {StatusPurpose.REVOCATION: Certificate.revocation_index,
                 StatusPurpose.SUSPENSION: Certificate.suspension_index}  # fmt: skip


def parse_purpose(name: str) -> StatusPurpose:
    try:
        return StatusPurpose(name)
    except ValueError:
        raise NotFound(N_("There is no such status list.")) from None


def allocate_index(session: Session, purpose: StatusPurpose) -> int:
    """Pick a random unused bit (random, so a bit's position reveals nothing about issuance order)."""
    column = INDEX_COLUMNS[purpose]
    for _ in range(64):
        index = secrets.randbelow(MIN_LIST_BITS)
        if session.exec(select(Certificate.id).where(column == index)).first() is None:
            return index
    raise RuntimeError("the status list is too full to pick a random free index")


def status_list(session: Session, purpose: StatusPurpose, settings: TrustSettings) -> StatusList:
    """Rebuild the list from its recorded changes."""
    rows = session.exec(
        select(CertificateStatusChange)
        .where(CertificateStatusChange.purpose == purpose)
        .order_by(col(CertificateStatusChange.id))
    ).all()
    changes = [StatusChange(row.status_index, row.value, row.at, row.reason) for row in rows]
    return StatusList(settings.status_list_url(purpose), purpose, changes=changes)


def sign_list(session: Session, purpose: StatusPurpose, *, at: datetime) -> dict[str, Any]:
    """Sign the list as it stands now and keep the credential (call under the log lock or not: idempotent)."""
    settings = settings_of(session).trust
    key = signing_keys.signing_key(session, KeyUse.STATUS, settings)
    national = signing_keys.sm2_signing_key(session, KeyUse.STATUS, settings)
    credential = issue_status_list_credential(
        status_list(session, purpose, settings),
        key.private_key,
        issuer=settings.issuer["id"],  # type: ignore[arg-type]
        verification_method=f"{settings.issuer['id']}#{key.kid}",
        issued_at=at,
        valid_until=at + settings.status_list_validity,
        sm2_key=national,
    )
    record = session.get(StatusListRecord, purpose)
    if record is None:
        transparency.lock_log(session)  # two first signers must not both insert the row
        record = session.get(StatusListRecord, purpose)
    if record is None:
        record = StatusListRecord(purpose=purpose, credential=credential, signed_at=at,
                                  valid_until=at + settings.status_list_validity)  # fmt: skip
        session.add(record)
    else:
        record.credential = credential
        record.signed_at, record.valid_until = at, at + settings.status_list_validity
    session.flush()
    return credential


def signed_by(credential: dict[str, Any]) -> set[str]:
    """The kids of the keys whose proofs a stored credential carries (empty when it is unreadable)."""
    try:
        proofs = proof_set(credential).values()
    except CertificateError:
        return set()
    return {str(proof.get("verificationMethod", "")).rpartition("#")[2] for proof in proofs}


def current_list(session: Session, purpose: StatusPurpose) -> dict[str, Any]:
    """Return the signed list credential, re-signing it first if it is missing, ageing or stale-keyed.

    May write (the caller commits); never needs the log lock, since a list is not a log entry.
    """
    settings = settings_of(session).trust
    signing_keys.ensure_keys(session, settings)
    now = signing_keys.now_seconds()
    record = session.get(StatusListRecord, purpose)
    if record is not None:
        active = {signing_keys.signing_key(session, KeyUse.STATUS, settings, algorithm).kid
                  for algorithm in (signing_keys.ED25519, signing_keys.SM2)}  # fmt: skip
        fresh = now < record.signed_at + settings.status_list_validity / 2
        if signed_by(record.credential) == active and fresh:
            return record.credential
    return sign_list(session, purpose, at=now)


def current_lists(session: Session) -> dict[str, dict[str, Any]]:
    """URL → signed credential, for every list."""
    settings = settings_of(session).trust
    return {settings.status_list_url(p): current_list(session, p) for p in StatusPurpose}
