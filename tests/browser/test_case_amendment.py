"""Amendment round trip: the office asks for a change to the objectives during the risk assessment; the
applicant sees the note and the marked field, changes it and resubmits; the case returns to that stage."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from sandbox.models.cases import PlanVersion
from tests.browser.helpers import (
    assert_history_intact,
    case_url,
    db_case,
    db_events,
    expect_state,
    fire,
    open_action,
    prepared_case,
    shot,
    submit_form,
)  # fmt: skip
from tests.case_flow import GENERAL_PLAN
from workflows.states import CaseState

pytestmark = pytest.mark.browser
NOTE = "测试目标过于笼统，请量化预期效果并说明评价指标。"
NEW_OBJECTIVES = "在三个月内为不少于200家园区企业提供信用评估，模型准确率不低于90%。"


def test_amendment_round_trip(live_app, live_db: Session, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "risk_assessment")
    case_id = flow.case_id
    assert case_id is not None

    regulator = sign_in(flow.users["regulator"])
    regulator.goto(case_url(base, case_id))
    details = open_action(regulator, "request_amendment")
    details.locator("textarea[name=note]").fill(NOTE)
    details.locator("input[name=fields][value=objectives]").check()
    fire(regulator, "request_amendment")
    expect_state(regulator, "amendment_requested")
    case = db_case(live_db, case_id)
    assert case.state is CaseState.AMENDMENT_REQUESTED
    assert case.hold_return_state is CaseState.RISK_ASSESSMENT
    last = db_events(live_db, case_id)[-1]
    assert (last.event, last.note, last.payload.get("fields")) == ("request_amendment", NOTE, ["objectives"])

    # The applicant finds the note and the marked field on the edit form.
    applicant = sign_in(flow.users["applicant"])
    applicant.goto(case_url(base, case_id))
    expect_state(applicant, "amendment_requested")
    applicant.goto(case_url(base, case_id, "/edit?step=plan"))
    expect(applicant.locator(".amend-note")).to_contain_text(NOTE)
    marked = applicant.locator(".field.amend-field")
    expect(marked).to_have_count(1)
    expect(marked.locator("textarea#objectives")).to_have_value(GENERAL_PLAN["objectives"])
    expect(marked.locator(".badge.amend")).to_be_visible()
    expect(applicant.locator(".field:has(#risk_controls) .badge.amend")).to_have_count(0)
    shot(applicant, "applicant-amendment-edit")

    applicant.locator("#objectives").fill(NEW_OBJECTIVES)
    submit_form(applicant, applicant.locator("main form.card"))
    expect(applicant.locator("input[name=accept_commitment]")).to_be_visible()
    with applicant.expect_navigation():
        applicant.locator("button[name=action][value=resubmit]").click()
    expect_state(applicant, "risk_assessment")

    case = db_case(live_db, case_id)
    assert case.state is CaseState.RISK_ASSESSMENT and case.hold_return_state is None
    assert case.plan["objectives"] == NEW_OBJECTIVES
    assert [e.event for e in db_events(live_db, case_id)][-2:] == ["request_amendment", "resubmit"]
    assert_history_intact(applicant, live_db, case_id)

    # Plan versions: two, and the second names the changed field with before and after.
    applicant.locator("a[href$='/plan-versions']").click()
    expect(applicant.locator("main section.card")).to_have_count(2)
    diff = applicant.locator("table.diff")
    expect(diff).to_have_count(1)
    expect(diff.locator("td.del")).to_contain_text([GENERAL_PLAN["objectives"]])
    expect(diff.locator("td.ins")).to_contain_text([NEW_OBJECTIVES])
    expect(diff.locator("tbody td").first).not_to_contain_text("objectives")  # a label, not the raw key
    shot(applicant, "applicant-plan-versions")
    versions = live_db.exec(select(PlanVersion).where(PlanVersion.case_id == case_id)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].plan["objectives"] == NEW_OBJECTIVES

    # The regulator is back at the risk assessment and can complete it.
    regulator.reload()
    expect_state(regulator, "risk_assessment")
    expect(regulator.locator("#action-complete_risk_assessment")).to_be_visible()
