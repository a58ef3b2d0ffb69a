"""The two-person rules on the pages: the case page names who was assigned (never raw ids) and lists what
waits for a second regulator, the workspace offers it to the others, and the admin page keeps the office's
policy with who changed it and when."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from sandbox.models.accounts import User
from tests import factories
from tests.case_flow import CaseFlow
from tests.sandbox.certificate_helpers import exit_case


def signed_in(app: Flask, user: User) -> FlaskClient:
    web = app.test_client()
    assert web.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    return web


def test_the_case_page_names_each_assignment_and_the_waiting_proposal(app, client, session) -> None:
    flow, cert = exit_case(client, session)
    officer = flow.users["regulator"]
    web = signed_in(app, flow.users["regulator2"])
    # The assignment form of the case page is closed for a closed case; assign on an open one instead.
    open_case = CaseFlow(client, session)
    open_case.users, open_case.headers, open_case.lab_id = flow.users, flow.headers, flow.lab_id
    open_case.to("risk_assessment")
    assigned = web.post(f"/cases/{open_case.case_id}/assign",
                        data={"case_officer_id": str(officer.id), "assessor_org_id": ""})  # fmt: skip
    assert assigned.status_code == 302
    page = web.get(f"/cases/{open_case.case_id}").get_data(as_text=True)
    assert "指派承办人" in page and f"承办人：— → {officer.display_name}" in page
    assert "仅作记录，阶段不变" in page

    proposed = flow.call("regulator", "POST", f"/api/v1/certificates/{cert.id}/status-proposals",
                         json={"action": "suspend", "reason": "待核查"})  # fmt: skip
    assert proposed.status_code == 201
    page = web.get(f"/cases/{flow.case_id}").get_data(as_text=True)
    assert 'id="case-proposals"' in page and "暂停证书" in page and officer.display_name in page
    assert "提议变更证书状态" in page  # the proposal is in the timeline too
    workspace = web.get("/dashboard").get_data(as_text=True)
    assert "复核提议：暂停证书" in workspace and f"/certificates/{cert.id}" in workspace
    own = signed_in(app, officer).get("/dashboard").get_data(as_text=True)
    assert "复核提议" not in own  # not offered to the proposer
    assert 'id="case-proposals"' not in signed_in(app, flow.users["applicant"]).get(
        f"/cases/{flow.case_id}"
    ).get_data(as_text=True)


def test_declining_asks_for_a_reason_on_the_page(app, client, session) -> None:
    flow, cert = exit_case(client, session)
    proposal = flow.call("regulator", "POST", f"/api/v1/certificates/{cert.id}/status-proposals",
                         json={"action": "revoke", "reason": "材料造假"}).get_json()  # fmt: skip
    web = signed_in(app, flow.users["regulator2"])
    refused = web.post(f"/proposals/{proposal['id']}/decline", data={"confirm": "yes", "note": ""})
    assert refused.status_code == 422 and "请说明理由" in refused.get_data(as_text=True)
    done = web.post(f"/proposals/{proposal['id']}/decline", data={"confirm": "yes", "note": "证据不足"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/certificates/{cert.id}")
    page = web.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "未获同意" in page and "证据不足" in page and 'id="propose-status"' in page
    gone = web.post(f"/proposals/{proposal['id']}/confirm", data={"confirm": "yes"})
    assert gone.status_code == 409


def test_the_admin_keeps_the_policy_with_who_and_when(app, client, session, login_as) -> None:
    admin = login_as("admin")
    page = client.get("/admin/two-person-policy").get_data(as_text=True)
    assert "默认规则" in page and 'name="bar_filing_acceptor" value="yes" >' in page.replace("  ", " ")
    form = {
        "bar_former_officers": "yes",
        "bar_evaluators": "yes",
        "bar_filing_acceptor": "yes",
        "note": "会议决定",
    }
    unconfirmed = client.post("/admin/two-person-policy", data=form)
    assert unconfirmed.status_code == 422
    saved = client.post("/admin/two-person-policy", data={**form, "confirm": "yes"})
    assert saved.status_code == 302
    page = client.get("/admin/two-person-policy").get_data(as_text=True)
    assert "第1版" in page
    assert admin.display_name in page and "会议决定" in page

    token = client.post("/api/v1/tokens", json={"email": admin.email, "password": factories.PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    current = client.get("/api/v1/two-person-policy", headers=headers).get_json()
    assert (current["version"], current["bar_filing_acceptor"], current["created_by"]["id"]) == (
        1,
        True,
        admin.id,
    )
    flags = {"bar_former_officers": True, "bar_evaluators": True, "bar_filing_acceptor": False}
    wrong = client.put(
        "/api/v1/two-person-policy", headers=headers, json={**flags, "bar_former_officers": "yes"}
    )
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "bar_former_officers"
    relaxed = client.put("/api/v1/two-person-policy", headers=headers, json={**flags, "note": "恢复默认"})
    assert relaxed.status_code == 200 and relaxed.get_json()["version"] == 2
    versions = client.get("/api/v1/two-person-policy/versions", headers=headers).get_json()
    assert [(v["version"], v["note"], v["created_by"]["id"]) for v in versions] == [
        (2, "恢复默认", admin.id), (1, "会议决定", admin.id)
    ]  # fmt: skip


def test_a_barred_approver_sees_why_on_the_case_page(app, client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("exit_evaluation")
    officer = flow.users["regulator"]
    web = signed_in(app, officer)
    web.post(f"/cases/{flow.case_id}/assign", data={"case_officer_id": str(officer.id)})
    web.post(f"/cases/{flow.case_id}/assign", data={"case_officer_id": ""})  # and off again
    flow.evaluate()
    refused = web.post(f"/cases/{flow.case_id}/events/approve_exit", data={"confirm": "yes"})
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "曾担任本项目承办人的监管人员不得审批出盒" in page and 'role="alert"' in page
    # The page no longer offers the approval it refused, but 提交复核 to an independent regulator.
    assert 'id="action-approve_exit"' not in page and 'id="exit-review"' in page
    assert f"承办人：{officer.display_name} → —" in page
    assert flow.case()["state"] == "exit_evaluation"
