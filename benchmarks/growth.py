"""Growth benchmark: the busiest pages at 1,000 and at 100,000 cases, side by side (issue 9).

For each database backend — SQLite files in a temporary folder always; PostgreSQL private schemas in
the test database when SANDBOX_BENCH_DATABASE_URL or SANDBOX_TEST_DATABASE_URL is set (dropped at the
end) — two databases are filled by the demo seed plus `demo_bulk.generate_cases`, then each endpoint
is requested through the Flask test client: the median of repeated requests and the number of SQL
statements one request issues. Goal: every page at 100k within 1.5× its time at 1k, and the same
number of queries (no query per row). SANDBOX_BENCH_LARGE overrides 100000 for quick runs.
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine, event, func, select, text
from sqlmodel import col

from sandbox import create_app
from sandbox.db import get_session, make_engine, normalise_url, upgrade
from sandbox.demo.bulk import BulkResult, generate_cases
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.demo.seed import seed
from sandbox.models.accounts import User
from sandbox.models.cases import Case
from sandbox.services.cases import calendar
from workflows.states import CaseState

SMALL = 1000
LOADED_TABLES = ("case", "case_event", "plan_version", "document", "publication_consent", "enterprise",
                 "case_tally", "registry_text", "registry_gram")  # fmt: skip
GOAL_RATIO = 1.5
REPEATS, BUDGET_SECONDS = 15, 6.0


@dataclass
class Measured:
    ms: float
    queries: int
    status: int


@dataclass
class World:
    """One filled database and the app serving it."""

    app: Flask
    cases: int
    generated: BulkResult
    paths: dict[str, str] = field(default_factory=dict)


def main() -> None:
    large = int(os.environ.get("SANDBOX_BENCH_LARGE", "100000"))
    postgres = os.environ.get("SANDBOX_BENCH_DATABASE_URL") or os.environ.get("SANDBOX_TEST_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="sandbox-growth-") as folder:
        backends = [("sqlite", None)] + ([("postgresql", postgres)] if postgres else [])
        for backend, url in backends:
            with ExitStack() as stack:
                probes = {}
                for size in (SMALL, large):
                    database_url = stack.enter_context(database(backend, url, Path(folder), size))
                    world = build_world(database_url, Path(folder) / f"{backend}-{size}", size)
                    stack.callback(world.app.extensions["sandbox.engine"].dispose)
                    print(f"[{backend}] {size:,} cases generated in {world.generated.seconds:.1f} s "
                          f"({world.generated.events:,} events)", flush=True)  # fmt: skip
                    probes[size] = Probe(world)
                report(backend, measure(probes[SMALL], probes[large]), large)


@contextmanager
def database(backend: str, url: str | None, folder: Path, size: int) -> Iterator[str]:
    """Yield an empty database URL: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if url is None:
        yield f"sqlite:///{folder / f'growth-{size}.db'}"
        return
    schema, base = f"growth_{uuid.uuid4().hex[:12]}", normalise_url(url)
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def build_world(database_url: str, instance: Path, size: int) -> World:
    app = create_app({
        "SECRET_KEY": "growth-benchmark", "DATABASE_URL": database_url, "INSTANCE_PATH": str(instance),
        "ARGON2_PROFILE": "CHEAPEST", "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "100000 per minute",
    })  # fmt: skip
    logging.getLogger("sandbox.requests").setLevel(logging.WARNING)  # one line per request is noise here
    with app.app_context():
        upgrade(app.extensions["sandbox.engine"])
        session = get_session()
        storage, today = instance / "uploads", calendar.beijing_today()
        seed(session, storage=storage, today=today)
        session.commit()
        generated = generate_cases(session, count=size, storage=storage, today=today,
                                   on_batch=lambda _: session.commit())  # fmt: skip
        session.commit()
        settle(app.extensions["sandbox.engine"])
        total = session.execute(select(func.count()).select_from(Case)).scalar_one()
        world = World(app, total, generated)
        world.paths = pages(session, total)
    return world


def settle(engine: Engine) -> None:
    """On PostgreSQL, do what autovacuum does soon after a bulk load: statistics and visibility map."""
    if engine.dialect.name != "postgresql":
        return
    tables = ", ".join(f'"{name}"' for name in LOADED_TABLES)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM ANALYZE {tables}"))


