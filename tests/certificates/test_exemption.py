"""The liability exemption decision (试错免责决定书): subject, signed credential, verification, PDF."""

from __future__ import annotations

import copy
import dataclasses
import json
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import certificates.pdf.render as pdf_module
from certificates.bundle import (
    CertificateBundle,
    Transparency,
    TrustBundle,
    root_fingerprint,
    sign_trust_bundle,
)
from certificates.credentials import ExitCertificateSubject, build_exit_certificate, sign_credential
from certificates.errors import CertificateError
from certificates.exemption import (
    LIABILITY_EN,
    LIABILITY_ZH,
    ExemptionDecisionSubject,
    build_exemption_decision,
)
from certificates.jcs import digest_hex
from certificates.keys import KeySet, KeyUse
from certificates.log.checkpoint import sign_checkpoint
from certificates.log.merkle import MemoryNodeStore, MerkleLog
from certificates.log.store import entry_leaf, format_utc, make_entry
from certificates.pdf.layouts import EXIT_CERTIFICATE, LIABILITY_EXEMPTION, layout_for
from certificates.pdf.qr import credential_digest_b64url, verification_url
from certificates.pdf.read import extract_bundle
from certificates.pdf.render import render_certificate_pdf
from certificates.pdf.sign import PdfSigningKeys, render_signed_pdf
from certificates.proofs import verify_proof
from certificates.status import StatusList, issue_status_list_credential, status_list_entry
from certificates.verifier import Evidence, Report, verify_bundle
from tests.certificates.pdf.test_pdf import BASE, EMBEDDED, POPPLER, run, scan
from tests.certificates.test_bundle import ASSERTION, ISSUER, LIST_URL, ROOT, STATUS, T0, key_set, seeded_key
from tests.certificates.test_package import run_cli

LOG = seeded_key(KeyUse.LOG, 4)
ORIGIN = "sandbox.yizhuang.gov.cn/log"
CERT_ID = "YZMZ-2026-0001"
NOW = T0 + timedelta(days=1)
SUBJECT = ExemptionDecisionSubject(
    enterprise_name="北京亦庄示例智能科技有限公司",
    uscc="91350100M000100Y43",
    project_title="具身智能仓储机器人",
    sector="embodied_ai",
    filing_number="YZSB-2026-0002",
    decision_number="YZMZ-2026-0001",
    incident_title="测试期间机器人越出划定作业区碰倒货架",
    incident_date=date(2026, 5, 12),
    decision="granted",
    scope="越出作业区事件在沙盒测试范围内引起的行政责任，包括未按备案边界作业的处罚。",
    reasons="企业已按测试方案报告事件并及时处置，未造成人员伤害；事件属于备案的试错范围，已完成整改。",
    decision_date=date(2026, 6, 20),
    legal_opinion_by="北京某某律师事务所",
)


def decision(**changes: Any) -> ExemptionDecisionSubject:
    return dataclasses.replace(SUBJECT, **changes)


def evidence_keys() -> KeySet:
    keys = key_set()
    keys.activate(LOG.public_key, KeyUse.LOG, at=T0 - timedelta(days=30))
    return keys


def status_list_credential() -> dict[str, Any]:
    return issue_status_list_credential(
        StatusList(LIST_URL, "revocation"),
        STATUS.private_key,
        issuer=ISSUER,
        verification_method=f"{ISSUER}#{STATUS.kid}",
        issued_at=T0,
    )


def signed(subject: ExemptionDecisionSubject = SUBJECT) -> dict[str, Any]:
    credential = build_exemption_decision(
        subject,
        issuer={"id": ISSUER, "name": "北京经济技术开发区数据监管沙盒管理办公室"},
        valid_from=T0,
        credential_id="urn:uuid:0f4e1c2a-exemption-0001",
        statuses=[status_list_entry(LIST_URL, 7, "revocation")],
    )
    return sign_credential(credential, ASSERTION, created=T0)


def logged(credential: dict[str, Any], cert_id: str = CERT_ID) -> dict[str, Any]:
    """Log the credential after two key events, sign the checkpoint, and return the bundle."""
    log = MerkleLog(MemoryNodeStore())
    for key in (ASSERTION, LOG):
        log.append(entry_leaf(make_entry("key", kid=key.kid, event="activated", keyUse=str(key.use),
                                         at=format_utc(T0 - timedelta(days=30)))))  # fmt: skip
    entry = make_entry("issue", certId=cert_id, credentialSha256=digest_hex(credential), kid=ASSERTION.kid,
                       at=format_utc(T0))  # fmt: skip
    index = log.append(entry_leaf(entry))
    checkpoint = sign_checkpoint(ORIGIN, log.size, log.root(), ORIGIN, LOG.private_key, at=T0)
    transparency = Transparency(ORIGIN, entry, index, log.size, tuple(log.inclusion_proof(index)), checkpoint)
    return CertificateBundle(credential, transparency).to_dict()


