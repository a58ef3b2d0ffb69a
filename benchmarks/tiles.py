"""Tile serving at 1,000,000 log entries (issue 15): `/log/…` beside `/healthz`, measured in the same run.

For each backend (SQLite always; a private PostgreSQL schema when one is reachable, see `common`), the
app's own key creation starts the log, then 1,000,000 issue-like entries are bulk-loaded into it the
way `transparency.append` would store them (`log_entry`, every perfect subtree in `log_node`, the head,
a signed checkpoint for the final size), which takes seconds instead of the hours real issuance would.
A spot check proves the loaded tree is the app's: the served checkpoint's root is the root computed
while loading, and an inclusion proof from the JSON API verifies against it.

Then, through the Flask test client (the whole app, no network), the median and p99 of:
`GET /healthz` (baseline, no database), a full hash tile already kept by the process, full hash tiles
and entry bundles read from the database (each a different, never requested tile), the right edge's
partial tile (never kept) and the checkpoint, each beside the same request on a log of 10,000 entries
built the same way in the same run. On SQLite, gunicorn (2 sync workers) serves the large log to 16
connections of the Python load generator: random full tiles and bundles against `/healthz`.

Goals: a kept tile at least 0.7 × `/healthz`'s rate; every read from the database at 1,000,000 entries
within 1.5 × its time at 10,000 (the cost of a tile does not grow with the log).
`python -m benchmarks tiles` (or `python -m benchmarks.tiles [ENTRIES]`).
"""

from __future__ import annotations

import base64
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine, text, update
from sqlmodel import col, select

from benchmarks.common import Gunicorn, databases, instance_environment, machine_note, print_table
from benchmarks.loadgen import Target, run_python
from certificates.keys import KeyUse
from certificates.log.checkpoint import sign_checkpoint
from certificates.log.merkle import MemoryNodeStore, MerkleLog, hash_leaf, verify_inclusion
from certificates.log.tiles import WIDTH, Tile
from sandbox import create_app
from sandbox.db import open_session, upgrade
from sandbox.models.certificates import LogCheckpoint, LogHead, LogNode
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import signing_keys, transparency

ENTRIES, SMALL = 1_000_000, 10_000
BATCH = 50_000
KEPT_RATIO_GOAL, GROWTH_GOAL = 0.7, 1.5
AT = datetime(2026, 6, 1, tzinfo=UTC)
INSERT_ENTRY = text(
    'INSERT INTO log_entry ("index", kind, entry, leaf_hash, created_at)'
    " VALUES (:i, 'issue', :entry, :leaf, :at)"
)
INSERT_NODE = text('INSERT INTO log_node (level, "index", hash) VALUES (:level, :i, :hash)')


class RecordingStore(MemoryNodeStore):
    """A MemoryNodeStore that also lists the nodes appended since the last `take()`."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[tuple[int, int, bytes]] = []

    def append(self, index: int, hashes: Sequence[bytes]) -> None:
        super().append(index, hashes)
        self.pending.extend((level, index >> level, h) for level, h in enumerate(hashes))

    def take(self) -> list[tuple[int, int, bytes]]:
        taken, self.pending = self.pending, []
        return taken


def entry_bytes(index: int) -> bytes:
    """An issue entry's RFC 8785 bytes (keys in order, ASCII only, so no escaping is needed)."""
    digest = hash_leaf(b"%d" % index).hex()
    return (
        b'{"at":"2026-06-01T00:00:00Z","certId":"bench-%08d","credentialSha256":"%s",'
        b'"kid":"bench-assertion-key","kind":"issue"}' % (index, digest.encode())
    )


