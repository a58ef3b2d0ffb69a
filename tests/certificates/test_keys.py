"""Tests for key ids, encrypted key files, lifecycle records, the JWKS and the key-state rule."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwcrypto import jwk, jws

from certificates._internal.encoding import b64url_encode
from certificates.errors import CertificateKeyError, CertificateVerificationError
from certificates.keys import (
    KeyRecord,
    KeySet,
    KeyStatus,
    KeyUse,
    SigningKey,
    jwk_thumbprint,
    load_private_key,
    save_private_key,
)
from certificates.proofs import add_proof, verify_proof

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
CONTEXT = ["https://www.w3.org/ns/credentials/v2"]


def test_thumbprint_matches_rfc8037_appendix_a3() -> None:
    # RFC 8037 appendix A.3 publishes the thumbprint of the appendix A.2 public key.
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    raw = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    assert b64url_encode(raw) == x
    key = Ed25519PublicKey.from_public_bytes(raw)
    assert jwk_thumbprint(key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


# --- encrypted storage -----------------------------------------------------------------------


def test_save_and_load_round_trip_with_0600(tmp_path: Path) -> None:
    key = SigningKey.generate(KeyUse.ASSERTION)
    path = save_private_key(tmp_path / "keys", key.private_key, "correct horse")
    assert path.name == f"{key.kid}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    loaded = load_private_key(tmp_path / "keys", key.kid, b"correct horse")
    assert jwk_thumbprint(loaded.public_key()) == key.kid
    assert [p.name for p in (tmp_path / "keys").iterdir()] == [path.name]  # no temp file left
    assert "private_key" not in repr(key)
    with pytest.raises(CertificateKeyError, match="does not belong"):
        SigningKey("other-kid", KeyUse.ASSERTION, loaded)


def test_wrong_passphrase_is_a_clear_key_error(tmp_path: Path) -> None:
    key = SigningKey.generate(KeyUse.LOG)
    save_private_key(tmp_path, key.private_key, "right")
    with pytest.raises(CertificateKeyError, match="wrong passphrase"):
        load_private_key(tmp_path, key.kid, "wrong")


def test_key_files_are_never_overwritten(tmp_path: Path) -> None:
    key = SigningKey.generate(KeyUse.ROOT)
    save_private_key(tmp_path, key.private_key, "pw")
    with pytest.raises(CertificateKeyError, match="overwrite"):
        save_private_key(tmp_path, key.private_key, "pw")


@pytest.mark.parametrize("passphrase", ["", b""])
def test_empty_passphrase_is_refused(tmp_path: Path, passphrase: str | bytes) -> None:
    with pytest.raises(CertificateKeyError, match="passphrase"):
        save_private_key(tmp_path, Ed25519PrivateKey.generate(), passphrase)


def test_unencrypted_swapped_or_missing_files_are_refused(tmp_path: Path) -> None:
    plain = Ed25519PrivateKey.generate()
    kid = jwk_thumbprint(plain.public_key())
    pem = plain.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / f"{kid}.pem").write_bytes(pem)
    with pytest.raises(CertificateKeyError, match="not encrypted"):
        load_private_key(tmp_path, kid, "pw")
    other = SigningKey.generate(KeyUse.ASSERTION)
    saved = save_private_key(tmp_path / "x", other.private_key, "pw")
    saved.rename(tmp_path / "x" / "AAAA.pem")
    with pytest.raises(CertificateKeyError, match="different key"):
        load_private_key(tmp_path / "x", "AAAA", "pw")
    with pytest.raises(CertificateKeyError, match="no private key"):
        load_private_key(tmp_path, "missing", "pw")
    with pytest.raises(CertificateKeyError, match="invalid key id"):
        load_private_key(tmp_path, "../etc/passwd", "pw")


# --- lifecycle and JWKS ----------------------------------------------------------------------


def rotated_set() -> tuple[KeySet, SigningKey, SigningKey]:
    old, new = SigningKey.generate("assertion"), SigningKey.generate("assertion")
    keys = KeySet()
    keys.activate(old.public_key, KeyUse.ASSERTION, at=T0)
    keys.rotate(new.public_key, KeyUse.ASSERTION, at=T0 + 10 * DAY)
    return keys, old, new


def test_rotation_retires_old_and_activates_new() -> None:
    keys, old, new = rotated_set()
    assert keys.get(old.kid).status is KeyStatus.RETIRED
    assert keys.get(old.kid).retired_at == T0 + 10 * DAY
    assert keys.active("assertion").kid == new.kid
    with pytest.raises(CertificateKeyError, match="already has an active key"):
        keys.activate(SigningKey.generate("assertion").public_key, "assertion", at=T0 + 11 * DAY)
    with pytest.raises(CertificateKeyError, match="never re-activated"):
        keys.rotate(old.public_key, "assertion", at=T0 + 12 * DAY)


def test_jwks_round_trip_keeps_every_key_and_lifecycle() -> None:
    keys, old, new = rotated_set()
    keys.revoke(old.kid, at=T0 + 20 * DAY, reason="HSM decommissioned")
    jwks = json.loads(json.dumps(keys.to_jwks()))
    first = jwks["keys"][0]
    assert set(first) >= {"kty", "crv", "x", "kid", "use", "role", "status", "activatedAt", "retiredAt"}
    assert (first["kty"], first["crv"], first["kid"], first["use"], first["role"]) == (
        "OKP",
        "Ed25519",
        old.kid,
        "sig",
        "assertion",
    )
    assert (first["status"], first["activatedAt"]) == ("revoked", "2026-01-01T00:00:00Z")
    assert (first["retiredAt"], first["revokedAt"]) == ("2026-01-11T00:00:00Z", "2026-01-21T00:00:00Z")
    assert jwks["keys"][1]["retiredAt"] is None
    again = KeySet.from_jwks(jwks)
    assert again.records == keys.records
    assert again.to_jwks() == jwks


def test_every_published_key_loads_in_jwcrypto_as_a_verification_key() -> None:
    signers = {use: SigningKey.generate(use) for use in KeyUse}
    keys = KeySet()
    for key in signers.values():
        keys.activate(key.public_key, key.use, at=T0)
    published = json.loads(json.dumps(keys.to_jwks()))["keys"]
    assert {k["use"] for k in published} == {"sig"}
    assert {k["role"] for k in published} == {str(use) for use in KeyUse}
    for jwk_json in published:
        signer = signers[KeyUse(jwk_json["role"])]
        token = jws.JWS(b"sandbox checkpoint\n1\n")
        token.add_signature(
            jwk.JWK.from_pyca(signer.private_key), alg="EdDSA", protected={"alg": "EdDSA", "kid": signer.kid}
        )
        verifier = jwk.JWK(**jwk_json)  # refused with "Invalid usage requested" while use held the role
        assert verifier.get_op_key("verify") is not None
        received = jws.JWS()
        received.deserialize(token.serialize(compact=True))
        received.verify(verifier, alg="EdDSA")
        assert received.payload == b"sandbox checkpoint\n1\n"


def test_key_sets_published_with_the_role_in_use_are_still_read() -> None:
    keys, old, _ = rotated_set()
    legacy = keys.to_jwks()
    for key in legacy["keys"]:
        key["use"] = key.pop("role")
    parsed = KeySet.from_jwks(legacy)
    assert parsed.records == keys.records and parsed.get(old.kid).use is KeyUse.ASSERTION
    assert parsed.to_jwks() == keys.to_jwks()  # republished in the current form
    without_use = keys.to_jwks()
    for key in without_use["keys"]:
        del key["use"]  # RFC 7517 makes use optional; the role alone is enough
    assert KeySet.from_jwks(without_use).records == keys.records


@pytest.mark.parametrize(
    "mutate",
    [
        lambda k: k.__setitem__("d", "secret"),
        lambda k: k.__setitem__("crv", "X25519"),
        lambda k: k.__setitem__("kid", "not-the-thumbprint"),
        lambda k: k.__setitem__("x", k["x"][:-2]),
        lambda k: k.__setitem__("status", "retired"),
        lambda k: k.__setitem__("use", "enc"),
        lambda k: k.__setitem__("role", "sig"),
        lambda k: k.pop("role"),
        lambda k: k.__setitem__("use", "log"),
        lambda k: k.__setitem__("activatedAt", "yesterday"),
        lambda k: k.__setitem__("revokedAt", "2026-01-02T00:00:00Z"),
    ],
)
def test_from_jwks_refuses_broken_keys(mutate: Callable[[dict[str, Any]], object]) -> None:
    keys, _, _ = rotated_set()
    jwks = keys.to_jwks()
    mutate(jwks["keys"][1])
    with pytest.raises(CertificateKeyError):
        KeySet.from_jwks(jwks)


def test_record_refuses_contradictions() -> None:
    key = SigningKey.generate("status")
    with pytest.raises(CertificateKeyError, match="backwards"):
        KeyRecord(key.kid, KeyUse.STATUS, key.public_key, KeyStatus.RETIRED, T0, retired_at=T0 - DAY)
    with pytest.raises(CertificateKeyError, match="reason"):
        KeyRecord(key.kid, KeyUse.STATUS, key.public_key, KeyStatus.REVOKED, T0, revoked_at=T0 + DAY)


# --- key state at signing time ---------------------------------------------------------------


def test_retired_key_keeps_old_signatures_and_refuses_new_ones() -> None:
    keys, old, _ = rotated_set()
    assert keys.check_key_at(old.kid, T0 + 5 * DAY, T0 + 5 * DAY).kid == old.kid
    with pytest.raises(CertificateVerificationError) as info:
        keys.check_key_at(old.kid, T0 + 11 * DAY, T0 + 11 * DAY)
    assert info.value.code == "key_state"
    with pytest.raises(CertificateVerificationError) as info:
        keys.check_key_at(old.kid, T0 - DAY, T0)
    assert info.value.code == "key_state"


def test_revocation_after_logging_keeps_signature_valid() -> None:
    keys, _, new = rotated_set()
    keys.revoke(new.kid, at=T0 + 30 * DAY, reason="compromised")
    signed = T0 + 15 * DAY
    assert keys.check_key_at(new.kid, signed, signed + timedelta(minutes=1)).status is KeyStatus.REVOKED
    for logged in (T0 + 30 * DAY, T0 + 31 * DAY, None):
        with pytest.raises(CertificateVerificationError) as info:
            keys.check_key_at(new.kid, signed, logged)
        assert info.value.code == "key_state"
    with pytest.raises(CertificateVerificationError, match="after key"):
        keys.check_key_at(new.kid, T0 + 30 * DAY, T0 + 30 * DAY)


def test_unknown_kid_or_wrong_use_is_a_key_error() -> None:
    keys, old, _ = rotated_set()
    for kid, use in (("nope", None), (old.kid, KeyUse.LOG)):
        with pytest.raises(CertificateVerificationError) as info:
            keys.check_key_at(kid, T0 + DAY, T0 + DAY, use=use)
        assert info.value.code == "key"


def test_resolver_feeds_verify_proof_by_kid_fragment() -> None:
    keys, _, new = rotated_set()
    issuer = "https://sandbox.yizhuang.gov.cn/issuer"
    document = {"@context": CONTEXT, "type": ["VerifiableCredential"], "issuer": issuer}
    created = T0 + 12 * DAY
    signed = add_proof(document, new.private_key, verification_method=f"{issuer}#{new.kid}", created=created)
    result = verify_proof(signed, keys.resolver("assertion", controller=issuer))
    assert keys.check_key_at(new.kid, result.created, created).kid == new.kid
    for resolver in (keys.resolver("log"), keys.resolver("assertion", controller="https://evil.example")):
        with pytest.raises(CertificateVerificationError) as info:
            verify_proof(signed, resolver)
        assert info.value.code == "key"
