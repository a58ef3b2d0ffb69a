"""Signing in and out, lockout and rate limits, password change, CSRF, cookies and headers."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import select

from sandbox.models.accounts import LoginFailure
from tests import factories
from tests.conftest import make_test_app


def test_login_and_logout(client, session) -> None:
    user = factories.make_user(session, "regulator")
    response = client.post("/login", data={"email": user.email.upper(), "password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(client, session) -> None:
    user = factories.make_user(session, "regulator")
    wrong = client.post("/login", data={"email": user.email, "password": "nope nope nope"})
    unknown = client.post("/login", data={"email": "nobody@example.cn", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "电子邮箱或密码错误" in wrong.get_data(as_text=True)
    assert "电子邮箱或密码错误" in unknown.get_data(as_text=True)


def test_repeated_wrong_passwords_lock_the_account_with_429(client, session) -> None:
    user = factories.make_user(session, "applicant")
    statuses = [
        client.post("/login", data={"email": user.email, "password": "wrong password"}).status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 429]
    # Even the right password is refused while locked, with a clear message.
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)
    session.expire_all()
    assert session.exec(select(LoginFailure).where(LoginFailure.user_id == user.id)).one().locked_until


def test_lockout_applies_to_api_tokens_too(client, session) -> None:
    user = factories.make_user(session, "applicant")
    for _ in range(5):
        client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong password"})
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"


def test_login_rate_limit_per_address(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "i", LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [
        client.post("/login", data={"email": f"x{i}@example.cn", "password": "whatever12"}).status_code
        for i in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    response = client.post("/login", data={"email": "y@example.cn", "password": "whatever12"})
    assert "尝试次数过多" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers
    app.extensions["sandbox.engine"].dispose()


def test_password_change_ends_other_sessions(app, client, session) -> None:
    user = factories.make_user(session, "assessor")
    other = app.test_client()
    for c in (client, other):
        assert c.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    response = client.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "new_password": "a new long password"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays signed in
    assert other.get("/account").status_code == 302  # the other one is signed out
    client.post("/logout")
    ok = client.post("/login", data={"email": user.email, "password": "a new long password"})
    assert ok.status_code == 302


def test_password_change_needs_the_current_password(client, login_as) -> None:
    login_as("regulator")
    response = client.post(
        "/account/password", data={"current_password": "not it at all", "new_password": "a new long password"}
    )
    assert response.status_code == 422
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_open_redirects_after_login_are_refused(client, session) -> None:
    user = factories.make_user(session, "regulator")
    data = {"email": user.email, "password": factories.PASSWORD}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/dashboard"
    client.post("/logout")
    response = client.post("/login?next=/account", data=data)
    assert response.headers["Location"] == "/account"


def test_csrf_is_enforced_on_forms(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "i", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "a@b.cn", "password": "whatever12"})
    assert response.status_code == 400
    assert "表单已过期或来源无效" in response.get_data(as_text=True)
    # The API takes bearer tokens, not cookies, so it needs no CSRF token.
    assert client.post("/api/v1/tokens", json={"email": "a@b.cn", "password": "x"}).status_code == 401
    app.extensions["sandbox.engine"].dispose()


def test_session_cookie_flags(client, session) -> None:
    user = factories.make_user(session, "regulator")
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    cookie = next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith("sandbox_session=")
    )
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # No inline script anywhere: the only scripts are files from /static (the menu button's).
    scripts = re.findall(r"<script\b[^>]*>", response.get_data(as_text=True))
    assert scripts and all(re.search(r'\bsrc="/static/[^"]+\.js"', tag) for tag in scripts), scripts


def test_passwords_are_argon2_hashes(session) -> None:
    user = factories.make_user(session, "regulator")
    assert user.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in user.password_hash


def test_deactivated_users_cannot_sign_in(client, session) -> None:
    user = factories.make_user(session, "regulator")
    user.active = False
    session.add(user)
    session.commit()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 401
