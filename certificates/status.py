"""W3C Bitstring Status List v1.0: revocation and suspension of issued credentials.

Owns the status bits of every certificate, the change history behind them (each change has a
time and a reason, so "was it valid on date X?" has an answer), the signed
``BitstringStatusListCredential`` and the ``BitstringStatusListEntry`` put in each credential.

Public API:
    MIN_LIST_BITS = 131_072                       the spec's minimum size (herd privacy)
    StatusPurpose                                 "revocation" (final) | "suspension" (reversible)
    StatusChange(index, value, at, reason)        one entry of the history; to_dict() / from_dict()
    StatusList(url, purpose, *, size, changes)    set / clear / is_set / status_at / encoded_list /
                                                  entry / to_dict / from_dict
    encode_bitstring(bits) -> str / decode_bitstring(encoded) -> bytes
    status_list_entry(list_url, index, purpose) -> dict
    build_status_list_credential(status_list, *, issuer, valid_from, valid_until=None) -> dict
    issue_status_list_credential(status_list, private_key, *, issuer, verification_method,
                                 issued_at, valid_until=None) -> dict
    read_status_bit(entry, status_list_credential, *, key_set, now, controller=None) -> bool

Bit 0 is the most significant bit of the first byte, as the spec says. The GZIP container is
written by hand with a zero mtime and fixed header bytes, so the same bits always give the same
``encodedList`` whatever the Python version.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates._internal.encoding import multibase_decode, multibase_encode
from certificates._internal.statuscheck import check_status_entry, check_status_list_credential
from certificates._internal.timefmt import format_utc, parse_utc, utc_seconds
from certificates.errors import CertificateError, CertificateVerificationError
from certificates.keys import KeySet, KeyUse, SigningKey, jwk_thumbprint
from certificates.proofs import VC_V2_CONTEXT, verify_proof
from certificates.proofset import check_sm2_expected, secure, verify_sm2

MIN_LIST_BITS = 131_072
# A verifier decompresses lists handed to it; refuse anything beyond 16 MiB (a gzip bomb).
MAX_LIST_BITS = 2**27
# Fixed GZIP header (RFC 1952): magic, deflate, no flags, mtime 0, no extra flags, OS Unix — the
# bytes of the spec's own example, so an all-zero list encodes to exactly the spec's encodedList.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"


class StatusPurpose(StrEnum):
    REVOCATION = "revocation"
    SUSPENSION = "suspension"


def encode_bitstring(bits: bytes) -> str:
    """GZIP-compress the bitstring and encode it as multibase base64url (``u…``)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    body = compressor.compress(bits) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(bits), len(bits) & 0xFFFFFFFF)
    return multibase_encode(_GZIP_HEADER + body + trailer, "u")


