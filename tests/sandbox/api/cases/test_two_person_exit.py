"""Exit approval cannot be stepped around: whoever ever held the case, scored its exit evaluation or (when
the office says so) accepted its filing is refused, and every reassignment is in the hash-chained history."""

from __future__ import annotations

import pytest

from tests.case_flow import CaseFlow


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def _assign(flow: CaseFlow, who: str, **fields: object) -> dict:
    response = flow.call(who, "PATCH", f"/api/v1/cases/{flow.case_id}", json=fields)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _history(flow: CaseFlow) -> list[dict]:
    body = flow.call("regulator2", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()
    assert body["intact"] is True
    return body["events"]


def test_an_officer_who_unassigns_themselves_still_cannot_approve(flow: CaseFlow) -> None:
    """The observed attack: refused as case officer, PATCH case_officer_id to null, approve alone."""
    flow.to("exit_evaluation")
    officer = flow.users["regulator"]
    _assign(flow, "regulator", case_officer_id=officer.id)
    flow.evaluate()
    refused = flow.fire("regulator", "approve_exit", expect=403)
    assert refused["code"] == "two_person_rule"
    assert _assign(flow, "regulator", case_officer_id=None)["case_officer_id"] is None
    again = flow.fire("regulator", "approve_exit", expect=403)
    assert "承办" in again["detail"]
    assert flow.case()["state"] == "exit_evaluation"
    assert flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/certificate").status_code == 404

    assignments = [
        (event["actor_id"], event["payload"])
        for event in _history(flow)
        if event["event"] == "assign_case_officer"
    ]
    assert assignments == [
        (officer.id, {"field": "case_officer_id", "from": None, "to": officer.id}),
        (officer.id, {"field": "case_officer_id", "from": officer.id, "to": None}),
    ]
    flow.fire("regulator2", "approve_exit")
    assert flow.case()["state"] == "exited"


def test_whoever_scored_an_earlier_evaluation_cannot_approve(flow: CaseFlow) -> None:
    flow.to("exit_evaluation")
    flow.evaluate(who="regulator2", score=2)  # a failing evaluation by a regulator
    flow.evaluate(who="assessor")  # then the lab's passing one, which the approval rests on
    refused = flow.fire("regulator2", "approve_exit", expect=403)
    assert "评分" in refused["detail"]
    english = flow.client.post(
        f"/api/v1/cases/{flow.case_id}/events", json={"event": "approve_exit"},
        headers={**flow.headers["regulator2"], "Accept-Language": "en"},
    )  # fmt: skip
    assert english.status_code == 403 and "scored this case's exit evaluation" in english.get_json()["detail"]
    flow.fire("regulator", "approve_exit")


def test_the_office_can_bar_the_regulator_who_accepted_the_filing(flow: CaseFlow, session) -> None:
    from tests import factories

    admin = factories.make_user(session, "admin")
    token = flow.client.post("/api/v1/tokens", json={"email": admin.email, "password": factories.PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    flow.to("exit_evaluation")  # "regulator" accepted the filing
    flow.evaluate()
    policy = {"bar_former_officers": True, "bar_evaluators": True, "bar_filing_acceptor": True}
    saved = flow.client.put("/api/v1/two-person-policy", json={**policy, "note": "从严"}, headers=headers)
    assert saved.status_code == 200
    refused = flow.fire("regulator", "approve_exit", expect=403)
    assert "予以备案" in refused["detail"]
    relaxed = flow.client.put("/api/v1/two-person-policy", json={**policy, "bar_filing_acceptor": False},
                              headers=headers)  # fmt: skip
    assert relaxed.status_code == 200
    flow.fire("regulator", "approve_exit")
    assert flow.case()["state"] == "exited"
