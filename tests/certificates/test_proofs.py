"""Tests for encoding helpers, JCS digests and eddsa-jcs-2022 proofs (W3C vector golden)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates._internal import encoding
from certificates._internal.strictjson import loads_strict
from certificates._internal.timefmt import format_utc, parse_utc
from certificates.errors import CertificateError, CertificateVerificationError
from certificates.jcs import canonicalize, digest_b64url, digest_hex, sha256_digest
from certificates.proofs import (
    add_proof,
    private_key_from_multikey,
    public_key_from_multikey,
    public_key_to_multikey,
    verify_proof,
)

DATA = Path(__file__).parent / "data" / "proofs"
VECTOR = json.loads((DATA / "signedJCS.json").read_text(encoding="utf-8"))
PUBLIC_MULTIKEY = (DATA / "publicKeyMultibase.txt").read_text(encoding="utf-8").strip()
KEY_PAIR = json.loads((DATA / "keyPair.json").read_text(encoding="utf-8"))
VECTOR_CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
OURS = "https://sandbox.yizhuang.gov.cn/ns/credentials/v1"


def vector_key(method: str) -> Ed25519PublicKey | None:
    """Resolve only the exact verification method of the W3C vector."""
    expected = VECTOR["proof"]["verificationMethod"]
    return public_key_from_multikey(PUBLIC_MULTIKEY) if method == expected else None


def string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """List the path of every string leaf in a JSON value."""
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in string_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in string_paths(item, (*path, i))]
    return []


def replace_at(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    mutated = copy.deepcopy(document)
    target = mutated
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return mutated


def flip_char(text: str, position: int) -> str:
    old = text[position]
    new = "A" if old != "A" else "B"
    return text[:position] + new + text[position + 1 :]


# --- encoding --------------------------------------------------------------------------------


@settings(database=None)
@given(st.binary(max_size=80))
def test_base58_and_base64url_round_trip(data: bytes) -> None:
    assert encoding.base58btc_decode(encoding.base58btc_encode(data)) == data
    assert encoding.b64url_decode(encoding.b64url_encode(data)) == data
    assert encoding.multibase_decode(encoding.multibase_encode(data, "u")) == data


def test_base58_keeps_leading_zero_bytes() -> None:
    assert encoding.base58btc_encode(b"\x00\x00\x01") == "112"
    assert encoding.base58btc_decode("112") == b"\x00\x00\x01"


@pytest.mark.parametrize("bad", ["AA==", "A A", "AB+/", "A", "AB"[:1] + "C"])
def test_b64url_decode_is_strict(bad: str) -> None:
    with pytest.raises(CertificateError):
        encoding.b64url_decode(bad)


def test_base58_refuses_characters_outside_alphabet() -> None:
    with pytest.raises(CertificateError, match="base58btc"):
        encoding.base58btc_decode("0OIl")


def test_multikey_vector_key_pair_match() -> None:
    secret = encoding.decode_multikey_secret(KEY_PAIR["privateKeyMultibase"])
    public = Ed25519PrivateKey.from_private_bytes(secret).public_key()
    assert public_key_to_multikey(public) == PUBLIC_MULTIKEY == KEY_PAIR["publicKeyMultibase"]
    assert encoding.encode_multikey_secret(secret) == KEY_PAIR["privateKeyMultibase"]
    with pytest.raises(CertificateError, match="public"):
        encoding.decode_multikey_public(KEY_PAIR["privateKeyMultibase"])


def test_nfc_normalises_keys_and_values() -> None:
    decomposed = "Cafe\u0301"
    assert encoding.nfc({decomposed: [decomposed, 1, None]}) == {"Café": ["Café", 1, None]}
    with pytest.raises(CertificateError, match="NFC"):
        encoding.nfc({decomposed: 1, "Café": 2})


@pytest.mark.parametrize("value", [1.0, {"a": [1, {"b": 0.5}]}, float("nan"), {"x": {1, 2}}])
def test_reject_floats_and_non_json(value: Any) -> None:
    with pytest.raises(CertificateError):
        encoding.reject_floats(value)


def test_strict_json_refuses_duplicates_floats_and_constants() -> None:
    assert loads_strict(b'{"a": [1, "x"]}') == {"a": [1, "x"]}
    for text in ['{"a": 1, "a": 2}', '{"a": 1.5}', '{"a": NaN}', b'"\xff"']:
        with pytest.raises(CertificateError):
            loads_strict(text)  # type: ignore[arg-type]


def test_time_format_is_utc_seconds_with_z() -> None:
    beijing = timezone(timedelta(hours=8))
    assert format_utc(datetime(2026, 1, 1, 8, 0, 0, 999, tzinfo=beijing)) == "2026-01-01T00:00:00Z"
    assert parse_utc("2026-01-01T08:00:00.123456789+08:00").isoformat().startswith("2026-01-01T00")
    with pytest.raises(CertificateError, match="naive"):
        format_utc(datetime(2026, 1, 1))
    with pytest.raises(CertificateError):
        parse_utc("2026-01-01T00:00:00")


# --- JCS and digest ---------------------------------------------------------------------------


def test_canonicalize_sorts_keys_and_digest_forms_agree() -> None:
    value = {"b": "é", "a": [1, True, None]}
    assert canonicalize(value) == '{"a":[1,true,null],"b":"é"}'.encode()
    raw = sha256_digest(value)
    assert digest_hex(value) == raw.hex()
    assert encoding.b64url_decode(digest_b64url(value)) == raw
    assert "=" not in digest_b64url(value)


@pytest.mark.parametrize("value", [{"x": 0.1}, {"x": 2**60}])
def test_canonicalize_refuses_floats_and_huge_integers(value: Any) -> None:
    with pytest.raises(CertificateError):
        canonicalize(value)


# --- the W3C vector ---------------------------------------------------------------------------


def test_w3c_vector_verifies() -> None:
    result = verify_proof(VECTOR, vector_key)
    assert result.created == VECTOR_CREATED
    assert result.verification_method.endswith("#" + PUBLIC_MULTIKEY)


def test_w3c_private_key_reproduces_proof_value_byte_for_byte() -> None:
    unsecured = {key: value for key, value in VECTOR.items() if key != "proof"}
    private_key = private_key_from_multikey(KEY_PAIR["privateKeyMultibase"])
    secured = add_proof(
        unsecured,
        private_key,
        verification_method=VECTOR["proof"]["verificationMethod"],
        created=VECTOR_CREATED,
    )
    assert secured == VECTOR
    assert canonicalize(secured) == canonicalize(VECTOR)


def test_tampered_vector_fixture_fails() -> None:
    tampered = json.loads((DATA / "signedJCS.tampered.json").read_text(encoding="utf-8"))
    assert tampered["proof"] == VECTOR["proof"]
    with pytest.raises(CertificateVerificationError) as info:
        verify_proof(tampered, vector_key)
    assert info.value.code == "signature"


@pytest.mark.parametrize("path", string_paths(VECTOR), ids=lambda p: ".".join(map(str, p)))
def test_changing_any_string_of_the_vector_fails(path: tuple[Any, ...]) -> None:
    original: str = VECTOR
    for step in path:
        original = original[step]
    for position in sorted({0, len(original) // 2, len(original) - 1}):
        mutated = replace_at(VECTOR, path, flip_char(original, position))
        with pytest.raises(CertificateVerificationError):
            verify_proof(mutated, vector_key)


@settings(max_examples=150, deadline=None, database=None)
@given(st.data())
def test_hypothesis_any_character_change_fails(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(string_paths(VECTOR)))
    original: str = VECTOR
    for step in path:
        original = original[step]
    position = data.draw(st.integers(0, len(original) - 1))
    replacement = data.draw(st.characters(codec="utf-8").filter(lambda c: c != original[position]))
    mutated = replace_at(VECTOR, path, original[:position] + replacement + original[position + 1 :])
    with pytest.raises(CertificateVerificationError):
        verify_proof(mutated, vector_key)


def test_a_proof_set_of_one_is_the_proof_itself() -> None:
    as_set = {**VECTOR, "proof": [VECTOR["proof"]]}
    assert verify_proof(as_set, vector_key) == verify_proof(VECTOR, vector_key)


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda d: d.pop("proof"), "proof"),
        (lambda d: d.__setitem__("proof", [d["proof"], dict(d["proof"])]), "proof"),
        (lambda d: d.__setitem__("proof", [d["proof"], {**d["proof"], "cryptosuite": "ecdsa-rdfc-2019"}]),
         "proof"),
        (lambda d: d.__setitem__("proof", [{**d["proof"], "cryptosuite": "sm2-jcs-2026"}]), "proof"),
        (lambda d: d.__setitem__("proof", [{**d["proof"], "previousProof": "urn:x"}]), "proof"),
        (lambda d: d.__setitem__("proof", []), "proof"),
        (lambda d: d["proof"].__setitem__("cryptosuite", "eddsa-rdfc-2022"), "proof"),
        (lambda d: d["proof"].__setitem__("type", "Ed25519Signature2020"), "proof"),
        (lambda d: d["proof"].__setitem__("proofPurpose", "authentication"), "proof"),
        (lambda d: d["proof"].__setitem__("challenge", "abc"), "proof"),
        (lambda d: d["proof"].pop("created"), "proof"),
        (lambda d: d["proof"].__setitem__("proofValue", "u" + "A" * 86), "proof"),
        (lambda d: d["@context"].append("https://evil.example/ctx"), "proof"),
        (lambda d: d["@context"].append(OURS), "proof"),
        (lambda d: d.__setitem__("name", "Alumni Credentia"), "signature"),
        (lambda d: d.__setitem__("extra", 1), "signature"),
        (lambda d: d["credentialSubject"].pop("alumniOf"), "signature"),
        (lambda d: d.__setitem__("validFrom", 1.5), "proof"),
    ],
)
def test_broken_documents_fail_with_named_code(mutate: Any, code: str) -> None:
    broken = copy.deepcopy(VECTOR)
    mutate(broken)
    with pytest.raises(CertificateVerificationError) as info:
        verify_proof(broken, vector_key)
    assert info.value.code == code


def test_unknown_verification_method_is_a_key_error() -> None:
    def raising(method: str) -> Ed25519PublicKey:
        raise KeyError(method)

    for resolver in (lambda method: None, raising):
        with pytest.raises(CertificateVerificationError) as info:
            verify_proof(VECTOR, resolver)
        assert info.value.code == "key"


def test_wrong_key_is_a_signature_error() -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(CertificateVerificationError) as info:
        verify_proof(VECTOR, lambda method: other)
    assert info.value.code == "signature"


def test_context_allow_list_is_a_parameter() -> None:
    with pytest.raises(CertificateVerificationError, match="allow-list"):
        verify_proof(VECTOR, vector_key, allowed_contexts={"https://www.w3.org/ns/credentials/v2"})


# --- our own signing ---------------------------------------------------------------------------


def own_document() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", OURS],
        "type": ["VerifiableCredential", "SandboxExitCertificate"],
        "issuer": "https://sandbox.yizhuang.gov.cn",
        "credentialSubject": {"enterpriseName": "北京示例科技有限公司", "amountFen": 100},
    }


def test_own_key_round_trip_is_deterministic() -> None:
    key = Ed25519PrivateKey.generate()
    kwargs: dict[str, Any] = {"verification_method": "https://x.example/keys#k1", "created": VECTOR_CREATED}
    first = add_proof(own_document(), key, **kwargs)
    assert first == add_proof(own_document(), key, **kwargs)
    assert first["proof"]["@context"] == own_document()["@context"]
    result = verify_proof(first, lambda method: key.public_key())
    assert result.proof_purpose == "assertionMethod"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.__setitem__("proof", {}),
        lambda d: d["credentialSubject"].__setitem__("amountFen", 1.0),
        lambda d: d["credentialSubject"].__setitem__("enterpriseName", "Cafe\u0301"),
        lambda d: d.__setitem__("@context", ["https://evil.example/ctx"]),
    ],
)
def test_add_proof_refuses_what_it_cannot_sign(mutate: Any) -> None:
    document = own_document()
    mutate(document)
    with pytest.raises(CertificateError):
        add_proof(document, Ed25519PrivateKey.generate(), verification_method="m", created=VECTOR_CREATED)
