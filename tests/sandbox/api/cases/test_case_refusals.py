"""Refusals through the case API: 403 role, 404 not visible, 409 state or version, 422 guard."""

from __future__ import annotations

import pytest
from sqlmodel import select

from sandbox.models.cases import CaseEvent
from tests import factories
from tests.case_flow import CaseFlow, token

PROBLEM = "application/problem+json"


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def event_rows(session, case_id: int) -> int:
    session.expire_all()
    return len(session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id)).all())


def post_event(flow: CaseFlow, who: str, event: str, case_id: int | None = None, **extra):
    body = {"event": event, "note": extra.pop("note", ""), "data": extra.pop("data", {}), **extra}
    return flow.call(who, "POST", f"/api/v1/cases/{case_id or flow.case_id}/events", json=body)


def test_wrong_role_gets_403_problem_json(flow: CaseFlow) -> None:
    flow.to("submitted")
    response = post_event(flow, "applicant", "accept_filing")
    assert response.status_code == 403
    assert response.mimetype == PROBLEM
    assert response.get_json()["code"] == "permission_denied"
    assert post_event(flow, "assessor", "reject", note="x").status_code in (403, 404)
    assert flow.case()["state"] == "submitted"


def test_other_enterprise_case_is_indistinguishable_from_a_missing_one(
    flow: CaseFlow, client, session
) -> None:
    flow.to("submitted")
    stranger = token(client, factories.make_user(session, "applicant"))
    paths = [f"/api/v1/cases/{flow.case_id}", "/api/v1/cases/999999"]
    bodies = []
    for path in paths:
        response = client.get(path, headers=stranger)
        assert response.status_code == 404 and response.mimetype == PROBLEM
        bodies.append(response.get_json())
    assert bodies[0] == bodies[1]
    fired = client.post(f"/api/v1/cases/{flow.case_id}/events", headers=stranger, json={"event": "withdraw"})
    missing = client.post("/api/v1/cases/999999/events", headers=stranger, json={"event": "withdraw"})
    assert fired.status_code == missing.status_code == 404
    assert fired.get_json() == missing.get_json()
    for suffix in ("events", "available-events", "documents", "plan-versions"):
        assert client.get(f"/api/v1/cases/{flow.case_id}/{suffix}", headers=stranger).status_code == 404
    assert flow.case()["state"] == "submitted"


def test_event_not_allowed_in_state_is_409(flow: CaseFlow) -> None:
    flow.to("submitted")
    response = post_event(flow, "regulator", "pass_verification")
    assert response.status_code == 409 and response.mimetype == PROBLEM
    assert response.get_json()["code"] == "conflict"
    assert post_event(flow, "applicant", "submit").status_code == 409


def test_unknown_event_is_422(flow: CaseFlow) -> None:
    flow.to("submitted")
    response = post_event(flow, "regulator", "teleport")
    assert response.status_code == 422
    assert any(error["field"] == "event" for error in response.get_json()["errors"])


def test_incomplete_plan_names_the_missing_fields(flow: CaseFlow) -> None:
    flow.create(plan={"objectives": "", "boundaries": {}})
    flow.call("applicant", "PATCH", f"/api/v1/cases/{flow.case_id}", json={"accept_commitment": False})
    response = post_event(flow, "applicant", "submit")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert "plan.objectives" in fields
    assert any(field.startswith("plan.boundaries.") for field in fields), fields
    assert "plan.commitment_accepted_by" in fields
    assert all(error["message"] for error in response.get_json()["errors"])
    assert flow.case("applicant")["state"] == "draft"
    assert event_rows(flow.session, flow.case_id) == 0


def test_commitment_not_accepted_alone_is_named(flow: CaseFlow) -> None:
    flow.create()
    flow.call("applicant", "PATCH", f"/api/v1/cases/{flow.case_id}", json={"accept_commitment": False})
    response = post_event(flow, "applicant", "submit")
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == ["plan.commitment_accepted_by"]


def test_guard_with_missing_note_is_422(flow: CaseFlow) -> None:
    flow.to("submitted")
    response = post_event(flow, "regulator", "reject")
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == ["note"]


def test_stale_expected_version_changes_nothing(flow: CaseFlow) -> None:
    case = flow.to("submitted")
    rows = event_rows(flow.session, flow.case_id)
    lab = {"assessor_org_id": flow.lab_id}
    response = post_event(flow, "regulator", "accept_filing", data=lab, expected_version=case["version"] - 1)
    assert response.status_code == 409 and response.mimetype == PROBLEM
    after = flow.case()
    assert (after["state"], after["version"], after["filing_number"]) == ("submitted", case["version"], None)
    assert event_rows(flow.session, flow.case_id) == rows
    accepted = post_event(flow, "regulator", "accept_filing", data=lab, expected_version=case["version"])
    assert accepted.status_code == 200


def test_stale_if_match_changes_nothing(flow: CaseFlow) -> None:
    flow.to("submitted")
    current = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}")
    etag = current.headers["ETag"]
    version = current.get_json()["version"]
    assert etag == f'"{version}"'
    rows = event_rows(flow.session, flow.case_id)
    stale = flow.client.post(
        f"/api/v1/cases/{flow.case_id}/events",
        headers={**flow.headers["regulator"], "If-Match": f'"{version - 1}"'},
        json={"event": "reject", "note": "材料不全"},
    )
    assert stale.status_code == 409
    assert flow.case()["state"] == "submitted" and flow.case()["version"] == version
    assert event_rows(flow.session, flow.case_id) == rows
    fresh = flow.client.post(
        f"/api/v1/cases/{flow.case_id}/events",
        headers={**flow.headers["regulator"], "If-Match": etag},
        json={"event": "reject", "note": "材料不全"},
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] == f'"{version + 1}"'


def test_stale_version_on_patch_is_409(flow: CaseFlow) -> None:
    case = flow.create()
    response = flow.call(
        "applicant",
        "PATCH",
        f"/api/v1/cases/{flow.case_id}",
        json={"title": "新标题内容", "expected_version": case["version"] - 1},
    )
    assert response.status_code == 409
    assert flow.case("applicant")["title"] != "新标题内容"


@pytest.mark.parametrize("state", ["submitted", "risk_assessment", "testing"])
def test_plan_cannot_be_patched_outside_draft_or_amendment(flow: CaseFlow, state: str) -> None:
    case = flow.to(state)
    response = flow.call(
        "applicant", "PATCH", f"/api/v1/cases/{flow.case_id}", json={"plan": {"objectives": "偷偷修改目标"}}
    )
    assert response.status_code == 409 and response.mimetype == PROBLEM
    after = flow.case()
    assert after["plan"]["objectives"] == case["plan"]["objectives"]
    assert after["version"] == case["version"]


def test_regulator_cannot_edit_the_plan(flow: CaseFlow) -> None:
    flow.to("submitted")
    response = flow.call("regulator", "PATCH", f"/api/v1/cases/{flow.case_id}", json={"title": "监管改标题"})
    assert response.status_code == 403


def test_regulators_do_not_see_drafts(flow: CaseFlow) -> None:
    flow.create()
    assert flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}").status_code == 404
    assert flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}").status_code == 200
    flow.fire("applicant", "submit")
    assert flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}").status_code == 200


def test_available_events_follow_the_caller(flow: CaseFlow) -> None:
    flow.to("submitted")

    def names(who: str) -> set[str]:
        body = flow.call(who, "GET", f"/api/v1/cases/{flow.case_id}/available-events").get_json()
        return {event["event"] for event in body["events"]}

    assert names("regulator") == {"request_amendment", "accept_filing", "reject"}
    assert names("applicant") == {"withdraw"}
