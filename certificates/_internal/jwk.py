"""Raw Ed25519 key bytes, RFC 7638 JWK thumbprints and parsing of published JWKs (private).

The thumbprint is the kid of every key: SHA-256 over the canonical JSON of the required members —
``{"crv","kty","x"}`` of an OKP Ed25519 key (RFC 7638 §3, RFC 8037 §2), ``{"crv","kty","x","y"}`` of an
EC SM2 key (`certificates.sm2`) — base64url without padding. Anyone can recompute it from a published
JWK, so a kid cannot silently point at a different key.

A published key says what it is for in two members: the JOSE ``use`` is always ``"sig"`` (RFC 7517
§4.2 registers only ``sig`` and ``enc``; JOSE libraries refuse anything else), and the project's role
(``assertion``, ``log``, ``status``, ``root``, ``package``) is in ``role``. Key sets and trust bundles
published before ``role`` existed carried the role in ``use``; they are still read, so a trust bundle
signed then keeps verifying.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates import sm2
from certificates._internal.encoding import b64url_decode, b64url_encode
from certificates._internal.timefmt import parse_utc
from certificates.errors import CertificateError, CertificateKeyError


def raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    """Return the 32 raw bytes of an Ed25519 public key."""
    if not isinstance(public_key, Ed25519PublicKey):
        raise CertificateKeyError("expected an Ed25519 public key")
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def jwk_thumbprint(public_key: Any) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of the key's JWK (base64url, no padding)."""
    if sm2.is_sm2_key(public_key):
        return sm2.jwk_thumbprint(public_key)
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(raw_public_bytes(public_key))}
    # RFC 7638 fixes the form: members in lexicographic order, no whitespace, UTF-8.
    text = json.dumps(members, sort_keys=True, separators=(",", ":"))
    return b64url_encode(hashlib.sha256(text.encode("utf-8")).digest())


def public_key_from_x(x: object) -> Ed25519PublicKey:
    """Load an Ed25519 public key from a JWK ``x`` member."""
    if not isinstance(x, str):
        raise CertificateKeyError("JWK member x must be a string")
    try:
        raw = b64url_decode(x)
    except CertificateError as exc:
        raise CertificateKeyError(f"JWK member x is not base64url: {exc}") from exc
    if len(raw) != 32:
        raise CertificateKeyError("JWK member x must hold 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def _optional_time(value: object, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_utc(value)
    except CertificateError as exc:
        raise CertificateKeyError(f"JWK member {name}: {exc}") from exc


ROLES = frozenset({"assertion", "log", "status", "root", "package"})
JOSE_USE = "sig"
_STATUSES = frozenset({"active", "retired", "revoked"})


def _role(jwk: Mapping[str, Any], kid: str) -> str:
    """Return the key's project role: ``role`` beside ``use: "sig"``, or a legacy role in ``use``."""
    role, use = jwk.get("role"), jwk.get("use")
    if role is None and use in ROLES:  # the form published before the role had a member of its own
        return str(use)
    if role in ROLES and use in (None, JOSE_USE):
        return str(role)
    raise CertificateKeyError(f"JWK {kid}: unknown role, or a use other than sig")


def jwk_fields(jwk: Mapping[str, Any]) -> dict[str, Any]:
    """Parse one published JWK into `KeyRecord` fields; refuse private keys and keys other than
    OKP Ed25519 and EC SM2."""
    if not isinstance(jwk, Mapping):
        raise CertificateKeyError("a JWK must be a JSON object")
    if "d" in jwk:
        raise CertificateKeyError("a published JWK must never contain the private member d")
    if (jwk.get("kty"), jwk.get("crv")) == ("OKP", "Ed25519"):
        public_key = public_key_from_x(jwk.get("x"))
    elif (jwk.get("kty"), jwk.get("crv")) == ("EC", "SM2"):
        public_key = sm2.public_key_from_jwk(jwk)
    else:
        raise CertificateKeyError("only OKP Ed25519 and EC SM2 keys are supported")
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not kid:
        raise CertificateKeyError("JWK has no kid")
    role = _role(jwk, kid)
    if jwk.get("status") not in _STATUSES:
        raise CertificateKeyError(f"JWK {kid}: unknown status")
    activated_at = _optional_time(jwk.get("activatedAt"), "activatedAt")
    if activated_at is None:
        raise CertificateKeyError(f"JWK {kid} has no activatedAt")
    reason = jwk.get("revocationReason")
    if reason is not None and not isinstance(reason, str):
        raise CertificateKeyError(f"JWK {kid}: revocationReason must be a string")
    return {
        "kid": kid,
        "use": role,
        "public_key": public_key,
        "status": jwk["status"],
        "activated_at": activated_at,
        "retired_at": _optional_time(jwk.get("retiredAt"), "retiredAt"),
        "revoked_at": _optional_time(jwk.get("revokedAt"), "revokedAt"),
        "revocation_reason": reason,
    }
