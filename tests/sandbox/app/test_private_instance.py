"""The instance folder is private to the service's account whatever the umask: the database and its
WAL, the secrets and keys, uploads and invoices, certificate PDFs, outbox e-mails and backups are 0600
in 0700 folders; at start-up wider permissions are repaired, or refused with a message naming them."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from sandbox import private_files
from sandbox.db import open_session
from sandbox.models.vouchers import Voucher
from sandbox.private_files import NotPrivate
from tests import factories
from tests.case_flow import CaseFlow
from tests.conftest import make_test_app
from tests.outbox_helpers import send_queued_mail
from tests.sandbox.voucher_helpers import body, redeem

PASSPHRASE = "backup-passphrase-2026"


@pytest.fixture
def permissive_umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def open_to_others(folder: Path) -> list[str]:
    """Every path under `folder` (and itself) that the group or anyone else may use."""
    paths = [p for p in (folder, *folder.rglob("*")) if not p.is_symlink()]
    return [f"{p} {stat.S_IMODE(p.lstat().st_mode):04o}" for p in paths if p.lstat().st_mode & 0o077]


def open_up(path: Path, mode: int) -> None:
    """Give `path` a mode others may use, as a careless copy or an old version would have left it."""
    os.chmod(path, mode)  # noqa: S103  (deliberately open: what start-up must repair or refuse)


@pytest.mark.parametrize("permissive_umask", [0o022, 0o000], indirect=True)
def test_everything_the_service_writes_is_private(
    database_url: str, tmp_path: Path, permissive_umask
) -> None:  # noqa: E501
    instance = tmp_path / "srv" / "instance"
    # SQLite: the default database in the instance folder, created by the application itself.
    url = None if database_url.startswith("sqlite") else database_url
    app = make_test_app(database_url, instance, DATABASE_URL=url, SECRET_KEY=None)
    try:
        runner = app.test_cli_runner()
        assert runner.invoke(args=["init-db"]).exit_code == 0
        client = app.test_client()
        with open_session(app) as session:
            flow = CaseFlow(client, session)
            flow.to("exited")  # documents, keys, a signed certificate PDF, notification e-mails
            voucher = session.exec(select(Voucher).where(Voucher.case_id == flow.case_id)).one()
            provider, _ = factories.make_provider(session)
            from tests.case_flow import token

            assert redeem(client, token(client, provider), body(voucher.code)).status_code == 201  # invoice
            send_queued_mail(app)  # the outbox worker writes the notification e-mails
            result = runner.invoke(args=["backup", "--passphrase", PASSPHRASE])
            assert result.exit_code == 0, result.output
            written = {p.relative_to(instance).parts[0] for p in instance.rglob("*") if p.is_file()}
            expected = {"secret_key", "key_passphrase", "keys", "uploads", "certificates", "outbox"}
            expected.add("backups")
            if url is None:
                expected |= {"sandbox.db", "sandbox.db-wal", "sandbox.db-shm"}  # the engine is still open
            assert expected <= written, written
            assert list((instance / "uploads" / "invoices").rglob("*"))
            assert open_to_others(instance) == []
            assert stat.S_IMODE((tmp_path / "srv").stat().st_mode) == 0o700  # created for the instance
    finally:
        app.extensions["sandbox.engine"].dispose()


def test_start_up_repairs_what_others_could_read(database_url: str, tmp_path: Path, caplog) -> None:
    instance = tmp_path / "instance"
    (instance / "outbox").mkdir(parents=True, mode=0o755)
    (instance / "uploads" / "ab").mkdir(parents=True)
    open_up(instance, 0o755)
    open_up(instance / "uploads" / "ab", 0o777)
    for name, mode in {"sandbox.db": 0o644, "sandbox.db-wal": 0o644, "secret_key": 0o644,
                       "outbox/1.eml": 0o664, "uploads/ab/abcd": 0o604}.items():  # fmt: skip
        (instance / name).write_bytes(b"x")
        open_up(instance / name, mode)
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    open_up(elsewhere, 0o755)
    (instance / "link-to-elsewhere").symlink_to(elsewhere)  # links are neither followed nor changed
    with caplog.at_level(logging.WARNING):
        app = make_test_app(database_url, instance)
    app.extensions["sandbox.engine"].dispose()
    assert open_to_others(instance) == []
    assert stat.S_IMODE((instance / "uploads" / "ab").stat().st_mode) == 0o700
    assert stat.S_IMODE((instance / "outbox" / "1.eml").stat().st_mode) == 0o600
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755
    repaired = [r.getMessage() for r in caplog.records if "private to the service" in r.getMessage()]
    assert repaired and "secret_key" in repaired[0] and "1.eml" in repaired[0]


def test_start_up_refuses_what_belongs_to_another_account(database_url: str, tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o700)
    foreign = instance / "config-copy.py"
    foreign.write_text("SECRET_KEY = 'x'\n")
    open_up(foreign, 0o644)
    if os.geteuid() == 0:
        os.chown(foreign, 65534, 65534)  # nobody: root could chmod it, but it is not the service's
        with pytest.raises(NotPrivate) as refused:
            make_test_app(database_url, instance)
    else:  # an unprivileged run cannot give a file away: let `secure` see it as another account's
        with pytest.raises(NotPrivate) as refused:
            private_files.secure([instance], owner=os.geteuid() + 1)
    message = str(refused.value)
    assert str(foreign) in message and "mode 0644" in message and "chmod" in message
    assert stat.S_IMODE(foreign.stat().st_mode) == 0o644  # left for the operator to look at


def test_private_dirs_are_private_at_every_level_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o277)  # even one that would take the owner's own bits away
    try:
        private_files.make_private_dirs(tmp_path / "a" / "b" / "c")
        with private_files.open_private(tmp_path / "a" / "b" / "c" / "f") as handle:
            handle.write(b"x")
    finally:
        os.umask(previous)
    for path in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    assert stat.S_IMODE((tmp_path / "a" / "b" / "c" / "f").stat().st_mode) & 0o077 == 0
    with pytest.raises(FileExistsError):
        private_files.open_private(tmp_path / "a" / "b" / "c" / "f")
