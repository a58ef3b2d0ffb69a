"""Backup and restore: the demo instance survives a round trip on each backend and across dialects.

The restored instance must be indistinguishable where it matters: intact case histories, the same
verification verdict for every certificate, the same rows and files, working logins, and fresh ids and
numbers for new work. The archive must not show key material in the clear.
"""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlmodel import Session, col, func, select

from sandbox.db import open_session
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.models.accounts import User
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate
from sandbox.services.backup import backup
from sandbox.services.backup.restore import MIGRATIONS
from tests import factories
from tests.case_flow import CaseFlow
from tests.conftest import POSTGRES_URL, make_test_app
from tests.sandbox.services.backup.helpers import (
    PASSPHRASE,
    InstanceFacts,
    all_rows,
    back_up,
    backend,
    derived_facts,
    empty_database,
    engine_of,
    facts_of,
    restore,
    row_counts,
    run,
    stored_files,
    verify,
)


def seed_demo(app) -> InstanceFacts:
    result = run(app, "demo")
    assert result.exit_code == 0, result.output
    facts = facts_of(app)
    assert facts.bundles and "valid" in facts.verdicts.values()
    assert any(name.startswith("uploads/") for name in facts.files)
    return facts


def check_archive(app, archive: Path, facts: InstanceFacts) -> None:
    data = archive.read_bytes()
    instance = Path(app.instance_path)
    key_file = next((instance / "keys").glob("*.pem"))
    key_body = key_file.read_text().splitlines()[1].encode()
    for secret in (
        b"PRIVATE KEY",
        key_body,
        (instance / "key_passphrase").read_bytes().strip(),
        PASSPHRASE.encode(),
    ):
        assert secret not in data, secret
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    assert manifest["schema_revision"] == ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert manifest["row_counts"] == facts.counts
    assert names == set(manifest["members"]) | {"manifest.json", "manifest.hmac"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["members"].values())
    assert {f"files/{name}" for name in facts.files} <= names


def check_restored(url: str, instance: Path, facts: InstanceFacts) -> None:
    """Start the restored instance afresh and compare it with the source's facts."""
    app = make_test_app(url, instance)
    try:
        audit = run(app, "audit", "verify")
        assert audit.exit_code == 0, audit.output
        assert row_counts(engine_of(app)) == facts.counts
        assert derived_facts(engine_of(app)) == facts.derived  # counted and indexed again by the restore
        assert facts.derived["texts"] and facts.derived["tallies"]
        restored = all_rows(engine_of(app))
        for table, rows in facts.rows.items():
            assert restored[table] == rows, table
        assert stored_files(instance) == facts.files
        client = app.test_client()
        for cert_id, bundle in facts.bundles.items():
            assert verify(client, bundle) == facts.verdicts[cert_id], cert_id
        login = client.post("/login", data={"email": "regulator@demo.sandbox", "password": DEMO_PASSWORD})
        assert login.status_code == 302
        check_new_work(app, facts)
    finally:
        engine_of(app).dispose()


def check_new_work(app, facts: InstanceFacts) -> None:
    """New users, cases, filings and certificates get fresh ids and numbers (no unique violation)."""
    with open_session(app) as session:
        old_case = session.exec(select(func.max(Case.id))).one()
        old_user = session.exec(select(func.max(User.id))).one()
        old_numbers = set(session.exec(select(Certificate.number)).all())
        old_filings = set(
            session.exec(select(Case.filing_number).where(col(Case.filing_number).is_not(None))).all()
        )
        flow = CaseFlow(app.test_client(), session)
        flow.to("exited")
        session.expire_all()
        case = session.get(Case, flow.case_id)
        cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
        assert case is not None and case.id > old_case
        assert flow.users["applicant"].id > old_user
        assert case.filing_number not in old_filings
        assert cert.number not in old_numbers and cert.id not in facts.bundles
        bundle = app.test_client().get(f"/api/v1/certificates/{cert.id}").get_json()
        assert verify(app.test_client(), bundle) == "valid"
    audit = run(app, "audit", "verify")
    assert audit.exit_code == 0, audit.output


def test_round_trip_on_each_backend(app, database_url: str, tmp_path: Path) -> None:
    facts = seed_demo(app)
    archive = tmp_path / "backup.tar"
    back_up(app, archive)
    check_archive(app, archive, facts)
    with empty_database(backend(database_url), tmp_path / "target") as url:
        result = restore(url, tmp_path / "restored", archive)
        assert result.exit_code == 0, result.output
        assert "Restored schema" in result.output
        check_restored(url, tmp_path / "restored", facts)


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL")
def test_sqlite_backup_restores_into_postgresql(sqlite_template: Path, tmp_path: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "source.db")
    source = make_test_app(f"sqlite:///{tmp_path / 'source.db'}", tmp_path / "source")
    try:
        facts = seed_demo(source)
        archive = tmp_path / "backup.tar"
        back_up(source, archive)
    finally:
        engine_of(source).dispose()
    with empty_database("postgresql", tmp_path / "target") as url:
        result = restore(url, tmp_path / "restored", archive)
        assert result.exit_code == 0, result.output
        check_restored(url, tmp_path / "restored", facts)


def test_backup_reads_one_snapshot(app, session: Session, tmp_path: Path) -> None:
    """A row committed while the backup is running is not half in the archive."""
    factories.make_user(session, "applicant")
    before = row_counts(engine_of(app))
    written: list[str] = []

    def write_meanwhile(table: str, rows: int) -> None:
        if not written:  # after the first table, before `user` and `enterprise` are read
            written.append(factories.make_user(session, "applicant").email)

    storage = backup.InstanceStorage(files={}, key_dir=tmp_path / "no-keys")
    summary = backup.create_backup(
        engine_of(app),
        storage=storage,
        output=tmp_path / "b.tar",
        passphrase=PASSPHRASE,
        progress=write_meanwhile,
    )
    assert written
    assert summary.rows == before
    assert row_counts(engine_of(app))["user"] == before["user"] + 1
