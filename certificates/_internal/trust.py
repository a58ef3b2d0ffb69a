"""The signed trust bundle (private; re-exported by certificates.bundle, which documents it).

The root key signs, with plain Ed25519, the RFC 8785 bytes of the payload: detached so the payload
stays readable JSON, and over JCS so any implementation can re-derive the signed bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates._internal.encoding import b64url_decode, b64url_encode
from certificates._internal.jwk import raw_public_bytes
from certificates._internal.strictjson import loads_strict
from certificates._internal.timefmt import format_utc, parse_utc, utc_seconds
from certificates.errors import (
    CertificateError,
    CertificateVerificationError,
    IndeterminateError,
)
from certificates.jcs import canonicalize
from certificates.keys import KeySet, KeyUse, SigningKey

PAYLOAD_TYPE = "SandboxTrustBundle"
PAYLOAD_VERSION = 1
_PAYLOAD_KEYS = frozenset({"type", "version", "issuedAt", "expiresAt", "jwks", "statusLists", "checkpoint"})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _fail(message: str) -> CertificateVerificationError:
    return CertificateVerificationError("trust_bundle", message)


def root_fingerprint(public_key: Ed25519PublicKey) -> str:
    """Return SHA-256 of the raw root public key as lowercase hex in 4-character groups."""
    digest = hashlib.sha256(raw_public_bytes(public_key)).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def _normalise_fingerprint(text: str) -> str:
    # People paste fingerprints with spaces, colons or dashes and in either case.
    compact = re.sub(r"[\s:-]", "", text).lower()
    if not _HEX64.match(compact):
        raise _fail("the expected root fingerprint is not 64 hex digits")
    return compact


@dataclass(frozen=True)
class TrustBundle:
    """What the root key vouches for: keys, current status lists, latest checkpoint, validity."""

    jwks: Mapping[str, Any]
    status_lists: tuple[Mapping[str, Any], ...]
    checkpoint: str
    issued_at: datetime
    expires_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "issued_at", utc_seconds(self.issued_at))
        object.__setattr__(self, "expires_at", utc_seconds(self.expires_at))
        object.__setattr__(self, "status_lists", tuple(self.status_lists))
        if self.expires_at <= self.issued_at:
            raise CertificateError("a trust bundle must expire after it is issued")
        if not isinstance(self.checkpoint, str):
            raise CertificateError("checkpoint must be the signed note text")
        self.key_set()  # refuse a malformed key set at construction, not at first use

    def key_set(self) -> KeySet:
        return KeySet.from_jwks(self.jwks)

    def to_payload(self) -> dict[str, Any]:
        return {
            "type": PAYLOAD_TYPE,
            "version": PAYLOAD_VERSION,
            "issuedAt": format_utc(self.issued_at),
            "expiresAt": format_utc(self.expires_at),
            "jwks": dict(self.jwks),
            "statusLists": [dict(item) for item in self.status_lists],
            "checkpoint": self.checkpoint,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> TrustBundle:
        if not isinstance(payload, Mapping) or set(payload) != _PAYLOAD_KEYS:
            raise CertificateError(f"a trust bundle payload has exactly {sorted(_PAYLOAD_KEYS)}")
        if payload["type"] != PAYLOAD_TYPE or payload["version"] != PAYLOAD_VERSION:
            raise CertificateError("unsupported trust bundle type or version")
        if not isinstance(payload["statusLists"], list):
            raise CertificateError("statusLists must be a list")
        return cls(
            jwks=payload["jwks"],
            status_lists=tuple(payload["statusLists"]),
            checkpoint=payload["checkpoint"],
            issued_at=parse_utc(payload["issuedAt"]),
            expires_at=parse_utc(payload["expiresAt"]),
        )


def sign_trust_bundle(bundle: TrustBundle, root_key: SigningKey) -> dict[str, Any]:
    """Sign the bundle with the root key; the root key must be in the bundle's own key set."""
    if root_key.use != KeyUse.ROOT:
        raise CertificateError(f"a trust bundle is signed with the root key, not a {root_key.use} key")
    bundle.key_set().check_key_at(root_key.kid, bundle.issued_at, None, use=KeyUse.ROOT)
    payload = bundle.to_payload()
    signature = root_key.private_key.sign(canonicalize(payload))
    return {
        "payload": payload,
        "signature": {"kid": root_key.kid, "alg": "EdDSA", "value": b64url_encode(signature)},
    }


def _read_envelope(data: str | bytes | Mapping[str, Any]) -> tuple[Mapping[str, Any], str, bytes]:
    try:
        envelope = loads_strict(data) if isinstance(data, (str, bytes)) else data
    except CertificateError as exc:
        raise _fail(str(exc)) from exc
    if not isinstance(envelope, Mapping) or set(envelope) != {"payload", "signature"}:
        raise _fail('a trust bundle is exactly {"payload": …, "signature": …}')
    signature = envelope["signature"]
    if not isinstance(signature, Mapping) or set(signature) != {"kid", "alg", "value"}:
        raise _fail('signature is exactly {"kid", "alg", "value"}')
    if signature["alg"] != "EdDSA" or not isinstance(signature["kid"], str):
        raise _fail("signature alg must be EdDSA with a kid")
    try:
        value = b64url_decode(signature["value"])
    except CertificateError as exc:
        raise _fail(f"signature value: {exc}") from exc
    if not isinstance(envelope["payload"], Mapping):
        raise _fail("payload must be a JSON object")
    return envelope["payload"], signature["kid"], value


def trusted_root_kid(data: str | bytes | Mapping[str, Any]) -> str | None:
    """The kid of the root key that signed a trust bundle (read, not verified: verify it first)."""
    try:
        return _read_envelope(data)[1]
    except CertificateVerificationError:
        return None


def verify_trust_bundle(
    data: str | bytes | Mapping[str, Any],
    expected_root_fingerprint: str | None = None,
    *,
    now: datetime | None = None,
) -> TrustBundle:
    """Verify a signed trust bundle and return its payload; raise if it cannot be trusted.

    Without `expected_root_fingerprint` only self-consistency is checked: the caller must then
    show `root_fingerprint(...)` to a person who compares it with the published one.
    """
    payload, kid, signature = _read_envelope(data)
    try:
        bundle = TrustBundle.from_payload(payload)
        root = bundle.key_set().get(kid)
    except CertificateError as exc:
        raise _fail(str(exc)) from exc
    if root.use != KeyUse.ROOT:
        raise _fail(f"the bundle is signed by a {root.use} key, not the root key")
    if expected_root_fingerprint is not None and not hmac.compare_digest(
        _normalise_fingerprint(expected_root_fingerprint),
        _normalise_fingerprint(root_fingerprint(root.public_key)),
    ):
        raise _fail("the root key does not match the expected fingerprint")
    try:
        root.public_key.verify(signature, canonicalize(payload))
    except (InvalidSignature, CertificateError) as exc:
        raise _fail("the root signature does not match the bundle") from exc
    try:
        bundle.key_set().check_key_at(kid, bundle.issued_at, None, use=KeyUse.ROOT)
    except CertificateVerificationError as exc:
        raise _fail(f"root key not valid when the bundle was issued: {exc.message}") from exc
    moment = utc_seconds(now) if now is not None else datetime.now(UTC).replace(microsecond=0)
    if moment > bundle.expires_at:
        raise IndeterminateError("stale", f"the trust bundle expired at {format_utc(bundle.expires_at)}")
    return bundle
