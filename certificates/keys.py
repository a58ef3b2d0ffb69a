"""Signing keys (Ed25519, and SM2 beside them): key ids, encrypted storage, lifecycle records and the
published key set.

Owns every fact about a key: its id (RFC 7638 JWK thumbprint), where its private half is stored
(encrypted PKCS#8 PEM, mode 0600, never overwritten) and its lifecycle (active → retired, and
revoked at a stated time for a stated reason). Keys are never deleted: rotation retires the active
key of a use and activates a new one, so certificates signed before the rotation stay verifiable.
Each use has one active key per algorithm: an Ed25519 key (what the W3C ecosystem verifies) and, since
the national algorithms were added, an SM2 key (`certificates.sm2`, GB/T 32918) signing beside it; both
follow the same lifecycle, and the algorithm is read from the key itself.

Public API:
    KeyUse, KeyStatus, KeyAlgorithm          string enums (a KeyUse is published as the JWK's ``role``)
    key_algorithm(key) -> KeyAlgorithm       Ed25519 or SM2, from a private or public key
    jwk_thumbprint(public_key) -> str        the kid
    SigningKey.generate(use, algorithm=ED25519) -> SigningKey   a private key with its kid and use
    save_private_key(directory, private_key, passphrase) -> Path
    load_private_key(directory, kid, passphrase) -> Ed25519PrivateKey
    KeyRecord                                frozen lifecycle record; to_jwk() / KeyRecord.from_jwk()
    KeySet(records=())                       activate / rotate / retire / revoke / get / active /
                                             active_or_none / check_key_at / resolver / to_jwks /
                                             KeySet.from_jwks

Key-state rule (`KeySet.check_key_at`): a signature dated before activation or after retirement
fails with code ``key_state``; a key revoked at or before the moment the signature was logged
fails with ``key_state``; revocation after logging leaves the signature valid, because the log
proves the signature existed while the key was still trusted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from certificates import sm2
from certificates._internal.encoding import b64url_encode
from certificates._internal.jwk import JOSE_USE, jwk_fields, jwk_thumbprint, raw_public_bytes
from certificates._internal.keystore import load_private_key, save_private_key
from certificates._internal.timefmt import format_utc, utc_seconds
from certificates.errors import CertificateKeyError, CertificateVerificationError
from certificates.proofs import KeyResolver

__all__ = [
    "KeyAlgorithm",
    "KeyRecord",
    "KeySet",
    "KeyStatus",
    "KeyUse",
    "SigningKey",
    "jwk_thumbprint",
    "key_algorithm",
    "load_private_key",
    "save_private_key",
]


class KeyUse(StrEnum):
    ASSERTION = "assertion"  # signs credentials (exit certificates, exemption decisions)
    LOG = "log"  # signs transparency-log checkpoints
    STATUS = "status"  # signs status list credentials
    ROOT = "root"  # signs the trust bundle; its fingerprint is pinned out of band
    PACKAGE = "package"  # signs evidence-package manifests


class KeyStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"
    REVOKED = "revoked"


class KeyAlgorithm(StrEnum):
    ED25519 = "Ed25519"  # eddsa-jcs-2022 proofs, the signed-note Ed25519 lines, the trust bundle's EdDSA
    SM2 = "SM2"  # sm2-jcs-2026 proofs and the SM2 lines beside them (GB/T 32918 with SM3)


def key_algorithm(key: Any) -> KeyAlgorithm:
    """The algorithm of a private or public key; refuse anything that is neither Ed25519 nor SM2."""
    if isinstance(key, (Ed25519PrivateKey, Ed25519PublicKey)):
        return KeyAlgorithm.ED25519
    if sm2.is_sm2_key(key):
        return KeyAlgorithm.SM2
    raise CertificateKeyError("only Ed25519 and SM2 keys are supported")


@dataclass(frozen=True)
class SigningKey:
    """A private key with its kid and use (the repr never shows key material)."""

    kid: str
    use: KeyUse
    private_key: Any = field(repr=False)  # Ed25519PrivateKey, or an SM2 private key

    def __post_init__(self) -> None:
        object.__setattr__(self, "use", KeyUse(self.use))
        key_algorithm(self.private_key)
        if jwk_thumbprint(self.private_key.public_key()) != self.kid:
            raise CertificateKeyError(f"kid {self.kid} does not belong to this private key")

    @classmethod
    def generate(cls, use: KeyUse | str, algorithm: KeyAlgorithm | str = KeyAlgorithm.ED25519) -> SigningKey:
        """Create a fresh key of `algorithm` for `use`."""
        if KeyAlgorithm(algorithm) is KeyAlgorithm.SM2:
            private_key = sm2.generate_private_key()
        else:
            private_key = Ed25519PrivateKey.generate()
        return cls(kid=jwk_thumbprint(private_key.public_key()), use=KeyUse(use), private_key=private_key)

    @property
    def public_key(self) -> Any:
        return self.private_key.public_key()

    @property
    def algorithm(self) -> KeyAlgorithm:
        return key_algorithm(self.private_key)

    def sign(self, message: bytes) -> bytes:
        """Sign `message`: Ed25519 (RFC 8032), or SM2 with SM3 and the default user identity (DER)."""
        if self.algorithm is KeyAlgorithm.SM2:
            return sm2.sign(self.private_key, message)
        return bytes(self.private_key.sign(message))


@dataclass(frozen=True)
class KeyRecord:
    """The public half of a key and its lifecycle; times are UTC, whole seconds."""

    kid: str
    use: KeyUse
    public_key: Any = field(repr=False, compare=False)  # Ed25519PublicKey, or an SM2 public key
    status: KeyStatus
    activated_at: datetime
    retired_at: datetime | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None

    def __post_init__(self) -> None:
        # Normalise here so every comparison in check_key_at is between like values.
        try:
            object.__setattr__(self, "use", KeyUse(self.use))
            object.__setattr__(self, "status", KeyStatus(self.status))
        except ValueError as exc:
            raise CertificateKeyError(f"key {self.kid}: {exc}") from exc
        key_algorithm(self.public_key)
        for name in ("activated_at", "retired_at", "revoked_at"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, utc_seconds(value))
        if jwk_thumbprint(self.public_key) != self.kid:
            raise CertificateKeyError(f"kid {self.kid} is not the thumbprint of its public key")
        if self.revoked_at is not None:
            expected = KeyStatus.REVOKED
        elif self.retired_at is not None:
            expected = KeyStatus.RETIRED
        else:
            expected = KeyStatus.ACTIVE
        if self.status != expected:
            raise CertificateKeyError(f"key {self.kid}: status {self.status} contradicts its dates")
        if (self.revoked_at is not None) != bool(self.revocation_reason):
            raise CertificateKeyError(f"key {self.kid}: a revocation, and only a revocation, has a reason")
        for later in (self.retired_at, self.revoked_at):
            if later is not None and later < self.activated_at:
                raise CertificateKeyError(f"key {self.kid}: lifecycle dates go backwards")

    @property
    def algorithm(self) -> KeyAlgorithm:
        return key_algorithm(self.public_key)

    @property
    def public_bytes(self) -> bytes:
        """The raw Ed25519 key (32 bytes) or the uncompressed SM2 point (65 bytes)."""
        if self.algorithm is KeyAlgorithm.SM2:
            return sm2.point_bytes(self.public_key)
        return raw_public_bytes(self.public_key)

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Whether `signature` is this key's signature over `message` (see `SigningKey.sign`)."""
        if self.algorithm is KeyAlgorithm.SM2:
            return sm2.verify(self.public_key, signature, message)
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def to_jwk(self) -> dict[str, Any]:
        """Return the standard JWK (OKP Ed25519, or EC SM2 with 32-byte x and y) plus the key's role and
        lifecycle (null when not set).

        JOSE's ``use`` is ``sig`` for every key; the project's key use goes in ``role``.
        """
        public = (
            sm2.public_jwk(self.public_key)
            if self.algorithm is KeyAlgorithm.SM2
            else {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(self.public_bytes)}
        )
        return {
            **public,
            "kid": self.kid,
            "use": JOSE_USE,
            "role": str(self.use),
            "status": str(self.status),
            "activatedAt": format_utc(self.activated_at),
            "retiredAt": format_utc(self.retired_at) if self.retired_at else None,
            "revokedAt": format_utc(self.revoked_at) if self.revoked_at else None,
            "revocationReason": self.revocation_reason,
        }

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> KeyRecord:
        """Parse one published JWK (or the older role-in-``use`` form); refuse private, non-Ed25519 keys."""
        fields = jwk_fields(jwk)
        return cls(use=KeyUse(fields.pop("use")), status=KeyStatus(fields.pop("status")), **fields)