def decode_bitstring(encoded: str) -> bytes:
    """Decode an ``encodedList``; raise `CertificateError` if malformed or implausibly large."""
    compressed = multibase_decode(encoded, expected_base="u")
    decompressor = zlib.decompressobj(wbits=31)
    try:
        bits = decompressor.decompress(compressed, MAX_LIST_BITS // 8 + 1)
    except zlib.error as exc:
        raise CertificateError(f"encodedList is not valid GZIP: {exc}") from exc
    if len(bits) > MAX_LIST_BITS // 8 or not decompressor.eof or decompressor.unused_data:
        raise CertificateError("encodedList is truncated, too large or has trailing data")
    return bits


@dataclass(frozen=True)
class StatusChange:
    """One change of one bit: set (True) or cleared (False), when and why."""

    index: int
    value: bool
    at: datetime
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", utc_seconds(self.at))
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise CertificateError("every status change needs a reason")

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "value": self.value, "at": format_utc(self.at), "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StatusChange:
        return cls(int(data["index"]), bool(data["value"]), parse_utc(data["at"]), str(data["reason"]))


def status_list_entry(list_url: str, index: int, purpose: StatusPurpose | str) -> dict[str, Any]:
    """Return the ``credentialStatus`` entry pointing at bit `index` of the list at `list_url`."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": str(StatusPurpose(purpose)),
        # The spec makes the index a string (a JSON number could be read as a float elsewhere).
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


class StatusList:
    """A bitstring status list rebuilt from, and extended by, its append-only change history."""

    def __init__(
        self,
        url: str,
        purpose: StatusPurpose | str,
        *,
        size: int = MIN_LIST_BITS,
        changes: Iterable[StatusChange] = (),
    ) -> None:
        if size < MIN_LIST_BITS or size % 8 or size > MAX_LIST_BITS:
            raise CertificateError(f"list size must be a multiple of 8 in [{MIN_LIST_BITS}, {MAX_LIST_BITS}]")
        self.url = url
        self.purpose = StatusPurpose(purpose)
        self.size = size
        self._bits = bytearray(size // 8)
        self._changes: list[StatusChange] = []
        for change in changes:
            self._apply(change)

    @property
    def changes(self) -> tuple[StatusChange, ...]:
        return tuple(self._changes)

    def _check_index(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise CertificateError(f"status index {index!r} outside 0..{self.size - 1}")

    def is_set(self, index: int) -> bool:
        """Return the current bit at `index`."""
        self._check_index(index)
        return bool(self._bits[index // 8] & (0x80 >> (index % 8)))

    def _apply(self, change: StatusChange) -> StatusChange:
        self._check_index(change.index)
        if self._changes and change.at < self._changes[-1].at:
            raise CertificateError("status changes are append-only: a change cannot predate the last one")
        if self.is_set(change.index) == change.value:
            raise CertificateError(f"bit {change.index} is already {'set' if change.value else 'clear'}")
        if not change.value and self.purpose is StatusPurpose.REVOCATION:
            raise CertificateError("revocation is final; use a suspension list for reversible holds")
        mask = 0x80 >> (change.index % 8)
        if change.value:
            self._bits[change.index // 8] |= mask
        else:
            self._bits[change.index // 8] &= ~mask & 0xFF
        self._changes.append(change)
        return change

    def set(self, index: int, *, at: datetime, reason: str) -> StatusChange:
        """Set bit `index` (revoke or suspend) and record why."""
        return self._apply(StatusChange(index, True, at, reason))

    def clear(self, index: int, *, at: datetime, reason: str) -> StatusChange:
        """Clear bit `index` (lift a suspension) and record why."""
        return self._apply(StatusChange(index, False, at, reason))

    def status_at(self, index: int, when: datetime) -> bool:
        """Return the bit at `index` as it stood at `when` (changes at exactly `when` count)."""
        self._check_index(index)
        when = utc_seconds(when)
        value = False
        for change in self._changes:
            if change.at > when:
                break
            if change.index == index:
                value = change.value
        return value

    def bitstring(self) -> bytes:
        return bytes(self._bits)

    def encoded_list(self) -> str:
        return encode_bitstring(self.bitstring())

    def entry(self, index: int) -> dict[str, Any]:
        """Return the ``credentialStatus`` entry for bit `index` of this list."""
        self._check_index(index)
        return status_list_entry(self.url, index, self.purpose)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "purpose": str(self.purpose),
            "size": self.size,
            "changes": [change.to_dict() for change in self._changes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StatusList:
        changes = [StatusChange.from_dict(item) for item in data["changes"]]
        return cls(data["url"], data["purpose"], size=int(data["size"]), changes=changes)


def build_status_list_credential(
    status_list: StatusList, *, issuer: str, valid_from: datetime, valid_until: datetime | None = None
) -> dict[str, Any]:
    """Return the unsigned ``BitstringStatusListCredential`` for the list's current bits."""
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": status_list.url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_utc(valid_from),
        "credentialSubject": {
            "id": f"{status_list.url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": str(status_list.purpose),
            "encodedList": status_list.encoded_list(),
        },
    }
    if valid_until is not None:
        credential["validUntil"] = format_utc(valid_until)
    return credential


def issue_status_list_credential(
    status_list: StatusList,
    private_key: Ed25519PrivateKey,
    *,
    issuer: str,
    verification_method: str,
    issued_at: datetime,
    valid_until: datetime | None = None,
    sm2_key: SigningKey | None = None,
    sm2_verification_method: str | None = None,
) -> dict[str, Any]:
    """Build the status list credential and sign it with an eddsa-jcs-2022 proof and, given an SM2
    status key, an sm2-jcs-2026 proof beside it (a proof set)."""
    credential = build_status_list_credential(
        status_list, issuer=issuer, valid_from=issued_at, valid_until=valid_until
    )
    ed25519 = SigningKey(jwk_thumbprint(private_key.public_key()), KeyUse.STATUS, private_key)
    signers = [(ed25519, verification_method)]
    if sm2_key is not None:
        signers.append((sm2_key, sm2_verification_method or f"{issuer}#{sm2_key.kid}"))
    return secure(credential, signers, created=issued_at)


def read_status_bit(
    entry: Mapping[str, Any],
    status_list_credential: Mapping[str, Any],
    *,
    key_set: KeySet,
    now: datetime,
    controller: str | None = None,
) -> bool:
    """Verify the status list credential `entry` points to and return its bit (True = set).

    Raises `CertificateVerificationError` ``status`` for a malformed or mismatched list, the
    proof codes of `verify_proof`, ``key_state`` for a status key not valid when it signed, and
    `IndeterminateError` ``stale`` when the list is past its validUntil.
    """
    index, purpose, list_url = check_status_entry(entry)
    resolve = key_set.resolver("status", controller=controller)
    proof = verify_proof(status_list_credential, resolve)
    sm2_result = verify_sm2(status_list_credential, resolve)
    check_sm2_expected(key_set, KeyUse.STATUS, proof, sm2_result)
    # Status lists are not logged one by one, so a revoked status key fails closed (logged_at None).
    for result in (proof, *([sm2_result] if sm2_result else [])):
        signer = result.verification_method.rpartition("#")[2]
        key_set.check_key_at(signer, result.created, None, use="status")
    encoded = check_status_list_credential(status_list_credential, list_url, purpose, now)
    try:
        bits = decode_bitstring(encoded)
    except CertificateError as exc:
        raise CertificateVerificationError("status", str(exc)) from exc
    if index >= len(bits) * 8:
        raise CertificateVerificationError("status", f"index {index} is beyond the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
