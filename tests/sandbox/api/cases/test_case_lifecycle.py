"""A whole sandbox project through the API, draft → exited, and its history."""

from __future__ import annotations

import re

import pytest

from sandbox.demo.driver import ROUTES
from tests.case_flow import CaseFlow
from workflows.states import CaseState


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def test_full_lifecycle_through_the_api(app, flow: CaseFlow) -> None:
    case = flow.to("exited")
    assert case["state"] == "exited"
    assert re.fullmatch(r"YZSB-\d{4}-0001", case["filing_number"])
    assert case["risk_level"] == "low"
    assert case["version"] >= 7
    history = flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()
    assert history["intact"] is True
    assert [event["event"] for event in history["events"] if not event["record_only"]] == [
        "submit",
        "accept_filing",
        "complete_risk_assessment",
        "pass_verification",
        "request_exit",
        "approve_exit",
    ]
    # The testing lab was chosen when the filing was accepted: recorded in the same chain.
    assert [event["event"] for event in history["events"] if event["record_only"]] == [
        "assign_testing_lab",
        "submit_verification_conclusion",
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
    body = flow.fire("regulator", "approve_exit", expect=403)  # not "fix your data": not you
    assert body["code"] == "two_person_rule" and "评估人" in body["detail"]
    flow.fire("regulator2", "approve_exit")
    assert flow.case()["state"] == "exited"


@pytest.mark.parametrize("state", list(ROUTES))
def test_the_case_driver_reaches_every_state_through_the_api(flow: CaseFlow, state: CaseState) -> None:
    assert set(ROUTES) == set(CaseState)
    flow.to(state)
    assert flow.case("applicant")["state"] == state  # a draft is the applicant's alone
