"""A whole sandbox project through the API, draft → exited, and its history."""

from __future__ import annotations

import re

import pytest

from tests.case_flow import CaseFlow


@pytest.fixture
def flow(client, session) -> CaseFlow:  # type: ignore[no-untyped-def]
    return CaseFlow(client, session)


def test_full_lifecycle_through_the_api(app, flow: CaseFlow) -> None:
    case = flow.to("exited")
    assert case["state"] == "exited"
    assert re.fullmatch(r"YZSB-\d{4}-0001", case["filing_number"])
    assert case["risk_level"] == "low"
    assert case["version"] >= 7
    history = flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()
    assert history["intact"] is True
    assert [event["event"] for event in history["events"]] == [
        "submit",
        "accept_filing",
        "complete_risk_assessment",
        "pass_verification",
        "request_exit",
        "approve_exit",
    ]
    assert history["events"][0]["prev_hash"] == "0" * 64
    assert all(
        b["prev_hash"] == a["hash"] for a, b in zip(history["events"], history["events"][1:], strict=False)
    )
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


def test_evaluator_cannot_approve_their_own_evaluation(flow: CaseFlow) -> None:
    flow.to("exit_evaluation")
    flow.evaluate(who="regulator")
    body = flow.fire("regulator", "approve_exit", expect=422)
    assert any(error["field"] == "approver_id" for error in body["errors"])
    flow.fire("regulator2", "approve_exit")
    assert flow.case()["state"] == "exited"
