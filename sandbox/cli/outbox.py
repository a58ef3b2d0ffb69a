"""Flask command group `outbox`: `outbox run` (the worker that sends what events queued) and `outbox status`.

The worker is long-running and several may run at once (on PostgreSQL their claims skip each other's
rows); `make run` starts one beside the server, and in production it runs as a service (README).
"""

from __future__ import annotations

import signal
import time

import click
from flask.cli import AppGroup

from sandbox.db import get_session
from sandbox.mail import deliver_email
from sandbox.services.common import outbox

outbox_group = AppGroup("outbox", help="The outbox of e-mails waiting to be sent.")


@outbox_group.command("run")
@click.option("--once", is_flag=True, help="Deliver everything that is due, then exit.")
@click.option("--interval", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds to sleep when nothing is due.")  # fmt: skip
@click.option("--batch", type=click.IntRange(min=1), default=50, show_default=True,
              help="Messages claimed at a time.")  # fmt: skip
def outbox_run_command(once: bool, interval: float, batch: int) -> None:
    """Send the queued e-mails, retrying failures with backoff (until stopped; --once: until none is due)."""
    session = get_session()
    worker = outbox.worker_name()
    totals = {"sent": 0, "failed": 0, "dead": 0}
    stopping: list[int] = []
    if not once:
        # SIGTERM (systemd, the end of `make run`) finishes the batch in hand, then stops.
        signal.signal(signal.SIGTERM, lambda number, _frame: stopping.append(number))
        click.echo(f"Outbox worker {worker} started.")
    try:
        while not stopping:
            result = outbox.deliver_batch(session, deliver=deliver_email, worker=worker, limit=batch)
            for key in totals:
                totals[key] += getattr(result, key)
            if result.failed or result.dead:
                click.echo(f"{result.failed} message(s) will be retried, {result.dead} given up.", err=True)
            if result.claimed < batch:
                if once:
                    break
                time.sleep(interval)
    except KeyboardInterrupt:  # Ctrl-C: what is claimed and unsent is retried once its lease ends
        pass
    finally:
        session.rollback()
    click.echo(f"Sent {totals['sent']}, to retry {totals['failed']}, given up {totals['dead']}.")


@outbox_group.command("status")
def outbox_status_command() -> None:
    """Count the messages waiting, due now, sent and given up; list the last given up, with their errors."""
    session = get_session()
    status = outbox.outbox_status(session)
    oldest = status.oldest_pending.isoformat(timespec="seconds") if status.oldest_pending else "-"
    click.echo(f"pending {status.pending} (due now {status.due}, oldest {oldest}), "
               f"sent {status.sent}, given up {status.dead}")  # fmt: skip
    for message in outbox.given_up(session):
        given_up = message.dead_at.isoformat(timespec="seconds") if message.dead_at else "-"
        click.echo(f"  given up #{message.id} ({message.kind}, {message.attempts} attempts, {given_up}): "
                   f"{message.last_error}")  # fmt: skip