def verified(bundle: dict[str, Any]) -> Report:
    evidence = Evidence(key_set=evidence_keys(), status_lists={LIST_URL: status_list_credential()})
    return verify_bundle(bundle, evidence, now=NOW)


def trust_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    payload = TrustBundle(evidence_keys().to_jwks(), (status_list_credential(),),
                          bundle["transparency"]["checkpoint"], T0, T0 + timedelta(days=7))  # fmt: skip
    return sign_trust_bundle(payload, ROOT)


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return logged(signed())


@pytest.fixture(scope="module")
def pdf(bundle: dict[str, Any]) -> bytes:
    return render_certificate_pdf(bundle, verify_base_url=BASE)


@pytest.fixture(scope="module")
def signed_pdf(bundle: dict[str, Any]) -> bytes:
    """The decision as issued: the page signed by the assertion key (exemption decisions get it too)."""
    activated = T0 - timedelta(days=30)
    keys = PdfSigningKeys(ASSERTION, activated, ROOT, activated)
    return render_signed_pdf(bundle, keys, verify_base_url=BASE)


# --- the subject -----------------------------------------------------------------------------


def test_the_subject_has_the_agreed_json_and_round_trips() -> None:
    data = SUBJECT.to_json()
    assert list(data) == ["type", "enterprise", "project", "incident", "decision", "scope", "reasons",
                          "decisionDate", "legalOpinionBy", "liabilityScope", "decisionNumber"]  # fmt: skip
    assert data["type"] == "SandboxLiabilityExemptionSubject"
    assert data["enterprise"] == {"name": SUBJECT.enterprise_name, "uscc": "91350100M000100Y43"}
    assert data["project"] == {
        "title": "具身智能仓储机器人",
        "sector": "embodied_ai",
        "filingNumber": "YZSB-2026-0002",
    }
    assert data["incident"] == {"title": SUBJECT.incident_title, "occurredOn": "2026-05-12"}
    assert (data["decision"], data["decisionDate"], data["decisionNumber"]) == (
        "granted", "2026-06-20", "YZMZ-2026-0001"
    )  # fmt: skip
    assert data["liabilityScope"] == {"zh": LIABILITY_ZH, "en": LIABILITY_EN}
    assert ExemptionDecisionSubject.from_json(json.loads(json.dumps(data))) == SUBJECT
    partly = decision(decision="partly_granted")
    assert ExemptionDecisionSubject.from_json(partly.to_json()) == partly


def test_the_subject_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Café Robotics 北京")
    assert decomposed != "Café Robotics 北京"
    assert decision(legal_opinion_by=decomposed).to_json()["legalOpinionBy"] == "Café Robotics 北京"


@pytest.mark.parametrize(
    "changes",
    [
        {"decision": "denied"},
        {"decision": "Granted"},
        {"decision": ""},
        {"uscc": "91350100M000100Y44"},  # wrong check character
        {"uscc": "91350100M000100Y4"},
        {"scope": "  "},
        {"reasons": ""},
        {"decision_number": ""},
        {"legal_opinion_by": None},
        {"decision_date": date(2026, 5, 11)},  # before the incident
        {"incident_date": datetime(2026, 5, 12, tzinfo=T0.tzinfo)},
    ],
)
def test_a_denied_or_malformed_decision_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(CertificateError):
        decision(**changes)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.__setitem__("type", "SandboxExitSubject"),
        lambda d: d["liabilityScope"].__setitem__("zh", LIABILITY_ZH.replace("不影响", "亦免除")),
        lambda d: d.pop("liabilityScope"),
        lambda d: d.__setitem__("decision", "denied"),
        lambda d: d["incident"].__setitem__("occurredOn", "12/05/2026"),
        lambda d: d.pop("reasons"),
    ],
)
def test_from_json_refuses_what_was_not_issued(mutate: Any) -> None:
    data = SUBJECT.to_json()
    mutate(data)
    with pytest.raises(CertificateError):
        ExemptionDecisionSubject.from_json(data)


def test_the_credential_is_a_signed_sandbox_liability_exemption() -> None:
    credential = signed()
    assert credential["type"] == ["VerifiableCredential", "SandboxLiabilityExemption"]
    assert credential["name"] == [
        {"@value": "试错免责决定书", "@language": "zh-CN"},
        {"@value": "Sandbox Liability Exemption Decision", "@language": "en"},
    ]
    assert credential["credentialSubject"] == SUBJECT.to_json()
    proof = verify_proof(credential, evidence_keys().resolver(KeyUse.ASSERTION))
    assert proof.verification_method == f"{ISSUER}#{ASSERTION.kid}"


