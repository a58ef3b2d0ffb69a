"""Signing keys of the certificate service: created on first use, rotated, revoked, never deleted.

Every use has an Ed25519 key and — for credentials, status lists, the log and the root — an SM2 key
beside it (国密, GB/T 32918 with SM3), with the same lifecycle: each document is signed by both, in one
transaction (`signers`, `log_signers`). Rotation is per use and algorithm.

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
from typing import Any

from sqlmodel import Session, col, select

from certificates import sm2
from certificates._internal.encoding import b64url_encode
from certificates._internal.jwk import public_key_from_x, raw_public_bytes
from certificates.bundle import root_fingerprint
from certificates.controller import controller_document as build_controller_document
from certificates.keys import (
    KeyAlgorithm,
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

ED25519, SM2 = KeyAlgorithm.ED25519, KeyAlgorithm.SM2
# The log keys come first: every other key's creation is logged under a checkpoint they sign.
LAZY_USES = (KeyUse.LOG, KeyUse.ROOT, KeyUse.STATUS, KeyUse.ASSERTION, KeyUse.PACKAGE)
ROTATABLE_USES = (KeyUse.ASSERTION, KeyUse.STATUS, KeyUse.LOG, KeyUse.ROOT, KeyUse.PACKAGE)
# The uses whose documents carry an SM2 signature beside the Ed25519 one (evidence packages do not yet).
SM2_USES = (KeyUse.LOG, KeyUse.ROOT, KeyUse.STATUS, KeyUse.ASSERTION)
LAZY_KEYS = (
    *((use, ED25519) for use in LAZY_USES[:1]),
    *((use, SM2) for use in SM2_USES[:1]),
    *((use, ED25519) for use in LAZY_USES[1:]),
    *((use, SM2) for use in SM2_USES[1:]),
)

_cache: dict[tuple[str, str], Any] = {}
_cache_lock = threading.Lock()


def now_seconds() -> datetime:
    """Key lifecycles and proofs are compared in whole seconds; store them that way."""
    return utcnow().replace(microsecond=0)


def public_key_of(row: SigningKeyRecord) -> Any:
    """The row's public key: Ed25519 from `public_x`, SM2 from its point's `public_x` and `public_y`."""
    if row.algorithm is KeyAlgorithm.SM2:
        return sm2.public_key_from_jwk({"kty": "EC", "crv": "SM2", "x": row.public_x, "y": row.public_y})
    return public_key_from_x(row.public_x)


def to_record(row: SigningKeyRecord) -> KeyRecord:
    return KeyRecord(
        kid=row.kid,
        use=row.use,
        public_key=public_key_of(row),
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


def _active_row(session: Session, use: KeyUse, algorithm: KeyAlgorithm = ED25519) -> SigningKeyRecord | None:
    statement = select(SigningKeyRecord).where(
        SigningKeyRecord.use == use,
        SigningKeyRecord.algorithm == algorithm,
        SigningKeyRecord.status == KeyStatus.ACTIVE,
    )
    return session.exec(statement).first()


def _private(settings: TrustSettings, row: SigningKeyRecord) -> SigningKey:
    cache_key = (str(settings.key_dir), row.kid)
    with _cache_lock:
        private = _cache.get(cache_key)
        if private is None:
            private = _cache[cache_key] = load_private_key(settings.key_dir, row.kid, settings.passphrase)
    return SigningKey(kid=row.kid, use=row.use, private_key=private)


def signing_key(
    session: Session, use: KeyUse, settings: TrustSettings | None = None, algorithm: KeyAlgorithm = ED25519
) -> SigningKey:
    """Return the active private key of `use` and `algorithm` (run `ensure_keys` first)."""
    settings = settings or settings_of(session).trust
    row = _active_row(session, use, algorithm)
    if row is None:
        raise NotFound(N_("No active key of this use."))
    return _private(settings, row)


def sm2_signing_key(
    session: Session, use: KeyUse, settings: TrustSettings | None = None
) -> SigningKey | None:
    """The active SM2 key of `use`, or None for a use that has none (evidence packages)."""
    if use not in SM2_USES:
        return None
    return signing_key(session, use, settings, SM2)


def log_signers(session: Session, settings: TrustSettings) -> list[SigningKey]:
    """The keys that sign a checkpoint: the Ed25519 log key, then the SM2 log key."""
    return [signing_key(session, KeyUse.LOG, settings), signing_key(session, KeyUse.LOG, settings, SM2)]


def pdf_signing_keys(session: Session, *, kid: str, at: datetime, settings: TrustSettings) -> PdfSigningKeys:
    """The keys that sign a certificate PDF: the assertion key `kid`, under the root key in use at `at`."""
    signer = session.get(SigningKeyRecord, kid)
    roots = [
        row for row in key_rows(session)
        if row.use is KeyUse.ROOT and row.algorithm is ED25519 and row.activated_at <= at
        and row.revoked_at is None and (row.retired_at is None or at <= row.retired_at)
    ]  # fmt: skip
    if signer is None or not roots:
        raise NotFound(N_("No active key of this use."))
    root = roots[-1]
    return PdfSigningKeys(signer=_private(settings, signer), signer_activated_at=signer.activated_at,
                          root=_private(settings, root), root_activated_at=root.activated_at)  # fmt: skip


def _create(
    session: Session, settings: TrustSettings, use: KeyUse, at: datetime, algorithm: KeyAlgorithm = ED25519
) -> SigningKeyRecord:
    fresh = SigningKey.generate(use, algorithm)
    # The file is written before the row; a rollback leaves an unused file, never a row without a key.
    save_private_key(settings.key_dir, fresh.private_key, settings.passphrase)
    with _cache_lock:
        _cache[(str(settings.key_dir), fresh.kid)] = fresh.private_key
    if algorithm is SM2:
        jwk = sm2.public_jwk(fresh.public_key)
        public_x, public_y = jwk["x"], jwk["y"]
    else:
        public_x, public_y = b64url_encode(raw_public_bytes(fresh.public_key)), None
    row = SigningKeyRecord(
        kid=fresh.kid,
        use=use,
        algorithm=algorithm,
        public_x=public_x,
        public_y=public_y,
        status=KeyStatus.ACTIVE,
        activated_at=at,
    )
    session.add(row)
    session.flush()
    return row


def log_key_event(session: Session, settings: TrustSettings, *, kid: str, use: KeyUse, event: str,
                  at: datetime, algorithm: KeyAlgorithm = ED25519) -> int:  # fmt: skip
    fields: dict[str, str] = {"kid": kid, "keyUse": str(use), "event": event}
    if algorithm is SM2:
        fields["algorithm"] = str(algorithm)  # Ed25519 entries keep the form they had before SM2 keys
    return transparency.append(session, "key", at=at, log_key=log_signers(session, settings),
                               origin=settings.log_origin, **fields)  # fmt: skip


def _active_pairs(session: Session) -> set[tuple[KeyUse, KeyAlgorithm]]:
    """The (use, algorithm) pairs that have an active key, in one query."""
    statement = select(SigningKeyRecord.use, SigningKeyRecord.algorithm).where(
        SigningKeyRecord.status == KeyStatus.ACTIVE
    )
    return {(KeyUse(use), KeyAlgorithm(algorithm)) for use, algorithm in session.exec(statement).all()}


def ensure_keys(session: Session, settings: TrustSettings | None = None) -> None:
    """Create the keys that do not exist yet (first use of the service, or the SM2 keys of a service
    that had Ed25519 keys only); takes the log lock."""
    settings = settings or settings_of(session).trust
    if set(LAZY_KEYS) <= _active_pairs(session):
        return  # the common case: one query, no lock needed to read
    transparency.lock_log(session)
    active = _active_pairs(session)
    missing = [(use, alg) for use, alg in LAZY_KEYS if (use, alg) not in active]
    if not missing:
        return  # another process created them while we waited
    at = now_seconds()
    created = [_create(session, settings, use, at, algorithm) for use, algorithm in missing]
    for row in created:
        log_key_event(session, settings, kid=row.kid, use=row.use, event="activate", at=at,
                      algorithm=row.algorithm)  # fmt: skip


def rotate_key(session: Session, *, actor: User, use: str, algorithm: str = ED25519) -> SigningKeyRecord:
    """Retire the active key of `use` and `algorithm` and activate a new one; both events are logged."""
    if actor.role is not Role.ADMIN:
        raise PermissionDenied()
    try:
        key_use = KeyUse(use)
    except ValueError:
        raise ValidationFailed.single("use", N_("Choose one of the listed options.")) from None
    if key_use not in ROTATABLE_USES:
        raise ValidationFailed.single("use", N_("Choose one of the listed options."))
    try:
        key_algorithm = KeyAlgorithm(algorithm)
    except ValueError:
        raise ValidationFailed.single("algorithm", N_("Choose one of the listed options.")) from None
    if key_algorithm is SM2 and key_use not in SM2_USES:
        raise ValidationFailed.single("algorithm", N_("This key use has no SM2 key."))
    settings = settings_of(session).trust
    transparency.lock_log(session)
    ensure_keys(session, settings)
    at = now_seconds()
    old = _active_row(session, key_use, key_algorithm)
    assert old is not None
    old.status, old.retired_at = KeyStatus.RETIRED, at
    session.flush()
    new = _create(session, settings, key_use, at, key_algorithm)
    key_events = {"algorithm": key_algorithm}
    if key_use is KeyUse.LOG:
        # The new log key signs the checkpoints from now on, including the one over its own activation.
        log_key_event(session, settings, kid=new.kid, use=key_use, event="activate", at=at, **key_events)
        log_key_event(session, settings, kid=old.kid, use=key_use, event="retire", at=at, **key_events)
    else:
        log_key_event(session, settings, kid=old.kid, use=key_use, event="retire", at=at, **key_events)
        log_key_event(session, settings, kid=new.kid, use=key_use, event="activate", at=at, **key_events)
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
    log_key_event(session, settings, kid=row.kid, use=row.use, event="revoke", at=at, algorithm=row.algorithm)
    return row


def root_key_fingerprint(session: Session, algorithm: KeyAlgorithm = ED25519) -> str | None:
    """The fingerprint people compare before trusting a trust bundle (None before the first key)."""
    row = _active_row(session, KeyUse.ROOT, algorithm)
    return root_fingerprint(public_key_of(row)) if row else None
