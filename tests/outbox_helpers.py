"""Deliver what the outbox holds, as the worker does: tests that read e-mails run it first."""

from __future__ import annotations

from pathlib import Path

from flask import Flask


def send_queued_mail(app: Flask) -> str:
    """Run `flask outbox run --once` (every due e-mail is written to instance/outbox/); return its output."""
    result = app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def mail_files(app: Flask) -> list[Path]:
    """The e-mails delivered so far (after sending what is queued), oldest first."""
    send_queued_mail(app)
    return sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