# --- verification ----------------------------------------------------------------------------


def test_a_logged_decision_verifies_and_reports_its_number_and_type(bundle: dict[str, Any]) -> None:
    report = verified(bundle)
    assert report.verdict == "valid", report.to_dict()
    assert {c.name: c.outcome for c in report.checks} == {
        **{name: "pass" for name in ("digest", "signature", "key_state", "status", "inclusion", "checkpoint",
                                     "backdating")},
        "sm2_signature": "skipped",  # signed with the Ed25519 key alone, as before SM2 keys existed
    }  # fmt: skip
    assert report.number == "YZMZ-2026-0001" and report.cert_id == CERT_ID
    assert report.credential_type == "SandboxLiabilityExemption"
    facts = report.to_dict()
    assert facts["number"] == "YZMZ-2026-0001" and facts["credentialType"] == "SandboxLiabilityExemption"
    assert facts["status"] == "active"


def test_an_exit_certificate_still_reports_its_certificate_number() -> None:
    subject = ExitCertificateSubject(
        enterprise_name=SUBJECT.enterprise_name,
        uscc=SUBJECT.uscc,
        project_title=SUBJECT.project_title,
        sector=SUBJECT.sector,
        filing_number=SUBJECT.filing_number,
        trial_start=date(2026, 1, 1),
        trial_end=date(2026, 6, 30),
        exit_date=date(2026, 7, 1),
        outcome="passed",
        certificate_number="YZCK-2026-0002",
    )
    credential = build_exit_certificate(
        subject,
        issuer=ISSUER,
        valid_from=T0,
        credential_id="urn:uuid:exit-2",
        statuses=[status_list_entry(LIST_URL, 3, "revocation")],
    )
    report = verified(logged(sign_credential(credential, ASSERTION, created=T0), "YZCK-2026-0002"))
    assert report.verdict == "valid", report.to_dict()
    assert report.number == "YZCK-2026-0002"
    assert report.to_dict()["credentialType"] == "SandboxExitCertificate"


@pytest.mark.parametrize(
    "path",
    [
        ("enterprise", "name"),
        ("decisionNumber",),
        ("decision",),
        ("scope",),
        ("liabilityScope", "en"),
        ("incident", "occurredOn"),
    ],
)
def test_one_changed_character_in_the_subject_is_invalid(
    bundle: dict[str, Any], path: tuple[str, ...]
) -> None:
    tampered = copy.deepcopy(bundle)
    target = tampered["credential"]["credentialSubject"]
    for key in path[:-1]:
        target = target[key]
    value = target[path[-1]]
    target[path[-1]] = value[:-1] + ("X" if value[-1] != "X" else "Y")
    report = verified(tampered)
    assert report.verdict == "invalid"
    assert report.check("digest").outcome == "fail"
    assert report.check("signature").outcome == "fail"


