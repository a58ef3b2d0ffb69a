"""Each role's walk through the hand-offs, in Chromium: the person who acts next is told, the notification
leads to the page where the work is done, and that page starts with the step to take (no dead end).

The whole filing → exit path through the forms is `test_case_lifecycle.py`; disputes, exemptions and
vouchers in detail are their own files. Here each role follows its notifications.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from sandbox.services.cases.calendar import beijing_today
from tests.browser.helpers import case_url, expect_state, fire, prepared_case, shot, submit_form, write_pdf

pytestmark = pytest.mark.browser


def follow_notification(page: Page, base: str, text: str) -> None:
    """Open the notifications, find the one containing `text` and follow its link."""
    page.goto(f"{base}/notifications")
    item = page.locator("ul.notifications li", has_text=text).first
    expect(item).to_be_visible()
    with page.expect_navigation():
        item.locator("a").first.click()


def first_task(page: Page):
    return page.locator("#actions ol.tasks li").first


def test_regulator_accepts_with_the_lab_which_is_told(live_app, live_db, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "submitted")
    title = flow.created["title"]
    regulator = sign_in(flow.users["regulator"])
    follow_notification(regulator, base, title)  # submitting told the office
    expect(first_task(regulator)).to_contain_text("予以备案")
    accept = regulator.locator("#action-accept_filing")
    expect(accept).to_have_attribute("open", "")  # the step the stage waits for is open
    expect(accept.locator("select[name=assessor_org_id]")).to_be_visible()
    # Without the lab the acceptance is refused at its field, nothing lost.
    accept.locator("textarea[name=note]").fill("材料齐全。")
    with regulator.expect_navigation():
        accept.locator("button[type=submit]").click()
    expect(accept.locator("[role=alert]")).to_contain_text("检测机构")
    expect(accept.locator("textarea[name=note]")).to_have_value("材料齐全。")
    fire(regulator, "accept_filing", assessor_org_id=str(flow.lab_id))
    expect_state(regulator, "risk_assessment")

    assessor = sign_in(flow.users["assessor"])
    follow_notification(assessor, base, title)
    expect(assessor.locator(".page-head")).to_contain_text(title)
    expect(assessor.locator("#nothing-to-do")).to_contain_text("风险评估")  # what it waits for


def test_assessor_concludes_and_scores_and_the_officer_is_told_each_time(
    live_app, live_db, sign_in, tmp_path
) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "technical_verification")
    flow.assign(case_officer_id=flow.users["regulator"].id)
    title = flow.created["title"]

    assessor = sign_in(flow.users["assessor"])
    follow_notification(assessor, base, title)
    expect(first_task(assessor)).to_contain_text("提交技术验证结论")
    form = assessor.locator("#verification form")
    form.locator("input[name=result][value=passed]").check()
    with assessor.expect_navigation():
        form.locator("button[type=submit]").click()  # no report attached: refused at the field
    expect(assessor.locator("#file-error")).to_contain_text("技术验证报告")
    expect(form.locator("input[name=result][value=passed]")).to_be_checked()
    form.locator("#verification-file").set_input_files(str(write_pdf(tmp_path, "报告.pdf")))
    submit_form(assessor, form)

    officer = sign_in(flow.users["regulator"])
    follow_notification(officer, base, "技术验证结论：通过")
    expect(first_task(officer)).to_contain_text("技术验证通过")
    start = beijing_today()
    end = start + timedelta(days=90)
    fire(officer, "pass_verification", trial_start=start.isoformat(), trial_end=end.isoformat())
    expect_state(officer, "testing")
    flow.step("request_exit")

    # The exit evaluation: scored by the lab, the officer told to send it for review.
    follow_notification(assessor, base, "出盒评估")
    expect(first_task(assessor)).to_contain_text("出盒评估打分")
    flow.evaluate()
    follow_notification(officer, base, "请提交复核")
    expect(first_task(officer)).to_contain_text("提交复核")
    expect(officer.locator("#action-approve_exit")).to_have_count(0)
    shot(officer, "walk-officer-send-for-review")


def test_the_reviewer_finds_the_exit_first_and_approves(live_app, live_db, sign_in) -> None:
    base, app = live_app
    other = prepared_case(app, live_db, "submitted")  # another open case on the workbench
    flow = prepared_case(app, live_db, "technical_verification")
    flow.users["regulator2"] = other.users["regulator"]  # a regulator with work of his own
    flow.assign(case_officer_id=flow.users["regulator"].id)
    flow.step("pass_verification")
    flow.step("request_exit")
    flow.evaluate()
    reviewer = flow.users["regulator2"]
    sent = flow.call("regulator", "POST", f"/api/v1/cases/{flow.case_id}/exit-review",
                     json={"reviewer_id": reviewer.id})  # fmt: skip
    assert sent.status_code == 200, sent.get_json()

    page = sign_in(reviewer)
    page.goto(f"{base}/dashboard")
    first = page.locator("table.table tbody tr").first
    expect(first).to_contain_text(flow.created["title"])
    expect(first).to_contain_text("待您复核")
    follow_notification(page, base, "双人复核")
    expect(page.locator("#exit-reviewer")).to_contain_text("提交您复核")
    expect(first_task(page)).to_contain_text("准予出盒")
    expect(page.locator("#action-approve_exit")).to_have_attribute("open", "")
    fire(page, "approve_exit", note="复核通过。")
    expect_state(page, "exited")


def test_after_exit_the_applicant_is_told_and_goes_on_to_the_certificate_and_voucher(
    live_app, live_db, sign_in
) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "exited")
    applicant = sign_in(flow.users["applicant"])
    applicant.goto(f"{base}/notifications")
    inbox = applicant.locator("main")
    # Told at every stage others moved the case to (it asked for the exit evaluation itself).
    for stage in ("风险评估", "技术验证", "沙盒测试中", "已出盒"):
        expect(inbox).to_contain_text(stage)
    follow_notification(applicant, base, "已出盒")
    expect(applicant.locator("#nothing-to-do")).to_be_visible()  # a closed case waits for nothing
    applicant.goto(f"{base}/dashboard")
    exited = applicant.locator("#exited")
    with applicant.expect_download() as download:
        exited.locator("a", has_text="下载出盒证明").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with applicant.expect_navigation():
        exited.locator("a", has_text="使用创新服务券").click()
    assert "/vouchers/" in applicant.url
    expect(applicant.locator("main h1")).to_be_visible()


def test_a_dispute_reaches_the_mediator_and_the_answer_reaches_the_enterprise(
    live_app, live_db, sign_in
) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "risk_assessment")
    flow.fire("regulator", "reject", note="材料不足。")
    flow.fire("applicant", "raise_dispute", legal_partner_org_id=flow.centre_id, claim="驳回理由与事实不符")
    title = flow.created["title"]

    mediator = sign_in(flow.users["mediator"])
    follow_notification(mediator, base, title)
    expect(mediator.locator("#disputes")).to_be_visible()  # the case page leads to the dispute
    with mediator.expect_navigation():
        mediator.locator("#disputes a").first.click()
    acknowledge = mediator.locator("#action-acknowledge")
    expect(acknowledge).to_be_visible()
    if acknowledge.get_attribute("open") is None:
        acknowledge.locator("summary").first.click()
    submit_form(mediator, acknowledge.locator("form"))
    expect(mediator.locator("#dispute-stage")).to_have_attribute("data-stage", "mediation")

    applicant = sign_in(flow.users["applicant"])
    applicant.goto(f"{base}/notifications")
    expect(applicant.locator("main")).to_contain_text(title)
    applicant.goto(case_url(base, flow.case_id or 0))
    expect(applicant.locator("#nothing-to-do")).to_contain_text("纠纷")
