"""The transactional outbox: e-mails written in the event's transaction, sent by workers, never lost.

A rolled-back event leaves nothing to send; a mail server that is down keeps the message for a later
attempt (backoff, then success); a worker that dies after claiming leaves its rows to another once the
lease ends; concurrent workers never send one message twice; `flask outbox run --once` drains.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from sandbox.db import open_session
from sandbox.mail import deliver_email
from sandbox.models.accounts import User
from sandbox.models.base import utcnow
from sandbox.models.notifications import OutboxMessage
from sandbox.services.case_events.fire import apply_event
from sandbox.services.common import outbox
from sandbox.services.common.notifications import notify
from tests import factories
from tests.case_flow import CaseFlow
from tests.conftest import make_test_app
from tests.outbox_helpers import send_queued_mail

MSGID = "“%(title)s” is now in the stage: %(state)s."


def messages(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())  # type: ignore[arg-type]


def mail_files(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "outbox").glob("*.eml"))


def fixed(moment: datetime) -> Callable[[], datetime]:
    """A clock stopped at `moment`."""
    return lambda: moment


def queue(session: Session, users: list[User], count: int = 1) -> None:
    """Notify `users` `count` times (one e-mail each time each), committed."""
    for number in range(count):
        notify(
            session,
            recipients=users,
            kind="test",
            msgid=MSGID,
            params={"title": f"项目 {number}", "state": "testing"},
        )
    session.commit()


def test_a_rolled_back_event_leaves_nothing_to_send(app, client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("submitted")
    send_queued_mail(app)
    sent_before, rows_before = mail_files(app), len(messages(session))
    regulator = session.get(User, flow.users["regulator"].id)
    apply_event(
        session, actor=regulator, case_id=flow.case_id, event="request_amendment", note="请补充材料。"
    )
    assert len(messages(session)) > rows_before  # written in the event's own transaction
    session.rollback()
    assert len(messages(session)) == rows_before
    assert "Sent 0," in send_queued_mail(app)
    assert mail_files(app) == sent_before


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, accept one sender, recipients and the data, then quit."""

    received: list[bytes]

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.received.append(data)  # type: ignore[attr-defined]
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_app(database_url: str, tmp_path: Path, smtp_port: int) -> Iterator:
    app = make_test_app(database_url, tmp_path / "instance", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    yield app
    app.extensions["sandbox.engine"].dispose()


def test_smtp_down_keeps_the_message_and_backs_off_until_it_is_sent(smtp_app, smtp_port: int) -> None:
    with open_session(smtp_app) as session, smtp_app.app_context():
        user = factories.make_user(session, "applicant")
        queue(session, [user])
        start = utcnow() + timedelta(seconds=1)
        # Nothing listens on the port: the connection is refused.
        result = outbox.deliver_batch(session, deliver=deliver_email, worker="w1", now=lambda: start)
        assert (result.claimed, result.sent, result.failed) == (1, 0, 1)
        (row,) = messages(session)
        assert row.sent_at is None and row.attempts == 1 and row.locked_by is None
        assert "ConnectionRefusedError" in row.last_error
        assert row.next_attempt_at == start + outbox.FIRST_RETRY
        # Not due before its backoff ends; a second failure doubles the wait.
        assert (
            outbox.deliver_batch(session, deliver=deliver_email, worker="w1", now=lambda: start).claimed == 0
        )
        second = start + outbox.FIRST_RETRY
        assert (
            outbox.deliver_batch(session, deliver=deliver_email, worker="w1", now=lambda: second).failed == 1
        )
        (row,) = messages(session)
        assert row.attempts == 2 and row.next_attempt_at == second + 2 * outbox.FIRST_RETRY
        # The mail server comes up: the next attempt sends the message and marks it sent.
        server = socketserver.ThreadingTCPServer(("127.0.0.1", smtp_port), _SMTPHandler)
        server.received = []  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            third = second + 2 * outbox.FIRST_RETRY
            result = outbox.deliver_batch(session, deliver=deliver_email, worker="w1", now=lambda: third)
        finally:
            server.shutdown()
            server.server_close()
        assert result.sent == 1
        (row,) = messages(session)
        assert row.sent_at == third and row.attempts == 3
        (mail,) = server.received  # type: ignore[attr-defined]
        assert f"To: {user.email}".encode() in mail
        assert mail_files(smtp_app) == []  # SMTP configured: nothing written to files


def test_backoff_doubles_up_to_a_cap_and_gives_up_after_the_last_attempt(smtp_app) -> None:
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.retry_delay(30) == outbox.LONGEST_RETRY
    with open_session(smtp_app) as session, smtp_app.app_context():
        queue(session, [factories.make_user(session, "applicant")])
        moment = utcnow() + timedelta(seconds=1)
        for step in range(3):
            at = moment + step * outbox.LONGEST_RETRY
            outbox.deliver_batch(session, deliver=deliver_email, worker="w", now=fixed(at), max_attempts=3)
        moment += 3 * outbox.LONGEST_RETRY
        (row,) = messages(session)
        assert row.attempts == 3 and row.dead_at is not None and row.sent_at is None
        assert outbox.outbox_status(session).dead == outbox.dead_count(session) == 1
        assert (
            outbox.deliver_batch(session, deliver=deliver_email, worker="w", now=lambda: moment).claimed == 0
        )


def test_a_worker_that_dies_after_claiming_leaves_its_rows_to_another(app, session) -> None:
    queue(session, [factories.make_user(session, "applicant"), factories.make_user(session, "regulator")])
    start = utcnow() + timedelta(seconds=1)
    assert len(outbox.claim(session, worker="dead", now=start, limit=10)) == 2  # then it dies: no marks
    with app.app_context():
        soon = start + timedelta(minutes=1)
        assert (
            outbox.deliver_batch(session, deliver=deliver_email, worker="w2", now=lambda: soon).claimed == 0
        )
        later = start + outbox.LEASE + timedelta(seconds=1)
        result = outbox.deliver_batch(session, deliver=deliver_email, worker="w2", now=lambda: later)
    assert (result.claimed, result.sent) == (2, 2)
    assert all(row.sent_at == later and row.locked_by is None for row in messages(session))
    assert len(mail_files(app)) == 2


def test_concurrent_workers_never_send_one_message_twice(app, session) -> None:
    users = [factories.make_user(session, "applicant") for _ in range(4)]
    queue(session, users, count=10)  # 40 e-mails
    delivered: list[tuple[str, int]] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        def deliver(db: Session, message: OutboxMessage) -> None:
            deliver_email(db, message)
            with lock:
                delivered.append((name, message.id))
            time.sleep(0.01)  # a slow mail server: the other worker claims meanwhile

        with app.app_context(), open_session(app) as db:
            # A claim can come back empty while the other worker holds rows: go on until all are sent.
            while outbox.outbox_status(db).pending:
                if not outbox.deliver_batch(db, deliver=deliver, worker=name, limit=5).claimed:
                    time.sleep(0.01)
                db.rollback()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [message_id for _, message_id in delivered]
    assert len(ids) == len(set(ids)) == 40
    assert {name for name, _ in delivered} == {"a", "b"}  # both took part
    assert len(mail_files(app)) == 40
    assert all(row.sent_at is not None and row.attempts == 1 for row in messages(session))


def test_the_cli_drains_once_and_reports_status(app, session) -> None:
    queue(session, [factories.make_user(session, "applicant")], count=3)
    runner = app.test_cli_runner()
    status = runner.invoke(args=["outbox", "status"])
    assert status.exit_code == 0 and status.output.startswith("pending 3 (due now 3,")
    assert "Sent 3, to retry 0, given up 0." in send_queued_mail(app)
    assert len(mail_files(app)) == 3
    status = runner.invoke(args=["outbox", "status"])
    assert status.output.startswith("pending 0 (due now 0, oldest -), sent 3, given up 0")
    count = session.exec(select(func.count()).select_from(OutboxMessage)).one()
    assert count == 3


def test_a_message_that_cannot_be_delivered_is_given_up_and_shown_to_admins(
    app, client, session, login_as
) -> None:
    outbox.enqueue(session, outbox.EMAIL, [{"notification_id": 999_999, "user_id": 999_999, "locale": "zh"}])
    session.commit()
    assert "given up 1." in send_queued_mail(app)  # no retry can help: given up at once
    (row,) = messages(session)
    assert row.attempts == 1 and row.dead_at is not None and "no longer exists" in row.last_error
    status = app.test_cli_runner().invoke(args=["outbox", "status"]).output
    assert f"given up #{row.id} (email, 1 attempts" in status and "no longer exists" in status
    login_as("admin")
    page = client.get("/admin/users").get_data(as_text=True)  # the admin reads Chinese (the default)
    assert "有 1 封邮件多次尝试后仍未能发送" in page
