"""Flask commands: init-db, demo (with --cases for large data sets), users, audit, counts, sla-sweep,
calendar, keys, vouchers; backup and restore live in `cli_backup`, the transparency log's `log export` in
`cli_log`, the outbox worker in `cli_outbox`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from sandbox.cli import backup as cli_backup
from sandbox.cli import log as cli_log
from sandbox.cli import outbox as cli_outbox
from sandbox.db import get_engine, get_session, upgrade
from sandbox.errors import Bilingual, SandboxError, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.services.accounts import accounts
from sandbox.services.case_events import effects as workflow_effects
from sandbox.services.case_events import history
from sandbox.services.cases import calendar, tallies
from sandbox.services.common import derived
from sandbox.services.legal import dispute_deadlines


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema to the newest migration."""
    upgrade(get_engine())
    click.echo("Database is at the newest schema.")


@click.command("demo")
@click.option("--cases", "extra_cases", type=click.IntRange(min=0), default=0,
              help="Also generate this many cases (with their enterprises) for growth tests.")  # fmt: skip
@with_appcontext
def demo_command(extra_cases: int) -> None:
    """Fill the database with demo accounts (idempotent) and print one login per role."""
    from sandbox.demo.seed import seed

    upgrade(get_engine())
    session = get_session()
    storage, today = Path(current_app.instance_path) / "uploads", calendar.beijing_today()
    logins = seed(session, storage=storage, today=today)
    session.commit()
    if extra_cases:
        _generate_cases(session, extra_cases, storage, today)
    click.echo("Demo accounts (e-mail / password):")
    for role, email, password in logins:
        click.echo(f"  {role:<17} {email:<32} {password}")


def _generate_cases(session, count: int, storage: Path, today) -> None:
    from sandbox.demo.bulk import BulkResult, generate_cases

    def committed(progress: BulkResult) -> None:
        session.commit()  # one transaction per batch: progress survives an interrupted run
        click.echo(f"  {progress.cases:>7}/{count} cases, {progress.events} events, {progress.seconds:.1f} s")

    result = generate_cases(session, count=count, storage=storage, today=today, on_batch=committed)
    click.echo(f"Generated {result.cases} cases with {result.events} events for {result.enterprises} "
               f"enterprises in {result.seconds:.1f} s.")  # fmt: skip


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
    operator = _operator()
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
        click.echo(_plain(error), err=True)
        raise SystemExit(1) from None
    except SandboxError as error:
        raise click.ClickException(str(error)) from None  # the message id (args[0])
    session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


audit_group = AppGroup("audit", help="Check the tamper-evident case histories.")


@audit_group.command("verify")
def audit_verify_command() -> None:
    """Recompute every case's hash chain and count every case; exit 1 naming each broken history and each
    count that differs from a full count (`flask counts rebuild` repairs the counts)."""
    session = get_session()
    checked, breaks = history.verify_all(session)
    for found in breaks:
        row = f"event row {found.event_id}" if found.event_id is not None else "the case row"
        click.echo(f"BROKEN case {found.case_id}, seq {found.seq} ({row}): {found.problem}", err=True)
    wrong = tallies.check(session)
    for mismatch in wrong:
        key = mismatch.key
        click.echo(
            f"WRONG COUNT state={key.state} sector={key.sector} overdue={key.overdue} "
            f"registered={key.registered} year={key.filing_year}: kept {mismatch.kept}, "
            f"counted {mismatch.counted}", err=True,
        )  # fmt: skip
    if breaks:
        click.echo(f"{len(breaks)} of {checked} case histories are broken.", err=True)
    if wrong:
        click.echo(
            f"{len(wrong)} case count(s) differ from a full count; run `flask counts rebuild`.", err=True
        )
    if breaks or wrong:
        raise SystemExit(1)
    click.echo(f"All {checked} case histories are intact.")
    click.echo("The case counts agree with a full count.")


counts_group = AppGroup("counts", help="The case counts and the registry's search index.")


@counts_group.command("rebuild")
def counts_rebuild_command() -> None:
    """Count every case and index every registry entry again (after a repair by hand, for instance)."""
    session = get_session()
    rebuilt = derived.rebuild(session)
    session.commit()
    click.echo(f"Counted {rebuilt.cases} case(s); indexed {rebuilt.entries} registry entr(ies).")


@click.command("sla-sweep")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Beijing date to use.")
@with_appcontext
def sla_sweep_command(today) -> None:
    """Flag overdue cases and remind legal partners of dispute deadlines (safe to run repeatedly)."""
    session = get_session()
    day = today.date() if today else calendar.beijing_today()
    flagged = workflow_effects.sweep_overdue(session, today=day)
    reminders = dispute_deadlines.sweep_deadlines(session, today=day)
    session.commit()
    click.echo(f"{len(flagged)} case(s) newly overdue on {day.isoformat()}.")
    click.echo(f"{reminders} dispute reminder(s) or overdue notice(s) sent.")


calendar_group = AppGroup("calendar", help="The office's working-day calendar.")


