"""Sign-in lockout: counted atomically, per (account, client address), on the web form and the API.

The parallel test uses real threads, each with its own test client (so its own database connection),
released together by a barrier; it runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import select

from sandbox.models.accounts import LoginFailure
from sandbox.models.base import utcnow
from tests import factories

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
WRONG = "not the password at all"


def sign_in(client, email: str, password: str, address: dict[str, str]) -> int:
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base=address
    ).status_code


def token(client, email: str, password: str, address: dict[str, str]) -> int:
    body = {"email": email, "password": password}
    return client.post("/api/v1/tokens", json=body, environ_base=address).status_code


def test_parallel_wrong_passwords_are_all_counted(app, session) -> None:
    user = factories.make_user(session, "applicant")
    barrier, statuses, lock = threading.Barrier(15), [], threading.Lock()

    def guess(number: int) -> None:
        client = app.test_client()
        client.get("/login")  # warm up outside the race
        barrier.wait(timeout=60)
        # Both doors count against the same (account, address): the form and the token endpoint.
        attempt = sign_in if number % 2 else token
        status = attempt(client, user.email, WRONG, ATTACKER)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(15)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == 15 and set(statuses) <= {401, 429}
    session.expire_all()
    row = session.exec(select(LoginFailure).where(LoginFailure.user_id == user.id)).one()
    assert row.failures >= 5 and row.locked_until is not None
    # The right password from the same address is refused while the lock lasts, on both doors.
    assert sign_in(app.test_client(), user.email, factories.PASSWORD, ATTACKER) == 429
    assert token(app.test_client(), user.email, factories.PASSWORD, ATTACKER) == 429


def test_guessing_from_one_address_does_not_lock_the_owner_out(client, session) -> None:
    user = factories.make_user(session, "regulator")
    statuses = [sign_in(client, user.email, WRONG, ATTACKER) for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert sign_in(client, user.email, factories.PASSWORD, ATTACKER) == 429
    assert token(client, user.email, factories.PASSWORD, ATTACKER) == 429
    # The owner, at an address with no recent failures, signs in on the form and the API.
    browser = client.application.test_client()
    assert sign_in(browser, user.email, factories.PASSWORD, OWNER) == 302
    assert token(browser, user.email, factories.PASSWORD, OWNER) == 201


def test_api_failures_lock_the_web_form_for_that_address(client, session) -> None:
    user = factories.make_user(session, "assessor")
    statuses = [token(client, user.email, WRONG, ATTACKER) for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert sign_in(client, user.email, factories.PASSWORD, ATTACKER) == 429


def test_a_successful_sign_in_forgets_that_address_failures(client, session) -> None:
    user = factories.make_user(session, "applicant")
    for _ in range(4):
        assert sign_in(client, user.email, WRONG, OWNER) == 401
    assert sign_in(client, user.email, factories.PASSWORD, OWNER) == 302
    client.post("/logout")
    session.expire_all()
    assert session.exec(select(LoginFailure).where(LoginFailure.user_id == user.id)).first() is None
    assert sign_in(client, user.email, WRONG, OWNER) == 401  # counting starts again from one


def test_the_lock_ends_and_old_failures_are_forgotten(client, session) -> None:
    user = factories.make_user(session, "applicant")
    for _ in range(5):
        sign_in(client, user.email, WRONG, ATTACKER)
    row = session.exec(select(LoginFailure).where(LoginFailure.user_id == user.id)).one()
    row.locked_until = utcnow() - timedelta(seconds=1)
    row.last_failed_at = utcnow() - timedelta(minutes=16)
    session.add(row)
    session.commit()
    # The lock is over; one more wrong password starts a new count instead of locking again.
    assert sign_in(client, user.email, WRONG, ATTACKER) == 401
    session.expire_all()
    row = session.exec(select(LoginFailure).where(LoginFailure.user_id == user.id)).one()
    assert row.failures == 1 and row.locked_until is None
    assert sign_in(client, user.email, factories.PASSWORD, ATTACKER) == 302


def test_the_lock_message_says_what_happened_in_the_users_language(client, session) -> None:
    user = factories.make_user(session, "applicant")
    for _ in range(5):
        sign_in(client, user.email, WRONG, ATTACKER)
    page = client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD}, environ_base=ATTACKER
    ).get_data(as_text=True)
    assert "您的地址登录失败次数过多" in page
    response = client.post(
        "/api/v1/tokens",
        json={"email": user.email, "password": factories.PASSWORD},
        environ_base=ATTACKER,
        headers={"Accept-Language": "en"},
    )
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"].startswith("Too many failed sign-ins from your address.")
