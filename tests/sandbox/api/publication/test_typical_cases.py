"""Typical cases through the API: who may do what, the order of the steps, and consent to one version.

The redaction guarantees (nothing hidden reaches a public page, the API or the PDF) are tested in
`test_typical_cases_public`.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from sandbox.models.accounts import Enterprise
from sandbox.models.notifications import Notification
from tests import factories
from tests.case_flow import CaseFlow, token

WRITE_UP: dict[str, Any] = {
    "title": "企业信用数据融合的隐私计算路径",
    "background": "企业信用数据分散在多个部门，直接汇集存在泄露风险，需要验证隐私计算下的融合方式。",
    "tested": "以隐私计算方式融合企业经营数据和公共信用数据，输出评估结果而不输出原始数据。",
    "boundaries": "数据主体不超过五万家；仅在隐私计算环境中处理；不向第三方提供原始数据。",
    "results": "测试期间未发生数据安全事件，评估结果稳定，按期出盒。",
    "lessons": "输出结果而不输出数据，是公共数据与企业数据融合应用的可行边界。",
}


def exited_flow(client, session, *, enterprise_name: str | None = None) -> CaseFlow:
    """A case of a fresh enterprise (optionally renamed before it is filed) brought to exit."""
    flow = CaseFlow(client, session)
    if enterprise_name:
        enterprise = session.get(Enterprise, flow.users["applicant"].enterprise_id)
        enterprise.name = enterprise_name
        session.add(enterprise)
        session.commit()
    flow.to("exited")
    return flow


def propose(flow: CaseFlow, expect: int = 201, **overrides: Any) -> dict[str, Any]:
    body = {**WRITE_UP, **overrides}
    response = flow.call(
        "regulator", "POST", f"/api/v1/cases/{flow.case_id}/typical-case-proposal", json=body
    )
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def act(flow: CaseFlow, who: str, typical_id: int, step: str, expect: int = 200, **body: Any) -> dict:
    method, path = {
        "revise": ("PUT", ""),
        "decision": ("POST", "/decision"),
        "publication": ("POST", "/publication"),
        "withdrawal": ("POST", "/withdrawal"),
    }[step]
    response = flow.call(who, method, f"/api/v1/typical-case-proposals/{typical_id}{path}", json=body)
    assert response.status_code == expect, (step, response.get_json())
    return response.get_json()


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return exited_flow(client, session)


def test_only_regulators_propose_and_only_exited_cases(client, session, flow: CaseFlow) -> None:
    body = {**WRITE_UP}
    path = f"/api/v1/cases/{flow.case_id}/typical-case-proposal"
    assert flow.call("applicant", "POST", path, json=body).status_code == 403
    assert flow.call("assessor", "POST", path, json=body).status_code == 403
    testing = CaseFlow(client, session)
    testing.to("testing")
    refused = testing.call(
        "regulator", "POST", f"/api/v1/cases/{testing.case_id}/typical-case-proposal", json=body
    )
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    created = propose(flow)
    assert created["status"] == "proposed" and created["version"] == 1
    assert created["history"][0]["action"] == "proposed"
    propose(flow, expect=409)  # one typical case per case
    # The enterprise's applicants are told.
    notes = session.exec(select(Notification).where(Notification.user_id == flow.users["applicant"].id)).all()
    assert any(note.kind == "typical_case_proposed" for note in notes)


def test_input_is_validated(flow: CaseFlow) -> None:
    problem = propose(flow, expect=422, title="短", redacted_fields=["home_address"])
    fields = {error["field"] for error in problem["errors"]}
    assert {"title", "redacted_fields.0"} <= fields


def test_who_sees_and_decides(client, session, flow: CaseFlow) -> None:
    typical_id = propose(flow)["id"]
    stranger = factories.make_user(session, "applicant")
    headers = token(client, stranger)
    path = f"/api/v1/typical-case-proposals/{typical_id}"
    assert client.get(path, headers=headers).status_code == 404  # another enterprise's: not even there
    decision = {"decision": "approve", "expected_version": 1}
    assert client.post(f"{path}/decision", headers=headers, json=decision).status_code == 404
    assert flow.call("assessor", "GET", path).status_code == 403  # a role with nothing to do here
    assert flow.call("mediator", "GET", "/api/v1/typical-case-proposals").status_code == 403
    assert flow.call("applicant", "GET", path).status_code == 200
    listed = client.get("/api/v1/typical-case-proposals", headers=headers).get_json()
    assert listed["total"] == 0
    assert flow.call("applicant", "GET", "/api/v1/typical-case-proposals").get_json()["total"] == 1
    # Regulators do not decide for the enterprise, applicants do not publish.
    act(flow, "regulator", typical_id, "decision", 403, decision="approve", expected_version=1)
    act(flow, "applicant", typical_id, "publication", 403)
    act(flow, "applicant", typical_id, "revise", 403, **WRITE_UP)
    act(flow, "applicant", typical_id, "withdrawal", 403, reason="不想公开")


def test_publication_needs_the_enterprise_to_approve_the_current_version(flow: CaseFlow) -> None:
    typical_id = propose(flow)["id"]
    act(flow, "regulator", typical_id, "publication", 409)
    # The decision names the version decided on; without it, or with a stale one, nothing happens.
    act(flow, "applicant", typical_id, "decision", 422, decision="approve")
    changed = {**WRITE_UP, "results": "测试目标全部达成，按期出盒。"}
    revised = act(flow, "regulator", typical_id, "revise", **changed, expected_version=1)
    assert revised["version"] == 2 and revised["status"] == "proposed"
    act(flow, "applicant", typical_id, "decision", 409, decision="approve", expected_version=1)
    approved = act(flow, "applicant", typical_id, "decision", decision="approve", expected_version=2)
    assert approved["status"] == "approved" and approved["version"] == 2
    # Editing after approval sends the text back to the enterprise: consent is to a specific text.
    edited = act(flow, "regulator", typical_id, "revise", **{**WRITE_UP, "lessons": "结果可用而数据不出域。"},
                 expected_version=2)  # fmt: skip
    assert edited["status"] == "proposed" and edited["version"] == 3
    assert edited["enterprise_decision_at"] is None
    act(flow, "regulator", typical_id, "publication", 409)
    act(flow, "regulator", typical_id, "revise", 409, **WRITE_UP, expected_version=2)  # a stale editor
    act(flow, "applicant", typical_id, "decision", decision="approve", expected_version=3)
    act(flow, "regulator", typical_id, "publication", 409, expected_version=2)
    published = act(flow, "regulator", typical_id, "publication", expected_version=3)
    assert published["status"] == "published" and published["published_at"]
    assert [entry["action"] for entry in published["history"]] == [
        "proposed", "revised", "approved", "revised", "approved", "published"]  # fmt: skip
    # Published text is frozen: withdraw first.
    act(flow, "regulator", typical_id, "revise", 409, **WRITE_UP, expected_version=3)
    act(
        flow,
        "applicant",
        typical_id,
        "decision",
        409,
        decision="decline",
        note="改主意了",
        expected_version=3,
    )


def test_decline_needs_a_reason_and_a_revision_asks_again(flow: CaseFlow) -> None:
    typical_id = propose(flow)["id"]
    problem = act(flow, "applicant", typical_id, "decision", 422, decision="decline", expected_version=1)
    assert problem["errors"][0]["field"] == "note"
    declined = act(flow, "applicant", typical_id, "decision", decision="decline", note="请隐去企业名称",
                   expected_version=1)  # fmt: skip
    assert declined["status"] == "declined" and declined["enterprise_note"] == "请隐去企业名称"
    act(flow, "applicant", typical_id, "decision", 409, decision="approve", expected_version=1)
    again = act(flow, "regulator", typical_id, "revise", **WRITE_UP, redacted_fields=["enterprise_name"],
                expected_version=1)  # fmt: skip
    assert again["status"] == "proposed" and again["version"] == 2
    # Hiding the name hides what leads back to it.
    assert again["redacted_fields"] == ["enterprise_name", "uscc", "project_title", "filing_number",
                                        "trial_period", "certificate_number"]  # fmt: skip
    # An enterprise may take back its approval until publication.
    act(flow, "applicant", typical_id, "decision", decision="approve", expected_version=2)
    back = act(
        flow, "applicant", typical_id, "decision", decision="decline", note="需内部再审", expected_version=2
    )
    assert back["status"] == "declined"


def test_withdrawal_takes_it_down_and_a_revision_proposes_again(client, flow: CaseFlow) -> None:
    typical_id = propose(flow)["id"]
    act(flow, "applicant", typical_id, "decision", decision="approve", expected_version=1)
    act(flow, "regulator", typical_id, "publication")
    assert client.get(f"/api/v1/typical-cases/{typical_id}").status_code == 200
    act(flow, "regulator", typical_id, "withdrawal", 422, reason="  ")
    withdrawn = act(flow, "regulator", typical_id, "withdrawal", reason="企业申请撤下")
    assert withdrawn["status"] == "withdrawn"
    assert client.get(f"/api/v1/typical-cases/{typical_id}").status_code == 404
    assert client.get("/api/v1/typical-cases").get_json()["total"] == 0
    act(flow, "regulator", typical_id, "withdrawal", 409, reason="再次撤下")
    reproposed = act(flow, "regulator", typical_id, "revise", **WRITE_UP, expected_version=1)
    assert reproposed["status"] == "proposed" and reproposed["version"] == 2


def test_a_certificate_no_longer_in_force_blocks_and_hides(client, session, flow: CaseFlow) -> None:
    from sandbox.models.certificates import Certificate

    typical_id = propose(flow)["id"]
    act(flow, "applicant", typical_id, "decision", decision="approve", expected_version=1)
    act(flow, "regulator", typical_id, "publication")
    cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    flow.change_status(cert.id, "suspend", "核查")
    assert client.get(f"/api/v1/typical-cases/{typical_id}").status_code == 404
    assert client.get(f"/typical-cases/{typical_id}").status_code == 404
    other = exited_flow(client, session)
    cert = session.exec(select(Certificate).where(Certificate.case_id == other.case_id)).one()
    other.change_status(cert.id, "revoke", "撤销")
    propose(other, expect=409)


def test_openapi_documents_the_routes(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/typical-cases/collections/{sector}/{year}" in paths
    assert paths["/api/v1/typical-cases"]["get"]["security"] == []
    assert "put" in paths["/api/v1/typical-case-proposals/{typical_id}"]


def test_a_decision_racing_another_one_is_refused(session, flow: CaseFlow) -> None:
    from sandbox.errors import Conflict
    from sandbox.models.publication import TypicalCase
    from sandbox.services.publication import typical_cases

    typical_id = propose(flow)["id"]
    stale = session.get(TypicalCase, typical_id)  # read before a colleague's decision lands
    assert stale is not None and stale.status.value == "proposed"
    act(flow, "applicant", typical_id, "decision", decision="approve", expected_version=1)
    with pytest.raises(Conflict):
        typical_cases.decide(session, actor=flow.users["applicant"], typical_id=typical_id,
                             data={"decision": "decline", "note": "不同意"}, expected_version=1)  # fmt: skip
    session.rollback()
    assert flow.call("applicant", "GET", f"/api/v1/typical-case-proposals/{typical_id}").get_json()[
        "status"
    ] == ("approved")
