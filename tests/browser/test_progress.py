"""A regulator accepts a filing; the applicant reads the query code off the receipt; a phone with no account
opens the QR link, types the code and sees the stage — then a new code replaces the old one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from tests.browser.helpers import case_url, expect_state, fire, prepared_case, shot
from tests.sandbox.progress_helpers import code_in

pytestmark = pytest.mark.browser


def test_accept_then_check_progress_on_a_phone(live_app, live_db: Session, sign_in, browser) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "submitted")
    case_id = flow.case_id
    assert case_id is not None

    regulator = sign_in(flow.users["regulator"])
    regulator.goto(case_url(base, case_id))
    fire(regulator, "accept_filing", assessor_org_id=str(flow.lab_id))
    expect_state(regulator, "risk_assessment")

    applicant = sign_in(flow.users["applicant"])
    applicant.goto(case_url(base, case_id))
    expect(applicant.locator("#receipt")).to_be_visible()
    shot(applicant, "progress-case-page")
    receipt = applicant.request.get(case_url(base, case_id, "/receipt.pdf"))
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    code = code_in(receipt.body())
    assert code is not None
    number = flow.case()["filing_number"]

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    page.goto(f"{base}/progress?number={number}")
    expect(page.locator("#number")).to_have_value(number)
    page.locator("#code").fill(code.lower().replace("-", " "))
    with page.expect_navigation():
        page.locator("#progress-form button[type=submit]").click()
    result = page.locator("#progress-result")
    expect(result).to_contain_text(flow.created["title"])
    expect(result).to_contain_text("风险评估")
    shot(page, "progress-phone-result")
    desktop = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    wide = desktop.new_page()
    wide.goto(f"{base}/progress?number={number}")
    wide.locator("#code").fill(code)
    with wide.expect_navigation():
        wide.locator("#progress-form button[type=submit]").click()
    expect(wide.locator("#progress-result")).to_contain_text("风险评估")
    shot(wide, "progress-desktop-result")
    desktop.close()

    # A new code: shown once to the applicant, and the old one no longer opens the case.
    applicant.locator("#receipt form button[type=submit]").click()
    new_code = applicant.locator("#query-code").inner_text()
    assert new_code != code
    shot(applicant, "progress-new-code")
    page.goto(f"{base}/progress?number={number}")
    page.locator("#code").fill(code)
    with page.expect_navigation() as answer:
        page.locator("#progress-form button[type=submit]").click()
    assert answer.value is not None and answer.value.status == 404
    expect(page.locator("#progress-form [role=alert]")).to_be_visible()
    shot(page, "progress-phone-mismatch")
    phone.close()