def build(database_url: str, instance: Path, entries: int) -> tuple[Flask, int, bytes]:
    """The app over a database whose log holds its key entries plus `entries` loaded ones."""
    app = create_app({"SECRET_KEY": "tiles-benchmark", "DATABASE_URL": database_url,
                      "INSTANCE_PATH": str(instance), "REQUEST_LOG_LEVEL": "WARNING"})  # fmt: skip
    engine = app.extensions["sandbox.engine"]
    upgrade(engine)
    with open_session(app, expire_on_commit=True) as session:
        signing_keys.ensure_keys(session)  # the app's own first entries, appended the usual way
        session.commit()
        store = RecordingStore()
        log = MerkleLog(store)
        for leaf in session.exec(select(LogNode.hash).where(LogNode.level == 0).order_by(col(LogNode.index))):
            log.append_hash(bytes(leaf))
        store.take()  # already in the database
    load_entries(engine, log, entries)
    with open_session(app, expire_on_commit=True) as session:
        settings = settings_of(session).trust
        transparency.lock_log(session)
        log_key = signing_keys.signing_key(session, KeyUse.LOG, settings)
        root, now = log.root(), datetime.now(UTC)
        note = sign_checkpoint(settings.log_origin, log.size, root, settings.log_origin, log_key.private_key,
                               at=now)  # fmt: skip
        session.execute(update(LogHead).values(size=log.size))
        session.add(LogCheckpoint(size=log.size, root_hash=root.hex(), note=note, created_at=now))
        session.commit()
    with engine.connect() as connection:  # what a live database does on its own soon after a bulk load
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            connection.exec_driver_sql("ANALYZE log_node")
            connection.exec_driver_sql("ANALYZE log_entry")
    return app, log.size, root


def load_entries(engine: Engine, log: MerkleLog, entries: int) -> None:
    """Append `entries` leaves to `log` and insert their rows, one transaction per batch.

    Plain SQL with the entry's JSON text as is: the ORM's per-row work would dominate the load.
    """
    # SQLite keeps these timestamps as naive UTC text; PostgreSQL as timestamptz.
    at = AT.replace(tzinfo=None).isoformat(" ", "microseconds") if engine.dialect.name == "sqlite" else AT
    store = log.store
    assert isinstance(store, RecordingStore)
    first = log.size
    for start in range(first, first + entries, BATCH):
        rows = []
        for index in range(start, min(start + BATCH, first + entries)):
            leaf = entry_bytes(index)
            leaf_hash = hash_leaf(leaf)
            log.append_hash(leaf_hash)
            rows.append({"i": index, "entry": leaf.decode(), "leaf": leaf_hash.hex(), "at": at})
        nodes = [{"level": level, "i": i, "hash": h} for level, i, h in store.take()]
        with engine.begin() as connection:
            connection.execute(INSERT_ENTRY, rows)
            connection.execute(INSERT_NODE, nodes)


def spot_check(app: Flask, size: int, root: bytes) -> None:
    """The served checkpoint signs the loaded root; an inclusion proof from the API leads to it."""
    client = app.test_client()
    note = client.get("/log/checkpoint").get_data(as_text=True).split("\n")
    if (int(note[1]), base64.b64decode(note[2])) != (size, root):
        raise RuntimeError("the served checkpoint does not sign the loaded tree")
    index = size // 3
    proof = client.get(f"/api/v1/log/proof/inclusion?index={index}&size={size}").get_json()["hashes"]
    tile = client.get(f"/log/tile/0/{_path(index // WIDTH)}").data
    leaf = tile[(index % WIDTH) * 32 : (index % WIDTH + 1) * 32]
    verify_inclusion(leaf, index, size, [base64.b64decode(h) for h in proof], root)


def _path(n: int) -> str:
    """The `<N>` part of a tile path (``x001/234``)."""
    return Tile(0, n).path.removeprefix("tile/0/")


def _timed(client, paths: Sequence[str]) -> list[float]:
    samples = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
    return samples


def measure_in_process(app: Flask, size: int, rng: random.Random) -> dict[str, list[float]]:
    client = app.test_client()
    full = size // WIDTH
    tiles = rng.sample(range(full), min(400, full))
    bundles = rng.sample(range(full), min(100, full))
    edge = f"/log/tile/0/{_path(full)}.p/{size % WIDTH}"
    kept = f"/log/tile/0/{_path(tiles[0])}"
    client.get(kept), client.get("/healthz"), client.get("/log/checkpoint")  # warm up
    return {
        "GET /healthz (baseline)": _timed(client, ["/healthz"] * 1000),
        "full tile, kept": _timed(client, [kept] * 1000),
        "full tile, from the database": _timed(client, [f"/log/tile/0/{_path(n)}" for n in tiles[1:]]),
        "entry bundle, from the database": _timed(client, [f"/log/tile/entries/{_path(n)}" for n in bundles]),
        "partial tile (right edge)": _timed(client, [edge] * 300),
        "checkpoint": _timed(client, ["/log/checkpoint"] * 300),
    }


