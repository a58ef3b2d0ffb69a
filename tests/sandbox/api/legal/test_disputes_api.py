"""The dispute and liability-exemption API: stages, visibility, messages, evidence, decisions."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import Any

import jsonschema
import pytest
from sqlmodel import select

from sandbox.db import open_session
from sandbox.models.certificates import Certificate, CertificateKind
from sandbox.services.cases.calendar import beijing_today
from tests import factories
from tests.case_flow import PDF, CaseFlow, token
from tests.conftest import make_test_app


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def documented(client, path: str, method: str, status: int, body: Any) -> None:
    """Check a response body against the schema the OpenAPI document gives for it."""
    document = client.get("/api/v1/openapi.json").get_json()
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    schema = {**content["application/json"]["schema"], "components": document["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


def raise_dispute(flow: CaseFlow, who: str = "applicant", expect: int = 201, **data: Any) -> dict[str, Any]:
    body = {"legal_partner_org_id": flow.centre_id, "claim": "驳回理由与事实不符", **data}
    response = flow.call(who, "POST", f"/api/v1/cases/{flow.case_id}/disputes", json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def act(flow: CaseFlow, who: str, dispute_id: int, action: str, expect: int = 200, headers=None, **data):
    response = flow.client.post(
        f"/api/v1/disputes/{dispute_id}/actions",
        headers={**flow.headers[who], **(headers or {})},
        json={"action": action, **data},
    )
    assert response.status_code == expect, (action, response.get_json())
    return response.get_json()


def actions(body: dict[str, Any]) -> list[str]:
    return [option["action"] for option in body["actions"]]


def test_an_overturned_appeal_reopens_the_stage_of_the_rejection(flow: CaseFlow) -> None:
    flow.to("risk_assessment")
    flow.fire("regulator", "reject", note="风险不可控")
    response = flow.call(
        "applicant",
        "POST",
        f"/api/v1/cases/{flow.case_id}/disputes",
        json={"legal_partner_org_id": flow.centre_id, "kind": "appeal", "claim": "驳回理由不成立",
              "remedy": "撤销驳回决定"},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    dispute = response.get_json()
    path = f"/api/v1/disputes/{dispute['id']}"
    assert response.headers["Location"] == path and response.headers["ETag"] == f'"{dispute["version"]}"'
    assert (dispute["stage"], dispute["kind"], dispute["case"]["state"]) == ("opened", "appeal", "dispute")
    assert dispute["case_state_at_opening"] == "rejected" and dispute["organisation"]["id"] == flow.centre_id
    assert date.fromisoformat(dispute["deadlines"]["acknowledge_due"]) > beijing_today()
    assert dispute["deadlines"]["mediation_due"] is None and actions(dispute) == ["withdraw"]
    documented(flow.client, "/api/v1/cases/{case_id}/disputes", "post", 201, dispute)

    seen = flow.call("mediator", "GET", path)
    assert seen.status_code == 200 and actions(seen.get_json()) == ["acknowledge", "refer"]
    assert flow.call("assessor", "GET", path).status_code == 404

    acknowledged = act(flow, "mediator", dispute["id"], "acknowledge")
    assert (
        acknowledged["stage"] == "mediation" and acknowledged["assignee"]["id"] == flow.users["mediator"].id
    )
    assert acknowledged["acknowledged_at"] is not None
    due = acknowledged["deadlines"]
    assert date.fromisoformat(due["mediation_due"]) > date.fromisoformat(due["acknowledge_due"])
    act(flow, "mediator", dispute["id"], "settle", expect=422, outcome="overturned")  # resolution missing
    settled = act(
        flow, "mediator", dispute["id"], "settle", outcome="overturned", resolution="双方同意重新评估"
    )
    assert (settled["stage"], settled["outcome"], settled["resolution"]) == (
        "settled",
        "overturned",
        "双方同意重新评估",
    )
    assert settled["case"]["state"] == "risk_assessment" and flow.case()["state"] == "risk_assessment"
    history = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()
    events = {event["event"]: event for event in history["events"]}
    assert history["intact"] and {"raise_dispute", "resolve_dispute"} <= set(events)
    assert events["raise_dispute"]["payload"]["disputeId"] == dispute["id"]
    assert events["resolve_dispute"]["payload"]["outcome"] == "overturned"
    assert events["resolve_dispute"]["to_state"] == "risk_assessment"
    final = flow.call("applicant", "GET", path)
    assert final.headers["ETag"] == f'"{final.get_json()["version"]}"' and actions(final.get_json()) == []
    documented(flow.client, "/api/v1/disputes/{dispute_id}", "get", 200, final.get_json())


def test_the_referral_path_records_the_judgment_and_closes(flow: CaseFlow) -> None:
    flow.to("submitted")
    flow.fire("regulator", "reject", note="材料不全")
    dispute = raise_dispute(flow)
    referred = act(flow, "mediator", dispute["id"], "refer")
    assert referred["stage"] == "referred" and referred["court_name"] == "北京互联网法院"
    assert actions(referred) == ["record_judgment"]
    body = act(
        flow, "mediator", dispute["id"], "record_judgment", expect=422, outcome="upheld", resolution="维持"
    )
    assert [error["field"] for error in body["errors"]] == ["court_case_number"]
    judged = act(
        flow, "mediator", dispute["id"], "record_judgment",
        outcome="upheld", resolution="判决维持驳回决定", court_case_number="(2026)京0491民初123号",
    )  # fmt: skip
    assert (judged["stage"], judged["outcome"], judged["court_case_number"]) == (
        "judgment",
        "upheld",
        "(2026)京0491民初123号",
    )
    assert judged["case"]["state"] == "rejected" and judged["closed_at"] is None
    closed = act(flow, "mediator", dispute["id"], "close")
    assert closed["stage"] == "closed" and closed["closed_at"] is not None
    act(flow, "mediator", dispute["id"], "close", expect=409)
    assert flow.case()["state"] == "rejected"


def test_withdrawal_wrong_stage_and_stale_version(flow: CaseFlow) -> None:
    flow.to("risk_assessment")
    dispute = raise_dispute(flow, claim="评估程序不当")
    assert dispute["kind"] == "process_complaint"
    act(flow, "mediator", dispute["id"], "settle", expect=409, outcome="upheld", resolution="x")
    act(flow, "mediator", dispute["id"], "withdraw", expect=403)
    act(flow, "applicant", dispute["id"], "acknowledge", expect=403)
    act(flow, "mediator", dispute["id"], "fly", expect=422)
    etag = flow.call("mediator", "GET", f"/api/v1/disputes/{dispute['id']}").headers["ETag"]
    acknowledged = act(flow, "mediator", dispute["id"], "acknowledge", headers={"If-Match": etag})
    assert acknowledged["version"] > dispute["version"]
    body = act(flow, "applicant", dispute["id"], "withdraw", expect=409, headers={"If-Match": etag})
    assert body["code"] == "conflict"
    act(flow, "applicant", dispute["id"], "withdraw", expect=422, headers={"If-Match": "soon"})
    withdrawn = act(
        flow, "applicant", dispute["id"], "withdraw", headers={"If-Match": f'"{acknowledged["version"]}"'}
    )
    assert (withdrawn["stage"], withdrawn["outcome"]) == ("withdrawn", "withdrawn")
    assert flow.case()["state"] == "risk_assessment"


def test_only_the_parties_see_a_dispute(client, session) -> None:
    applicant, partner, outsider, assessor, regulator = (
        factories.make_user(session, role)
        for role in ("applicant", "legal_partner", "legal_partner", "assessor", "regulator")
    )
    dispute = factories.make_dispute(session, applicant, organisation_id=partner.organisation_id)
    path = f"/api/v1/disputes/{dispute.id}"
    for user, status in ((outsider, 404), (assessor, 404), (partner, 200), (applicant, 200)):
        assert client.get(path, headers=token(client, user)).status_code == status, user.role
    listed = client.get("/api/v1/disputes", headers=token(client, outsider)).get_json()
    assert (listed["items"], listed["total"]) == ([], 0)
    assert client.get("/api/v1/disputes", headers=token(client, assessor)).status_code == 403
    for user in (partner, applicant):
        listed = client.get("/api/v1/disputes", headers=token(client, user)).get_json()
        assert [item["id"] for item in listed["items"]] == [dispute.id]
    staff = token(client, regulator)
    documented(
        client, "/api/v1/disputes", "get", 200, client.get("/api/v1/disputes", headers=staff).get_json()
    )

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/disputes?{query}", headers=staff)
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert dispute.id in ids("stage=open") and dispute.id in ids("stage=opened")
    assert dispute.id not in ids("stage=finished") and dispute.id not in ids("stage=settled")
    assert ids(f"case_id={dispute.case_id}") == [dispute.id] and ids("case_id=999999") == []
    assert dispute.id in ids("q=事实不符") and dispute.id not in ids("q=没有这段文字")
    assert ids(f"case_id={dispute.case_id}&per_page=1&page=2") == []
    for bad in ("stage=asleep", "case_id=abc"):
        assert client.get(f"/api/v1/disputes?{bad}", headers=staff).status_code == 422, bad


def test_a_third_party_complaint_names_the_complainant(flow: CaseFlow) -> None:
    flow.to("risk_assessment")
    body = raise_dispute(flow, "regulator", expect=422, claim="用户投诉数据被超范围使用")
    assert [error["field"] for error in body["errors"]] == ["complainant_name"]
    raise_dispute(flow, "applicant", expect=422, kind="third_party_complaint", complainant_name="王五")
    dispute = raise_dispute(
        flow, "regulator", claim="用户投诉数据被超范围使用", complainant_name="王五",
        complainant_contact="13800000000",
    )  # fmt: skip
    assert dispute["kind"] == "third_party_complaint" and dispute["raised_by_role"] == "regulator"
    assert dispute["complainant"] == {"name": "王五", "contact": "13800000000"}
    mine = flow.call("applicant", "GET", f"/api/v1/disputes/{dispute['id']}").get_json()
    assert mine["complainant"] == {"name": "王五", "contact": None}
    assert actions(mine) == [] and "withdraw" in actions(
        flow.call("regulator", "GET", f"/api/v1/disputes/{dispute['id']}").get_json()
    )


def test_messages_with_attachments_become_evidence(flow: CaseFlow) -> None:
    flow.to("submitted")
    flow.fire("regulator", "reject", note="材料不全")
    dispute = raise_dispute(flow)
    path = f"/api/v1/disputes/{dispute['id']}/messages"
    response = flow.call(
        "applicant", "POST", path, content_type="multipart/form-data",
        data={"body": "附上补充材料", "files": [(io.BytesIO(PDF), "补充材料.pdf")]},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    message = response.get_json()
    assert message["body"] == "附上补充材料" and len(message["attachments"]) == 1
    attachment = message["attachments"][0]
    assert attachment["message_id"] == message["id"] and attachment["filename"] == "补充材料.pdf"
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    reply = flow.call("mediator", "POST", path, json={"body": "已收到，将安排调解。"})
    assert reply.status_code == 201 and reply.get_json()["attachments"] == []
    assert flow.call("mediator", "POST", path, json={"body": "  "}).status_code == 422
    assert (
        flow.call("mediator", "POST", path, json={"body": ["列表"]}).get_json()["errors"][0]["field"]
        == "body"
    )
    assert flow.call("assessor", "POST", path, json={"body": "你好"}).status_code == 404
    listed = flow.call("regulator", "GET", path).get_json()
    assert [m["author_role"] for m in listed] == ["applicant", "legal_partner"]
    assert [a["id"] for a in listed[0]["attachments"]] == [attachment["id"]]
    documented(flow.client, "/api/v1/disputes/{dispute_id}/messages", "get", 200, listed)
    items = flow.call("mediator", "GET", f"/api/v1/disputes/{dispute['id']}/evidence").get_json()
    assert [(item["id"], item["message_id"]) for item in items] == [(attachment["id"], message["id"])]


def test_evidence_files_statements_and_withdrawal(flow: CaseFlow) -> None:
    flow.to("submitted")
    flow.fire("regulator", "reject", note="材料不全")
    dispute = raise_dispute(flow)
    path = f"/api/v1/disputes/{dispute['id']}/evidence"
    content = PDF + b"% contract v2\n"
    upload = flow.call(
        "applicant", "POST", path, content_type="multipart/form-data",
        data={"title": "合同扫描件", "file": (io.BytesIO(content), "合同.pdf")},
    )  # fmt: skip
    assert upload.status_code == 201, upload.get_json()
    item = upload.get_json()
    assert (item["kind"], item["size"], item["sha256"]) == (
        "file",
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    documented(flow.client, "/api/v1/disputes/{dispute_id}/evidence", "post", 201, item)
    download = flow.call("mediator", "GET", f"{path}/{item['id']}")
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Content-Security-Policy"].startswith("sandbox")
    assert download.headers["X-Content-SHA256"] == item["sha256"]
    download.close()

    text = "2026年3月2日，监管人员口头同意延长测试。"
    statement = flow.call("applicant", "POST", path, json={"title": "情况说明", "statement": text}).get_json()
    assert (
        statement["kind"] == "statement" and statement["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    )
    both = flow.call(
        "applicant", "POST", path, content_type="multipart/form-data",
        data={"title": "两者", "statement": "说明", "file": (io.BytesIO(PDF), "a.pdf")},
    )  # fmt: skip
    assert both.status_code == 422
    assert flow.call("applicant", "POST", path, json={"statement": "无标题"}).get_json()["errors"][0][
        "field"
    ] == ("title")

    withdrawal = f"{path}/{item['id']}/withdrawal"
    assert flow.call("mediator", "POST", withdrawal, json={"reason": "不是我提交的"}).status_code == 403
    assert flow.call("applicant", "POST", withdrawal, json={}).status_code == 422
    withdrawn = flow.call("applicant", "POST", withdrawal, json={"reason": "提交了错误版本"})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["withdrawn_at"] is not None
    again = flow.call("applicant", "POST", withdrawal, json={"reason": "再次撤回"})
    assert again.status_code == 409
    listed = {row["id"]: row for row in flow.call("regulator", "GET", path).get_json()}
    assert set(listed) == {item["id"], statement["id"]}
    assert (
        listed[item["id"]]["withdrawn_at"] is not None
        and listed[item["id"]]["withdrawal_reason"] == "提交了错误版本"
    )
    assert listed[statement["id"]]["withdrawn_at"] is None
    assert flow.call("mediator", "GET", f"{path}/999999").status_code == 404


def test_assignment_within_the_legal_partner_organisation(flow: CaseFlow) -> None:
    flow.to("submitted")
    flow.fire("regulator", "reject", note="材料不全")
    dispute = raise_dispute(flow)
    colleague = factories.make_user(flow.session, "legal_partner", organisation_id=flow.centre_id)
    path = f"/api/v1/disputes/{dispute['id']}/assignee"
    assert flow.call("applicant", "PUT", path, json={"assignee_id": colleague.id}).status_code == 403
    assert (
        flow.call("mediator", "PUT", path, json={"assignee_id": flow.users["applicant"].id}).status_code
        == 422
    )
    assert flow.call("mediator", "PUT", path, json={"assignee_id": "x"}).status_code == 422
    assigned = flow.call("mediator", "PUT", path, json={"assignee_id": colleague.id})
    assert assigned.status_code == 200 and assigned.get_json()["assignee"]["id"] == colleague.id


def file_incident(flow: CaseFlow, title: str) -> int:
    response = flow.call(
        "applicant", "POST", f"/api/v1/cases/{flow.case_id}/reports",
        json={"kind": "incident", "title": title, "body": "测试期间发生一次越权访问，已即时处置。",
              "occurred_on": beijing_today().isoformat()},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def apply(flow: CaseFlow, incident_id: int) -> dict[str, Any]:
    response = flow.call(
        "applicant", "POST", f"/api/v1/cases/{flow.case_id}/exemptions",
        json={"incident_id": incident_id, "legal_partner_org_id": flow.centre_id,
              "good_faith_explanation": "严格按照测试方案执行，并在事发当日报告。", "note": "申请免责"},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_exemption_is_granted_as_a_verifiable_decision(flow: CaseFlow) -> None:
    flow.to("testing")
    guidance = [
        flow.call(
            "regulator", "POST", f"/api/v1/cases/{flow.case_id}/guidance", json={"text": text}
        ).get_json()
        for text in ("请每日备份访问日志", "请限制第三方接口调用频率")
    ]
    acknowledged = f"/api/v1/cases/{flow.case_id}/guidance/{guidance[0]['id']}/acknowledge"
    assert flow.call("applicant", "POST", acknowledged).status_code == 200
    incident = file_incident(flow, "越权访问事件")
    request = apply(flow, incident)
    path = f"/api/v1/exemptions/{request['id']}"
    assert (request["stage"], request["case"]["state"], request["incident"]["id"]) == (
        "awaiting_opinion",
        "liability_exemption",
        incident,
    )
    record = request["record"]
    assert {b["id"] for b in record["boundaries"]} == {
        "data_subjects_cap", "data_volume_gb", "processing_environment", "third_party_access",
    }  # fmt: skip
    assert [(g["id"], g["acknowledgedAt"] is not None) for g in record["guidance"]] == [
        (guidance[0]["id"], True),
        (guidance[1]["id"], False),
    ]
    assert [(r["id"], r["onTime"]) for r in record["reports"]] == [(incident, True)]
    assert {
        "kind": "guidance_unacknowledged",
        "guidanceId": guidance[1]["id"],
        "text": "请限制第三方接口调用频率",
    } in (record["deviations"])
    documented(
        flow.client,
        "/api/v1/exemptions/{request_id}",
        "get",
        200,
        flow.call("regulator", "GET", path).get_json(),
    )

    early = flow.call(
        "regulator", "POST", f"{path}/decision-proposals", json={"decision": "granted", "reasons": "善意"}
    )
    assert early.status_code == 422 and [e["field"] for e in early.get_json()["errors"]] == [
        "legal_opinion_on_file"
    ]
    opinion = {"opinion": "企业已按方案及监管指导执行，事件系善意试错。", "recommendation": "support"}
    assert flow.call("applicant", "POST", f"{path}/opinion", json=opinion).status_code == 403
    assert (
        flow.call(
            "mediator", "POST", f"{path}/opinion", json={**opinion, "recommendation": "maybe"}
        ).status_code
        == 422
    )
    stale = flow.client.post(
        f"{path}/opinion", json=opinion, headers={**flow.headers["mediator"], "If-Match": '"99"'}
    )
    assert stale.status_code == 409
    opined = flow.call("mediator", "POST", f"{path}/opinion", json=opinion)
    assert opined.status_code == 200 and opined.get_json()["stage"] == "awaiting_decision"
    assert opined.get_json()["opinion_recommendation"] == "support" and opined.get_json()["opinion_at"]
    assert (
        flow.call(
            "mediator", "POST", f"{path}/decision-proposals", json={"decision": "granted", "reasons": "x"}
        ).status_code
        == 403
    )

    listed_reasons = flow.call(
        "regulator", "POST", f"{path}/decision-proposals", json={"decision": "granted", "reasons": ["x"]}
    )
    assert [e["field"] for e in listed_reasons.get_json()["errors"]] == ["reasons"]
    granted = flow.decide_exemption(
        request["id"],
        {"decision": "granted", "reasons": "企业善意履行方案，免予追责。", "scope": "本次越权访问事件"},
    )  # fmt: skip
    assert granted.status_code == 200, granted.get_json()
    decided = granted.get_json()
    cert_id = decided["certificate_id"]
    assert decided["stage"] == "decided" and decided["decision"] == "granted" and cert_id
    assert decided["links"] == {
        "certificate": f"/api/v1/certificates/{cert_id}",
        "certificate_pdf": f"/api/v1/certificates/{cert_id}/pdf",
    }
    assert decided["case"]["state"] == "testing" and flow.case()["state"] == "testing"
    bundle = flow.client.get(decided["links"]["certificate"]).get_json()
    assert "SandboxLiabilityExemption" in bundle["credential"]["type"]
    report = flow.client.post("/api/v1/verify", json={"bundle": bundle}).get_json()
    assert report["verdict"] == "valid", report
    again = flow.call(
        "regulator", "POST", f"{path}/decision-proposals", json={"decision": "denied", "reasons": "x"}
    )
    assert again.status_code == 409

    second = apply(flow, file_incident(flow, "接口超频事件"))
    second_path = f"/api/v1/exemptions/{second['id']}"
    flow.call("mediator", "POST", f"{second_path}/opinion", json={**opinion, "recommendation": "oppose"})
    denied = flow.decide_exemption(second["id"], {"decision": "denied", "reasons": "未及时整改"})
    assert denied.status_code == 200, denied.get_json()
    assert (
        denied.get_json()["decision"],
        denied.get_json()["certificate_id"],
        denied.get_json()["links"],
    ) == (
        "denied",
        None,
        None,
    )
    issued = flow.session.exec(
        select(Certificate).where(
            Certificate.case_id == flow.case_id, Certificate.kind == CertificateKind.EXEMPTION
        )
    ).all()
    assert [row.id for row in issued] == [cert_id]
    decided_list = flow.call("applicant", "GET", "/api/v1/exemptions?pending=false").get_json()
    assert [item["id"] for item in decided_list["items"]] == [second["id"], request["id"]]
    documented(flow.client, "/api/v1/exemptions", "get", 200, decided_list)
    assert flow.call("applicant", "GET", "/api/v1/exemptions?pending=true").get_json()["total"] == 0
    assert flow.call("applicant", "GET", "/api/v1/exemptions?pending=soon").status_code == 422
    outsider = token(flow.client, factories.make_user(flow.session, "legal_partner"))
    assert flow.client.get(path, headers=outsider).status_code == 404
    assert flow.client.get("/api/v1/exemptions", headers=outsider).get_json()["total"] == 0


def test_the_configured_dispute_deadlines_apply(database_url, tmp_path) -> None:
    app = make_test_app(
        database_url, tmp_path / "instance", DISPUTE_DEADLINE_DAYS={"acknowledge": 20, "mediate": 40}
    )
    try:
        with open_session(app) as db:
            flow = CaseFlow(app.test_client(), db)
            flow.to("submitted")
            flow.fire("regulator", "reject", note="材料不全")
            dispute = raise_dispute(flow)
            # 20 working days are at least four weeks; the default (2) is never more than ten days.
            acknowledge_due = date.fromisoformat(dispute["deadlines"]["acknowledge_due"])
            assert (acknowledge_due - beijing_today()).days >= 26
            acknowledged = act(flow, "mediator", dispute["id"], "acknowledge")
            mediation_due = date.fromisoformat(acknowledged["deadlines"]["mediation_due"])
            assert (mediation_due - beijing_today()).days >= 54
    finally:
        app.extensions["sandbox.engine"].dispose()
