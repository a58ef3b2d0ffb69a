"""The sm2-jcs-2026 cryptosuite against OpenSSL 3's SM2 and SM3, both ways.

OpenSSL verifies our proofs from the public JWK alone (its point wrapped in the fixed SM2
SubjectPublicKeyInfo prefix here, not by our code), computes the same SM3 digests, and signs messages
our verifier accepts. Tampering with the document, the proof or the key is refused.
"""

from __future__ import annotations

import base64
import copy
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from certificates import sm2
from certificates._internal.encoding import b64url_decode, multibase_decode, multibase_encode
from certificates.errors import CertificateKeyError, CertificateVerificationError
from certificates.jcs import canonicalize
from tests.conftest import REQUIRE_ALL

# SEQUENCE { SEQUENCE { id-ecPublicKey, sm2 (1.2.156.10197.1.301) }, BIT STRING { 04 ‖ x ‖ y } }
SM2_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d03420004")
METHOD = "https://sandbox.example/issuers/office#sm2-key"
CREATED = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
DOCUMENT: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://sandbox.yizhuang.gov.cn/ns/credentials/v1"],
    "type": ["VerifiableCredential", "SandboxExitCertificate"],
    "issuer": "https://sandbox.example/issuers/office",
    "validFrom": "2026-12-07T08:00:00Z",
    "credentialSubject": {
        "id": "urn:uscc:91110302MA01ABCD2X", "name": "北京示例科技有限公司", "result": "出盒",
    },  # fmt: skip
}


def openssl(*args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["openssl", *args], input=data, capture_output=True, check=False)
    except FileNotFoundError:
        if REQUIRE_ALL:
            pytest.fail("openssl not found but SANDBOX_TEST_REQUIRE_ALL=1")
        pytest.skip("openssl not found")


def pem_from_jwk(jwk: dict[str, str], path: Path) -> Path:
    """An SPKI PEM built from the JWK's coordinates with the fixed SM2 prefix (not with our code)."""
    point = b64url_decode(jwk["x"]) + b64url_decode(jwk["y"])
    body = base64.encodebytes(SM2_SPKI_PREFIX + point).decode()
    path.write_text(f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n")
    return path


def test_openssl_verifies_our_proof_from_the_jwk_alone(tmp_path: Path) -> None:
    key = sm2.generate_private_key()
    jwk = sm2.public_jwk(key)
    assert set(jwk) == {"kty", "crv", "x", "y"} and (jwk["kty"], jwk["crv"]) == ("EC", "SM2")
    assert len(b64url_decode(jwk["x"])) == len(b64url_decode(jwk["y"])) == 32
    proof = sm2.make_proof(DOCUMENT, key, verification_method=METHOD, created=CREATED)
    assert proof["cryptosuite"] == "sm2-jcs-2026" and proof["proofValue"].startswith("z")

    config = {name: value for name, value in proof.items() if name != "proofValue"}
    # OpenSSL's SM3 of the two canonical forms gives the message we signed.
    message = b"".join(
        openssl("dgst", "-sm3", "-binary", data=canonicalize(part)).stdout for part in (config, DOCUMENT)
    )
    assert message == sm2.signing_message(config, DOCUMENT) and len(message) == 64

    (tmp_path / "message").write_bytes(message)
    (tmp_path / "signature").write_bytes(multibase_decode(proof["proofValue"], expected_base="z"))
    pem = pem_from_jwk(jwk, tmp_path / "public.pem")
    verified = openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", str(pem), "-rawin", "-digest", "sm3",
        "-pkeyopt", "distid:1234567812345678",
        "-in", str(tmp_path / "message"), "-sigfile", str(tmp_path / "signature"),
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert b"Signature Verified Successfully" in verified.stdout

    # The same check fails for another message: OpenSSL is really checking.
    (tmp_path / "message").write_bytes(bytes(64))
    refused = openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", str(pem), "-rawin", "-digest", "sm3",
        "-pkeyopt", "distid:1234567812345678",
        "-in", str(tmp_path / "message"), "-sigfile", str(tmp_path / "signature"),
    )  # fmt: skip
    assert refused.returncode != 0


