"""A login cookie copied out of Chromium before sign-out opens nothing afterwards, in another browser."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.browser


def test_a_cookie_copied_before_sign_out_is_refused_afterwards(
    browser, sign_in, live_server, live_db
) -> None:
    user = factories.make_user(live_db, "regulator")
    page = sign_in(user)
    copied = [cookie for cookie in page.context.cookies() if cookie["name"] == "sandbox_session"]
    assert copied, "the sign-in set no session cookie"

    thief = browser.new_context(locale="zh-CN")
    try:
        thief.add_cookies(copied)
        stolen = thief.new_page()
        stolen.goto(f"{live_server}/dashboard")
        assert stolen.get_by_role("heading", name="我的工作台").is_visible()  # the copy works until sign-out

        page.get_by_role("button", name="退出登录").click()
        assert page.get_by_text("您已退出登录").is_visible()

        stolen.goto(f"{live_server}/dashboard")
        assert "/login" in stolen.url
        assert stolen.get_by_role("heading", name="登录").is_visible()
    finally:
        thief.close()
