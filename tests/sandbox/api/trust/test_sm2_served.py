"""国密 beside Ed25519, checked from outside on what the running application serves.

For every credential kind it issues — the exit certificate, the exemption decision and both status list
credentials — the OpenSSL CLI verifies the sm2-jcs-2026 proof from the public JWKS key alone (the point
wrapped in the fixed SM2 SubjectPublicKeyInfo prefix, not by our code), and the SM3 digests are
OpenSSL's. The checkpoint's SM2 line and the trust bundle's SM2 root signature verify the same way.
Tampering with either proof, or with the document, is refused by the API, the offline CLI and OpenSSL;
a certificate signed before SM2 keys existed still verifies and says it carries no SM2 proof.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from certificates._internal.encoding import b64url_decode, multibase_decode
from certificates.jcs import canonicalize
from certificates.keys import KeySet, KeyUse
from certificates.pdf.seal import credential_seal_binding
from sandbox.services.trust import signing_keys
from tests.case_flow import CaseFlow
from tests.certificates.test_sm2 import openssl, pem_from_jwk
from tests.sandbox.api.trust.test_certificate_publicity import granted_exemption
from tests.sandbox.certificate_helpers import bundle_of, ed25519_only_certificate, exit_case, outcomes, verify

REPO = Path(__file__).resolve().parents[4]


def served_keys(client) -> dict[str, dict[str, Any]]:
    return {key["kid"]: key for key in client.get("/.well-known/jwks.json").get_json()["keys"]}


def openssl_verifies(jwk: dict[str, Any], signature: bytes, message: bytes, tmp_path: Path) -> bool:
    """`openssl pkeyutl -verify` with SM3 and the default user identity, from the JWK's point alone."""
    (tmp_path / "message").write_bytes(message)
    (tmp_path / "signature").write_bytes(signature)
    pem = pem_from_jwk(jwk, tmp_path / "public.pem")
    done = openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", str(pem), "-rawin", "-digest", "sm3",
        "-pkeyopt", "distid:1234567812345678",
        "-in", str(tmp_path / "message"), "-sigfile", str(tmp_path / "signature"),
    )  # fmt: skip
    return done.returncode == 0


def sm3(data: bytes) -> bytes:
    return openssl("dgst", "-sm3", "-binary", data=data).stdout


def openssl_verifies_proof(secured: dict[str, Any], keys: dict[str, dict[str, Any]], tmp_path: Path) -> bool:
    """Rebuild the sm2-jcs-2026 message with OpenSSL's SM3 and verify the proof with OpenSSL."""
    proof = next(p for p in secured["proof"] if p["cryptosuite"] == "sm2-jcs-2026")
    unsecured = {name: value for name, value in secured.items() if name != "proof"}
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    config["@context"] = unsecured["@context"]
    message = sm3(canonicalize(config)) + sm3(canonicalize(unsecured))
    jwk = keys[proof["verificationMethod"].rpartition("#")[2]]
    signature = multibase_decode(proof["proofValue"], expected_base="z")
    return openssl_verifies(jwk, signature, message, tmp_path)


def test_openssl_verifies_every_credential_kind_from_the_public_jwks(client, session, tmp_path) -> None:
    flow, cert = exit_case(client, session)
    exemption = CaseFlow(client, session)
    exemption.to("testing")
    decision_id = granted_exemption(exemption)
    keys = served_keys(client)
    served = [
        client.get(f"/api/v1/certificates/{cert.id}/credential").get_json(force=True),
        client.get(f"/api/v1/certificates/{decision_id}/credential").get_json(force=True),
        client.get("/api/v1/status/revocation").get_json(force=True),
        client.get("/api/v1/status/suspension").get_json(force=True),
    ]
    assert [c["type"][1] for c in served] == [
        "SandboxExitCertificate", "SandboxLiabilityExemption",
        "BitstringStatusListCredential", "BitstringStatusListCredential",
    ]  # fmt: skip
    for credential in served:
        suites = [proof["cryptosuite"] for proof in credential["proof"]]
        assert suites == ["eddsa-jcs-2022", "sm2-jcs-2026"], credential["type"]
        national = credential["proof"][1]
        assert "previousProof" not in national and national["created"] == credential["proof"][0]["created"]
        jwk = keys[national["verificationMethod"].rpartition("#")[2]]
        assert (jwk["kty"], jwk["crv"], jwk["use"]) == ("EC", "SM2", "sig")
        assert openssl_verifies_proof(credential, keys, tmp_path), credential["type"]
        # The document changed by one character: OpenSSL refuses the same proof.
        changed = copy.deepcopy(credential)
        changed["validFrom"] = changed["validFrom"].replace("Z", "").rstrip("0123456789") + "9Z"
        assert changed != credential and not openssl_verifies_proof(changed, keys, tmp_path)
    assert verify(client, number=cert.number)["verdict"] == "valid"