class KeySet:
    """Every key ever used, with its lifecycle; at most one active key per use and algorithm."""

    def __init__(self, records: Iterable[KeyRecord] = ()) -> None:
        self._records: dict[str, KeyRecord] = {}
        for record in records:
            if record.kid in self._records:
                raise CertificateKeyError(f"duplicate kid {record.kid}")
            if record.status is KeyStatus.ACTIVE and self._find_active(record.use, record.algorithm):
                raise CertificateKeyError(f"two active {record.algorithm} keys for use {record.use}")
            self._records[record.kid] = record

    @property
    def records(self) -> tuple[KeyRecord, ...]:
        """All records in activation order (stable output for the JWKS)."""
        return tuple(sorted(self._records.values(), key=lambda r: (r.activated_at, r.kid)))

    def _find_active(self, use: KeyUse | str, algorithm: KeyAlgorithm | str) -> KeyRecord | None:
        return next(
            (r for r in self._records.values()
             if r.use == use and r.algorithm == algorithm and r.status is KeyStatus.ACTIVE),
            None,
        )  # fmt: skip

    def get(self, kid: str) -> KeyRecord:
        """Return the record for `kid`; raise `CertificateKeyError` if unknown."""
        try:
            return self._records[kid]
        except KeyError:
            raise CertificateKeyError(f"unknown key id {kid}") from None

    def active(self, use: KeyUse | str, algorithm: KeyAlgorithm | str = KeyAlgorithm.ED25519) -> KeyRecord:
        """Return the active key of `use` and `algorithm`; raise `CertificateKeyError` if there is none."""
        record = self._find_active(KeyUse(use), KeyAlgorithm(algorithm))
        if record is None:
            raise CertificateKeyError(f"no active {algorithm} key for use {use}")
        return record

    def active_at(self, use: KeyUse | str, algorithm: KeyAlgorithm | str, at: datetime) -> KeyRecord | None:
        """The key of `use` and `algorithm` that was in service at `at` (activated, not retired or
        revoked by then), or None — e.g. no SM2 key yet when an older document was signed."""
        at = utc_seconds(at)
        for record in reversed(self.records):
            if record.use != use or record.algorithm != algorithm or record.activated_at > at:
                continue
            ended = min((t for t in (record.retired_at, record.revoked_at) if t is not None), default=None)
            if ended is None or at <= ended:
                return record
        return None

    def activate(self, public_key: Any, use: KeyUse | str, *, at: datetime) -> KeyRecord:
        """Add a new key as the active key of `use` for its algorithm (there must be none yet)."""
        use = KeyUse(use)
        if self._find_active(use, key_algorithm(public_key)):
            raise CertificateKeyError(f"use {use} already has an active key; rotate instead")
        kid = jwk_thumbprint(public_key)
        if kid in self._records:
            raise CertificateKeyError(f"key {kid} was used before; a key is never re-activated")
        record = KeyRecord(kid, use, public_key, KeyStatus.ACTIVE, activated_at=at)
        self._records[kid] = record
        return record

    def rotate(self, public_key: Any, use: KeyUse | str, *, at: datetime) -> KeyRecord:
        """Retire the active key of `use` of the same algorithm (if any) and activate `public_key` at the
        same instant."""
        current = self._find_active(KeyUse(use), key_algorithm(public_key))
        if current is not None:
            self.retire(current.kid, at=at)
        return self.activate(public_key, use, at=at)

    def retire(self, kid: str, *, at: datetime) -> KeyRecord:
        """Stop using an active key; what it signed before `at` stays valid."""
        record = self.get(kid)
        if record.status is not KeyStatus.ACTIVE:
            raise CertificateKeyError(f"key {kid} is {record.status}, not active")
        return self._store(dataclasses.replace(record, status=KeyStatus.RETIRED, retired_at=at))

    def revoke(self, kid: str, *, at: datetime, reason: str) -> KeyRecord:
        """Declare a key compromised from `at`; signatures logged at or after `at` become invalid."""
        record = self.get(kid)
        if record.status is KeyStatus.REVOKED:
            raise CertificateKeyError(f"key {kid} is already revoked")
        return self._store(
            dataclasses.replace(record, status=KeyStatus.REVOKED, revoked_at=at, revocation_reason=reason)
        )

    def _store(self, record: KeyRecord) -> KeyRecord:
        self._records[record.kid] = record
        return record

    def check_key_at(
        self,
        kid: str,
        signed_at: datetime,
        logged_at: datetime | None,
        *,
        use: KeyUse | str | None = None,
    ) -> KeyRecord:
        """Check that `kid` could make a signature dated `signed_at` and logged at `logged_at`.

        Raises `CertificateVerificationError` ``key`` (unknown kid, wrong use) or ``key_state``.
        `logged_at` is None when no log entry is known; a revoked key then fails closed.
        """
        try:
            record = self.get(kid)
        except CertificateKeyError as exc:
            raise CertificateVerificationError("key", str(exc)) from exc
        if use is not None and record.use != KeyUse(use):
            raise CertificateVerificationError("key", f"key {kid} is a {record.use} key, not {use}")
        signed_at = utc_seconds(signed_at)
        if signed_at < record.activated_at:
            raise CertificateVerificationError("key_state", f"signature predates activation of key {kid}")
        if record.retired_at is not None and signed_at > record.retired_at:
            raise CertificateVerificationError("key_state", f"signature postdates retirement of key {kid}")
        if record.revoked_at is not None:
            if signed_at >= record.revoked_at:
                raise CertificateVerificationError("key_state", f"signature made after key {kid} was revoked")
            if logged_at is None:
                raise CertificateVerificationError(
                    "key_state", f"key {kid} is revoked and no log entry proves the signature is older"
                )
            if utc_seconds(logged_at) >= record.revoked_at:
                raise CertificateVerificationError(
                    "key_state", f"key {kid} was revoked before the signature was logged"
                )
        return record

    def resolver(self, use: KeyUse | str = KeyUse.ASSERTION, *, controller: str | None = None) -> KeyResolver:
        """Return a `proofs.verify_proof` key resolver for verification methods ``…#<kid>``.

        Lifecycle is not judged here (see `check_key_at`); only the kid, its use and, when
        `controller` is given, the part before ``#`` are checked.
        """
        wanted = KeyUse(use)

        def resolve(verification_method: str) -> Any:
            prefix, _, kid = verification_method.rpartition("#")
            record = self._records.get(kid)
            if not prefix or record is None or record.use != wanted:
                return None
            if controller is not None and prefix != controller:
                return None
            return record.public_key

        return resolve

    def to_jwks(self) -> dict[str, Any]:
        """Return ``{"keys": [...]}`` with every key ever used, in activation order."""
        return {"keys": [record.to_jwk() for record in self.records]}

    @classmethod
    def from_jwks(cls, jwks: Mapping[str, Any]) -> KeySet:
        """Parse a published key set; raise `CertificateKeyError` on anything malformed."""
        keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(keys, list):
            raise CertificateKeyError('a JWKS is an object with a "keys" list')
        return cls(KeyRecord.from_jwk(jwk) for jwk in keys)
