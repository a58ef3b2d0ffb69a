"""Revoke, suspend, reinstate: regulators only (one proposes, another confirms), a reason always, the list
re-signed, the change logged."""

from __future__ import annotations

from sqlmodel import col, select

from sandbox.models.certificates import CertificateStatusChange, LogEntry
from tests.sandbox.certificate_helpers import exit_case, outcomes, verify


def test_suspend_reinstate_and_revoke(client, session) -> None:
    flow, cert = exit_case(client, session)
    path = f"/api/v1/certificates/{cert.id}/status-proposals"
    refused = flow.call("regulator", "POST", path, json={"action": "suspend", "reason": " "})
    assert refused.status_code == 422
    assert flow.call("applicant", "POST", path, json={"action": "suspend", "reason": "x"}).status_code == 403

    done = flow.change_status(cert.id, "suspend", "整改期间暂停")
    assert done["state"] == "confirmed"
    report = verify(client, number=cert.number)
    assert report["verdict"] == "invalid" and report["status"] == "suspended"
    assert outcomes(report)["status"] == "fail"

    assert (
        flow.call("regulator", "POST", path, json={"action": "suspend", "reason": "again"}).status_code == 409
    )
    flow.change_status(cert.id, "reinstate", "整改完成")
    assert verify(client, number=cert.number)["verdict"] == "valid"

    flow.change_status(cert.id, "revoke", "提供虚假材料")
    report = verify(client, number=cert.number)
    assert report["verdict"] == "invalid" and report["status"] == "revoked"
    assert (
        flow.call("regulator", "POST", path, json={"action": "reinstate", "reason": "x"}).status_code == 409
    )

    session.expire_all()
    changes = session.exec(select(CertificateStatusChange).order_by(col(CertificateStatusChange.id))).all()
    # Each change is carried out by the regulator who confirmed it.
    assert [(c.purpose.value, c.value, c.actor_id) for c in changes] == [
        ("suspension", True, flow.users["regulator2"].id),
        ("suspension", False, flow.users["regulator2"].id),
        ("revocation", True, flow.users["regulator2"].id),
    ]
    logged = session.exec(select(LogEntry).where(LogEntry.kind == "status")).all()
    assert [e.entry["status"] for e in logged] == ["suspended", "active", "revoked"]
    assert all("reason" not in e.entry for e in logged)  # reasons may hold personal data: not logged


def test_status_list_endpoint_serves_signed_lists(client, session) -> None:
    flow, cert = exit_case(client, session)
    served = client.get("/api/v1/status/revocation")
    assert served.mimetype == "application/vc"  # the VC media type; JSON only when asked for
    revocation = served.get_json(force=True)
    assert revocation["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert revocation["credentialSubject"]["statusPurpose"] == "revocation"
    assert [p["cryptosuite"] for p in revocation["proof"]] == ["eddsa-jcs-2022", "sm2-jcs-2026"]
    assert client.get("/api/v1/status/other").status_code == 404
    flow.change_status(cert.id, "revoke", "测试")
    assert (
        client.get("/api/v1/status/revocation").get_json(force=True)["credentialSubject"]["encodedList"]
        != (revocation["credentialSubject"]["encodedList"])
    )