def test_openssl_verifies_the_checkpoint_sm2_line_and_the_trust_bundle(client, session, tmp_path) -> None:
    exit_case(client, session)
    keys = KeySet.from_jwks(client.get("/.well-known/jwks.json").get_json())
    served = served_keys(client)
    note = client.get("/log/checkpoint").get_data(as_text=True)
    body, _, lines = note.rpartition("\n\n")
    signatures = [line.rsplit(" ", 1)[1] for line in lines.strip("\n").split("\n")]
    assert len(signatures) == 2  # the Ed25519 line, then the SM2 line
    sm2_log = keys.active(KeyUse.LOG, "SM2")
    blob = base64.b64decode(signatures[1])
    key_id = hashlib.sha256(
        body.split("\n", 1)[0].encode() + b"\n\xffsm2-sm3" + b"\x04"
        + b64url_decode(served[sm2_log.kid]["x"]) + b64url_decode(served[sm2_log.kid]["y"])
    ).digest()[:4]  # fmt: skip
    assert blob[:4] == key_id
    assert openssl_verifies(served[sm2_log.kid], blob[4:], (body + "\n").encode(), tmp_path)
    assert not openssl_verifies(served[sm2_log.kid], blob[4:], (body + "x\n").encode(), tmp_path)

    envelope = client.get("/api/v1/trust-bundle").get_json()
    national = envelope["sm2Signature"]
    assert national["alg"] == "SM2" and served[national["kid"]]["role"] == "root"
    message = canonicalize(envelope["payload"])
    assert openssl_verifies(served[national["kid"]], b64url_decode(national["value"]), message, tmp_path)
    payload = {**envelope["payload"], "issuedAt": "2020-01-01T00:00:00Z"}
    assert not openssl_verifies(served[national["kid"]], b64url_decode(national["value"]),
                                canonicalize(payload), tmp_path)  # fmt: skip


def test_tampering_with_either_proof_or_the_document_is_refused(client, session) -> None:
    _, cert = exit_case(client, session)
    bundle = bundle_of(client, cert.id)
    report = verify(client, bundle=bundle)
    assert report["verdict"] == "valid"
    assert outcomes(report)["signature"] == outcomes(report)["sm2_signature"] == "pass"
    assert [key["algorithm"] for key in report["signingKeys"]] == [
        "Ed25519 (eddsa-jcs-2022)", "SM2/SM3 (sm2-jcs-2026)"
    ]  # fmt: skip

    def flip(text: str) -> str:
        return text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]

    national = copy.deepcopy(bundle)
    national["credential"]["proof"][1]["proofValue"] = flip(national["credential"]["proof"][1]["proofValue"])
    report = verify(client, bundle=national)
    assert report["verdict"] == "invalid" and outcomes(report)["sm2_signature"] == "fail"
    assert outcomes(report)["signature"] == "pass"  # Ed25519 alone passing does not make it valid

    stripped = copy.deepcopy(bundle)
    stripped["credential"]["proof"] = stripped["credential"]["proof"][:1]
    report = verify(client, bundle=stripped)
    assert report["verdict"] == "invalid" and outcomes(report)["sm2_signature"] == "fail"

    eddsa = copy.deepcopy(bundle)
    eddsa["credential"]["proof"][0]["proofValue"] = flip(eddsa["credential"]["proof"][0]["proofValue"])
    report = verify(client, bundle=eddsa)
    assert report["verdict"] == "invalid" and outcomes(report)["signature"] == "fail"

    document = copy.deepcopy(bundle)
    document["credential"]["credentialSubject"]["outcome"] += "。"
    report = verify(client, bundle=document)
    assert report["verdict"] == "invalid"
    assert outcomes(report)["signature"] == outcomes(report)["sm2_signature"] == "fail"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "certificates", *map(str, args)]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60, check=False)


