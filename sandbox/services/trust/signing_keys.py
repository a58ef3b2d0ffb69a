"""Signing keys of the certificate service: created on first use, rotated, revoked, never deleted.

Private keys live under `instance/keys` as encrypted PKCS#8 files (`certificates.keys`); their public
halves and lifecycles are rows here, published as the JWKS, in the trust bundle and in the issuer's
controller document. Creating, rotating or revoking a key happens under the log lock and appends a `key`
entry to the transparency log, so the key history itself is tamper-evident. Decrypted keys are cached per
process (decryption is slow).
"""

from __future__ import annotations

import threading
import unicodedata
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, col, select

from certificates._internal.encoding import b64url_encode
from certificates._internal.jwk import public_key_from_x, raw_public_bytes
from certificates.bundle import root_fingerprint
from certificates.controller import controller_document as build_controller_document
from certificates.keys import (
    KeyRecord,
    KeySet,
    KeyStatus,
    KeyUse,
    SigningKey,
    load_private_key,
    save_private_key,
)
from certificates.pdf.sign import PdfSigningKeys
from sandbox.errors import N_, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.base import utcnow
from sandbox.models.certificates import SigningKeyRecord
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import transparency
from sandbox.services.trust.settings import TrustSettings

# The log key comes first: every other key's creation is logged under a checkpoint it signs.
LAZY_USES = (KeyUse.LOG, KeyUse.ROOT, KeyUse.STATUS, KeyUse.ASSERTION, KeyUse.PACKAGE)
ROTATABLE_USES = (KeyUse.ASSERTION, KeyUse.STATUS, KeyUse.LOG, KeyUse.ROOT, KeyUse.PACKAGE)

_cache: dict[tuple[str, str], Ed25519PrivateKey] = {}
_cache_lock = threading.Lock()


def now_seconds() -> datetime:
    """Key lifecycles and proofs are compared in whole seconds; store them that way."""
    return utcnow().replace(microsecond=0)


def to_record(row: SigningKeyRecord) -> KeyRecord:
    return KeyRecord(
        kid=row.kid,
        use=row.use,
        public_key=public_key_from_x(row.public_x),
        status=row.status,
        activated_at=row.activated_at,
        retired_at=row.retired_at,
        revoked_at=row.revoked_at,
        revocation_reason=row.revocation_reason,
    )


def key_rows(session: Session) -> list[SigningKeyRecord]:
    statement = select(SigningKeyRecord).order_by(
        col(SigningKeyRecord.activated_at), col(SigningKeyRecord.kid)
    )
    return list(session.exec(statement).all())


def key_set(session: Session) -> KeySet:
    """Every key ever used, with its lifecycle."""
    return KeySet(to_record(row) for row in key_rows(session))


def controller_document(session: Session) -> dict:
    """The issuer's controller document: every key ever used, as the verification methods of the issuer."""
    return build_controller_document(key_set(session), str(settings_of(session).trust.issuer["id"]))


def _active_row(session: Session, use: KeyUse) -> SigningKeyRecord | None:
    statement = select(SigningKeyRecord).where(
        SigningKeyRecord.use == use, SigningKeyRecord.status == KeyStatus.ACTIVE
    )
    return session.exec(statement).first()


def _private(settings: TrustSettings, row: SigningKeyRecord) -> SigningKey:
    cache_key = (str(settings.key_dir), row.kid)
    with _cache_lock:
        private = _cache.get(cache_key)
        if private is None:
            private = _cache[cache_key] = load_private_key(settings.key_dir, row.kid, settings.passphrase)
    return SigningKey(kid=row.kid, use=row.use, private_key=private)


def signing_key(session: Session, use: KeyUse, settings: TrustSettings | None = None) -> SigningKey:
    """Return the active private key of `use` (run `ensure_keys` first)."""
    settings = settings or settings_of(session).trust
    row = _active_row(session, use)
    if row is None:
        raise NotFound(N_("No active key of this use."))
    return _private(settings, row)


def pdf_signing_keys(session: Session, *, kid: str, at: datetime, settings: TrustSettings) -> PdfSigningKeys:
    """The keys that sign a certificate PDF: the assertion key `kid`, under the root key in use at `at`."""
    signer = session.get(SigningKeyRecord, kid)
    roots = [
        row for row in key_rows(session)
        if row.use is KeyUse.ROOT and row.activated_at <= at and row.revoked_at is None
        and (row.retired_at is None or at <= row.retired_at)
    ]  # fmt: skip
    if signer is None or not roots:
        raise NotFound(N_("No active key of this use."))
    root = roots[-1]
    return PdfSigningKeys(signer=_private(settings, signer), signer_activated_at=signer.activated_at,
                          root=_private(settings, root), root_activated_at=root.activated_at)  # fmt: skip


