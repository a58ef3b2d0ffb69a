"""Applicant self-registration through the web form and the API: all or nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from sandbox.models.accounts import EligibilityDeclaration, Enterprise, Role, User
from tests import factories
from tests.conftest import make_test_app


def form_data(**overrides: str) -> dict[str, str]:
    account = factories.account_data()
    enterprise = account.pop("enterprise")
    data = {
        f"enterprise.{key}": str(value) for key, value in enterprise.items() if not isinstance(value, bool)
    }
    data.update({f"enterprise.{key}": "1" for key, value in enterprise.items() if value is True})
    data.update({key: str(value) for key, value in account.items()})
    data["password_confirm"] = account["password"]
    data.update(overrides)
    return data


def counts(session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.exec(select(func.count()).select_from(User)).one(),
        session.exec(select(func.count()).select_from(Enterprise)).one(),
        session.exec(select(func.count()).select_from(EligibilityDeclaration)).one(),
    )


def test_web_registration_creates_enterprise_user_and_declaration(client, session) -> None:
    data = form_data()
    response = client.post("/register", data=data)
    assert response.status_code == 302
    user = session.exec(select(User).where(User.email == data["email"])).one()
    assert user.role is Role.APPLICANT
    enterprise = session.get(Enterprise, user.enterprise_id)
    assert enterprise.uscc == data["enterprise.uscc"]
    declaration = session.exec(select(EligibilityDeclaration)).one()
    assert declaration.declared_by_id == user.id and declaration.no_criminal_record
    assert declaration.declared_at.tzinfo is not None
    # signed in right away
    assert "企业注册成功" in client.get("/dashboard").get_data(as_text=True)


def test_invalid_uscc_is_refused_in_chinese_and_nothing_is_created(client, session) -> None:
    good = form_data()["enterprise.uscc"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post("/register", data=form_data(**{"enterprise.uscc": bad}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "统一社会信用代码校验位不正确" in page
    assert 'aria-invalid="true"' in page
    assert counts(session) == (0, 0, 0)


def test_form_keeps_what_was_typed_after_an_error(client) -> None:
    data = form_data(password_confirm="something else entirely")
    page = client.post("/register", data=data).get_data(as_text=True)
    assert "两次输入的密码不一致" in page
    assert data["enterprise.name"] in page and data["email"] in page
    assert data["password"] not in page  # passwords are never echoed back


def test_duplicate_email_is_refused_clearly_and_nothing_half_created(client, session) -> None:
    first = form_data()
    assert client.post("/register", data=first).status_code == 302
    client.post("/logout")
    second = form_data(email=first["email"].upper())  # e-mail is case-insensitive
    response = client.post("/register", data=second)
    assert response.status_code == 422
    assert "该电子邮箱已注册账号" in response.get_data(as_text=True)
    assert counts(session) == (1, 1, 1)  # the second enterprise was not left behind


def test_duplicate_uscc_is_refused(client, session) -> None:
    first = form_data()
    client.post("/register", data=first)
    client.post("/logout")
    response = client.post("/register", data=form_data(**{"enterprise.uscc": first["enterprise.uscc"]}))
    assert response.status_code == 422
    assert "该企业已注册" in response.get_data(as_text=True)
    assert counts(session) == (1, 1, 1)


def test_missing_fields_are_named(client, session) -> None:
    response = client.post("/register", data={"email": "a@b.cn"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("此项为必填项") >= 6
    assert counts(session) == (0, 0, 0)


def test_api_registration(client, session) -> None:
    data = factories.account_data()
    response = client.post("/api/v1/accounts", json=data)
    assert response.status_code == 201
    body = response.get_json()
    assert body["role"] == "applicant"
    assert body["enterprise"]["uscc"] == data["enterprise"]["uscc"]
    assert "password" not in response.get_data(as_text=True)
    assert counts(session) == (1, 1, 1)


def test_api_registration_errors_are_problem_json_in_the_callers_language(client, session) -> None:
    data = factories.account_data()
    data["enterprise"]["uscc"] = "91110302562134916X"
    response = client.post("/api/v1/accounts", json=data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422 and problem["code"] == "validation_failed"
    assert problem["errors"] == [
        {
            "field": "enterprise.uscc",
            "message": "The check character of this unified social credit code is wrong; please re-check it.",
        }
    ]
    chinese = client.post("/api/v1/accounts", json=data).get_json()
    assert chinese["errors"][0]["message"].startswith("统一社会信用代码校验位不正确")
    assert counts(session) == (0, 0, 0)


def test_api_duplicate_email(client, session) -> None:
    data = factories.account_data()
    assert client.post("/api/v1/accounts", json=data).status_code == 201
    again = factories.account_data(email=data["email"])
    response = client.post("/api/v1/accounts", json=again, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0] == {
        "field": "email",
        "message": "An account with this e-mail address already exists.",
    }
    assert counts(session) == (1, 1, 1)


def test_api_refuses_a_body_that_is_not_json(client) -> None:
    response = client.post("/api/v1/accounts", data="email=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "unsupported_media_type"
    empty = client.post("/api/v1/accounts", json=[])
    assert empty.status_code == 422
    assert empty.get_json()["errors"][0]["field"] == "body"


def test_registration_attempts_are_limited_per_address(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "i", REGISTER_RATE_LIMIT="3 per hour")
    client = app.test_client()
    taken = factories.account_data()
    assert client.post("/api/v1/accounts", json=taken).status_code == 201
    # Probing which e-mail addresses have accounts costs attempts, on the form and the API alike.
    probe = form_data(email=taken["email"])
    assert client.post("/register", data=probe).status_code == 422
    assert (
        client.post("/api/v1/accounts", json=factories.account_data(email=taken["email"])).status_code == 422
    )
    page = client.post("/register", data=form_data())
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "来自您地址的注册尝试过多" in page.get_data(as_text=True)
    api = client.post("/api/v1/accounts", json=factories.account_data(), headers={"Accept-Language": "en"})
    assert api.status_code == 429 and api.mimetype == "application/problem+json"
    assert api.get_json()["detail"].startswith("Too many registration attempts from your address.")
    # Another address still registers.
    other = client.post("/register", data=form_data(), environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 302
    app.extensions["sandbox.engine"].dispose()


def test_weak_passwords_are_refused_with_the_reason(client, session) -> None:
    common = form_data(password="password123", password_confirm="password123")
    page = client.post("/register", data=common)
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "这个密码太容易被猜到" in text and "这是非常常见的密码" in text
    assert counts(session) == (0, 0, 0)
    data = factories.account_data(password="zxcvbnm,./")
    response = client.post("/api/v1/accounts", json=data, headers={"Accept-Language": "en"})
    messages = [error["message"] for error in response.get_json()["errors"] if error["field"] == "password"]
    assert response.status_code == 422
    assert messages[0] == "This password is too easy to guess."
    assert "Straight rows of keys are easy to guess." in messages


def test_a_password_made_of_the_accounts_own_details_is_refused(client, session) -> None:
    data = factories.account_data(email="zhangwei.robotics@example.cn", password="zhangwei.robotics")
    response = client.post("/api/v1/accounts", json=data)
    messages = [error["message"] for error in response.get_json()["errors"]]
    assert response.status_code == 422
    assert "密码中不要使用您的电子邮箱、姓名或企业名称。" in messages
    assert counts(session) == (0, 0, 0)
