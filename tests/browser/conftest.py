"""Browser fixtures: the app served on a loopback port, Debian's Chromium driven by Playwright.

A failed test leaves a screenshot in tests/browser/screenshots/. With SANDBOX_TEST_REQUIRE_ALL=1 a
missing Chromium fails the run instead of skipping.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session
from werkzeug.serving import make_server

from sandbox.db import open_session
from tests import factories
from tests.conftest import REQUIRE_ALL, make_test_app

CHROMIUM = os.environ.get("SANDBOX_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def live_app(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    """Serve a real app (CSRF on, secure cookies on) on a free loopback port; yield (url, app)."""
    app = make_test_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=True, TESTING=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["sandbox.engine"].dispose()


@pytest.fixture
def live_server(live_app: tuple[str, Flask]) -> str:
    """The base URL of the served app."""
    return live_app[0]


@pytest.fixture
def live_db(live_app: tuple[str, Flask]) -> Iterator[Session]:
    """A session on the served app's database, for arranging data and checking results."""
    with open_session(live_app[1]) as db:
        yield db


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if REQUIRE_ALL:
            pytest.fail(f"Chromium not found at {CHROMIUM} but SANDBOX_TEST_REQUIRE_ALL=1")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def sign_in(browser, live_server: str, request: pytest.FixtureRequest):
    """Open a fresh browser context per user and sign that user in through /login; returns the page.

    Each user gets a separate context (own cookies), so several people can work on one case at once.
    A failed test leaves one screenshot per user.
    """
    pages = []

    def open_as(user, locale: str = "zh-CN"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/login")
        page.locator("#email").fill(user.email)
        page.locator("#password").fill(factories.PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        pages.append((user, page))
        return page

    yield open_as
    report = getattr(request.node, "report_call", None)
    for index, (user, page) in enumerate(pages):
        if report is not None and report.failed:
            SCREENSHOTS.mkdir(exist_ok=True)
            name = f"FAILED-{request.node.name}-{index}-{user.role.value}.png"
            page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        page.context.close()