def report(name: str, small: dict[str, list[float]], large: dict[str, list[float]], size: int) -> None:
    def median(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    def p99(values: list[float]) -> float:
        return sorted(values)[min(len(values) - 1, int(len(values) * 0.99))]

    base = median(large["GET /healthz (baseline)"])
    rows = []
    for label, samples in large.items():
        ms, before = median(samples), median(small[label])
        if label == "full tile, kept":
            goal = f"rate ≥ {KEPT_RATIO_GOAL} × /healthz: " + _ok(base / ms >= KEPT_RATIO_GOAL)
        elif label.startswith("GET /healthz"):
            goal = ""
        else:
            goal = f"≤ {GROWTH_GOAL} × at {SMALL:,}: " + _ok(ms <= GROWTH_GOAL * before)
        rows.append((label, f"{before:.2f}", f"{ms:.2f}", f"{p99(samples):.2f}", f"{base / ms:.2f}", goal))
    print(f"  {name}, through the Flask test client:")
    print_table(("request", f"ms at {SMALL:,}", f"ms at {size:,}", "p99 ms", "rate vs /healthz", "goal"),
                rows)  # fmt: skip


def _ok(met: bool) -> str:
    return "ok" if met else "MISSED"


def measure_gunicorn(instance: Path, database_url: str, size: int, rng: random.Random) -> None:
    """2 sync workers, 16 connections: random full tiles (and entry bundles) against /healthz."""
    full = size // WIDTH
    env = instance_environment(instance, database_url)
    env["SANDBOX_SECRET_KEY"], env["SANDBOX_REQUEST_LOG_LEVEL"] = "tiles-benchmark", "WARNING"
    sets = {
        "GET /healthz (baseline)": [Target("GET", "/healthz")],
        "random full tiles": [
            Target("GET", f"/log/tile/0/{_path(n)}") for n in rng.sample(range(full), min(500, full))
        ],
        "random entry bundles": [
            Target("GET", f"/log/tile/entries/{_path(n)}") for n in rng.sample(range(full), min(200, full))
        ],  # fmt: skip
        "checkpoint": [Target("GET", "/log/checkpoint")],
    }
    with Gunicorn(env, workers=2) as server:
        for targets in sets.values():
            run_python(server.url, targets, connections=16, seconds=1.0)  # warm up
        results = {name: run_python(server.url, targets, connections=16, seconds=6.0)
                   for name, targets in sets.items()}  # fmt: skip
    base = results["GET /healthz (baseline)"].per_second
    rows = [(name, f"{r.per_second:.0f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", f"{r.per_second / base:.2f}",
             r.non_2xx + r.errors) for name, r in results.items()]  # fmt: skip
    print("  SQLite, gunicorn 2 sync workers, Python load generator, 16 connections, 6 s each:")
    print_table(("request", "req/s", "p50 ms", "p99 ms", "vs /healthz", "failed"), rows)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    entries = int(args[0]) if args else ENTRIES
    print(f"== tiles: the log served as C2SP tlog-tiles at {entries:,} entries, beside {SMALL:,} ==")
    print(f"  ({machine_note()})")
    rng = random.Random(15)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sandbox-tiles-")))
        (folder / "small").mkdir()
        (folder / "large").mkdir()
        smalls = stack.enter_context(databases(folder / "small"))
        larges = stack.enter_context(databases(folder / "large"))
        for (name, small_url), (_, large_url) in zip(smalls, larges, strict=True):
            small_app, small_size, _ = build(small_url, folder / "small" / f"instance-{name}", SMALL)
            stack.callback(small_app.extensions["sandbox.engine"].dispose)
            started = time.perf_counter()
            instance = folder / "large" / f"instance-{name}"
            app, size, root = build(large_url, instance, entries)
            stack.callback(app.extensions["sandbox.engine"].dispose)
            print(f"  [{name}] log of {size:,} entries loaded in {time.perf_counter() - started:.0f} s",
                  flush=True)  # fmt: skip
            spot_check(app, size, root)
            small_results = measure_in_process(small_app, small_size, rng)
            report(name, small_results, measure_in_process(app, size, rng), size)
            if name == "SQLite":
                measure_gunicorn(instance, large_url, size, rng)


if __name__ == "__main__":
    main()