def _create(session: Session, settings: TrustSettings, use: KeyUse, at: datetime) -> SigningKeyRecord:
    fresh = SigningKey.generate(use)
    # The file is written before the row; a rollback leaves an unused file, never a row without a key.
    save_private_key(settings.key_dir, fresh.private_key, settings.passphrase)
    with _cache_lock:
        _cache[(str(settings.key_dir), fresh.kid)] = fresh.private_key
    row = SigningKeyRecord(
        kid=fresh.kid,
        use=use,
        public_x=b64url_encode(raw_public_bytes(fresh.public_key)),
        status=KeyStatus.ACTIVE,
        activated_at=at,
    )
    session.add(row)
    session.flush()
    return row


def log_key_event(session: Session, settings: TrustSettings, *, kid: str, use: KeyUse, event: str,
                  at: datetime) -> int:  # fmt: skip
    log_key = signing_key(session, KeyUse.LOG, settings)
    return transparency.append(session, "key", at=at, log_key=log_key, origin=settings.log_origin,
                               kid=kid, keyUse=str(use), event=event)  # fmt: skip


def ensure_keys(session: Session, settings: TrustSettings | None = None) -> None:
    """Create the keys that do not exist yet (first use of the service); takes the log lock."""
    settings = settings or settings_of(session).trust
    if all(_active_row(session, use) is not None for use in LAZY_USES):
        return  # the common case: no lock needed to read
    transparency.lock_log(session)
    missing = [use for use in LAZY_USES if _active_row(session, use) is None]
    if not missing:
        return  # another process created them while we waited
    at = now_seconds()
    created = [_create(session, settings, use, at) for use in missing]
    for row in created:
        log_key_event(session, settings, kid=row.kid, use=row.use, event="activate", at=at)


def rotate_key(session: Session, *, actor: User, use: str) -> SigningKeyRecord:
    """Retire the active key of `use` and activate a new one; both events are logged."""
    if actor.role is not Role.ADMIN:
        raise PermissionDenied()
    try:
        key_use = KeyUse(use)
    except ValueError:
        raise ValidationFailed.single("use", N_("Choose one of the listed options.")) from None
    if key_use not in ROTATABLE_USES:
        raise ValidationFailed.single("use", N_("Choose one of the listed options."))
    settings = settings_of(session).trust
    transparency.lock_log(session)
    ensure_keys(session, settings)
    at = now_seconds()
    old = _active_row(session, key_use)
    assert old is not None
    old.status, old.retired_at = KeyStatus.RETIRED, at
    session.flush()
    new = _create(session, settings, key_use, at)
    if key_use is KeyUse.LOG:
        # The new log key signs the checkpoints from now on, including the one over its own activation.
        log_key_event(session, settings, kid=new.kid, use=key_use, event="activate", at=at)
        log_key_event(session, settings, kid=old.kid, use=key_use, event="retire", at=at)
    else:
        log_key_event(session, settings, kid=old.kid, use=key_use, event="retire", at=at)
        log_key_event(session, settings, kid=new.kid, use=key_use, event="activate", at=at)
    return new


def revoke_key(session: Session, *, actor: User, kid: str, reason: str) -> SigningKeyRecord:
    """Declare a retired key compromised: what it signed is valid only if logged before now."""
    if actor.role is not Role.ADMIN:
        raise PermissionDenied()
    reason = unicodedata.normalize("NFC", (reason or "").strip())
    if not reason:
        raise ValidationFailed.single("reason", N_("This field is required."))
    settings = settings_of(session).trust
    transparency.lock_log(session)
    ensure_keys(session, settings)
    row = session.get(SigningKeyRecord, kid)
    if row is None:
        raise NotFound()
    if row.status is not KeyStatus.RETIRED:
        raise ValidationFailed.single("kid", N_("Rotate the key first; only a retired key can be revoked."))
    at = now_seconds()
    row.status, row.revoked_at, row.revocation_reason = KeyStatus.REVOKED, at, reason
    session.flush()
    log_key_event(session, settings, kid=row.kid, use=row.use, event="revoke", at=at)
    return row


def root_key_fingerprint(session: Session) -> str | None:
    """The fingerprint people compare before trusting a trust bundle (None before the first key)."""
    row = _active_row(session, KeyUse.ROOT)
    return root_fingerprint(public_key_from_x(row.public_x)) if row else None
