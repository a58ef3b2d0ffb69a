"""Byte and text encodings shared by the certificates package (private).

Owns: base64url without padding, base58btc, multibase (``z`` = base58btc, ``u`` = base64url),
Multikey Ed25519 public/secret keys, NFC normalisation of JSON values and the refusal of floats
in anything we sign. Decoders are strict (no padding, no stray characters) because every one of
them reads bytes a third party handed us. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import unicodedata
from typing import Any

from certificates.errors import CertificateError

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: value for value, char in enumerate(_B58_ALPHABET)}
_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*$")

# Multicodec varint prefixes: ed25519-pub (0xed) and ed25519-priv (0x1300).
ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"
ED25519_KEY_BYTES = 32


def b64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding (RFC 4648 §5, as JOSE and the W3C specs use)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; refuse padding, whitespace and characters outside the alphabet."""
    if not isinstance(text, str) or not _B64URL_RE.match(text) or len(text) % 4 == 1:
        raise CertificateError("not valid unpadded base64url")
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise CertificateError("not valid unpadded base64url") from exc
    # Non-canonical encodings (stray low bits in the last char) would let two strings mean one value.
    if b64url_encode(decoded) != text:
        raise CertificateError("non-canonical base64url")
    return decoded


def base58btc_encode(data: bytes) -> str:
    """Encode bytes in the Bitcoin base58 alphabet; leading zero bytes become leading ``1``s."""
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(_B58_ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(out))


def base58btc_decode(text: str) -> bytes:
    """Decode base58btc; refuse any character outside the alphabet."""
    if not isinstance(text, str):
        raise CertificateError("base58btc input must be a string")
    number = 0
    for char in text:
        value = _B58_INDEX.get(char)
        if value is None:
            raise CertificateError(f"invalid base58btc character {char!r}")
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * zeros + body


def multibase_encode(data: bytes, base: str = "z") -> str:
    """Encode as multibase: ``z`` + base58btc (proof values, Multikey) or ``u`` + base64url."""
    if base == "z":
        return "z" + base58btc_encode(data)
    if base == "u":
        return "u" + b64url_encode(data)
    raise CertificateError(f"unsupported multibase prefix {base!r}")


def multibase_decode(text: object, *, expected_base: str | None = None) -> bytes:
    """Decode a ``z`` or ``u`` multibase string; when `expected_base` is set, refuse the other."""
    if not isinstance(text, str) or not text:
        raise CertificateError("multibase value must be a non-empty string")
    prefix, body = text[0], text[1:]
    if expected_base is not None and prefix != expected_base:
        raise CertificateError(f"expected multibase prefix {expected_base!r}, got {prefix!r}")
    if prefix == "z":
        return base58btc_decode(body)
    if prefix == "u":
        return b64url_decode(body)
    raise CertificateError(f"unsupported multibase prefix {prefix!r}")


def _decode_multikey(text: str, prefix: bytes, what: str) -> bytes:
    raw = multibase_decode(text, expected_base="z")
    if not raw.startswith(prefix) or len(raw) != len(prefix) + ED25519_KEY_BYTES:
        raise CertificateError(f"not a Multikey Ed25519 {what} key")
    return raw[len(prefix) :]


def _check_key_bytes(raw: bytes) -> None:
    if len(raw) != ED25519_KEY_BYTES:
        raise CertificateError("an Ed25519 key is exactly 32 bytes")


def encode_multikey_public(raw: bytes) -> str:
    """Encode a raw 32-byte Ed25519 public key as Multikey ``publicKeyMultibase`` (``z6Mk…``)."""
    _check_key_bytes(raw)
    return multibase_encode(ED25519_PUB_PREFIX + raw)


def decode_multikey_public(text: str) -> bytes:
    """Decode Multikey ``publicKeyMultibase`` to the raw 32-byte Ed25519 public key."""
    return _decode_multikey(text, ED25519_PUB_PREFIX, "public")


def encode_multikey_secret(raw: bytes) -> str:
    """Encode a raw 32-byte Ed25519 seed as Multikey ``secretKeyMultibase`` (``z3u2…``)."""
    _check_key_bytes(raw)
    return multibase_encode(ED25519_PRIV_PREFIX + raw)


def decode_multikey_secret(text: str) -> bytes:
    """Decode Multikey ``secretKeyMultibase`` to the raw 32-byte Ed25519 seed."""
    return _decode_multikey(text, ED25519_PRIV_PREFIX, "secret")


def nfc(value: Any) -> Any:
    """Return a copy of a JSON value with every string (keys included) in Unicode NFC.

    Signing NFC text means a verifier that re-normalises (as many text pipelines do) still
    gets the bytes we signed.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        normalised = {nfc(key): nfc(item) for key, item in value.items()}
        if len(normalised) != len(value):
            raise CertificateError("two object keys become equal after NFC normalisation")
        return normalised
    if isinstance(value, (list, tuple)):
        return [nfc(item) for item in value]
    return value


def reject_floats(value: Any, path: str = "$") -> None:
    """Raise `CertificateError` if a float (or anything not plain JSON) appears in `value`.

    Floats have no single canonical text across languages, so a signed float is a verification
    bug waiting to happen; amounts are integers (fen) and measurements carry a unit and an int.
    """
    if isinstance(value, float):
        shown = "non-finite number" if not math.isfinite(value) else repr(value)
        raise CertificateError(f"floats are not allowed in signed payloads: {shown} at {path}")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CertificateError(f"object keys must be strings at {path}")
            reject_floats(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for position, item in enumerate(value):
            reject_floats(item, f"{path}[{position}]")
    elif value is not None and not isinstance(value, (str, int, bool)):
        raise CertificateError(f"{type(value).__name__} is not a JSON value at {path}")
