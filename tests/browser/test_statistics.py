"""The regulator reads the statistics dashboard on the demo data in Chromium: charts drawn, no CSP
violation, the sector filter narrows the charts, the CSV and the annual report download."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import shot

pytestmark = pytest.mark.browser


def test_regulator_reads_and_filters_the_statistics(browser, live_app) -> None:
    base, app = live_app
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    try:
        page.goto(f"{base}/login")
        page.locator("#email").fill("regulator@demo.sandbox")
        page.locator("#password").fill("sandbox-demo-2026")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        page.locator(".mainnav a[href='/statistics']").click()
        page.wait_for_url(f"{base}/statistics")
        expect(page.locator("figure.chart-figure svg")).to_have_count(8)  # participation by size is the 8th
        expect(page.locator("#figure-exits .stat-value")).to_have_text("5")
        legend = page.locator("#cases_by_stage svg")
        expect(legend).to_contain_text("医药健康")
        expect(legend).to_contain_text("自动驾驶")
        assert page.locator("#cases_by_stage svg").bounding_box()["height"] > 200
        shot(page, "statistics-zh")

        page.locator("select[name=sector]").select_option("healthcare")
        with page.expect_navigation():
            page.locator("form.filters button[type=submit]").click()
        assert "sector=healthcare" in page.url
        expect(page.locator("#cases_by_stage svg")).not_to_contain_text("自动驾驶")
        expect(page.locator("#figure-filed .stat-value")).to_have_text("3")

        with page.expect_download() as download:
            page.locator("#outcomes a[download]").click()
        assert download.value.suggested_filename.endswith("-healthcare.csv")
        report = page.request.get(f"{base}{page.locator('#annual-report').get_attribute('href')}")
        assert report.status == 200 and report.headers["content-type"] == "application/pdf"
        assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    finally:
        context.close()
