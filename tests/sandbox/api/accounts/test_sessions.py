"""Sessions and tokens that end: password change, deactivation and logout end them for good."""

from __future__ import annotations

from sqlmodel import select

from sandbox.models.accounts import ApiToken, User
from tests import factories

NEW_PASSWORD = "亦庄沙盒-Fresh-Start-2027"


def token_for(client, user, password: str = factories.PASSWORD) -> str:
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def admin_token(client, session) -> dict[str, str]:
    return bearer(token_for(client, factories.make_user(session, "admin")))


def session_cookie(client) -> str:
    cookie = client.get_cookie("sandbox_session")
    assert cookie is not None
    return cookie.value


def replay(app, cookie: str):
    """A fresh browser that only has the copied cookie."""
    fresh = app.test_client()
    fresh.set_cookie("sandbox_session", cookie)
    return fresh.get("/dashboard")


# --- bearer tokens --------------------------------------------------------------------------------------


def test_password_change_revokes_every_token_for_good(client, session) -> None:
    user = factories.make_user(session, "applicant")
    first, second = token_for(client, user), token_for(client, user)
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
    change = {"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD}
    assert client.post("/api/v1/me/password", json=change, headers=bearer(first)).status_code == 204
    for token in (first, second):
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    session.expire_all()
    assert all(row.revoked_at is not None for row in session.exec(select(ApiToken)).all())
    # The new password gives a working token again.
    assert client.get("/api/v1/me", headers=bearer(token_for(client, user, NEW_PASSWORD))).status_code == 200


def test_password_change_on_the_web_revokes_tokens_too(client, session) -> None:
    user = factories.make_user(session, "assessor")
    token = token_for(client, user)
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    change = {"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD}
    assert client.post("/account/password", data=change).status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_deactivation_revokes_tokens_and_reactivation_does_not_revive_them(client, session) -> None:
    user = factories.make_user(session, "regulator")
    token = token_for(client, user)
    admin = admin_token(client, session)
    path = f"/api/v1/users/{user.id}/active"
    assert client.put(path, json={"active": False}, headers=admin).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.put(path, json={"active": True}, headers=admin).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    session.expire_all()
    assert session.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one().revoked_at is not None
    # The reactivated account signs in afresh.
    assert client.get("/api/v1/me", headers=bearer(token_for(client, user))).status_code == 200


def test_deactivation_on_the_admin_page_revokes_tokens(app, client, session, login_as) -> None:
    target = factories.make_user(session, "assessor")
    token = token_for(app.test_client(), target)
    login_as("admin")
    client.post(f"/admin/users/{target.id}/active", data={"active": "0", "confirm": "yes"})
    client.post(f"/admin/users/{target.id}/active", data={"active": "1", "confirm": "yes"})
    session.expire_all()
    assert session.get(User, target.id).active
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_other_accounts_keep_their_tokens(client, session) -> None:
    user, bystander = factories.make_user(session, "applicant"), factories.make_user(session, "applicant")
    kept = token_for(client, bystander)
    change = {"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD}
    client.post("/api/v1/me/password", json=change, headers=bearer(token_for(client, user)))
    assert client.get("/api/v1/me", headers=bearer(kept)).status_code == 200


def test_openapi_says_when_tokens_end(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    issue = paths["/api/v1/tokens"]["post"]["description"]
    for word in ("password", "deactivat", "DELETE"):
        assert word in issue
    assert "revokes every bearer token" in paths["/api/v1/me/password"]["post"]["description"]


# --- browser sessions -----------------------------------------------------------------------------------


def test_a_cookie_copied_before_logout_no_longer_opens_the_dashboard(app, client, session) -> None:
    user = factories.make_user(session, "regulator")
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    copied = session_cookie(client)
    assert replay(app, copied).status_code == 200  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    response = replay(app, copied)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_cookie_copied_before_a_password_change_is_refused(app, client, session) -> None:
    user = factories.make_user(session, "applicant")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    copied = session_cookie(other)
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    change = {"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD}
    assert client.post("/account/password", data=change).status_code == 302
    assert client.get("/dashboard").status_code == 200  # this browser was signed in again
    assert replay(app, copied).status_code == 302


def test_an_api_password_change_ends_browser_sessions(app, client, session) -> None:
    user = factories.make_user(session, "applicant")
    browser = app.test_client()
    browser.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    change = {"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD}
    client.post("/api/v1/me/password", json=change, headers=bearer(token_for(client, user)))
    assert browser.get("/dashboard").status_code == 302


def test_deactivation_ends_browser_sessions_and_reactivation_does_not_revive_them(
    app, client, session
) -> None:
    user = factories.make_user(session, "regulator")
    browser = app.test_client()
    browser.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    copied = session_cookie(browser)
    admin = admin_token(client, session)
    client.put(f"/api/v1/users/{user.id}/active", json={"active": False}, headers=admin)
    client.put(f"/api/v1/users/{user.id}/active", json={"active": True}, headers=admin)
    assert replay(app, copied).status_code == 302


# --- an admin's password reset --------------------------------------------------------------------------


def test_admin_reset_on_the_page_ends_sessions_and_tokens(app, client, session, login_as) -> None:
    target = factories.make_user(session, "assessor")
    browser = app.test_client()
    browser.post("/login", data={"email": target.email, "password": factories.PASSWORD})
    token = token_for(app.test_client(), target)
    login_as("admin")
    form = client.get(f"/admin/users/{target.id}/password").get_data(as_text=True)
    assert "此账号的所有浏览器会话和 API 令牌将立即失效" in form
    mismatch = {"new_password": NEW_PASSWORD, "new_password_confirm": "something else"}
    assert client.post(f"/admin/users/{target.id}/password", data=mismatch).status_code == 422
    done = {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}
    response = client.post(f"/admin/users/{target.id}/password", data=done)
    assert response.status_code == 302
    assert browser.get("/dashboard").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": target.email, "password": NEW_PASSWORD}).status_code == 302


def test_admin_reset_through_the_api(client, session) -> None:
    target = factories.make_user(session, "legal_partner")
    token = token_for(client, target)
    admin = admin_token(client, session)
    path = f"/api/v1/users/{target.id}/password"
    weak = client.put(path, json={"new_password": "password1234"}, headers={**admin, "Accept-Language": "en"})
    assert weak.status_code == 422
    assert weak.get_json()["errors"][0] == {
        "field": "new_password",
        "message": "This password is too easy to guess.",
    }
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200  # nothing changed yet
    assert client.put(path, json={"new_password": NEW_PASSWORD}, headers=admin).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert (
        client.get("/api/v1/me", headers=bearer(token_for(client, target, NEW_PASSWORD))).status_code == 200
    )


def test_admins_change_their_own_password_with_the_current_one(client, session) -> None:
    admin = factories.make_user(session, "admin")
    headers = bearer(token_for(client, admin))
    response = client.put(
        f"/api/v1/users/{admin.id}/password", json={"new_password": NEW_PASSWORD}, headers=headers
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "new_password"
    assert client.get("/api/v1/me", headers=headers).status_code == 200
