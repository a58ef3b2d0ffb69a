"""Helpers for the backup tests: empty databases of either dialect, instance facts, archive rewriting."""

from __future__ import annotations

import hashlib
import io
import tarfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import Result
from flask import Flask
from sqlalchemy import Engine, func, inspect, select, text

from sandbox.db import make_engine, normalise_url
from sandbox.models import metadata
from sandbox.services.common.derived import DERIVED_TABLES
from tests.conftest import POSTGRES_URL, make_test_app

PASSPHRASE = "a long backup passphrase"


@contextmanager
def empty_database(kind: str, folder: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database: a new SQLite file, or a new private PostgreSQL schema."""
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder / 'restored.db'}"
        return
    assert POSTGRES_URL is not None
    schema, base = f"restore_{uuid.uuid4().hex[:12]}", normalise_url(POSTGRES_URL)
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def engine_of(app: Flask) -> Engine:
    return app.extensions["sandbox.engine"]


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per archived table (the derived tables are rebuilt by a restore: see `derived_facts`)."""
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
            if table.name not in DERIVED_TABLES
        }


def derived_facts(engine: Engine) -> dict[str, Any]:
    """What the derived tables say: the non-zero tallies, the registry text and the number of grams."""
    with engine.connect() as connection:
        tallies = connection.execute(
            text("SELECT state, sector, overdue, registered, filing_year, cases FROM case_tally"
                 " WHERE cases <> 0")  # fmt: skip
        ).all()
        texts = connection.execute(text("SELECT case_id, text FROM registry_text ORDER BY case_id")).all()
        grams = connection.execute(text("SELECT count(*) FROM registry_gram")).scalar_one()
    return {"tallies": sorted(map(tuple, tallies)), "texts": list(map(tuple, texts)), "grams": grams}


def all_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every archived table as Python values (times, JSON, enums, bytes), by primary key."""
    with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))]
            for table in metadata.sorted_tables
            if table.name not in DERIVED_TABLES
        }


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def stored_files(instance: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every uploaded or generated file (not keys, not mail)."""
    found = {}
    for folder in ("uploads", "certificates"):
        for path in sorted((instance / folder).rglob("*")):
            if path.is_file():
                found[path.relative_to(instance).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass
class InstanceFacts:
    counts: dict[str, int]
    rows: dict[str, list[tuple[Any, ...]]]
    files: dict[str, str]
    bundles: dict[str, dict[str, Any]]
    verdicts: dict[str, str]
    derived: dict[str, Any]


def facts_of(app: Flask) -> InstanceFacts:
    """What a faithful restore must reproduce: rows, files, and each certificate's verification verdict."""
    client = app.test_client()
    with engine_of(app).connect() as connection:
        ids = [row[0] for row in connection.execute(text("SELECT id FROM certificate ORDER BY id"))]
    bundles = {cert_id: client.get(f"/api/v1/certificates/{cert_id}").get_json() for cert_id in ids}
    verdicts = {cert_id: verify(client, bundle) for cert_id, bundle in bundles.items()}
    engine = engine_of(app)
    return InstanceFacts(
        row_counts(engine), all_rows(engine), stored_files(Path(app.instance_path)), bundles, verdicts,
        derived_facts(engine),
    )  # fmt: skip


def verify(client: Any, bundle: dict[str, Any]) -> str:
    response = client.post("/api/v1/verify", json={"bundle": bundle})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["verdict"]


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def back_up(app: Flask, archive: Path, passphrase: str = PASSPHRASE) -> None:
    result = run(app, "backup", "--output", str(archive), "--passphrase", passphrase)
    assert result.exit_code == 0, result.output
    assert archive.is_file()


def restore(url: str, instance: Path, archive: Path, passphrase: str = PASSPHRASE) -> Result:
    """Run `restore` in a new app on `url`/`instance`, as an operator would on a new machine."""
    app = make_test_app(url, instance)
    try:
        return run(app, "restore", str(archive), "--passphrase", passphrase)
    finally:
        engine_of(app).dispose()


def rewrite(archive: Path, target: Path, change: Callable[[str, bytes], bytes]) -> None:
    """Copy the tar, passing each member's bytes through `change(name, data)`."""
    with tarfile.open(archive) as source, tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as out:
        for member in source.getmembers():
            handle = source.extractfile(member)
            assert handle is not None
            data = change(member.name, handle.read())
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
