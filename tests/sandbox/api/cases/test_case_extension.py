"""The enterprise asks for a longer trial; the office decides with extend_trial."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from sandbox.models.notifications import Notification
from tests.case_flow import CaseFlow


def ask(flow: CaseFlow, requested_end: str | None, **extra: str):
    body = {"kind": "extension_request", "title": "申请延长测试期", "body": "需补充雨雪天气场景。", **extra}
    if requested_end is not None:
        body["requested_end"] = requested_end
    headers = {**flow.headers["applicant"], "Accept-Language": "en"}
    return flow.client.post(f"/api/v1/cases/{flow.case_id}/reports", json=body, headers=headers)  # fmt: skip


def test_extension_request_reaches_the_office_which_extends(client, session) -> None:
    flow = CaseFlow(client, session)
    case = flow.to("testing")
    end = date.fromisoformat(case["trial_end"])
    too_early = ask(flow, end.isoformat())
    assert too_early.status_code == 422
    assert too_early.get_json()["errors"][0]["field"] == "requested_end"
    assert ask(flow, None).get_json()["errors"][0]["field"] == "requested_end"

    wanted = (end + timedelta(days=30)).isoformat()
    response = ask(flow, wanted)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["kind"] == "extension_request"
    notices = session.exec(select(Notification).where(Notification.kind == "extension_request")).all()
    regulators = {flow.users["regulator"].id, flow.users["regulator2"].id}
    assert {notice.user_id for notice in notices} == regulators  # no case officer yet: every regulator
    assert notices[0].params["end"] == wanted

    flow.fire("regulator", "extend_trial", "同意延长。", new_end=wanted)
    assert flow.case()["trial_end"] == wanted and flow.case()["state"] == "testing"


def test_extension_can_only_be_asked_during_the_trial(client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("exit_evaluation")
    response = ask(flow, "2099-01-01")
    assert response.status_code == 422
    assert "only while the trial runs" in response.get_json()["errors"][0]["message"]
