"""Flask commands: init-db, demo, users. Later issues add keys, sla-sweep, audit and backup here."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from sandbox.db import get_engine, get_session, upgrade
from sandbox.errors import SandboxError, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.services import accounts


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema to the newest migration."""
    upgrade(get_engine())
    click.echo("Database is at the newest schema.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Fill the database with demo accounts (idempotent) and print one login per role."""
    from sandbox.demo import seed

    upgrade(get_engine())
    session = get_session()
    logins = seed(session)
    session.commit()
    click.echo("Demo accounts (e-mail / password):")
    for role, email, password in logins:
        click.echo(f"  {role:<17} {email:<32} {password}")


users_group = AppGroup("users", help="Manage accounts.")


@users_group.command("create")
@click.option(
    "--role", type=click.Choice([role.value for role in Role if role is not Role.APPLICANT]), required=True
)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", "display_name", default=None, help="Display name (defaults to the e-mail).")
@click.option("--organisation-id", type=int, default=None)
def create_user_command(
    role: str, email: str, password: str, display_name: str | None, organisation_id: int | None
) -> None:
    """Create an account of a non-applicant role."""
    session = get_session()
    operator = User(email="cli@localhost", password_hash="", display_name="CLI", role=Role.ADMIN)
    data = {
        "email": email,
        "password": password,
        "display_name": display_name or email,
        "role": role,
        "organisation_id": organisation_id,
    }
    try:
        user = accounts.create_user(session, actor=operator, data=data)
    except ValidationFailed as error:
        for field, messages in error.errors.items():
            for message in messages:
                click.echo(
                    f"{field}: {message.msgid % message.params if message.params else message.msgid}",
                    err=True,
                )
        raise SystemExit(1) from None
    except SandboxError as error:
        raise click.ClickException(error.message.msgid) from None
    session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_group)
