"""Tests for Bitstring Status Lists: encoding, history, signed list credentials, reading a bit."""

from __future__ import annotations

import copy
import gzip
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates._internal.encoding import multibase_decode, multibase_encode
from certificates.errors import CertificateError, CertificateVerificationError, IndeterminateError
from certificates.keys import KeySet, KeyUse, SigningKey
from certificates.status import (
    MIN_LIST_BITS,
    StatusList,
    StatusPurpose,
    decode_bitstring,
    encode_bitstring,
    issue_status_list_credential,
    read_status_bit,
    status_list_entry,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
DAY = timedelta(days=1)
ISSUER = "https://sandbox.yizhuang.gov.cn/issuer"
LIST_URL = "https://sandbox.yizhuang.gov.cn/api/v1/status/revocation-1"
# The encodedList of the W3C Bitstring Status List v1.0 example: 131,072 zero bits.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_empty_list_encodes_exactly_as_the_spec_example() -> None:
    assert decode_bitstring(SPEC_EMPTY_LIST) == bytes(MIN_LIST_BITS // 8)
    assert StatusList(LIST_URL, "revocation").encoded_list() == SPEC_EMPTY_LIST


@settings(database=None, max_examples=50)
@given(st.binary(min_size=1, max_size=4096))
def test_bitstring_round_trip_and_standard_gzip(bits: bytes) -> None:
    encoded = encode_bitstring(bits)
    assert encoded.startswith("u") and encoded == encode_bitstring(bits)
    assert decode_bitstring(encoded) == bits
    assert gzip.decompress(multibase_decode(encoded)) == bits


@pytest.mark.parametrize(
    "encoded",
    [
        "z" + SPEC_EMPTY_LIST[1:],
        SPEC_EMPTY_LIST[:-4],
        multibase_encode(gzip.compress(bytes(16)) + b"junk", "u"),
        multibase_encode(b"not gzip", "u"),
        multibase_encode(gzip.compress(bytes(2**24 + 1), mtime=0), "u"),
    ],
    ids=["base58", "truncated", "trailing", "not-gzip", "bomb"],
)
def test_decode_refuses_broken_lists(encoded: str) -> None:
    with pytest.raises(CertificateError):
        decode_bitstring(encoded)


def test_bit_order_is_most_significant_first() -> None:
    status = StatusList(LIST_URL, "suspension")
    status.set(0, at=T0, reason="r")
    status.set(9, at=T0, reason="r")
    assert status.bitstring()[:2] == bytes([0b1000_0000, 0b0100_0000])


def test_history_answers_was_it_valid_on_date_x() -> None:
    status = StatusList(LIST_URL, StatusPurpose.SUSPENSION)
    status.set(42, at=T0 + DAY, reason="incident under investigation")
    status.clear(42, at=T0 + 5 * DAY, reason="investigation closed")
    status.set(42, at=T0 + 9 * DAY, reason="conditions breached")
    expected = {0: False, 1: True, 3: True, 5: False, 8: False, 9: True, 20: True}
    assert {d: status.status_at(42, T0 + d * DAY) for d in expected} == expected
    assert status.status_at(41, T0 + 20 * DAY) is False
    assert status.is_set(42)
    rebuilt = StatusList.from_dict(status.to_dict())
    assert rebuilt.changes == status.changes and rebuilt.bitstring() == status.bitstring()
    assert [c.reason for c in rebuilt.changes][0] == "incident under investigation"


@pytest.mark.parametrize(
    ("purpose", "action", "match"),
    [
        ("revocation", lambda s: s.clear(7, at=T0 + DAY, reason="oops"), "final"),
        ("suspension", lambda s: s.set(7, at=T0 + DAY, reason="again"), "already set"),
        ("suspension", lambda s: s.set(8, at=T0 - DAY, reason="backdated"), "append-only"),
        ("suspension", lambda s: s.set(8, at=T0 + DAY, reason="  "), "reason"),
        ("suspension", lambda s: s.set(MIN_LIST_BITS, at=T0 + DAY, reason="r"), "outside"),
        ("suspension", lambda s: s.clear(8, at=T0 + DAY, reason="r"), "already clear"),
    ],
)
def test_status_changes_refuse_nonsense(
    purpose: str, action: Callable[[StatusList], object], match: str
) -> None:
    status = StatusList(LIST_URL, purpose)
    status.set(7, at=T0, reason="first")
    with pytest.raises(CertificateError, match=match):
        action(status)
    assert len(status.changes) == 1


def test_list_size_respects_spec_minimum() -> None:
    with pytest.raises(CertificateError, match="size"):
        StatusList(LIST_URL, "revocation", size=1024)


def test_entry_shape_matches_spec() -> None:
    assert status_list_entry(LIST_URL, 94567, "revocation") == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


# --- signed list credentials and the verifier's read ------------------------------------------


@pytest.fixture
def signed() -> tuple[KeySet, dict[str, Any], StatusList]:
    key = SigningKey.generate(KeyUse.STATUS)
    keys = KeySet()
    keys.activate(key.public_key, KeyUse.STATUS, at=T0)
    status = StatusList(LIST_URL, "revocation")
    status.set(94567, at=T0 + DAY, reason="certificate obtained by fraud")
    credential = issue_status_list_credential(
        status,
        key.private_key,
        issuer=ISSUER,
        verification_method=f"{ISSUER}#{key.kid}",
        issued_at=T0 + DAY,
        valid_until=T0 + 2 * DAY,
    )
    return keys, credential, status


def test_signed_list_credential_shape(signed: tuple[KeySet, dict[str, Any], StatusList]) -> None:
    _, credential, status = signed
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["credentialSubject"]["encodedList"] == status.encoded_list()
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert credential["validUntil"] == "2026-03-03T00:00:00Z"


def test_read_status_bit(signed: tuple[KeySet, dict[str, Any], StatusList]) -> None:
    keys, credential, status = signed
    now = T0 + DAY + timedelta(hours=1)
    assert read_status_bit(status.entry(94567), credential, key_set=keys, now=now, controller=ISSUER)
    assert not read_status_bit(status.entry(94566), credential, key_set=keys, now=now)


def test_read_status_bit_stale_list_is_indeterminate(
    signed: tuple[KeySet, dict[str, Any], StatusList],
) -> None:
    keys, credential, status = signed
    with pytest.raises(IndeterminateError) as info:
        read_status_bit(status.entry(1), credential, key_set=keys, now=T0 + 3 * DAY)
    assert info.value.code == "stale"


@pytest.mark.parametrize(
    ("mutate_entry", "mutate_list", "code"),
    [
        (lambda e: e.__setitem__("statusPurpose", "suspension"), None, "status"),
        (lambda e: e.__setitem__("statusListIndex", 5), None, "status"),
        (lambda e: e.__setitem__("statusListIndex", "007"), None, "status"),
        (lambda e: e.__setitem__("statusListCredential", LIST_URL + "x"), None, "status"),
        (lambda e: e.__setitem__("statusSize", 2), None, "status"),
        (None, lambda c: c["credentialSubject"].__setitem__("encodedList", SPEC_EMPTY_LIST), "signature"),
        (None, lambda c: c.pop("proof"), "proof"),
    ],
)
def test_read_status_bit_refuses_tampering(
    signed: tuple[KeySet, dict[str, Any], StatusList],
    mutate_entry: Callable[[dict[str, Any]], object] | None,
    mutate_list: Callable[[dict[str, Any]], object] | None,
    code: str,
) -> None:
    keys, credential, status = signed
    entry, broken = status.entry(94567), copy.deepcopy(credential)
    if mutate_entry:
        mutate_entry(entry)
    if mutate_list:
        mutate_list(broken)
    with pytest.raises(CertificateVerificationError) as info:
        read_status_bit(entry, broken, key_set=keys, now=T0 + DAY)
    assert info.value.code == code


def test_status_list_signed_by_revoked_key_fails_closed(
    signed: tuple[KeySet, dict[str, Any], StatusList],
) -> None:
    keys, credential, status = signed
    keys.revoke(keys.active("status").kid, at=T0 + DAY + timedelta(minutes=5), reason="leaked")
    with pytest.raises(CertificateVerificationError) as info:
        read_status_bit(status.entry(1), credential, key_set=keys, now=T0 + DAY)
    assert info.value.code == "key_state"
