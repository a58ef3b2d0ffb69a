"""Restore refuses what it must, before writing anything: a tampered archive (naming the member), an
altered manifest, a wrong passphrase, a non-empty database or storage folder; backup needs a passphrase."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session

from tests import factories
from tests.conftest import make_test_app
from tests.sandbox.services.backup.helpers import (
    PASSPHRASE,
    back_up,
    empty_database,
    engine_of,
    restore,
    rewrite,
    row_counts,
    run,
    stored_files,
    table_names,
)


@pytest.fixture
def archive(app: Flask, session: Session, tmp_path: Path) -> Path:
    """A backup of a small instance: a user, a case with a document, and the signing keys."""
    applicant = factories.make_user(session, "applicant", display_name="Alice Backup")
    factories.make_document(session, app, applicant, factories.make_case(session, applicant))
    assert run(app, "keys", "fingerprint").exit_code == 0
    path = tmp_path / "backup.tar"
    back_up(app, path)
    return path


def assert_nothing_written(url: str, instance: Path) -> None:
    app = make_test_app(url, instance)
    try:
        assert not table_names(engine_of(app)) - {"alembic_version"}
    finally:
        engine_of(app).dispose()
    assert stored_files(instance) == {}
    assert not list((instance / "keys").glob("*"))


def upload_member(archive: Path) -> str:
    with tarfile.open(archive) as tar:
        return next(name for name in tar.getnames() if name.startswith("files/uploads/"))


@pytest.mark.parametrize("member", ["database/user.jsonl", "uploads"])
def test_a_tampered_member_is_refused_by_name(archive: Path, tmp_path: Path, member: str) -> None:
    target_member = upload_member(archive) if member == "uploads" else member

    def alter(name: str, data: bytes) -> bytes:
        if name != target_member:
            return data
        # Same size, different bytes: only the hash can tell.
        return data.replace(b"Alice", b"Alicf") if b"Alice" in data else data[:-1] + bytes([data[-1] ^ 1])

    tampered = tmp_path / "tampered.tar"
    rewrite(archive, tampered, alter)
    with empty_database("sqlite", tmp_path / "target") as url:
        result = restore(url, tmp_path / "restored", tampered)
        assert result.exit_code != 0
        assert target_member in result.output and "SHA-256" in result.output
        assert_nothing_written(url, tmp_path / "restored")


def test_an_altered_manifest_is_refused(archive: Path, tmp_path: Path) -> None:
    """Changing a member and its listed hash together still fails: the manifest is sealed."""
    changed = {}

    def alter(name: str, data: bytes) -> bytes:
        if name == "database/user.jsonl":
            changed["data"] = data.replace(b"Alice", b"Alicf")
            return changed["data"]
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["members"]["database/user.jsonl"]["sha256"] = hashlib.sha256(changed["data"]).hexdigest()
            return json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        return data

    tampered = tmp_path / "tampered.tar"
    rewrite(archive, tampered, alter)
    with empty_database("sqlite", tmp_path / "target") as url:
        result = restore(url, tmp_path / "restored", tampered)
        assert result.exit_code != 0
        assert "manifest was altered" in result.output
        assert_nothing_written(url, tmp_path / "restored")


def test_a_wrong_passphrase_is_refused(archive: Path, tmp_path: Path) -> None:
    with empty_database("sqlite", tmp_path / "target") as url:
        result = restore(url, tmp_path / "restored", archive, passphrase="not the backup passphrase")
        assert result.exit_code != 0
        assert "passphrase is wrong" in result.output
        assert_nothing_written(url, tmp_path / "restored")
        # The right passphrase then restores normally.
        assert restore(url, tmp_path / "restored", archive).exit_code == 0


def test_a_non_empty_database_is_refused(app: Flask, archive: Path) -> None:
    before = row_counts(engine_of(app))
    result = run(app, "restore", str(archive), "--passphrase", PASSPHRASE)
    assert result.exit_code != 0
    assert "database is not empty" in result.output
    assert row_counts(engine_of(app)) == before


def test_existing_files_are_refused(archive: Path, tmp_path: Path) -> None:
    stray = tmp_path / "restored" / "uploads" / "ab" / "stray"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left over")
    with empty_database("sqlite", tmp_path / "target") as url:
        result = restore(url, tmp_path / "restored", archive)
        assert result.exit_code != 0
        assert str(stray) in result.output and "already exists" in result.output


def test_backup_needs_a_passphrase(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANDBOX_BACKUP_PASSPHRASE", raising=False)
    missing = run(app, "backup", "--output", str(tmp_path / "a.tar"))
    assert missing.exit_code != 0 and "passphrase is required" in missing.output
    short = run(app, "backup", "--output", str(tmp_path / "a.tar"), "--passphrase", "short")
    assert short.exit_code != 0 and "at least 12" in short.output
    assert not list(tmp_path.glob("a.tar*"))
    monkeypatch.setenv("SANDBOX_BACKUP_PASSPHRASE", PASSPHRASE)
    assert run(app, "backup", "--output", str(tmp_path / "a.tar")).exit_code == 0
    again = run(app, "backup", "--output", str(tmp_path / "a.tar"))
    assert again.exit_code != 0 and "already exists" in again.output
