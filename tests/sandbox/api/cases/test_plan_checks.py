"""PATCH /cases/{id} and POST /cases check the plan values they set as the submit would: 422
problem+json naming the field paths; gaps in a draft are no error (the submit names them)."""

from __future__ import annotations

import pytest

from tests.case_flow import CaseFlow
from tests.factories import GENERAL_PLAN

PROBLEM = "application/problem+json"


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def test_patch_refuses_a_boundary_over_the_sector_limit_naming_the_field(flow: CaseFlow) -> None:
    case = flow.create()
    stored: dict[str, object] = dict(GENERAL_PLAN["boundaries"])  # type: ignore[call-overload]
    boundaries = {**stored, "data_subjects_cap": 10**9, "processing_environment": "moon"}
    response = flow.call(
        "applicant", "PATCH", f"/api/v1/cases/{flow.case_id}", json={"plan": {"boundaries": boundaries}}
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert fields == {"plan.boundaries.data_subjects_cap", "plan.boundaries.processing_environment"}
    after = flow.case("applicant")
    assert after["version"] == case["version"] and after["plan"]["boundaries"] == GENERAL_PLAN["boundaries"]


def test_patch_refuses_a_duration_past_the_sector_maximum(flow: CaseFlow) -> None:
    flow.create()
    response = flow.call(
        "applicant", "PATCH", f"/api/v1/cases/{flow.case_id}", json={"plan": {"duration_months": 30}}
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == ["plan.duration_months"]


def test_patch_accepts_a_partial_plan_and_the_submit_names_the_gaps(flow: CaseFlow) -> None:
    flow.create()
    response = flow.call(
        "applicant", "PATCH", f"/api/v1/cases/{flow.case_id}", json={"plan": {"exit_plan": ""}}
    )
    assert response.status_code == 200
    submit = flow.call(
        "applicant", "POST", f"/api/v1/cases/{flow.case_id}/events", json={"event": "submit", "note": ""}
    )
    assert submit.status_code == 422
    assert [error["field"] for error in submit.get_json()["errors"]] == ["plan.exit_plan"]


def test_create_refuses_a_wrong_boundary_value(flow: CaseFlow) -> None:
    body = {
        "title": "越界的草稿",
        "sector": "general_data",
        "plan": {"boundaries": {"third_party_access": "sometimes"}},
    }
    response = flow.call("applicant", "POST", "/api/v1/cases", json=body)
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == [
        "plan.boundaries.third_party_access"
    ]