def test_a_proof_openssl_signed_verifies_here(tmp_path: Path) -> None:
    generated = openssl("genpkey", "-algorithm", "SM2")
    assert generated.returncode == 0, generated.stderr
    (tmp_path / "key.pem").write_bytes(generated.stdout)
    public = openssl("pkey", "-in", str(tmp_path / "key.pem"), "-pubout").stdout
    public_key = sm2.public_key_from_jwk(sm2.public_jwk(sm2.private_key_from_pem(generated.stdout)))
    assert sm2.public_key_to_pem(public_key) == public  # the same key, read back through its JWK

    config = {
        "type": "DataIntegrityProof", "cryptosuite": "sm2-jcs-2026", "created": "2026-12-07T08:00:00Z",
        "verificationMethod": METHOD, "proofPurpose": "assertionMethod", "@context": DOCUMENT["@context"],
    }  # fmt: skip
    (tmp_path / "message").write_bytes(sm2.signing_message(config, DOCUMENT))
    signed = openssl(
        "pkeyutl", "-sign", "-inkey", str(tmp_path / "key.pem"), "-rawin", "-digest", "sm3",
        "-pkeyopt", "distid:1234567812345678", "-in", str(tmp_path / "message"),
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    proof = {**config, "proofValue": multibase_encode(signed.stdout, "z")}
    result = sm2.verify_sm2_proof(DOCUMENT, proof, lambda method: public_key if method == METHOD else None)
    assert (result.verification_method, result.cryptosuite) == (METHOD, "sm2-jcs-2026")
    assert result.created == CREATED


def test_tampering_is_refused() -> None:
    key = sm2.generate_private_key()
    public = key.public_key()
    proof = sm2.make_proof(DOCUMENT, key, verification_method=METHOD, created=CREATED)
    sm2.verify_sm2_proof(DOCUMENT, proof, lambda _: public)

    changed = copy.deepcopy(DOCUMENT)
    changed["credentialSubject"]["result"] = "未出盒"
    with pytest.raises(CertificateVerificationError) as caught:
        sm2.verify_sm2_proof(changed, proof, lambda _: public)
    assert caught.value.code == "signature"

    later = {**proof, "created": "2026-12-08T08:00:00Z"}  # the proof options are signed too
    with pytest.raises(CertificateVerificationError) as caught:
        sm2.verify_sm2_proof(DOCUMENT, later, lambda _: public)
    assert caught.value.code == "signature"

    other = sm2.generate_private_key().public_key()
    with pytest.raises(CertificateVerificationError) as caught:
        sm2.verify_sm2_proof(DOCUMENT, proof, lambda _: other)
    assert caught.value.code == "signature"

    with pytest.raises(CertificateVerificationError) as caught:
        sm2.verify_sm2_proof(DOCUMENT, proof, lambda _: None)
    assert caught.value.code == "key"

    eddsa = {**proof, "cryptosuite": "eddsa-jcs-2022"}
    with pytest.raises(CertificateVerificationError) as caught:
        sm2.verify_sm2_proof(DOCUMENT, eddsa, lambda _: public)
    assert caught.value.code == "proof"


def test_jwks_round_trip_and_bad_points_are_refused() -> None:
    key = sm2.generate_private_key()
    jwk = sm2.public_jwk(key)
    assert sm2.public_jwk(sm2.public_key_from_jwk(jwk)) == jwk
    assert sm2.jwk_thumbprint(key) == sm2.jwk_thumbprint(sm2.public_key_from_jwk(jwk))
    assert sm2.jwk_thumbprint(key) != sm2.jwk_thumbprint(sm2.generate_private_key())
    off_curve = {**jwk, "y": jwk["x"]}
    with pytest.raises(CertificateKeyError):
        sm2.public_key_from_jwk(off_curve)
    with pytest.raises(CertificateKeyError):
        sm2.public_key_from_jwk({**jwk, "crv": "P-256"})
    with pytest.raises(CertificateKeyError):
        sm2.public_key_from_jwk({**jwk, "x": jwk["x"][:-2]})
