"""An enterprise registers through the Chinese interface, signs in, switches to English, signs out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).parent / "screenshots"


def fill_registration(page, data: dict[str, str]) -> None:
    page.get_by_label("企业名称").fill(data["name"])
    page.get_by_label("统一社会信用代码").fill(data["uscc"])
    page.get_by_label("注册地址").fill(data["address"])
    page.get_by_label("法定代表人").fill("张三")
    page.get_by_label("联系人").fill("李四")
    page.get_by_label("联系电话").fill("010-67880000")
    page.get_by_label("企业注册地在北京经济技术开发区").check()
    page.get_by_label("近三年内无重大行政处罚").check()
    page.get_by_label("无刑事犯罪记录").check()
    page.get_by_label("未被列入严重失信主体名单").check()
    page.get_by_label("您的姓名").fill("王五")
    page.get_by_label("电子邮箱").fill(data["email"])
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("#password_confirm").fill(factories.PASSWORD)


def test_register_sign_in_switch_language_sign_out(page, live_server: str) -> None:
    good_uscc = factories.make_uscc(4242)
    bad_uscc = good_uscc[:-1] + ("0" if good_uscc[-1] != "0" else "1")
    data = {
        "name": "北京亦庄具身智能机器人有限公司",
        "uscc": bad_uscc,
        "address": "北京市北京经济技术开发区科创十三街",
        "email": "wangwu@example.cn",
    }

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="企业注册").first.click()
    assert page.get_by_role("heading", name="企业注册").is_visible()
    fill_registration(page, data)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "register-zh.png"), full_page=True)
    page.get_by_role("button", name="注册", exact=True).click()

    # The wrong check character is named next to the field, and nothing typed is lost.
    error = page.locator("#enterprise-uscc-error")
    assert error.inner_text() == "统一社会信用代码校验位不正确，请核对后重新输入。"
    assert page.get_by_label("企业名称").input_value() == data["name"]
    page.screenshot(path=str(SCREENSHOTS / "register-zh-invalid-uscc.png"), full_page=True)

    page.get_by_label("统一社会信用代码").fill(good_uscc)
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("#password_confirm").fill(factories.PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()
    # Hashing the password (argon2) takes a moment under load: wait for the next page, then check it.
    page.get_by_text("企业注册成功").wait_for(state="visible")
    assert page.get_by_text("企业注册成功").is_visible()
    assert page.get_by_text(good_uscc).is_visible()

    page.get_by_role("button", name="退出登录").click()
    assert page.get_by_text("您已退出登录").is_visible()

    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("电子邮箱").fill(data["email"])
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    # Checking the password (argon2) takes a moment under load: wait for the workspace, then look.
    page.get_by_role("heading", name="我的工作台").wait_for(state="visible")
    assert page.get_by_role("heading", name="我的工作台").is_visible()

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="My workspace").wait_for(state="visible")
    assert page.get_by_role("heading", name="My workspace").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(SCREENSHOTS / "dashboard-en.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_text("You have signed out.").is_visible()
