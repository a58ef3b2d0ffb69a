"""The public registry in a browser on the demo data (no login), and the consent card with CSRF on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from sandbox.services.case_events.fire import apply_event
from sandbox.services.publication import consent as publication
from tests import factories
from tests.browser.helpers import SCREENSHOTS, case_url, shot

pytestmark = pytest.mark.browser


def test_visitor_searches_filters_and_opens_an_entry(live_app, page) -> None:
    base, app = live_app
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.locator("#registry-link").click()
    assert page.url == f"{base}/registry"
    rows = page.locator("#registry tbody tr")
    expect(rows).to_have_count(14)
    shot(page, "registry-zh")

    page.locator("select[name=sector]").select_option("healthcare")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    expect(rows).to_have_count(2)
    # The medical imaging company declined to publish its name.
    expect(page.locator("#registry")).not_to_contain_text("北京亦庄医学影像智能科技有限公司")

    page.locator("input[name=q]").fill("智驾")  # another sector's enterprise: the filters combine
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    expect(page.locator("#registry tbody td.muted")).to_have_count(1)

    page.goto(f"{base}/registry?q=自动驾驶出租车")
    expect(rows).to_have_count(2)
    with page.expect_navigation():
        page.locator("#registry tbody tr").last.locator("a").first.click()
    expect(page.locator("#published-facts")).to_contain_text("北京亦庄智驾科技有限公司")
    expect(page.locator("#verify-link")).to_be_visible()
    shot(page, "registry-detail-zh")
    with page.expect_navigation():
        page.locator("#verify-link").click()
    assert "/c/" in page.url


def test_applicant_gives_consent_on_the_case_page(live_app, live_db: Session, sign_in) -> None:
    base, _ = live_app
    applicant = factories.make_user(live_db, "applicant")
    case = factories.make_case(live_db, applicant, title="浏览器授权测试项目")
    page = sign_in(applicant)
    page.goto(case_url(base, case.id))
    card = page.locator("#publication-consent")
    card.locator("input[value=title]").check()
    card.locator("input[value=objectives]").check()
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(card.locator("input[value=title]")).to_be_checked()
    expect(card.locator("input[value=enterprise_name]")).not_to_be_checked()
    live_db.expire_all()
    assert publication.current_consent(live_db, case.id) == ["title", "objectives"]
    card.screenshot(path=str(SCREENSHOTS / "registry-consent-zh.png"))

    # Once the filing is accepted the card is read-only, with who decided and when.
    factories.submit_case(live_db, applicant, case)
    regulator = factories.make_user(live_db, "regulator")
    lab = {"assessor_org_id": factories.make_organisation(live_db).id}
    apply_event(live_db, actor=regulator, case_id=case.id, event="accept_filing", data=lab)
    live_db.commit()
    page.reload()
    expect(card.locator("input[type=checkbox]")).to_have_count(0)
    expect(card.locator("#consented-fields li")).to_have_count(2)
    expect(card).to_contain_text(applicant.display_name)
    card.screenshot(path=str(SCREENSHOTS / "registry-consent-fixed-zh.png"))
