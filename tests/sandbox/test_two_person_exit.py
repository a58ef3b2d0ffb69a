"""Exit approval cannot be stepped around: whoever ever held the case, scored its exit evaluation or (when
the office says so) accepted its filing is refused, and every reassignment is in the hash-chained history."""

from __future__ import annotations

import pytest

from tests.case_flow import CaseFlow


@pytest.fixture
def flow(client, session) -> CaseFlow:  # type: ignore[no-untyped-def]
    return CaseFlow(client, session)


def _assign(flow: CaseFlow, who: str, **fields: object) -> dict:  # type: ignore[type-arg]
    response = flow.call(who, "PATCH", f"/api/v1/cases/{flow.case_id}", json=fields)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _history(flow: CaseFlow) -> list[dict]:  # type: ignore[type-arg]
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
