"""Flask command group `log`: `log export DIR`, the CLI side of `services.log_export`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from sandbox.db import get_session

log_group = AppGroup("log", help="The transparency log.")


@log_group.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def log_export_command(directory: Path) -> None:
    """Write the log as C2SP tlog-tiles under DIRECTORY/log, for a static server, CDN or object store.

    Run it again whenever the log grows (after each issuance, or from cron): unchanged files are kept.
    """
    from sandbox.services.trust import log_export

    session = get_session()
    summary = log_export.export_log(session, directory)
    session.commit()  # the first run may have created the keys (and logged them)
    click.echo(f"Log of {summary.size} entries exported to {directory / 'log'}: "
               f"{summary.written} file(s) written, {summary.unchanged} unchanged.")  # fmt: skip
