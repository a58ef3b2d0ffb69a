"""RFC 8785 JSON Canonicalization Scheme and the credential digest built on it.

Owns the one byte form of every JSON value we sign or hash, and the credential digest that
third-party verifiers rely on (DESIGN.md §9): SHA-256 over the RFC 8785 form of the whole
credential, proof included — in a QR/URL fragment as ``#sha256=`` + base64url without padding,
in transparency-log entries as lowercase hex.

Public API:
    canonicalize(obj) -> bytes
    sha256_digest(obj) -> bytes
    digest_b64url(obj) -> str
    digest_hex(obj) -> str

Floats are refused before canonicalisation (they are never part of a signed payload here), so
the same value always yields the same bytes in every implementation.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

from certificates._internal.encoding import b64url_encode, reject_floats
from certificates.errors import CertificateError


def canonicalize(obj: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value (no floats allowed)."""
    reject_floats(obj)
    try:
        return rfc8785.dumps(obj)
    except rfc8785.CanonicalizationError as exc:
        # e.g. integers beyond ±2**53-1, which I-JSON (and so RFC 8785) cannot represent exactly.
        raise CertificateError(f"cannot canonicalize: {exc}") from exc


def sha256_digest(obj: Any) -> bytes:
    """Return SHA-256 over the canonical form of `obj`."""
    return hashlib.sha256(canonicalize(obj)).digest()


def digest_b64url(obj: Any) -> str:
    """Return the digest as unpadded base64url, the form used after ``#sha256=`` in URLs."""
    return b64url_encode(sha256_digest(obj))


def digest_hex(obj: Any) -> str:
    """Return the digest as lowercase hex, the form used in log entries."""
    return sha256_digest(obj).hex()
