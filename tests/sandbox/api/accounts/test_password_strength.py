"""Weak and common passwords are refused wherever a password is set, saying why in the user's language."""

from __future__ import annotations

import pytest

from sandbox.errors import ValidationFailed
from sandbox.services.accounts.password_strength import check_password_strength, personal_words
from tests import factories


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "aaaaaaaaaaaa", "abcdefghijk", "19881231"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_password_strength(password, user_inputs=[])
    messages = [message.msgid for message in refused.value.errors["password"]]  # type: ignore[union-attr]
    assert messages[0] == "This password is too easy to guess."
    assert len(messages) >= 2  # and at least one reason or suggestion


@pytest.mark.parametrize("password", ["sandbox-demo-2026", factories.PASSWORD, "亦庄沙盒-Robot-2026"])
def test_the_demo_and_test_passwords_are_strong_enough(password: str) -> None:
    check_password_strength(password, user_inputs=personal_words("applicant@demo.sandbox", "申请人"))


def test_the_accounts_own_details_weaken_a_password() -> None:
    words = personal_words("li.mingyuan@robotics.example.cn", "李明远", "亦庄机器人科技有限公司")
    check_password_strength("li.mingyuan2026", user_inputs=[])  # strong for a stranger
    with pytest.raises(ValidationFailed) as refused:
        check_password_strength("li.mingyuan2026", user_inputs=words)
    assert "Do not use your e-mail address, your name or your enterprise's name in the password." in [
        message.msgid for message in refused.value.errors["password"]  # type: ignore[union-attr]
    ]


def test_every_reason_zxcvbn_gives_is_translated(app) -> None:
    from flask_babel import force_locale, gettext

    from sandbox.services.accounts.password_strength import FEEDBACK, PERSONAL, TOO_WEAK

    with app.test_request_context(), force_locale("zh"):
        untranslated = [text for text in (*FEEDBACK, TOO_WEAK, PERSONAL) if gettext(text) == text]
    assert untranslated == []


def test_password_change_refuses_a_weak_password_in_chinese(client, login_as) -> None:
    login_as("regulator")
    response = client.post(
        "/account/password", data={"current_password": factories.PASSWORD, "new_password": "password1234"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "这个密码太容易被猜到" in page and 'id="new_password-error"' in page


def test_admin_page_refuses_a_weak_initial_password(client, session, login_as) -> None:
    login_as("admin")
    organisation = factories.make_organisation(session)
    data = {
        "display_name": "检测员",
        "email": "lab@example.cn",
        "password": "1qaz2wsx3edc",
        "role": "assessor",
        "organisation_id": str(organisation.id),
    }
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert "这个密码太容易被猜到" in response.get_data(as_text=True)


def test_api_password_change_says_why_in_english(client, session) -> None:
    user = factories.make_user(session, "applicant")
    token = client.post(
        "/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD}
    ).get_json()
    response = client.post(
        "/api/v1/me/password",
        json={"current_password": factories.PASSWORD, "new_password": "aaaaaaaaaaaa"},
        headers={"Authorization": f"Bearer {token['token']}", "Accept-Language": "en"},
    )
    assert response.status_code == 422
    messages = [error["message"] for error in response.get_json()["errors"]]
    assert 'Repeats like "aaa" are easy to guess.' in messages
