"""On a 390 px phone the public portal pages fit the screen: the service guide, open data, the
transparency log and one of its entries (long hashes wrap inside their cards)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from sandbox.db import open_session
from sandbox.models.certificates import Certificate
from tests.case_flow import CaseFlow
from tests.conftest import make_test_app

pytestmark = pytest.mark.browser


def test_public_portal_pages_fit_a_phone(
    browser, live_server: str, database_url: str, tmp_path: Path
) -> None:
    app = make_test_app(database_url, tmp_path / "instance")
    with open_session(app) as session:
        flow = CaseFlow(app.test_client(), session)
        flow.to("exited", consent=["enterprise_name"])
        cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    app.extensions["sandbox.engine"].dispose()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for path in ("/guide", "/open-data", "/transparency", f"/transparency/{cert.log_index}"):
            page.goto(f"{live_server}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        page.goto(f"{live_server}/transparency")
        assert page.locator(f'[data-number="{cert.number}"]').is_visible()
    finally:
        context.close()
