"""Issuance on approve_exit: one transaction, a bundle that verifies, gap-free numbers, all or nothing."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from certificates.jcs import digest_hex
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate, LogCheckpoint, LogEntry
from sandbox.services.trust import certificates as certificate_service
from sandbox.services.trust import transparency
from tests.case_flow import CaseFlow
from tests.sandbox.certificate_helpers import bundle_of, exit_case, outcomes, verify
from workflows.states import CaseState


def test_approve_exit_issues_a_certificate_that_verifies(client, session) -> None:
    flow, cert = exit_case(client, session)
    assert re.fullmatch(r"YZCC-\d{4}-0001", cert.number)
    assert re.fullmatch(r"[0-9a-f]{32}", cert.id)
    bundle = bundle_of(client, cert.id)
    assert digest_hex(bundle["credential"]) == cert.credential_sha256
    subject = bundle["credential"]["credentialSubject"]
    assert subject["certificateNumber"] == cert.number
    assert subject["project"]["filingNumber"].startswith("YZSB-")
    assert subject["conditions"] == ["每月报送一次数据使用日志"]
    assert any(b["unit"] for b in subject["testedBoundaries"].values())  # units from the sector pack
    entry = bundle["transparency"]["entry"]
    assert (
        entry["kind"] == "issue"
        and entry["certId"] == cert.id
        and set(entry) <= {"kind", "certId", "credentialSha256", "kid", "at"}
    )
    report = verify(client, bundle=bundle)
    assert report["verdict"] == "valid", report
    assert set(outcomes(report)) == {
        "digest",
        "signature",
        "sm2_signature",
        "key_state",
        "status",
        "inclusion",
        "checkpoint",
        "backdating",
    }
    events = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()["events"]
    assert events[-1]["payload"]["certificateNumber"] == cert.number


def test_numbers_are_consecutive_and_the_log_grows(client, session) -> None:
    _, first = exit_case(client, session)
    _, second = exit_case(client, session)
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1
    assert second.log_index > first.log_index
    assert verify(client, number=second.number)["verdict"] == "valid"
    # the first bundle, served now, is proven against the newer checkpoint
    assert bundle_of(client, first.id)["transparency"]["treeSize"] == second.log_index + 1


@pytest.mark.parametrize("target", ["render_signed_pdf", "append"])
def test_a_failure_anywhere_leaves_nothing_behind(client, session, monkeypatch, target: str) -> None:
    flow = CaseFlow(client, session)
    flow.to("exit_evaluation")
    flow.evaluate()
    before = session.exec(select(LogEntry)).all()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    module = certificate_service if target == "render_signed_pdf" else transparency
    monkeypatch.setattr(module, target, broken)
    with pytest.raises(RuntimeError):
        flow.fire("regulator", "approve_exit")
    session.expire_all()
    assert session.exec(select(Certificate)).all() == []
    assert len(session.exec(select(LogEntry)).all()) == len(before)
    assert session.get(Case, flow.case_id).state is CaseState.EXIT_EVALUATION
    sizes = [c.size for c in session.exec(select(LogCheckpoint)).all()]
    assert max(sizes, default=0) == len(before)


def test_public_listing_and_pdf(client, session) -> None:
    flow, cert = exit_case(client, session)
    # The enterprise did not consent to publishing its name: only its own listing holds the certificate.
    anonymous = client.get("/api/v1/certificates").get_json()
    assert (anonymous["items"], anonymous["total"]) == ([], 0)
    listing = flow.call("applicant", "GET", "/api/v1/certificates").get_json()
    assert listing["items"] == [{"id": cert.id, "number": cert.number, "status": "active", "kind": "exit"}]
    assert listing["total"] == 1
    pdf = client.get(f"/api/v1/certificates/{cert.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    pdf.close()
    assert client.get("/api/v1/certificates/nope").status_code == 404
