"""Tests for the VC 2.0 builders: exit certificate shape, NFC, no floats, signing end to end."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from certificates.credentials import (
    SANDBOX_CONTEXT,
    VC_V2_CONTEXT,
    ExitCertificateSubject,
    TestedBoundary,
    build_credential,
    build_exit_certificate,
    is_valid_uscc,
    sign_credential,
)
from certificates.errors import CertificateError, CertificateVerificationError
from certificates.jcs import canonicalize, digest_hex
from certificates.keys import KeySet, KeyUse, SigningKey
from certificates.proofs import DEFAULT_ALLOWED_CONTEXTS, verify_proof
from certificates.status import status_list_entry

ISSUER = "https://sandbox.yizhuang.gov.cn/issuer"
ISSUED = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
REVOCATION = status_list_entry("https://sandbox.yizhuang.gov.cn/api/v1/status/revocation-1", 17, "revocation")
SUSPENSION = status_list_entry("https://sandbox.yizhuang.gov.cn/api/v1/status/suspension-1", 17, "suspension")


def make_subject(**changes: Any) -> ExitCertificateSubject:
    fields: dict[str, Any] = {
        "enterprise_name": "北京亦庄示例智能科技有限公司",
        "uscc": "91350100M000100Y43",
        "project_title": "L4 自动驾驶出租车数据闭环",
        "sector": "autonomous_driving",
        "filing_number": "YZSB-2026-0001",
        "trial_start": date(2026, 1, 1),
        "trial_end": date(2026, 6, 30),
        "exit_date": date(2026, 7, 1),
        "outcome": "passed",
        "certificate_number": "YZCK-2026-0001",
        "tested_boundaries": {
            "maxSpeed": TestedBoundary(40, "km/h"),
            "area": {"value": "E-Town core", "unit": ""},
        },
        "conditions": ("安全员随车", "每日上报数据"),
    }
    fields.update(changes)
    return ExitCertificateSubject(**fields)


def make_certificate(**changes: Any) -> dict[str, Any]:
    return build_exit_certificate(
        make_subject(**changes),
        issuer=ISSUER,
        valid_from=ISSUED,
        credential_id="urn:uuid:0e0ef3a6-1f0b-4f8e-9d1e-2d7d4d7d1a01",
        statuses=[REVOCATION, SUSPENSION],
    )


def test_uscc_check_character() -> None:
    assert is_valid_uscc("91350100M000100Y43")
    assert not is_valid_uscc("91350100M000100Y44")
    assert not is_valid_uscc("91350100M000100Y4")
    assert not is_valid_uscc("91350100I000100Y43")  # I is not in the GB 32100 alphabet


def test_exit_certificate_shape() -> None:
    credential = make_certificate()
    assert credential["@context"] == [VC_V2_CONTEXT, SANDBOX_CONTEXT]
    assert set(credential["@context"]) <= DEFAULT_ALLOWED_CONTEXTS
    assert credential["type"] == ["VerifiableCredential", "SandboxExitCertificate"]
    assert credential["issuer"] == ISSUER
    assert credential["validFrom"] == "2026-07-01T09:30:00Z"
    assert "validUntil" not in credential
    assert credential["credentialStatus"] == [REVOCATION, SUSPENSION]
    assert {n["@language"] for n in credential["name"]} == {"zh-CN", "en"}
    subject = credential["credentialSubject"]
    assert subject["enterprise"] == {"name": "北京亦庄示例智能科技有限公司", "uscc": "91350100M000100Y43"}
    assert subject["project"]["filingNumber"] == "YZSB-2026-0001"
    assert subject["trialPeriod"] == {"start": "2026-01-01", "end": "2026-06-30"}
    assert subject["testedBoundaries"]["maxSpeed"] == {"value": 40, "unit": "km/h"}
    assert subject["conditions"] == ["安全员随车", "每日上报数据"]
    assert ExitCertificateSubject.from_json(subject) == make_subject()


def test_text_is_nfc_normalised() -> None:
    credential = make_certificate(project_title="Cafe\u0301 robot", conditions=("e\u0301tape",))
    assert credential["credentialSubject"]["project"]["title"] == "Café robot"
    assert credential["credentialSubject"]["conditions"] == ["étape"]


@pytest.mark.parametrize(
    "changes",
    [
        {"tested_boundaries": {"maxSpeed": {"value": 40.5, "unit": "km/h"}}},
        {"tested_boundaries": {"maxSpeed": {"value": True, "unit": "km/h"}}},
        {"tested_boundaries": {"maxSpeed": {"value": 1, "unit": "m", "note": "x"}}},
        {"uscc": "91350100M000100Y44"},
        {"trial_end": date(2025, 12, 31)},
        {"exit_date": datetime(2026, 7, 1, tzinfo=UTC)},
        {"outcome": " "},
        {"conditions": ("ok", "")},
    ],
)
def test_subject_refuses_bad_data(changes: dict[str, Any]) -> None:
    with pytest.raises(CertificateError):
        make_subject(**changes)


def test_float_error_message_is_clear() -> None:
    with pytest.raises(CertificateError, match="float"):
        TestedBoundary(0.5, "m")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes",
    [
        {"credential_type": "VerifiableCredential"},
        {"credential_type": "not a type"},
        {"credential_id": "no-scheme"},
        {"issuer": {"name": "no id"}},
        {"subject": {"share": 0.25}},
        {"subject": {}},
        {"statuses": [{"type": "StatusList2021Entry"}]},
        {"valid_until": ISSUED},
        {"valid_from": datetime(2026, 7, 1)},
    ],
)
def test_build_credential_refuses_bad_input(changes: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {
        "credential_type": "SandboxLiabilityExemption",
        "subject": {"decision": "granted"},
        "issuer": ISSUER,
        "valid_from": ISSUED,
        "credential_id": "urn:uuid:1",
        "statuses": [],
    }
    arguments.update(changes)
    with pytest.raises(CertificateError):
        build_credential(**arguments)


def test_exemption_reuses_the_builder() -> None:
    credential = build_credential(
        credential_type="SandboxLiabilityExemption",
        subject={"decision": "granted", "incident": "传感器失效"},
        issuer={"id": ISSUER, "name": "北京经开区数据监管沙盒办公室"},
        valid_from=ISSUED,
        credential_id="urn:uuid:2",
        statuses=[REVOCATION],
        valid_until=ISSUED + timedelta(days=365),
    )
    assert credential["type"][1] == "SandboxLiabilityExemption"
    assert credential["validUntil"] == "2027-07-01T09:30:00Z"
    assert "name" not in credential


def test_sign_and_verify_end_to_end_with_key_state() -> None:
    key = SigningKey.generate(KeyUse.ASSERTION)
    keys = KeySet()
    keys.activate(key.public_key, "assertion", at=ISSUED - timedelta(days=30))
    signed = sign_credential(make_certificate(), key, created=ISSUED)
    assert signed["proof"]["verificationMethod"] == f"{ISSUER}#{key.kid}"
    result = verify_proof(signed, keys.resolver("assertion", controller=ISSUER))
    keys.check_key_at(key.kid, result.created, ISSUED, use="assertion")
    # The digest is over the whole credential, proof included, and survives a JSON round trip.
    assert digest_hex(json.loads(json.dumps(signed, ensure_ascii=False))) == digest_hex(signed)
    assert canonicalize(signed) != canonicalize(make_certificate())
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["testedBoundaries"]["maxSpeed"]["value"] = 60
    with pytest.raises(CertificateVerificationError) as info:
        verify_proof(tampered, keys.resolver("assertion"))
    assert info.value.code == "signature"


def test_sign_credential_refuses_non_assertion_keys() -> None:
    with pytest.raises(CertificateError, match="assertion"):
        sign_credential(make_certificate(), SigningKey.generate(KeyUse.LOG), created=ISSUED)


def test_subject_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_subject().outcome = "failed"  # type: ignore[misc]
