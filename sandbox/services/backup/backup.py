"""Back up an instance into one archive and restore it into an empty one (any dialect into any other).

A backup reads every table of `sandbox.models.metadata` from one consistent snapshot (PostgreSQL:
a read-only REPEATABLE READ transaction; SQLite: one read transaction), then the stored files, then the
signing keys and instance secrets, which it encrypts with the backup passphrase (`backup_archive`).
Files are read after the rows, so every file a row names is already on disk (files are written before
their row commits). Restoring is `backup_restore`. No Flask here: the command supplies the engine and
the folders.
"""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from sandbox.errors import N_
from sandbox.models import metadata
from sandbox.private_files import make_private_dirs
from sandbox.services.backup.archive import (
    FORMAT,
    MANIFEST,
    SEAL,
    SECRETS,
    VERSION,
    ArchiveWriter,
    BackupRefused,
    seal,
    seal_secrets,
)
from sandbox.services.backup.rows import current_revision, dump_table, table_columns
from sandbox.services.common.derived import DERIVED_TABLES

__all__ = ["BackupRefused", "BackupSummary", "InstanceStorage", "create_backup", "default_backup_path"]

MIN_PASSPHRASE = 12


@dataclass(frozen=True)
class InstanceStorage:
    """Where an instance keeps what a backup carries besides the database."""

    files: dict[str, Path]  # location name ("uploads", "certificates") → folder
    key_dir: Path
    secret_files: dict[str, Path] = field(default_factory=dict)  # "key_passphrase", "secret_key" → file


@dataclass
class BackupSummary:
    path: Path
    revision: str
    rows: dict[str, int]
    files: int
    secrets: int


def default_backup_path(instance: Path, now: datetime | None = None) -> Path:
    """`<instance>/backups/sandbox-<UTC timestamp>.tar`."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return instance / "backups" / f"sandbox-{stamp}.tar"


def create_backup(
    engine: Engine,
    *,
    storage: InstanceStorage,
    output: Path,
    passphrase: str,
    progress: Callable[[str, int], None] | None = None,
) -> BackupSummary:
    """Write the archive to `output` (mode 0600, never over an existing file) and return what it holds."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupRefused(
            "passphrase",
            N_("The backup passphrase must be at least %(length)s characters."),
            length=MIN_PASSPHRASE,
        )
    if output.exists():
        raise BackupRefused("exists", N_("%(path)s already exists; choose another file."), path=str(output))
    make_private_dirs(output.parent)
    partial = output.with_name(output.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with (
            os.fdopen(descriptor, "wb") as handle,
            tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            summary = _write_archive(ArchiveWriter(tar), engine, storage, passphrase, progress)
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    summary.path = output
    return summary


def _write_archive(
    writer: ArchiveWriter,
    engine: Engine,
    storage: InstanceStorage,
    passphrase: str,
    progress: Callable[[str, int], None] | None,
) -> BackupSummary:
    created = datetime.now(UTC)
    revision, tables = _dump_database(writer, engine, progress)
    file_counts = {
        name: _add_folder(writer, f"files/{name}", folder) for name, folder in storage.files.items()
    }
    blob, params, keys = seal_secrets(passphrase, _collect_secrets(storage))
    writer.add_bytes(SECRETS, blob)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "source_dialect": engine.dialect.name,
        "schema_revision": revision,
        "tables": tables,
        "row_counts": {table["name"]: table["rows"] for table in tables},
        "file_counts": file_counts,
        "secrets": params,
        "members": writer.members,
    }
    raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    writer.add_bytes(MANIFEST, raw)
    writer.add_bytes(SEAL, seal(keys, raw))
    rows = manifest["row_counts"]
    return BackupSummary(Path(), revision, rows, sum(file_counts.values()), len(params["files"]))


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """One connection reading one consistent state of the whole database."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            if connection.dialect.name == "sqlite":
                # pysqlite opens no transaction for SELECTs; without one each table would be read
                # at a different moment.
                connection.exec_driver_sql("BEGIN")
            yield connection


def _dump_database(
    writer: ArchiveWriter, engine: Engine, progress: Callable[[str, int], None] | None
) -> tuple[str, list[dict[str, Any]]]:
    tables: list[dict[str, Any]] = []
    with snapshot(engine) as connection, tempfile.TemporaryDirectory(prefix="sandbox-backup-") as scratch:
        revision = current_revision(connection)
        if revision is None:
            raise BackupRefused(
                "no_schema", N_("The database has no schema yet; there is nothing to back up.")
            )
        for table in metadata.sorted_tables:
            if table.name in DERIVED_TABLES:
                continue  # rebuilt by the restore
            path, count = Path(scratch) / f"{table.name}.jsonl", 0
            with open(path, "wb") as out:
                for line in dump_table(connection, table):
                    out.write(line)
                    count += 1
            member = f"database/{table.name}.jsonl"
            writer.add_path(member, path)
            path.unlink()
            tables.append(
                {"name": table.name, "member": member, "rows": count, "columns": table_columns(table)}
            )
            if progress is not None:
                progress(table.name, count)
    return revision, tables


def _add_folder(writer: ArchiveWriter, prefix: str, folder: Path) -> int:
    count = 0
    for path, relative in stored_files(folder):
        try:
            writer.add_path(f"{prefix}/{relative}", path)
        except FileNotFoundError:
            continue  # removed while we were reading; it was not referenced by the snapshot
        count += 1
    return count


def stored_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under `folder` with their relative POSIX paths, skipping writes in progress."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        # Blobs are written to a temporary "tmp…" file and renamed into place.
        if path.is_file() and not path.is_symlink() and not path.name.startswith("tmp"):
            yield path, path.relative_to(folder).as_posix()


def _collect_secrets(storage: InstanceStorage) -> dict[str, bytes]:
    found = {f"keys/{relative}": path.read_bytes() for path, relative in stored_files(storage.key_dir)}
    for name, path in storage.secret_files.items():
        if path.is_file():
            found[name] = path.read_bytes()
    return found
