"""Restore a backup archive into an empty instance, on either database dialect.

Everything that can be checked is checked before anything is written: every member's SHA-256 against
the manifest, the passphrase (it must decrypt the keys), the manifest's seal, the tables and columns
against this version's models, the schema revision against the migrations, and that the database has
no rows and the storage folders no files. Then: migrate the empty database to the backup's revision,
insert the rows in dependency order in one transaction (all or nothing), move PostgreSQL sequences past
the restored ids, bring the schema to the newest revision, write the files, and write the keys last.
A failure while writing files is reported with what was already written.
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlmodel import Session

from sandbox.errors import N_
from sandbox.models import metadata
from sandbox.private_files import make_private_dirs, open_private
from sandbox.services.backup.archive import (
    SECRETS,
    BackupRefused,
    check_members,
    check_seal,
    iter_lines,
    iter_member,
    open_secrets,
    read_manifest,
    safe_name,
)
from sandbox.services.backup.backup import InstanceStorage, stored_files
from sandbox.services.backup.rows import (
    column_kind,
    current_revision,
    first_nonempty_table,
    load_table,
    reset_sequences,
)
from sandbox.services.common import derived

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@dataclass
class RestoreSummary:
    revision: str
    rows: dict[str, int]
    files: int
    secrets: list[str]


def restore_backup(
    engine: Engine,
    *,
    archive: Path,
    storage: InstanceStorage,
    passphrase: str,
    migrate: Callable[[str], None],
    progress: Callable[[str, int], None] | None = None,
) -> RestoreSummary:
    """Restore `archive` into the empty database behind `engine` and the empty folders of `storage`."""
    try:
        tar = tarfile.open(archive, mode="r:")  # noqa: SIM115  (closed by the `with` below)
    except (OSError, tarfile.TarError):
        raise BackupRefused(
            "format", N_("%(path)s is not a readable backup archive."), path=str(archive)
        ) from None
    with tar:
        manifest, raw, mac = read_manifest(tar)
        check_members(tar, manifest)
        secrets, keys = open_secrets(
            passphrase, b"".join(iter_member(tar, SECRETS)), manifest.get("secrets") or {}
        )
        check_seal(keys, raw, mac)
        plan = _plan_tables(manifest)
        files = _plan_files(manifest, storage)
        _plan_secrets(secrets, storage)
        revision = str(manifest["schema_revision"])
        script = ScriptDirectory(str(MIGRATIONS))
        _check_empty(engine, storage)
        _migrate_to(engine, script, revision, migrate)
        rows = _insert_rows(engine, tar, plan, progress)
        if revision != script.get_current_head():
            migrate("head")
        _rebuild_derived(engine)
        _write_files(tar, files)
        _write_secrets(secrets, storage)
    return RestoreSummary(revision=revision, rows=rows, files=len(files), secrets=sorted(secrets))


def _plan_tables(manifest: dict[str, Any]) -> list[tuple[sa.Table, dict[str, Any]]]:
    """Pair each archived table with this version's table, in this version's dependency order."""
    archived = {entry["name"]: entry for entry in manifest.get("tables", [])}
    unknown = sorted(set(archived) - set(metadata.tables))
    if unknown:
        raise BackupRefused("schema", N_("This version does not know the table %(table)s."), table=unknown[0])
    plan = []
    for table in metadata.sorted_tables:
        entry = archived.get(table.name)
        if entry is None:
            continue
        for column in entry["columns"]:
            if (
                column["name"] not in table.columns
                or column_kind(table.columns[column["name"]]) != column["kind"]
            ):
                raise BackupRefused(
                    "schema", N_("This version does not know the column %(column)s."),
                    column=f"{table.name}.{column['name']}",
                )  # fmt: skip
        plan.append((table, entry))
    return plan


def _plan_files(manifest: dict[str, Any], storage: InstanceStorage) -> list[tuple[str, Path]]:
    """Map every `files/<location>/<path>` member to its target path in this instance."""
    planned = []
    for name in manifest["members"]:
        if not name.startswith("files/"):
            continue
        location, _, relative = name[len("files/") :].partition("/")
        if location not in storage.files or not safe_name(relative):
            raise BackupRefused(
                "format", N_("The archive holds %(member)s, which has no place here."), member=name
            )
        planned.append((name, storage.files[location] / relative))
    return planned


def _plan_secrets(secrets: dict[str, bytes], storage: InstanceStorage) -> None:
    for name in secrets:
        if not (name.startswith("keys/") or name in storage.secret_files):
            raise BackupRefused(
                "format", N_("The archive holds %(member)s, which has no place here."), member=name
            )


def _check_empty(engine: Engine, storage: InstanceStorage) -> None:
    with engine.connect() as connection:
        table = first_nonempty_table(connection, metadata.sorted_tables)
    if table is not None:
        raise BackupRefused(
            "not_empty",
            N_("The database is not empty (table %(table)s has rows); restore only into an empty database."),
            table=table,
        )
    for folder in [*storage.files.values(), storage.key_dir]:
        for path, _ in stored_files(folder):
            raise BackupRefused(
                "not_empty",
                N_("%(path)s already exists; restore only into an empty instance."),
                path=str(path),
            )


def _migrate_to(
    engine: Engine, script: ScriptDirectory, revision: str, migrate: Callable[[str], None]
) -> None:
    try:
        script.get_revision(revision)
    except CommandError:
        raise BackupRefused(
            "schema", N_("The backup's schema %(revision)s is newer than this version; upgrade first."),
            revision=revision,
        ) from None  # fmt: skip
    with engine.connect() as connection:
        current = current_revision(connection)
    if current == revision:
        return
    if current is not None and current not in {
        item.revision for item in script.iterate_revisions(revision, "base")
    }:
        raise BackupRefused(
            "schema", N_("The database is at schema %(current)s, newer than the backup's %(revision)s; "
                         "restore into a new database."),
            current=current, revision=revision,
        )  # fmt: skip
    migrate(revision)


def _insert_rows(
    engine: Engine,
    tar: tarfile.TarFile,
    plan: list[tuple[sa.Table, dict[str, Any]]],
    progress: Callable[[str, int], None] | None,
) -> dict[str, int]:
    rows: dict[str, int] = {}
    with engine.begin() as connection:
        for table, entry in plan:
            names = [column["name"] for column in entry["columns"]]
            count = load_table(connection, table, names, iter_lines(tar, entry["member"]))
            if count != entry["rows"]:
                raise BackupRefused(
                    "tampered", N_("The member %(member)s does not match its SHA-256 in the manifest."),
                    member=entry["member"],
                )  # fmt: skip
            rows[table.name] = count
            if progress is not None:
                progress(table.name, count)
        reset_sequences(connection, [table for table, _ in plan])
    return rows


def _rebuild_derived(engine: Engine) -> None:
    """Count the cases and index the registry: a backup does not carry rows derived from others."""
    with Session(engine) as session:
        derived.rebuild(session)
        session.commit()


def _write_files(tar: tarfile.TarFile, files: list[tuple[str, Path]]) -> None:
    for done, (member, target) in enumerate(files):
        try:
            make_private_dirs(target.parent)
            with open_private(target) as out:
                for chunk in iter_member(tar, member):
                    out.write(chunk)
        except OSError as error:
            raise BackupRefused(
                "incomplete",
                N_("The database was restored, but writing %(path)s failed (%(error)s); %(done)s of "
                   "%(total)s files were written and no keys. Empty the database and the folders, then "
                   "restore again."),
                path=str(target), error=error.strerror or str(error), done=done, total=len(files),
            ) from None  # fmt: skip


def _write_secrets(secrets: dict[str, bytes], storage: InstanceStorage) -> None:
    """Write the keys (mode 0600 in a 0700 folder) and replace the instance's generated secrets."""
    for name, data in sorted(secrets.items()):
        if name.startswith("keys/"):
            target = storage.key_dir / name[len("keys/") :]
            make_private_dirs(target.parent)
        else:
            # The application generates these on first start; with no keys yet they protect nothing.
            target = storage.secret_files[name]
        temporary = target.with_name(f".{target.name}.restore")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