def pages(session, total: int) -> dict[str, str]:
    """The requests measured: first pages, deep pages in the middle of each list, one case page."""
    filed = select(col(Case.id)).where(col(Case.state) != CaseState.DRAFT).order_by(col(Case.id).desc())
    middle = session.execute(filed.offset(total // 2).limit(1)).scalar_one()
    # A case in testing with ten events whose officer is the signed-in regulator, so that its page runs
    # the same statements in both databases (another officer's name is one more user to load).
    officer = select(col(User.id)).where(col(User.email) == "regulator@demo.sandbox").scalar_subquery()
    ten = session.execute(
        select(col(Case.id))
        .where(
            col(Case.state) == CaseState.TESTING,
            col(Case.event_count) == 10,
            col(Case.case_officer_id) == officer,
        )
        .order_by(col(Case.id))
        .limit(1)
    ).scalar_one()
    registered = session.execute(
        select(func.count()).where(col(Case.filing_number).is_not(None))
    ).scalar_one()
    deep = max(1, registered // 20 // 2)  # the middle page at 20 entries a page
    # A four-digit filing number in both worlds, so that both searches have the same grams to look up.
    numbers = select(col(Case.filing_number)).where(col(Case.filing_number).is_not(None))
    number = session.execute(numbers.order_by(col(Case.filing_order)).offset(300).limit(1)).scalar_one()
    return {
        "queue page /cases": "/cases",
        "queue page, deep cursor": f"/cases?cursor={middle}",
        "queue page, one stage": "/cases?state=testing",
        "dashboard": "/dashboard",
        "case list API": "/api/v1/cases",
        "case list API, deep cursor": f"/api/v1/cases?cursor={middle}",
        "case page (~10 events)": f"/cases/{ten}",
        "case events API": f"/api/v1/cases/{ten}/events",
        "registry page": "/registry",
        "registry page, middle page": f"/registry?page={deep}",
        "registry API": "/api/v1/registry",
        "registry API, middle page": f"/api/v1/registry?page={deep}",
        "registry filtered by sector": "/registry?sector=healthcare",
        "registry search, a filing number": f"/api/v1/registry?q={number}",
        "registry search, 2 chars (1 in 6)": "/api/v1/registry?q=景园",
    }


class Probe:
    """Requests one world's pages as the demo regulator (signed in, with a token), counting queries."""

    def __init__(self, world: World) -> None:
        self.world, self.client = world, world.app.test_client()
        login = self.client.post(
            "/login", data={"email": "regulator@demo.sandbox", "password": DEMO_PASSWORD}
        )
        assert login.status_code == 302, login.status_code
        body = {"email": "regulator@demo.sandbox", "password": DEMO_PASSWORD}
        token = self.client.post("/api/v1/tokens", json=body).get_json()["token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        self.queries = 0
        event.listen(world.app.extensions["sandbox.engine"], "before_cursor_execute", self._count)

    def _count(self, *_args: object) -> None:
        self.queries += 1

    def get(self, name: str) -> tuple[float, int, int]:
        """Request the page called `name`: (milliseconds, SQL statements, status)."""
        path = self.world.paths[name]
        self.queries, started = 0, time.perf_counter()
        response = self.client.get(path, headers=self.headers if path.startswith("/api/") else {})
        return (time.perf_counter() - started) * 1000, self.queries, response.status_code


def measure(small: Probe, large: Probe) -> dict[str, tuple[Measured, Measured]]:
    """Time every page in both worlds, alternating between them so that load on the machine hits both."""
    results = {}
    for name in small.world.paths:
        for probe in (small, large):
            for _ in range(2):  # warm caches, templates and the connection pool
                probe.get(name)
        samples: dict[Probe, list[tuple[float, int, int]]] = {small: [], large: []}
        deadline = time.perf_counter() + BUDGET_SECONDS
        while len(samples[large]) < REPEATS and (len(samples[large]) < 3 or time.perf_counter() < deadline):
            for probe in (small, large):
                samples[probe].append(probe.get(name))
        results[name] = (_summary(samples[small]), _summary(samples[large]))
    return results


def _summary(samples: list[tuple[float, int, int]]) -> Measured:
    return Measured(statistics.median(ms for ms, _, _ in samples), samples[-1][1], samples[-1][2])


def report(backend: str, results: dict[str, tuple[Measured, Measured]], large: int) -> None:
    print(f"\nGrowth on {backend}: {SMALL:,} → {large:,} cases (goal: ratio ≤ {GOAL_RATIO}, same queries)")
    head = f"{'endpoint':<30} {'ms @1k':>8} {'ms @' + _short(large):>9} {'ratio':>6} {'q @1k':>6} "
    print(head + f"{'q @' + _short(large):>7}  status")
    for name, (at_small, at_big) in results.items():
        ratio = at_big.ms / at_small.ms if at_small.ms else float("inf")
        flag = "" if ratio <= GOAL_RATIO and at_big.queries == at_small.queries else "  <-- over goal"
        print(f"{name:<30} {at_small.ms:8.1f} {at_big.ms:9.1f} {ratio:6.2f} {at_small.queries:6d} "
              f"{at_big.queries:7d}  {at_small.status}/{at_big.status}{flag}")  # fmt: skip
    print(flush=True)


def _short(count: int) -> str:
    return f"{count // 1000}k" if count % 1000 == 0 else str(count)


if __name__ == "__main__":
    main()
