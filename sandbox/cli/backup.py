"""Flask commands `backup` and `restore`: the CLI side of `services.backup` and `services.backup_restore`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from sandbox.db import get_engine, upgrade

BACKUP_PHRASE_HELP = "Encrypts the keys in the archive (or set SANDBOX_BACKUP_PASSPHRASE); never stored."
BACKUP_PHRASE_MISSING = "A backup passphrase is required: --passphrase or SANDBOX_BACKUP_PASSPHRASE."


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Archive to write (default: instance/backups/sandbox-<UTC time>.tar).")
@click.option("--passphrase", envvar="SANDBOX_BACKUP_PASSPHRASE", default=None, help=BACKUP_PHRASE_HELP)
@with_appcontext
def backup_command(output: Path | None, passphrase: str | None) -> None:
    """Write the database, stored files and encrypted keys into one archive (from one snapshot)."""
    from sandbox.services.backup import backup

    if not passphrase:
        raise click.ClickException(BACKUP_PHRASE_MISSING)
    target = output or backup.default_backup_path(Path(current_app.instance_path))
    try:
        summary = backup.create_backup(
            get_engine(), storage=_instance_storage(), output=target, passphrase=passphrase,
            progress=_progress,
        )  # fmt: skip
    except backup.BackupRefused as error:
        raise click.ClickException(str(error)) from None
    rows = sum(summary.rows.values())
    click.echo(f"Backup written to {summary.path} (schema {summary.revision}): {rows} rows in "
               f"{len(summary.rows)} tables, {summary.files} files, {summary.secrets} encrypted key files.")
    click.echo("Keep the passphrase apart from the archive: without it the keys cannot be restored.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--passphrase", envvar="SANDBOX_BACKUP_PASSPHRASE", default=None, help=BACKUP_PHRASE_HELP)
@with_appcontext
def restore_command(archive: Path, passphrase: str | None) -> None:
    """Restore a backup into this instance; refused unless its database and folders are empty."""
    from sandbox.services.backup import restore as backup_restore

    if not passphrase:
        raise click.ClickException(BACKUP_PHRASE_MISSING)
    engine = get_engine()
    try:
        summary = backup_restore.restore_backup(
            engine, archive=archive, storage=_instance_storage(), passphrase=passphrase,
            migrate=lambda revision: upgrade(engine, revision), progress=_progress,
        )  # fmt: skip
    except backup_restore.BackupRefused as error:
        raise click.ClickException(str(error)) from None
    rows = sum(summary.rows.values())
    click.echo(f"Restored schema {summary.revision}: {rows} rows in {len(summary.rows)} tables, "
               f"{summary.files} files, {len(summary.secrets)} key files and secrets.")
    configured = bool(current_app.config.get("KEY_PASSPHRASE"))
    has_keys = any(name.startswith("keys/") for name in summary.secrets)
    if has_keys and "key_passphrase" not in summary.secrets and not configured:
        click.echo("The backed-up instance took its key passphrase from its configuration: "
                   "set the same KEY_PASSPHRASE here before starting.", err=True)  # fmt: skip
    elif "key_passphrase" in summary.secrets and configured:
        click.echo("KEY_PASSPHRASE is configured here and overrides the restored instance/key_passphrase: "
                   "the keys open only if both are the same.", err=True)  # fmt: skip
    click.echo("Restart the application so that it reads the restored keys and secrets.")


def _instance_storage():
    from sandbox.services.backup.backup import InstanceStorage

    instance, config = Path(current_app.instance_path), current_app.config
    return InstanceStorage(
        files={
            "uploads": instance / "uploads",
            "certificates": Path(config.get("CERTIFICATE_STORAGE") or instance / "certificates"),
        },
        key_dir=Path(config.get("KEY_DIR") or instance / "keys"),
        secret_files={"key_passphrase": instance / "key_passphrase", "secret_key": instance / "secret_key"},
    )


def _progress(table: str, rows: int) -> None:
    click.echo(f"  {table:<28} {rows:>8} rows")