@calendar_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def calendar_import_command(path: str) -> None:
    """Enter a year's official holiday arrangement from a TOML file."""
    session = get_session()
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        row = calendar.import_arrangement(session, actor=_operator(), text=text, source=path)
    except ValidationFailed as error:
        raise click.ClickException(_plain(error)) from None
    session.commit()
    click.echo(f"Year {row.year}: {len(row.holidays)} holidays, {len(row.workdays)} make-up working days.")


keys_group = AppGroup("keys", help="Certificate signing keys.")


@keys_group.command("rotate")
@click.option("--use", "use", type=click.Choice(["assertion", "status", "log", "root"]), default="assertion")
@click.option("--algorithm", type=click.Choice(["Ed25519", "SM2"]), default="Ed25519",
              help="Which of the use's two keys: the Ed25519 one (default) or the SM2 one beside it.")
def keys_rotate_command(use: str, algorithm: str) -> None:
    """Retire the active key of USE and activate a new one (old certificates keep verifying)."""
    from sandbox.services.trust import signing_keys

    session = get_session()
    try:
        row = signing_keys.rotate_key(session, actor=_operator(), use=use, algorithm=algorithm)
    except ValidationFailed as error:
        raise click.ClickException(_plain(error)) from None
    session.commit()
    click.echo(f"New {algorithm} {use} key {row.kid} is active; the previous one is retired.")


@keys_group.command("list")
def keys_list_command() -> None:
    """List every key ever used, with its lifecycle."""
    from sandbox.services.trust import signing_keys

    session = get_session()
    signing_keys.ensure_keys(session)
    session.commit()
    for row in signing_keys.key_rows(session):
        retired = row.retired_at.isoformat() if row.retired_at else "-"
        revoked = f"{row.revoked_at.isoformat()} ({row.revocation_reason})" if row.revoked_at else "-"
        activated = row.activated_at.isoformat()
        click.echo(f"{row.kid}  {row.algorithm.value:<7} {row.use.value:<9} {row.status.value:<7}"
                   f" activated {activated}  retired {retired}  revoked {revoked}")  # fmt: skip


@keys_group.command("fingerprint")
@click.option("--algorithm", type=click.Choice(["Ed25519", "SM2"]), default="Ed25519",
              help="The Ed25519 root (default) or the SM2 root that signs the trust bundle beside it.")
def keys_fingerprint_command(algorithm: str) -> None:
    """Print the root key fingerprint verifiers pin (creates the keys on first use)."""
    from certificates.keys import KeyAlgorithm
    from sandbox.services.trust import signing_keys

    session = get_session()
    signing_keys.ensure_keys(session)
    session.commit()
    click.echo(signing_keys.root_key_fingerprint(session, KeyAlgorithm(algorithm)))


@keys_group.command("revoke")
@click.argument("kid")
@click.option("--reason", required=True)
def keys_revoke_command(kid: str, reason: str) -> None:
    """Declare a retired key compromised from now on."""
    from sandbox.services.trust import signing_keys

    session = get_session()
    try:
        signing_keys.revoke_key(session, actor=_operator(), kid=kid, reason=reason)
    except ValidationFailed as error:
        raise click.ClickException(_plain(error)) from None
    except SandboxError as error:
        raise click.ClickException(str(error)) from None  # the message id (args[0])
    session.commit()
    click.echo(f"Key {kid} is revoked.")


vouchers_group = AppGroup("vouchers", help="Innovation service vouchers.")


@vouchers_group.command("expire")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Beijing date to use.")
def vouchers_expire_command(today) -> None:
    """Daily: mark vouchers past their last day expired, release the requests still open on them, and
    remind holders before expiry (idempotent)."""
    from sandbox.services.vouchers import redemption_steps, vouchers

    session = get_session()
    day = today.date() if today else calendar.beijing_today()
    expired, reminded = vouchers.expire_due(session, today=day)
    lapsed = redemption_steps.lapse_expired(session, today=day)
    session.commit()
    click.echo(
        f"{len(expired)} voucher(s) expired, {len(lapsed)} open redemption(s) released, "
        f"{len(reminded)} reminded on {day.isoformat()}."
    )


def _operator() -> User:
    """The command-line operator acts with admin rights (whoever can run commands owns the instance)."""
    return User(email="cli@localhost", password_hash="", display_name="CLI", role=Role.ADMIN)


def _plain(error: ValidationFailed) -> str:
    parts = []
    for field, messages in error.errors.items():
        for message in messages:
            text = message.en if isinstance(message, Bilingual) else message.msgid % message.params
            # English text of the message id; the CLI speaks to operators, not to applicants.
            parts.append(f"{field}: {text}")
    return "; ".join(parts)


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(counts_group)
    app.cli.add_command(sla_sweep_command)
    app.cli.add_command(calendar_group)
    app.cli.add_command(keys_group)
    app.cli.add_command(vouchers_group)
    app.cli.add_command(cli_backup.backup_command)
    app.cli.add_command(cli_backup.restore_command)
    app.cli.add_command(cli_log.log_group)
    app.cli.add_command(cli_outbox.outbox_group)
