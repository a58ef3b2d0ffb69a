"""Case-page actions that need care: a withdrawal that must be confirmed, a suspension that is resumed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from tests.browser.helpers import (
    assert_history_intact,
    case_url,
    db_case,
    db_events,
    expect_state,
    fire,
    open_action,
    prepared_case,
    press_action,
)  # fmt: skip
from workflows.states import CaseState

pytestmark = pytest.mark.browser


def test_withdrawal_needs_the_confirmation_box(live_app, live_db: Session, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "submitted")
    case_id = flow.case_id
    assert case_id is not None
    before = db_case(live_db, case_id)
    version, event_count = before.version, before.event_count

    applicant = sign_in(flow.users["applicant"])
    applicant.goto(case_url(base, case_id))
    details = open_action(applicant, "withdraw")
    details.locator("textarea[name=note]").fill("公司战略调整，暂不参加测试。")
    expect(details.locator("input[name=confirm]")).not_to_be_checked()
    with applicant.expect_navigation() as refused:
        details.locator("button[type=submit]").click()
    assert refused.value is not None and refused.value.status == 422

    # Refused: the form stays open with the reason, what was typed is kept, nothing changed.
    details = applicant.locator("#action-withdraw")
    expect(details).to_have_attribute("open", "")
    expect(details.locator("[role=alert]")).to_contain_text("请勾选确认框以确认此操作。")
    expect(details.locator(".field.checkbox.has-error")).to_be_visible()
    expect(details.locator("textarea[name=note]")).to_have_value("公司战略调整，暂不参加测试。")
    expect_state(applicant, "submitted")
    after = db_case(live_db, case_id)
    assert (after.state, after.version, after.event_count) == (CaseState.SUBMITTED, version, event_count)

    details.locator("input[name=confirm]").check()
    press_action(applicant, "withdraw")
    expect_state(applicant, "withdrawn")
    expect(applicant.locator("#actions details")).to_have_count(0)  # nothing left to do on a final state
    expect(applicant.locator("#nothing-to-do")).to_be_visible()
    case = db_case(live_db, case_id)
    assert case.state is CaseState.WITHDRAWN
    last = db_events(live_db, case_id)[-1]
    assert (last.event, last.actor_id) == ("withdraw", flow.users["applicant"].id)
    assert last.note == "公司战略调整，暂不参加测试。"
    assert_history_intact(applicant, live_db, case_id)


def test_suspended_case_is_resumed(live_app, live_db: Session, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "testing")
    case_id = flow.case_id
    assert case_id is not None

    regulator = sign_in(flow.users["regulator"])
    regulator.goto(case_url(base, case_id))
    expect(regulator.locator("#action-resume")).to_have_count(0)

    # A suspension without the mitigation order is refused beside the field.
    details = open_action(regulator, "suspend")
    details.locator("textarea[name=note]").fill("发现超范围调用个人信息接口。")
    press_action(regulator, "suspend")
    missing = regulator.locator("#action-suspend .field.has-error textarea[name=mitigation_order]")
    expect(missing).to_be_visible()
    assert db_case(live_db, case_id).state is CaseState.TESTING

    fire(regulator, "suspend", note="发现超范围调用个人信息接口。",
         mitigation_order="立即关闭相关接口，七日内提交整改报告。")  # fmt: skip
    expect_state(regulator, "suspended")
    expect(regulator.locator("#timeline")).to_contain_text("发现超范围调用个人信息接口。")
    case = db_case(live_db, case_id)
    assert case.state is CaseState.SUSPENDED
    suspend = db_events(live_db, case_id)[-1]
    assert suspend.event == "suspend"
    assert "立即关闭相关接口，七日内提交整改报告。" in str(suspend.payload)

    # The applicant sees the suspension; only the office can lift it.
    applicant = sign_in(flow.users["applicant"])
    applicant.goto(case_url(base, case_id))
    expect_state(applicant, "suspended")
    expect(applicant.locator("#action-resume")).to_have_count(0)

    regulator.reload()
    fire(regulator, "resume", note="整改报告已审核，接口已关闭，恢复测试。")
    expect_state(regulator, "testing")
    case = db_case(live_db, case_id)
    assert case.state is CaseState.TESTING
    events = db_events(live_db, case_id)
    assert [e.event for e in events[-2:]] == ["suspend", "resume"]
    assert (events[-1].from_state, events[-1].to_state) == (CaseState.SUSPENDED, CaseState.TESTING)
    assert events[-1].note == "整改报告已审核，接口已关闭，恢复测试。"
    assert_history_intact(regulator, live_db, case_id)
    applicant.reload()
    expect_state(applicant, "testing")
