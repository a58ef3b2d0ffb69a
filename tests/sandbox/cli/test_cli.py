"""The flask commands: init-db, demo (idempotent), users create."""

from __future__ import annotations

from sqlalchemy import func, inspect
from sqlmodel import select

from sandbox.models.accounts import Role, User


def test_init_db_is_repeatable(app) -> None:
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
    tables = inspect(app.extensions["sandbox.engine"]).get_table_names()
    assert {"user", "enterprise", "organisation", "api_token", "alembic_version"} <= set(tables)


def test_demo_prints_one_login_per_role_and_is_idempotent(app, session) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for role in Role:
        assert role.value in first.output
    count = session.exec(select(func.count()).select_from(User)).one()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert session.exec(select(func.count()).select_from(User)).one() == count
    # The printed logins work.
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "regulator@demo.sandbox", "password": "sandbox-demo-2026"}
    )
    assert response.status_code == 302


def test_users_create(app, session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "regulator",
            "--email",
            "Officer@Example.cn",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code == 0, result.output
    user = session.exec(select(User).where(User.email == "officer@example.cn")).one()
    assert user.role is Role.REGULATOR
    again = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "regulator",
            "--email",
            "officer@example.cn",
            "--password",
            "long enough pw",
        ]
    )
    assert again.exit_code == 1
    assert "email" in again.output


def test_users_create_refuses_a_short_password(app) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--role", "admin", "--email", "a@example.cn", "--password", "short"]
    )
    assert result.exit_code == 1
    assert "password" in result.output


def test_users_create_refuses_a_weak_password_saying_why(app) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--role", "admin", "--email", "a@example.cn", "--password", "password1234"]
    )
    assert result.exit_code == 1
    assert "password: This password is too easy to guess." in result.output
    assert "This is a very common password." in result.output
