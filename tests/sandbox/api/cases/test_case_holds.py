"""Hold states through the API: amendment, dispute, liability exemption, suspension; final states."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests import factories
from tests.case_flow import CaseFlow, token


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def test_amendment_returns_to_the_remembered_stage_and_freezes_a_version(flow: CaseFlow) -> None:
    flow.to("risk_assessment")
    body = flow.fire("regulator", "request_amendment", note="请补充数据来源说明")
    assert body["case"]["state"] == "amendment_requested"
    assert body["case"]["hold_return_state"] == "risk_assessment"
    patched = flow.call(
        "applicant",
        "PATCH",
        f"/api/v1/cases/{flow.case_id}",
        json={
            "plan": {
                "exit_plan": "测试结束后十五日内删除测试数据。",
                "boundaries": {
                    "data_subjects_cap": 30000,
                    "data_volume_gb": 200,
                    "processing_environment": "privacy_computing",
                    "third_party_access": False,
                },
            }
        },
    )
    assert patched.status_code == 200, patched.get_json()
    body = flow.fire("applicant", "resubmit")
    assert body["case"]["state"] == "risk_assessment"
    assert body["case"]["hold_return_state"] is None
    assert body["event"]["payload"] == {"planVersion": 2}
    versions = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/plan-versions").get_json()
    assert [v["number"] for v in versions["versions"]] == [1, 2]
    assert versions["changes_since_previous"][0] == []
    changes = {c["field"]: (c["before"], c["after"]) for c in versions["changes_since_previous"][1]}
    assert changes == {
        "plan.exit_plan": (
            "测试结束后三十日内删除测试数据并出具删除证明。",
            "测试结束后十五日内删除测试数据。",
        ),
        "plan.boundaries.data_subjects_cap": (50000, 30000),
    }


def test_overturned_rejection_reopens_the_stage_of_the_decision(flow: CaseFlow) -> None:
    flow.to("risk_assessment")
    flow.fire("regulator", "reject", note="风险不可控")
    assert flow.call("mediator", "GET", f"/api/v1/cases/{flow.case_id}").status_code == 404
    body = flow.fire(
        "applicant", "raise_dispute", legal_partner_org_id=flow.centre_id, claim="驳回理由不成立"
    )
    assert body["case"]["state"] == "dispute" and body["case"]["legal_org_id"] == flow.centre_id
    assert flow.call("mediator", "GET", f"/api/v1/cases/{flow.case_id}").status_code == 200
    listed = flow.call("mediator", "GET", "/api/v1/cases").get_json()["items"]
    assert [case["id"] for case in listed] == [flow.case_id]
    flow.fire("mediator", "resolve_dispute", expect=422)  # outcome missing
    outsider = token(flow.client, factories.make_user(flow.session, "legal_partner"))
    response = flow.client.post(
        f"/api/v1/cases/{flow.case_id}/events",
        headers=outsider,
        json={"event": "resolve_dispute", "data": {"outcome": "overturned"}},
    )
    assert response.status_code == 404
    body = flow.fire("mediator", "resolve_dispute", note="调解成功", outcome="overturned")
    assert body["case"]["state"] == "risk_assessment"


def test_upheld_rejection_returns_to_rejected(flow: CaseFlow) -> None:
    flow.to("submitted")
    flow.fire("regulator", "reject", note="材料不全")
    flow.fire("applicant", "raise_dispute", expect=422)
    flow.fire("applicant", "raise_dispute", expect=422, legal_partner_org_id=flow.lab_id, claim="不服")
    flow.fire("applicant", "raise_dispute", legal_partner_org_id=flow.centre_id, claim="不服")
    assert flow.fire("regulator", "resolve_dispute", outcome="upheld")["case"]["state"] == "rejected"
    flow.fire("applicant", "withdraw", expect=409)


def test_exemption_needs_the_legal_opinion_and_returns_to_testing(flow: CaseFlow) -> None:
    flow.to("testing")
    incident = {
        "title": "数据泄露事件",
        "body": "测试期间发生一次越权访问。",
        "occurred_on": date.today().isoformat(),
    }
    report_id = flow.file_report("applicant", kind="incident", **incident)
    periodic = flow.call(
        "applicant",
        "POST",
        f"/api/v1/cases/{flow.case_id}/reports",
        json={"kind": "periodic", "title": "月度报告", "body": "运行正常。"},
    ).get_json()
    exemption: dict[str, Any] = {
        "good_faith_explanation": "严格按照方案执行并及时报告",
        "legal_partner_org_id": flow.centre_id,
    }
    body = flow.fire("applicant", "apply_exemption", expect=422, incident_id=periodic["id"], **exemption)
    assert body["errors"][0]["field"] == "incident_id"
    body = flow.fire("applicant", "apply_exemption", incident_id=report_id, **exemption)
    assert body["case"]["state"] == "liability_exemption"
    assert body["case"]["hold_return_state"] == "testing"
    request_id = body["event"]["payload"]["exemptionRequestId"]
    body = flow.fire("regulator", "decide_exemption", expect=422, decision="granted")
    assert [e["field"] for e in body["errors"]] == ["legal_opinion_on_file", "proposer_id"]
    flow.upload("mediator", "legal_opinion", "法律意见书.pdf")
    flow.fire("mediator", "decide_exemption", expect=403, decision="granted")
    proposal = {"decision": "granted", "reasons": "免予追责"}  # two regulators: one proposes, one decides
    path = f"/api/v1/exemptions/{request_id}/decision-proposals"
    assert flow.call("regulator", "POST", path, json=proposal).status_code == 201
    body = flow.fire("regulator2", "decide_exemption", decision="granted", note="免予追责")
    assert body["case"]["state"] == "testing" and body["case"]["hold_return_state"] is None


def test_suspend_resume_extend_and_terminate(flow: CaseFlow) -> None:
    case = flow.to("testing")
    flow.fire("regulator", "suspend", expect=422, note="发现异常访问")
    assert (
        flow.fire("regulator", "suspend", note="发现异常访问", mitigation_order="立即停止对外接口")["case"][
            "state"
        ]
        == "suspended"
    )
    flow.fire("regulator", "extend_trial", expect=409, note="x", new_end="2030-01-01")
    assert flow.fire("regulator", "resume", note="整改完成")["case"]["state"] == "testing"
    new_end = (date.fromisoformat(case["trial_end"]) + timedelta(days=30)).isoformat()
    flow.fire("regulator", "extend_trial", expect=422, note="延期", new_end=case["trial_end"])
    body = flow.fire("regulator", "extend_trial", note="需要更多样本", new_end=new_end)
    assert body["case"]["state"] == "testing" and body["case"]["trial_end"] == new_end
    assert body["event"]["payload"] == {"previousEnd": case["trial_end"], "trialEnd": new_end}
    assert body["case"]["version"] == flow.case()["version"]


@pytest.mark.parametrize("hold", ["amendment_requested", "dispute", "suspended", "liability_exemption"])
def test_withdraw_from_a_hold_state(flow: CaseFlow, hold: str) -> None:
    if hold == "amendment_requested":
        flow.to("submitted")
        flow.fire("regulator", "request_amendment", note="补正")
    elif hold == "dispute":
        flow.to("risk_assessment")
        flow.fire("applicant", "raise_dispute", legal_partner_org_id=flow.centre_id, claim="评估程序不当")
    elif hold == "suspended":
        flow.to("testing")
        flow.fire("regulator", "suspend", note="暂停", mitigation_order="停止服务")
    else:
        flow.to("testing")
        report = flow.call(
            "applicant",
            "POST",
            f"/api/v1/cases/{flow.case_id}/reports",
            json={"kind": "incident", "title": "事件报告", "body": "说明", "occurred_on": "2026-03-02"},
        ).get_json()
        flow.fire(
            "applicant",
            "apply_exemption",
            incident_id=report["id"],
            good_faith_explanation="善意",
            legal_partner_org_id=flow.centre_id,
        )
    assert flow.case()["state"] == hold
    body = flow.fire("applicant", "withdraw", note="企业决定撤回")
    assert body["case"]["state"] == "withdrawn" and body["case"]["hold_return_state"] is None


@pytest.mark.parametrize("final", ["withdrawn", "exited", "rejected"])
def test_final_states_refuse_everything_else(flow: CaseFlow, final: str) -> None:
    if final == "exited":
        flow.to("exited")
    else:
        flow.to("submitted")
        flow.fire(
            *(("applicant", "withdraw") if final == "withdrawn" else ("regulator", "reject")), note="结束"
        )
    before = flow.case()
    for who, event in [
        ("applicant", "withdraw"),
        ("applicant", "submit"),
        ("applicant", "resubmit"),
        ("regulator", "accept_filing"),
        ("regulator", "resume"),
        ("regulator", "terminate"),
        ("mediator" if final != "exited" else "regulator", "resolve_dispute"),
    ]:
        response = flow.call(
            who,
            "POST",
            f"/api/v1/cases/{flow.case_id}/events",
            json={"event": event, "note": "n", "data": {"outcome": "upheld"}},
        )
        assert response.status_code in (409, 404), (event, response.status_code)
        if who != "mediator":
            assert response.status_code == 409, event
    if final != "rejected":
        flow.fire("applicant", "raise_dispute", expect=409, legal_partner_org_id=flow.centre_id, claim="申诉")
    after = flow.case()
    assert (after["state"], after["version"], after["event_count"]) == (
        final,
        before["version"],
        before["event_count"],
    )
