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
import json
from typing import Any

import rfc8785

from certificates._internal.encoding import b64url_encode, reject_floats
from certificates.errors import CertificateError

_MAX_SAFE = 2**53 - 1


def _plain(value: Any) -> bool:
    """True if the standard library's JSON encoder writes `value` exactly as RFC 8785 does.

    That holds for strings, safe integers, booleans and null (never floats), and for object keys
    without characters beyond U+FFFF (whose UTF-16 order, the one RFC 8785 sorts by, differs from code
    point order). One walk, because canonicalisation dominates the cost of verifying a certificate.
    """
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or max(key) <= "\uffff") or not _plain(item):
                return False
        return True
    if kind is list:
        return all(_plain(item) for item in value)
    return kind is int and -_MAX_SAFE <= value <= _MAX_SAFE


def canonicalize(obj: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value (no floats allowed)."""
    if _plain(obj):
        # Fast path: for these values the C encoder's sorted, separator-free, non-ASCII output is
        # byte-for-byte the RFC 8785 form (checked against rfc8785 in the tests).
        try:
            return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: let rfc8785 refuse it
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
