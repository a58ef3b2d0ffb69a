"""Who sees a case page, and in which language: the switch stays on the case, strangers get a 404."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from sandbox.models.accounts import Role, User
from tests import factories
from tests.browser.helpers import case_url, db_case, expect_state, prepared_case
from workflows.states import CaseState

pytestmark = pytest.mark.browser


def test_language_switch_keeps_the_case_page(live_app, live_db: Session, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "testing")
    case_id = flow.case_id
    assert case_id is not None
    url = case_url(base, case_id)

    regulator = sign_in(flow.users["regulator"])
    regulator.goto(url)
    expect(regulator.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(regulator.locator("#actions h2")).to_have_text("当前可办理事项")
    expect(regulator.locator("#timeline h2")).to_have_text("办理记录")
    expect(regulator.locator(".page-head .badge.big")).to_have_text("沙盒测试中")

    with regulator.expect_navigation():
        regulator.locator("form.lang-switch button[value=en]").click()
    assert regulator.url == url
    expect(regulator.locator("html")).to_have_attribute("lang", "en")
    expect(regulator.locator("#actions h2")).to_have_text("What you can do now")
    expect(regulator.locator("#timeline h2")).to_have_text("Timeline")
    expect(regulator.get_by_role("heading", name="Documents")).to_be_visible()
    expect(regulator.locator("#timeline .integrity.ok")).to_contain_text("History intact")
    expect_state(regulator, "testing")
    expect(regulator.locator(".page-head h1")).to_have_text(db_case(live_db, case_id).title)

    # The choice is saved for the user and holds on the next page.
    live_db.expire_all()
    user = live_db.get(User, flow.users["regulator"].id)
    assert user is not None and str(user.locale) == "en"
    regulator.goto(f"{base}/cases")
    expect(regulator.locator("html")).to_have_attribute("lang", "en")

    regulator.goto(url)
    with regulator.expect_navigation():
        regulator.locator("form.lang-switch button[value=zh]").click()
    assert regulator.url == url
    expect(regulator.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(regulator.locator("#actions h2")).to_have_text("当前可办理事项")


def test_another_enterprise_case_is_not_found(live_app, live_db: Session, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "testing")
    case_id = flow.case_id
    assert case_id is not None
    stranger = factories.make_user(live_db, Role.APPLICANT)
    assert stranger.enterprise_id != flow.users["applicant"].enterprise_id

    page = sign_in(stranger)
    for suffix in ("", "/plan-versions", "/edit?step=plan"):
        response = page.goto(case_url(base, case_id, suffix))
        assert response is not None and response.status == 404, suffix
        expect(page.locator("main")).not_to_contain_text(db_case(live_db, case_id).title)

    # The owner does see it; the stranger's list does not name it; the case is untouched.
    owner = sign_in(flow.users["applicant"])
    response = owner.goto(case_url(base, case_id))
    assert response is not None and response.status == 200
    page.goto(f"{base}/cases")
    expect(page.locator("table.table tbody a")).to_have_count(0)
    assert db_case(live_db, case_id).state is CaseState.TESTING
