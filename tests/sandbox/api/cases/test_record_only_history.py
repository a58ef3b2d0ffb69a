"""Record-only events (assignments, two-person steps) share the hash chain with fired events: they are
shown, verified and exported, never fireable, and nothing that reads a history mistakes them for a move."""

from __future__ import annotations

from datetime import datetime

import pytest

from sandbox.services.cases.calendar import BEIJING
from sandbox.services.statistics.stage_durations import visits_from_events
from sandbox.views.cases.diagram import path_from_history
from tests.case_flow import CaseFlow
from workflows.calendar import WorkingCalendar
from workflows.states import CaseState

S = CaseState


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 10, 0, tzinfo=BEIJING)


def test_an_assignment_while_the_clock_is_paused_does_not_end_the_stage_visit() -> None:
    """March 2026 has no holidays: 2 working days before the amendment, 2 after it, one visit of 4."""
    rows = [
        (1, "general_data", S.DRAFT, S.SUBMITTED, _at(2)),
        (1, "general_data", S.SUBMITTED, S.AMENDMENT_REQUESTED, _at(4)),
        (1, "general_data", S.AMENDMENT_REQUESTED, S.AMENDMENT_REQUESTED, _at(5)),  # assign_case_officer
        (1, "general_data", S.AMENDMENT_REQUESTED, S.SUBMITTED, _at(9)),
        (1, "general_data", S.SUBMITTED, S.SUBMITTED, _at(10)),  # assign_testing_lab
        (1, "general_data", S.SUBMITTED, S.RISK_ASSESSMENT, _at(11)),
    ]
    stages = {S.SUBMITTED, S.RISK_ASSESSMENT}
    visits = visits_from_events(rows, calendar=WorkingCalendar({}), stages=stages)
    assert [(visit.stage, visit.working_days, visit.ended_on.day) for visit in visits] == [
        (S.SUBMITTED, 4, 11)
    ]


def test_the_diagram_path_ignores_record_only_rows() -> None:
    class Row:
        def __init__(self, source: S, target: S) -> None:
            self.from_state, self.to_state = source, target

    rows = [Row(S.DRAFT, S.SUBMITTED), Row(S.SUBMITTED, S.SUBMITTED), Row(S.SUBMITTED, S.RISK_ASSESSMENT)]
    assert path_from_history(rows) == [S.DRAFT, S.SUBMITTED, S.RISK_ASSESSMENT]


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def test_record_only_events_cannot_be_fired(flow: CaseFlow) -> None:
    flow.to("submitted")
    for name in ("assign_case_officer", "propose_certificate_status", "decline_exemption_decision"):
        refused = flow.fire("regulator", name, expect=422)
        assert refused["errors"][0]["field"] == "event"
    assert flow.case()["event_count"] == 1


def test_assignments_are_in_the_chain_the_api_and_audit_verify(flow: CaseFlow, app) -> None:
    flow.to("risk_assessment")  # the builder assigns no one
    officer, second = flow.users["regulator"], flow.users["regulator2"]
    patched = flow.call(
        "regulator", "PATCH", f"/api/v1/cases/{flow.case_id}",
        json={"case_officer_id": officer.id, "assessor_org_id": flow.lab_id},
    )  # fmt: skip
    assert patched.status_code == 200
    path = f"/api/v1/cases/{flow.case_id}"
    flow.call("regulator2", "PATCH", path, json={"case_officer_id": second.id})
    same = flow.call("regulator2", "PATCH", path, json={"case_officer_id": second.id})
    assert same.status_code == 200  # no change, no history row
    body = flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()
    assert body["intact"] is True
    recorded = [
        (e["event"], e["label_en"], e["actor_id"], e["payload"]) for e in body["events"] if e["record_only"]
    ]
    assert recorded == [
        ("assign_testing_lab", "Testing laboratory assigned", officer.id,
         {"field": "assessor_org_id", "from": None, "to": flow.lab_id}),
        ("assign_case_officer", "Case officer assigned", officer.id,
         {"field": "case_officer_id", "from": None, "to": officer.id}),
        ("assign_case_officer", "Case officer assigned", second.id,
         {"field": "case_officer_id", "from": officer.id, "to": second.id}),
    ]  # fmt: skip
    assert {(e["from_state"], e["to_state"]) for e in body["events"] if e["record_only"]} == {
        ("risk_assessment", "risk_assessment")
    }
    fired = [e for e in body["events"] if not e["record_only"]]
    assert [e["label_zh"] for e in fired] == ["提交备案", "予以备案"]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
