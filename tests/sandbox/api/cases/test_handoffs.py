"""Hand-offs between people: the testing lab chosen at acceptance, its verification conclusion, and the
exit decision sent to a second regulator for review (提交复核) — each routed and announced."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from sandbox.demo.driver import PDF
from sandbox.models.accounts import OrganisationKind
from sandbox.services.cases import exit_review
from sandbox.services.cases.calendar import beijing_today
from tests import factories
from tests.case_flow import CaseFlow, token


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def inbox(flow: CaseFlow, who: str, kind: str) -> list[dict]:
    items = flow.call(who, "GET", "/api/v1/notifications").get_json()["items"]
    return [item for item in items if item["kind"] == kind]


def history(flow: CaseFlow) -> list[dict]:
    return flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()["events"]


def conclude(flow: CaseFlow, who: str = "assessor", expect: int = 201, file: bool = True, **form: str):
    data: dict = {"result": "passed", "findings": "", "summary": "", **form}
    if file:
        data["file"] = (io.BytesIO(PDF), "技术验证报告.pdf")
    response = flow.call(
        who, "POST", f"/api/v1/cases/{flow.case_id}/verification-conclusions",
        data=data, content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_accepting_a_filing_needs_the_testing_lab_which_is_told(flow: CaseFlow, session) -> None:
    flow.to("submitted")
    refused = flow.fire("regulator", "accept_filing", expect=422, assessor_org_id=None)
    assert [error["field"] for error in refused["errors"]] == ["testing_lab_id"]
    assert "检测机构" in refused["errors"][0]["message"]
    centre = flow.centre_id  # a mediation centre is no testing lab
    wrong = flow.fire("regulator", "accept_filing", expect=422, assessor_org_id=centre)
    assert [error["field"] for error in wrong["errors"]] == ["assessor_org_id"]
    assert flow.case()["state"] == "submitted" and inbox(flow, "assessor", "event:accept_filing") == []

    accepted = flow.fire("regulator", "accept_filing", assessor_org_id=flow.lab_id)
    assert accepted["case"]["assessor_org_id"] == flow.lab_id
    events = history(flow)
    assert [e["event"] for e in events[-2:]] == ["accept_filing", "assign_testing_lab"]
    assert events[-1]["payload"] == {"field": "assessor_org_id", "from": None, "to": flow.lab_id}
    # The lab sees the case from now on and is told; a lab not chosen sees nothing.
    assert len(inbox(flow, "assessor", "event:accept_filing")) == 1
    assert flow.call("assessor", "GET", f"/api/v1/cases/{flow.case_id}").status_code == 200
    other = token(flow.client, factories.make_user(session, "assessor"))
    assert flow.client.get(f"/api/v1/cases/{flow.case_id}", headers=other).status_code == 404


def test_the_lab_submits_a_structured_conclusion_and_the_officer_is_told(flow: CaseFlow, session) -> None:
    flow.to("risk_assessment")
    flow.assign(case_officer_id=flow.users["regulator"].id)
    assert conclude(flow, expect=409)["code"] == "conflict"  # not yet in technical verification
    flow.step("complete_risk_assessment")

    missing = conclude(flow, expect=422, file=False, result="")
    assert {error["field"] for error in missing["errors"]} == {"result", "file"}
    assert conclude(flow, expect=422, result="failed")["errors"][0]["field"] == "findings"
    conclude(flow, who="regulator", expect=403)
    assert inbox(flow, "regulator", "verification_conclusion") == []

    failed = conclude(flow, result="failed", findings="未启用访问日志\n去标识化不彻底\n")
    assert failed["findings"] == ["未启用访问日志", "去标识化不彻底"] and failed["result"] == "failed"
    told = inbox(flow, "regulator", "verification_conclusion")
    assert len(told) == 1 and "未通过" in told[0]["text"]
    assert inbox(flow, "regulator2", "verification_conclusion") == []  # the officer, not everyone
    assert history(flow)[-1]["event"] == "submit_verification_conclusion"
    assert history(flow)[-1]["payload"]["result"] == "failed"

    # A failed conclusion stops pass_verification, with the reason at its field.
    start = beijing_today()
    end = start + timedelta(days=90)
    dates = {"trial_start": start.isoformat(), "trial_end": end.isoformat()}
    refused = flow.fire("regulator", "pass_verification", "", 422, **dates)
    assert [error["field"] for error in refused["errors"]] == ["verification_result"]

    passed = conclude(flow, result="passed_with_conditions", findings="日志留存需延长至六个月")
    listed = flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}/verification-conclusions")
    assert [row["result"] for row in listed.get_json()] == ["failed", "passed_with_conditions"]
    documents = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/documents").get_json()
    reports = {d["id"] for d in documents if d["kind"] == "technical_verification_report"}
    assert passed["document_id"] in reports
    assert flow.fire("regulator", "pass_verification", "", 200, **dates)["case"]["state"] == "testing"


def test_an_unassigned_lab_cannot_conclude(flow: CaseFlow, session, client) -> None:
    flow.to("technical_verification")
    lab = factories.make_organisation(session, OrganisationKind.TESTING_LAB)
    stranger = factories.make_user(session, "assessor", organisation_id=lab.id)

    response = client.post(
        f"/api/v1/cases/{flow.case_id}/verification-conclusions", headers=token(client, stranger),
        data={"result": "passed", "file": (io.BytesIO(PDF), "r.pdf")}, content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 404


def test_the_officer_sends_the_exit_for_review_and_the_reviewer_is_told(flow: CaseFlow, session) -> None:
    flow.to("technical_verification")
    flow.assign(case_officer_id=flow.users["regulator"].id)
    flow.step("pass_verification")
    flow.step("request_exit")
    url = f"/api/v1/cases/{flow.case_id}/exit-review"

    # Nothing to review before the evaluation passes.
    early = flow.call("regulator", "POST", url, json={})
    assert early.status_code == 422 and early.get_json()["errors"][0]["field"] == "reviewer_id"
    flow.evaluate()
    # The officer may not approve; he may not name himself either.
    assert flow.fire("regulator", "approve_exit", expect=403)["code"] == "two_person_rule"
    himself = flow.call("regulator", "POST", url, json={"reviewer_id": flow.users["regulator"].id})
    assert himself.status_code == 422
    stale = flow.call("regulator", "POST", url, json={"expected_version": flow.case()["version"] - 1})
    assert stale.status_code == 409

    # Without a choice the office's rule picks the one independent regulator there is.
    sent = flow.call("regulator", "POST", url, json={"note": "评估通过，请复核"})
    assert sent.status_code == 200, sent.get_json()
    reviewer = flow.users["regulator2"]
    assert sent.get_json() == {"case_id": flow.case_id, "reviewer_id": reviewer.id,
                               "reviewer_name": reviewer.display_name}  # fmt: skip
    assert history(flow)[-1]["event"] == "submit_exit_review"
    assert history(flow)[-1]["payload"] == {"field": "exit_reviewer_id", "from": None, "to": reviewer.id}
    told = inbox(flow, "regulator2", "exit_review")
    assert len(told) == 1 and "双人复核" in told[0]["text"]
    assert inbox(flow, "regulator", "exit_review") == []

    assert flow.fire("regulator2", "approve_exit")["case"]["state"] == "exited"


def test_the_office_rule_spreads_reviews(flow: CaseFlow, session, client) -> None:
    third = factories.make_user(session, "regulator")
    busy, idle = flow.users["regulator2"], third
    cases = []
    for _ in range(2):
        flow.to("technical_verification")
        flow.assign(case_officer_id=flow.users["regulator"].id)
        flow.step("pass_verification")
        flow.step("request_exit")
        flow.evaluate()
        cases.append(flow.case_id)
    url = "/api/v1/cases/{}/exit-review"
    first = flow.call("regulator", "POST", url.format(cases[0]), json={"reviewer_id": busy.id})
    assert first.status_code == 200
    second = flow.call("regulator", "POST", url.format(cases[1]), json={})
    assert second.get_json()["reviewer_id"] == idle.id  # busy already has one waiting
    assert exit_review.waiting_reviews(session, [busy.id, idle.id]) == {busy.id: 1, idle.id: 1}