def test_the_offline_cli_verifies_the_bundle_and_refuses_a_tampered_one(
    bundle: dict[str, Any], pdf: bytes, tmp_path: Path
) -> None:
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps(trust_bundle(bundle)), encoding="utf-8")
    (tmp_path / "bundle.json").write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    at = ("--at", format_utc(NOW))
    pin = ("--root-fingerprint", root_fingerprint(ROOT.public_key))

    result = run_cli("verify", tmp_path / "bundle.json", "--trust-bundle", trust, *pin, *at, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "valid" and report["number"] == "YZMZ-2026-0001"
    assert report["credentialType"] == "SandboxLiabilityExemption"
    assert [c["name"] for c in report["checks"]][0] == "trust_bundle"

    text = run_cli("verify", tmp_path / "bundle.json", "--trust-bundle", trust, *pin, *at)
    assert text.returncode == 0 and "Liability exemption decision YZMZ-2026-0001" in text.stdout
    assert "Verdict: VALID" in text.stdout
    assert "USCC: 91350100M000100Y43" in text.stdout and "Decision: 予以免责 Granted" in text.stdout
    assert f"Signing key: {ASSERTION.kid} (active, Ed25519" in text.stdout
    assert f"Root key fingerprint: {root_fingerprint(ROOT.public_key)} (pinned)" in text.stdout
    unpinned = run_cli("verify", tmp_path / "bundle.json", "--trust-bundle", trust, *at)
    assert unpinned.returncode == 2 and "Verdict: INDETERMINATE" in unpinned.stdout
    assert "NOT pinned" in unpinned.stdout and "--root-fingerprint" in unpinned.stdout

    tampered = copy.deepcopy(bundle)
    tampered["credential"]["credentialSubject"]["decision"] = "partly_granted"
    (tmp_path / "tampered.json").write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    refused = run_cli("verify", tmp_path / "tampered.json", "--trust-bundle", trust, *pin, *at, "--json")
    assert refused.returncode == 1 and json.loads(refused.stdout)["verdict"] == "invalid"


@POPPLER
def test_the_offline_cli_verifies_the_pdf_and_its_printed_qr(
    bundle: dict[str, Any], signed_pdf: bytes, tmp_path: Path
) -> None:
    (tmp_path / "trust.json").write_text(json.dumps(trust_bundle(bundle)), encoding="utf-8")
    (tmp_path / "decision.pdf").write_bytes(signed_pdf)
    result = run_cli("verify", tmp_path / "decision.pdf", "--trust-bundle", tmp_path / "trust.json",
                     "--root-fingerprint", root_fingerprint(ROOT.public_key), "--at", format_utc(NOW),
                     "--json")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    checks = {c["name"]: c["outcome"] for c in report["checks"]}
    assert report["verdict"] == "valid" and checks["printed_qr"] == "pass"  # the printed QR was compared
    assert checks["pdf_signature"] == "pass" and checks["printed_text"] == "pass"
    assert report["number"] == "YZMZ-2026-0001" and report["credentialType"] == "SandboxLiabilityExemption"


# --- the PDF ---------------------------------------------------------------------------------


def test_the_layout_follows_the_credential_type(bundle: dict[str, Any]) -> None:
    assert layout_for(bundle["credential"]) is LIABILITY_EXEMPTION
    assert layout_for({"type": ["VerifiableCredential", "SandboxExitCertificate"]}) is EXIT_CERTIFICATE
    assert layout_for({"type": ["VerifiableCredential", "SomethingElse"]}) is EXIT_CERTIFICATE


@POPPLER
@EMBEDDED
def test_the_page_says_what_the_decision_is_and_what_it_does_not_cover(pdf: bytes) -> None:
    text = run("pdftotext", "-enc", "UTF-8", "-", "-", data=pdf).decode()
    for expected in (
        "试错免责决定书",
        "Liability Exemption Decision",
        "决定书编号 Decision No.: YZMZ-2026-0001",
        "北京亦庄示例智能科技有限公司",
        "91350100M000100Y43",
        "YZSB-2026-0002",
        "予以免责 Granted",
        "2026-05-12",
        "北京某某律师事务所",
        "2026-06-20",
        "法律意见",
        "免责范围",
    ):
        assert expected in text, expected
    assert "出盒证明" not in text and "证书编号" not in text
    assert text.index("试错免责决定书") < text.index("Liability Exemption Decision")  # Chinese first
    assert squeezed(LIABILITY_ZH) in squeezed(text)  # printed, not only embedded
    assert " ".join(LIABILITY_EN.split()) in " ".join(text.split())
    assert squeezed(SUBJECT.reasons) in squeezed(text)
    # The remedies against the decision, with their statutory periods, above the verification notice.
    assert "六十日内依法申请行政复议" in squeezed(text) and "六个月内依法提起行政诉讼" in squeezed(text)
    assert squeezed(text).index("救济途径") < squeezed(text).index("本决定书是以")
    partly = render_certificate_pdf(logged(signed(decision(decision="partly_granted"))), verify_base_url=BASE)
    assert "部分免责 Partly granted" in run("pdftotext", "-enc", "UTF-8", "-", "-", data=partly).decode()


@POPPLER
@EMBEDDED
def test_overlong_text_is_clipped_but_the_statement_stays_on_the_page(tmp_path: Path) -> None:
    long = logged(signed(decision(scope="免责范围很长。" * 60, reasons="理由也很长。" * 80)))
    pdf = render_certificate_pdf(long, verify_base_url=BASE)
    text = squeezed(run("pdftotext", "-enc", "UTF-8", "-", "-", data=pdf).decode())
    assert squeezed(pdf_module.CLIPPED)[:8] in text
    assert squeezed(LIABILITY_ZH) in text and "决定日期" in text  # later fields keep their line
    assert extract_bundle(pdf) == long


@POPPLER
def test_the_printed_qr_and_the_embedded_bundle_match(
    pdf: bytes, bundle: dict[str, Any], tmp_path: Path
) -> None:
    assert extract_bundle(pdf) == bundle
    printed = scan(pdf, tmp_path)
    assert printed == verification_url(BASE, CERT_ID, credential_digest_b64url(bundle["credential"]))


def test_the_pdf_is_reproducible_and_embeds_the_bundle(pdf: bytes, bundle: dict[str, Any]) -> None:
    assert render_certificate_pdf(copy.deepcopy(bundle), verify_base_url=BASE) == pdf
    assert extract_bundle(pdf) == bundle
    other = logged(signed(decision(decision="partly_granted")))
    assert render_certificate_pdf(other, verify_base_url=BASE) != pdf