def test_the_offline_cli_reports_each_proof_and_takes_either_root(client, session, tmp_path) -> None:
    _, cert = exit_case(client, session)
    bundle = bundle_of(client, cert.id)
    (tmp_path / "cert.json").write_text(json.dumps(bundle), encoding="utf-8")
    (tmp_path / "trust.json").write_text(json.dumps(client.get("/api/v1/trust-bundle").get_json()))
    ed25519 = signing_keys.root_key_fingerprint(session)
    national = signing_keys.root_key_fingerprint(session, signing_keys.SM2)
    assert ed25519 != national
    assert run_cli("fingerprint", tmp_path / "trust.json", "--algorithm", "SM2").stdout.strip() == national
    for pin in (ed25519, national):
        done = run_cli("verify", tmp_path / "cert.json", "--trust-bundle", tmp_path / "trust.json",
                       "--root-fingerprint", pin)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "[PASS] SM2/SM3 signature (sm2-jcs-2026, GB/T 32918) is valid" in done.stdout
        assert "SM2/SM3 (sm2-jcs-2026)" in done.stdout
        assert f"SM2 root key fingerprint: {national}" in done.stdout
    national_proof = bundle["credential"]["proof"][1]
    national_proof["proofValue"] = national_proof["proofValue"][:-4] + "AAAA"
    (tmp_path / "cert.json").write_text(json.dumps(bundle), encoding="utf-8")
    done = run_cli("verify", tmp_path / "cert.json", "--trust-bundle", tmp_path / "trust.json",
                   "--root-fingerprint", national)  # fmt: skip
    assert done.returncode == 1 and "Verdict: INVALID" in done.stdout

    # The PDF as issued: the CLI reports its seal's binding to the SM2 signature.
    with client.get(f"/api/v1/certificates/{cert.id}/pdf") as response:
        (tmp_path / "cert.pdf").write_bytes(response.get_data())
    done = run_cli("verify", tmp_path / "cert.pdf", "--trust-bundle", tmp_path / "trust.json",
                   "--root-fingerprint", national)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    binding = credential_seal_binding(cert.credential)
    assert f"Electronic seal: bound to the SM2 signature, digest {binding}" in done.stdout

    trust = json.loads((tmp_path / "trust.json").read_text())
    del trust["sm2Signature"]  # the SM2 root's signature taken away
    (tmp_path / "trust.json").write_text(json.dumps(trust))
    done = run_cli("verify", tmp_path / "cert.json", "--trust-bundle", tmp_path / "trust.json",
                   "--root-fingerprint", ed25519)  # fmt: skip
    assert done.returncode == 1 and "no SM2 signature" in done.stdout


def test_a_certificate_from_before_sm2_keys_still_verifies_and_says_so(client, session) -> None:
    old = ed25519_only_certificate(client, session)
    assert isinstance(old.credential["proof"], dict)  # the single-proof form of then
    _, new = exit_case(client, session)  # the SM2 keys are created on first use, and sign from now on
    assert [p["cryptosuite"] for p in new.credential["proof"]] == ["eddsa-jcs-2022", "sm2-jcs-2026"]

    report = verify(client, number=old.number)
    assert report["verdict"] == "valid", report
    check = next(c for c in report["checks"] if c["name"] == "sm2_signature")
    assert (check["outcome"], check["code"]) == ("skipped", "no_sm2_proof")
    assert verify(client, number=new.number)["verdict"] == "valid"


@pytest.mark.parametrize("algorithm", ["Ed25519", "SM2"])
def test_rotating_either_key_keeps_old_certificates_valid(client, session, algorithm) -> None:
    from tests import factories

    _, before = exit_case(client, session)
    admin = factories.make_user(session, "admin")
    token = client.post("/api/v1/tokens", json={"email": admin.email, "password": factories.PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    for use in ("assertion", "log", "status", "root"):
        body = {"use": use, "algorithm": algorithm}
        rotated = client.post("/api/v1/keys/rotate", json=body, headers=headers)
        assert rotated.status_code == 201 and rotated.get_json()["algorithm"] == algorithm
    refused = client.post("/api/v1/keys/rotate", json={"use": "package", "algorithm": "SM2"}, headers=headers)
    assert refused.status_code == 422
    _, after = exit_case(client, session)
    assert verify(client, number=before.number)["verdict"] == "valid"
    assert verify(client, number=after.number)["verdict"] == "valid"
