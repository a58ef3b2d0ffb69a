"""The signed trust bundle (private; re-exported by certificates.bundle, which documents it).

The root key signs, with plain Ed25519, the RFC 8785 bytes of the payload: detached so the payload
stays readable JSON, and over JCS so any implementation can re-derive the signed bytes. Since SM2 keys
exist the SM2 root signs the same bytes beside it (``sm2Signature``: SM2 with SM3 and the default user
identity, DER, base64url), so a verifier may pin either root; a bundle issued while an SM2 root was in
service without that signature is refused, and both signatures present must verify.
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

from certificates import sm2
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
from certificates.keys import KeyAlgorithm, KeyRecord, KeySet, KeyUse, SigningKey

PAYLOAD_TYPE = "SandboxTrustBundle"
PAYLOAD_VERSION = 1
_PAYLOAD_KEYS = frozenset({"type", "version", "issuedAt", "expiresAt", "jwks", "statusLists", "checkpoint"})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _fail(message: str) -> CertificateVerificationError:
    return CertificateVerificationError("trust_bundle", message)


def root_fingerprint(public_key: Any) -> str:
    """Return SHA-256 of the raw root public key (an SM2 key: its 65-byte uncompressed point) as
    lowercase hex in 4-character groups."""
    raw = sm2.point_bytes(public_key) if sm2.is_sm2_key(public_key) else raw_public_bytes(public_key)
    digest = hashlib.sha256(raw).hexdigest()
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


def sign_trust_bundle(
    bundle: TrustBundle, root_key: SigningKey, sm2_root: SigningKey | None = None
) -> dict[str, Any]:
    """Sign the bundle with the Ed25519 root key and, given one, the SM2 root key beside it; each must be
    in the bundle's own key set."""
    signers = [(root_key, KeyAlgorithm.ED25519), *([(sm2_root, KeyAlgorithm.SM2)] if sm2_root else [])]
    for key, algorithm in signers:
        if key.use != KeyUse.ROOT or key.algorithm is not algorithm:
            raise CertificateError(
                f"a trust bundle is signed with the {algorithm} root key, not a {key.use} key"
            )
        bundle.key_set().check_key_at(key.kid, bundle.issued_at, None, use=KeyUse.ROOT)
    payload = bundle.to_payload()
    message = canonicalize(payload)
    envelope: dict[str, Any] = {
        "payload": payload,
        "signature": {"kid": root_key.kid, "alg": "EdDSA", "value": b64url_encode(root_key.sign(message))},
    }
    if sm2_root is not None:
        value = b64url_encode(sm2_root.sign(message))
        envelope["sm2Signature"] = {"kid": sm2_root.kid, "alg": "SM2", "value": value}
    return envelope


def _read_signature(envelope: Mapping[str, Any], member: str, alg: str) -> tuple[str, bytes] | None:
    signature = envelope.get(member)
    if signature is None and member != "signature":
        return None
    if not isinstance(signature, Mapping) or set(signature) != {"kid", "alg", "value"}:
        raise _fail(f'{member} is exactly {{"kid", "alg", "value"}}')
    if signature["alg"] != alg or not isinstance(signature["kid"], str):
        raise _fail(f"{member} alg must be {alg} with a kid")
    try:
        return signature["kid"], b64url_decode(signature["value"])
    except CertificateError as exc:
        raise _fail(f"{member} value: {exc}") from exc


def _read_envelope(
    data: str | bytes | Mapping[str, Any],
) -> tuple[Mapping[str, Any], str, bytes, tuple[str, bytes] | None]:
    try:
        envelope = loads_strict(data) if isinstance(data, (str, bytes)) else data
    except CertificateError as exc:
        raise _fail(str(exc)) from exc
    if not isinstance(envelope, Mapping) or set(envelope) - {"sm2Signature"} != {"payload", "signature"}:
        raise _fail('a trust bundle is exactly {"payload": …, "signature": …} and an optional "sm2Signature"')
    signed = _read_signature(envelope, "signature", "EdDSA")
    assert signed is not None
    if not isinstance(envelope["payload"], Mapping):
        raise _fail("payload must be a JSON object")
    return envelope["payload"], signed[0], signed[1], _read_signature(envelope, "sm2Signature", "SM2")


def trusted_root_kid(data: str | bytes | Mapping[str, Any]) -> str | None:
    """The kid of the root key that signed a trust bundle (read, not verified: verify it first)."""
    try:
        return _read_envelope(data)[1]
    except CertificateVerificationError:
        return None


def trusted_sm2_root_kid(data: str | bytes | Mapping[str, Any]) -> str | None:
    """The kid of the SM2 root key that signed a trust bundle beside the Ed25519 one, if any (read, not
    verified: verify it first)."""
    try:
        national = _read_envelope(data)[3]
    except CertificateVerificationError:
        return None
    return national[0] if national else None


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
    payload, kid, signature, national = _read_envelope(data)
    try:
        bundle = TrustBundle.from_payload(payload)
        key_set = bundle.key_set()
        roots = [(key_set.get(kid), signature, KeyAlgorithm.ED25519)]
        if national is not None:
            roots.append((key_set.get(national[0]), national[1], KeyAlgorithm.SM2))
        message = canonicalize(payload)
    except CertificateError as exc:
        raise _fail(str(exc)) from exc
    if national is None and key_set.active_at(KeyUse.ROOT, KeyAlgorithm.SM2, bundle.issued_at) is not None:
        raise _fail("an SM2 root key was in service when the bundle was issued, but it has no SM2 signature")
    for root, value, algorithm in roots:
        _check_root(key_set, root, value, algorithm, message, bundle)
    if expected_root_fingerprint is not None and not any(
        hmac.compare_digest(
            _normalise_fingerprint(expected_root_fingerprint),
            _normalise_fingerprint(root_fingerprint(root.public_key)),
        )
        for root, _, _ in roots
    ):
        raise _fail("the root key does not match the expected fingerprint")
    moment = utc_seconds(now) if now is not None else datetime.now(UTC).replace(microsecond=0)
    if moment > bundle.expires_at:
        raise IndeterminateError("stale", f"the trust bundle expired at {format_utc(bundle.expires_at)}")
    return bundle


def _check_root(
    key_set: KeySet,
    root: KeyRecord,
    value: bytes,
    algorithm: KeyAlgorithm,
    message: bytes,
    bundle: TrustBundle,
) -> None:
    """One root signature: by a root key of `algorithm`, over the payload, valid at the bundle's issue."""
    if root.use != KeyUse.ROOT or root.algorithm is not algorithm:
        raise _fail(f"the bundle is signed by a {root.use} key, not the {algorithm} root key")
    try:
        valid = root.verify(value, message)
    except (InvalidSignature, ValueError):
        valid = False
    if not valid:
        raise _fail(f"the {algorithm} root signature does not match the bundle")
    try:
        key_set.check_key_at(root.kid, bundle.issued_at, None, use=KeyUse.ROOT)
    except CertificateVerificationError as exc:
        raise _fail(f"root key not valid when the bundle was issued: {exc.message}") from exc
