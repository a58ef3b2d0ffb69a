"""Tests for the certificate bundle format and the signed trust bundle (golden + tampered)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.bundle import (
    CertificateBundle,
    Transparency,
    TrustBundle,
    root_fingerprint,
    sign_trust_bundle,
    verify_trust_bundle,
)
from certificates.credentials import ExitCertificateSubject, build_exit_certificate, sign_credential
from certificates.errors import CertificateError, CertificateVerificationError, IndeterminateError
from certificates.jcs import digest_hex
from certificates.keys import KeySet, KeyUse, SigningKey, jwk_thumbprint
from certificates.proofs import verify_proof
from certificates.status import StatusList, issue_status_list_credential

DATA = Path(__file__).parent / "data" / "proofs"
T0 = datetime(2026, 7, 1, tzinfo=UTC)
ISSUER = "https://sandbox.yizhuang.gov.cn/issuer"
LIST_URL = "https://sandbox.yizhuang.gov.cn/api/v1/status/revocation-1"
# A fixed, made-up signed note: this module only carries the checkpoint, the log code verifies it.
CHECKPOINT = "sandbox.yizhuang.gov.cn/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— example sig\n"


def seeded_key(use: KeyUse, seed: int) -> SigningKey:
    """A deterministic key, so the golden files below are reproducible byte for byte."""
    private_key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"test-key-{seed}".encode()).digest())
    return SigningKey(jwk_thumbprint(private_key.public_key()), use, private_key)


ROOT = seeded_key(KeyUse.ROOT, 1)
ASSERTION = seeded_key(KeyUse.ASSERTION, 2)
STATUS = seeded_key(KeyUse.STATUS, 3)


def key_set() -> KeySet:
    keys = KeySet()
    for key in (ROOT, ASSERTION, STATUS):
        keys.activate(key.public_key, key.use, at=T0 - timedelta(days=30))
    return keys


def golden_trust_bundle() -> dict[str, Any]:
    status = StatusList(LIST_URL, "revocation")
    status_credential = issue_status_list_credential(
        status, STATUS.private_key, issuer=ISSUER, verification_method=f"{ISSUER}#{STATUS.kid}", issued_at=T0
    )
    bundle = TrustBundle(
        jwks=key_set().to_jwks(),
        status_lists=(status_credential,),
        checkpoint=CHECKPOINT,
        issued_at=T0,
        expires_at=T0 + timedelta(days=7),
    )
    return sign_trust_bundle(bundle, ROOT)


def golden_certificate_bundle() -> CertificateBundle:
    subject = ExitCertificateSubject(
        enterprise_name="北京亦庄示例智能科技有限公司",
        uscc="91350100M000100Y43",
        project_title="具身智能仓储机器人",
        sector="embodied_ai",
        filing_number="YZSB-2026-0002",
        trial_start=date(2026, 1, 1),
        trial_end=date(2026, 6, 30),
        exit_date=date(2026, 7, 1),
        outcome="passed",
        certificate_number="YZCK-2026-0002",
        tested_boundaries={"payloadKg": {"value": 25, "unit": "kg"}},  # type: ignore[dict-item]
        conditions=("人机协作区限速",),
    )
    credential = build_exit_certificate(
        subject, issuer=ISSUER, valid_from=T0, credential_id="urn:uuid:golden-2", statuses=[]
    )
    signed = sign_credential(credential, ASSERTION, created=T0)
    entry = {"kind": "issue", "certId": "urn:uuid:golden-2", "credentialSha256": digest_hex(signed),
             "kid": ASSERTION.kid, "at": "2026-07-01T00:00:00Z"}  # fmt: skip
    transparency = Transparency(
        "sandbox.yizhuang.gov.cn/log", entry, 2, 3, (bytes(32), b"\x01" * 32), CHECKPOINT
    )
    return CertificateBundle(signed, transparency)


# --- golden files ----------------------------------------------------------------------------


def test_trust_bundle_matches_golden_file() -> None:
    golden = json.loads((DATA / "trust-bundle.golden.json").read_text(encoding="utf-8"))
    assert golden_trust_bundle() == golden
    bundle = verify_trust_bundle(golden, root_fingerprint(ROOT.public_key), now=T0 + timedelta(days=1))
    assert bundle.checkpoint == CHECKPOINT and bundle.key_set().active("root").kid == ROOT.kid


def test_trust_bundle_signed_when_use_held_the_role_still_verifies() -> None:
    # Bundles signed before the JWKS got its `role` member carry the role in `use`; they stay valid.
    legacy = json.loads((DATA / "trust-bundle.role-in-use.golden.json").read_text(encoding="utf-8"))
    assert {key["use"] for key in legacy["payload"]["jwks"]["keys"]} == {"root", "assertion", "status"}
    bundle = verify_trust_bundle(legacy, root_fingerprint(ROOT.public_key), now=T0 + timedelta(days=1))
    assert bundle.key_set().records == key_set().records
    tampered = copy.deepcopy(legacy)
    tampered["payload"]["jwks"]["keys"][0]["use"] = "sig"  # the root key loses its role: refused
    with pytest.raises(CertificateVerificationError):
        verify_trust_bundle(tampered, root_fingerprint(ROOT.public_key), now=T0 + timedelta(days=1))


def test_certificate_bundle_matches_golden_file() -> None:
    text = (DATA / "certificate-bundle.golden.json").read_text(encoding="utf-8")
    bundle = golden_certificate_bundle()
    assert bundle.to_json() == text
    parsed = CertificateBundle.from_json(text)
    assert parsed == bundle and parsed.to_json() == text
    assert parsed.transparency.entry["credentialSha256"] == parsed.credential_sha256_hex()
    raw = base64.urlsafe_b64decode(parsed.credential_sha256_b64url() + "=")
    assert raw.hex() == parsed.credential_sha256_hex()
    result = verify_proof(parsed.credential, key_set().resolver("assertion", controller=ISSUER))
    assert key_set().check_key_at(ASSERTION.kid, result.created, T0, use="assertion").kid == ASSERTION.kid
    assert set(json.loads(text)) == {"credential", "transparency"}
    assert list(json.loads(text)["transparency"]) == [
        "origin", "entry", "leafIndex", "treeSize", "inclusionProof", "checkpoint"
    ]  # fmt: skip


# --- certificate bundle parsing --------------------------------------------------------------


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b.pop("transparency"),
        lambda b: b.__setitem__("extra", 1),
        lambda b: b["credential"].pop("proof"),
        lambda b: b["transparency"].__setitem__("leafIndex", 3),
        lambda b: b["transparency"].__setitem__("leafIndex", True),
        lambda b: b["transparency"].__setitem__("treeSize", -1),
        lambda b: b["transparency"]["inclusionProof"].append("AAAA"),
        lambda b: b["transparency"]["inclusionProof"].append("not base64!"),
        lambda b: b["transparency"].__setitem__("checkpoint", "no newline"),
        lambda b: b["transparency"].__setitem__("origin", ""),
        lambda b: b["transparency"].pop("entry"),
    ],
)
def test_certificate_bundle_refuses_broken_shapes(mutate: Callable[[dict[str, Any]], object]) -> None:
    data = golden_certificate_bundle().to_dict()
    mutate(data)
    with pytest.raises(CertificateVerificationError) as info:
        CertificateBundle.from_json(json.dumps(data))
    assert info.value.code == "bundle"


@pytest.mark.parametrize("text", ['{"credential": {}, "credential": {}}', "[]", '{"a": 1.5}', b"\xff"])
def test_certificate_bundle_refuses_bad_json(text: str | bytes) -> None:
    with pytest.raises(CertificateVerificationError) as info:
        CertificateBundle.from_json(text)
    assert info.value.code == "bundle"


# --- trust bundle verification ---------------------------------------------------------------


def test_fingerprint_is_grouped_hex_and_comparison_tolerates_formatting() -> None:
    fingerprint = root_fingerprint(ROOT.public_key)
    groups = fingerprint.split(" ")
    assert len(groups) == 16 and all(len(g) == 4 for g in groups)
    assert fingerprint.replace(" ", "") == hashlib.sha256(ROOT.public_key.public_bytes_raw()).hexdigest()
    pasted = fingerprint.upper().replace(" ", ":")
    verify_trust_bundle(golden_trust_bundle(), pasted, now=T0)


def test_wrong_fingerprint_fails() -> None:
    other = root_fingerprint(Ed25519PrivateKey.generate().public_key())
    for expected in (other, "not a fingerprint"):
        with pytest.raises(CertificateVerificationError) as info:
            verify_trust_bundle(golden_trust_bundle(), expected, now=T0)
        assert info.value.code == "trust_bundle"


def test_expired_bundle_is_indeterminate_stale() -> None:
    with pytest.raises(IndeterminateError) as info:
        verify_trust_bundle(golden_trust_bundle(), now=T0 + timedelta(days=8))
    assert info.value.code == "stale"


def test_stale_is_reported_only_for_authentic_bundles() -> None:
    signed = golden_trust_bundle()
    signed["payload"]["checkpoint"] = "forged\n"
    with pytest.raises(CertificateVerificationError) as info:
        verify_trust_bundle(signed, now=T0 + timedelta(days=8))
    assert info.value.code == "trust_bundle"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s["payload"].__setitem__("expiresAt", "2027-01-01T00:00:00Z"),
        lambda s: s["payload"]["jwks"]["keys"].pop(),
        lambda s: s["payload"]["statusLists"].clear(),
        lambda s: s["payload"].__setitem__("version", 2),
        lambda s: s["payload"].__setitem__("extra", True),
        lambda s: s["signature"].__setitem__("alg", "ES256"),
        lambda s: s["signature"].__setitem__("kid", ASSERTION.kid),
        lambda s: s["signature"].__setitem__("kid", "unknown"),
        lambda s: s["signature"].__setitem__("value", s["signature"]["value"][::-1]),
        lambda s: s["signature"].__setitem__("value", "!!"),
        lambda s: s.__setitem__("note", "x"),
    ],
)
def test_tampered_trust_bundles_fail(mutate: Callable[[dict[str, Any]], object]) -> None:
    signed = copy.deepcopy(golden_trust_bundle())
    mutate(signed)
    with pytest.raises(CertificateVerificationError) as info:
        verify_trust_bundle(json.dumps(signed), now=T0)
    assert info.value.code == "trust_bundle"


def test_bundle_signed_by_retired_root_fails() -> None:
    keys = key_set()
    keys.retire(ROOT.kid, at=T0 - timedelta(days=1))
    bundle = TrustBundle(keys.to_jwks(), (), CHECKPOINT, T0, T0 + timedelta(days=1))
    with pytest.raises(CertificateVerificationError) as info:
        sign_trust_bundle(bundle, ROOT)
    assert info.value.code == "key_state"


def test_trust_bundle_refuses_non_root_signer_and_bad_times() -> None:
    with pytest.raises(CertificateError, match="root key"):
        sign_trust_bundle(TrustBundle(key_set().to_jwks(), (), CHECKPOINT, T0, T0 + timedelta(1)), STATUS)
    with pytest.raises(CertificateError, match="expire"):
        TrustBundle(key_set().to_jwks(), (), CHECKPOINT, T0, T0)
