"""Every page a role reaches, in Chinese and English, on a desktop and on a phone: axe-core finds no
critical or serious violation, and at 390 px nothing makes the page scroll sideways.

The app serves the full demo (cases in every state, certificates, vouchers, disputes, exemptions, typical
cases). Each test signs in through the login form, picks its language with the page's own switch and
crawls same-origin links breadth first from the dashboard (tests/browser/crawl.py: one page per route
pattern, no downloads or API). Each page is checked at 1280 × 800, then narrowed to 390 × 844 and checked
again. The public pages are checked by the anonymous visitor's crawl and not again by every signed-in role,
which keeps the file within a few minutes. The menu button of narrow screens is tested on its own, with
and without JavaScript.

The demo is seeded once for the module on SQLite: these tests are about pages, not the database backend.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlmodel import col, select
from werkzeug.serving import make_server

from sandbox.db import open_session
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.demo.seed import seed
from sandbox.models.accounts import User
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate, CertificateKind
from sandbox.services.cases.calendar import beijing_today
from tests.browser.conftest import SCREENSHOTS
from tests.browser.crawl import axe_problems, crawl, overflow_problem, route_pattern
from tests.conftest import make_test_app
from workflows.states import CaseState

pytestmark = pytest.mark.browser

DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
LANGUAGES = {"zh": "zh-CN", "en": "en"}
# Role → demo login (None: not signed in).
ROLES = {
    "public": None,
    "applicant": "applicant@demo.sandbox",
    "regulator": "regulator@demo.sandbox",
    "assessor": "assessor@demo.sandbox",
    "legal_partner": "mediator@demo.sandbox",
    "service_provider": "provider@demo.sandbox",
    "admin": "admin@demo.sandbox",
}
PUBLIC_PAGES = [
    "/", "/verify", "/registry", "/progress", "/guide", "/open-data", "/transparency", "/typical-cases",
]  # fmt: skip
# Case pages the regulator opens besides the crawl's first one: the forms differ by state (the risk
# checklist, the exit scores, the trial's reports).
REGULATOR_CASE_STATES = [
    CaseState.RISK_ASSESSMENT, CaseState.TESTING, CaseState.EXIT_EVALUATION, CaseState.DISPUTE,
]  # fmt: skip
APPLICANT_CASES = 3  # the applicant's own case pages in distinct states, besides the crawl's


@dataclass(frozen=True)
class DemoSite:
    url: str
    certificate_id: str
    certificate_number: str
    regulator_cases: list[str]
    applicant_cases: list[str]


@pytest.fixture(scope="module")
def demo_site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """Serve an app holding the demo data on a free loopback port."""
    folder = tmp_path_factory.mktemp("accessibility")
    shutil.copy(sqlite_template, folder / "sandbox.db")
    app = make_test_app(
        f"sqlite:///{folder / 'sandbox.db'}", folder / "instance", WTF_CSRF_ENABLED=True, TESTING=False
    )
    with open_session(app) as db:
        seed(db, storage=folder / "instance" / "uploads", today=beijing_today())
        db.commit()
        exits = select(Certificate).where(Certificate.kind == CertificateKind.EXIT)
        certificate = db.exec(exits.order_by(col(Certificate.number))).first()
        regulator_cases = []
        for state in REGULATOR_CASE_STATES:
            case = db.exec(select(Case).where(Case.state == state).order_by(col(Case.id))).first()
            assert case is not None, f"the demo has no case in {state}"
            regulator_cases.append(f"/cases/{case.id}")
        applicant = db.exec(select(User).where(User.email == ROLES["applicant"])).one()
        own = select(Case).where(Case.enterprise_id == applicant.enterprise_id).order_by(col(Case.id))
        by_state = {case.state: f"/cases/{case.id}" for case in db.exec(own)}
        applicant_cases = list(by_state.values())[:APPLICANT_CASES]
        site_facts = (certificate.id, certificate.number, regulator_cases, applicant_cases)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield DemoSite(f"http://127.0.0.1:{server.server_port}", *site_facts)
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["sandbox.engine"].dispose()


@pytest.fixture
def visitor(browser: Browser, request: pytest.FixtureRequest) -> Iterator[list[Page]]:
    """Pages opened by a test (one context each); a failed test leaves a screenshot of each."""
    pages: list[Page] = []
    yield pages
    report = getattr(request.node, "report_call", None)
    for index, page in enumerate(pages):
        if report is not None and report.failed:
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}-{index}.png"), full_page=True)
        page.context.close()


def open_site(browser: Browser, pages: list[Page], site: DemoSite, *, role: str, language: str,
              viewport: ViewportSize, javascript: bool = True) -> Page:  # fmt: skip
    """Open a browser as `role` (signed in through the login form) with the interface in `language`."""
    context = browser.new_context(
        locale=LANGUAGES[language], viewport=viewport, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    pages.append(page)
    email = ROLES[role]
    if email is not None:
        page.goto(f"{site.url}/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
    else:
        page.goto(f"{site.url}/")
    # The choice is saved on the account, so both languages are chosen explicitly, never assumed.
    if page.locator(".nav-toggle").is_visible():
        page.locator(".nav-toggle").click()
    with page.expect_navigation():
        page.locator(f".lang-switch button[value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[language])
    return page


def start_pages(role: str, site: DemoSite) -> list[str]:
    if role == "public":
        return [*PUBLIC_PAGES, f"/c/{site.certificate_id}"]
    extra = {"regulator": site.regulator_cases, "applicant": site.applicant_cases}.get(role, [])
    return ["/dashboard", *extra]


PUBLIC_PATTERNS = {route_pattern(path) for path in PUBLIC_PAGES} | {
    "/c/<id>", "/registry/<id>", "/typical-cases/<id>", "/transparency/<id>", "/login", "/register",
}  # fmt: skip


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_passes_axe_and_fits_a_phone(
    browser: Browser, demo_site: DemoSite, visitor: list[Page], role: str, language: str
) -> None:
    page = open_site(browser, visitor, demo_site, role=role, language=language, viewport=DESKTOP)
    skip = PUBLIC_PATTERNS if role != "public" else set()
    problems: list[str] = []
    checked = []
    for path in crawl(page, demo_site.url, start_pages(role, demo_site), skip=skip):
        checked.append(path)
        page.set_viewport_size(DESKTOP)
        problems += axe_problems(page, f"{path} @1280")
        page.set_viewport_size(PHONE)
        if overflow := overflow_problem(page, f"{path} @390"):
            problems.append(overflow)
        problems += axe_problems(page, f"{path} @390")
    assert len(checked) >= 5, f"the crawl reached only {checked}"
    assert not problems, f"{len(problems)} problems on {len(checked)} pages:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_verification_result_passes_axe_and_fits_the_screen(
    browser: Browser, demo_site: DemoSite, visitor: list[Page], viewport: str
) -> None:
    page = open_site(browser, visitor, demo_site, role="public", language="zh", viewport=VIEWPORTS[viewport])
    page.goto(f"{demo_site.url}/verify")
    page.locator("#number").fill(demo_site.certificate_number)
    with page.expect_navigation():
        page.locator("#verify-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(demo_site.certificate_number)
    problems = axe_problems(page, "/verify (result)")
    if overflow := overflow_problem(page, "/verify (result)"):
        problems.append(overflow)
    assert not problems, "\n".join(problems)


def test_the_menu_folds_behind_a_button_on_a_phone(
    browser: Browser, demo_site: DemoSite, visitor: list[Page]
) -> None:
    page = open_site(browser, visitor, demo_site, role="regulator", language="zh", viewport=PHONE)
    page.goto(f"{demo_site.url}/dashboard")
    button, nav = page.locator(".nav-toggle"), page.locator("nav.mainnav")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(nav).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link").first).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(button).to_be_focused()

    page.set_viewport_size(DESKTOP)
    expect(button).to_be_hidden()
    expect(nav.get_by_role("link").first).to_be_visible()


def test_without_javascript_the_menu_stays_open_on_a_phone(
    browser: Browser, demo_site: DemoSite, visitor: list[Page]
) -> None:
    page = open_site(
        browser, visitor, demo_site, role="public", language="zh", viewport=PHONE, javascript=False
    )
    page.goto(f"{demo_site.url}/registry")
    expect(page.locator(".nav-toggle")).to_be_hidden()
    expect(page.locator("nav.mainnav").get_by_role("link", name="备案公示")).to_be_visible()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
