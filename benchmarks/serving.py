"""Serving under gunicorn: verification and the certificate page against a trivial endpoint of the app.

The demo (created with the real CLI in a temporary instance folder; on SQLite, and in a private
PostgreSQL schema too with `--postgres` or SANDBOX_BENCH_DATABASE_URL set) is served by gunicorn with
2 **sync** workers on a free loopback port. Sync, because every request here is CPU-bound Python
(signature checks, JSON, templates): threads in one process only take turns on the GIL, so they add
no throughput on a busy core but widen the latency tail, while a process per core uses both cores
(gunicorn's own advice for CPU-bound apps). Sync workers close the connection after each answer; that
cost is the same for every endpoint, the trivial one included. `--gthread` serves with 2 gthread
workers of 4 threads instead, for comparison (keep-alive raises every endpoint's requests/s; the GIL
lengthens p99).

Each endpoint — `POST /api/v1/verify` with a demo certificate's signed bundle, the public certificate
page `/c/<id>` (full verification plus a template), and `GET /healthz` (no database) — is loaded for
~10 s at 32 connections, in 3 rounds that take turns between endpoints, by wrk when installed, else by
the Python generator of `loadgen`. Goals: requests/s at least 0.4 × the trivial endpoint's, p99 under
50 ms. No rate limit applies to these endpoints (only sign-in and registration are limited), so no
configuration is changed for them.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from benchmarks.common import (
    Gunicorn,
    demo_instance,
    machine_note,
    median,
    postgres_base_url,
    print_table,
    private_schema,
)
from benchmarks.loadgen import LoadResult, Target, load, wrk_available

RATIO_GOAL = 0.4
P99_GOAL_MS = 50.0
JSON = {"Content-Type": "application/json"}


def fetch_json(base_url: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    # Our own loopback server, http only.
    request = urllib.request.Request(base_url + path, data=data, headers={**JSON, **(headers or {})})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)


def demo_certificate(base_url: str) -> tuple[str, str, dict[str, Any]]:
    """(id, number, signed bundle) of the demo's first exit certificate."""
    items = fetch_json(base_url, "/api/v1/certificates")["items"]
    first = next(item for item in items if item["kind"] == "exit")
    return first["id"], first["number"], fetch_json(base_url, f"/api/v1/certificates/{first['id']}")


def targets(base_url: str) -> dict[str, Target]:
    """The measured requests; the verify body is checked to verify as valid before it is used."""
    cert_id, _, bundle = demo_certificate(base_url)
    body = json.dumps({"bundle": bundle}).encode()
    report = fetch_json(base_url, "/api/v1/verify", {"bundle": bundle})
    if report.get("verdict") != "valid":
        raise RuntimeError(f"the demo certificate does not verify: {report}")
    return {
        "POST /api/v1/verify": Target("POST", "/api/v1/verify", body, JSON),
        "GET /c/<id>": Target("GET", f"/c/{cert_id}"),
        "GET /healthz": Target("GET", "/healthz"),
    }


@contextmanager
def served_demo(
    folder: Path, *, postgres: bool = False, workers: int = 2, threads: int = 1
) -> Iterator[Gunicorn]:
    """The demo in a temporary instance, served by gunicorn (SQLite, or a private PostgreSQL schema)."""
    with ExitStack() as stack:
        url = stack.enter_context(private_schema(postgres_base_url())) if postgres else None
        env = demo_instance(folder / "instance", url)
        worker_class = "gthread" if threads > 1 else "sync"
        yield stack.enter_context(Gunicorn(env, workers=workers, worker_class=worker_class, threads=threads))


def measure(server: Gunicorn, *, seconds: float, connections: int, rounds: int = 3,
            use_wrk: bool | None = None) -> dict[str, list[LoadResult]]:  # fmt: skip
    """Load each endpoint for `seconds` in all, split into `rounds` that take turns between endpoints
    (so a change in the machine's other load falls on every endpoint alike)."""
    chosen = targets(server.url)
    for target in chosen.values():  # warm up: imports, caches, connection pools
        load(server.url, target, connections=connections, seconds=min(2.0, seconds), use_wrk=use_wrk)
    results: dict[str, list[LoadResult]] = {name: [] for name in chosen}
    for _ in range(rounds):
        for name, target in chosen.items():
            results[name].append(
                load(server.url, target, connections=connections, seconds=seconds / rounds, use_wrk=use_wrk)
            )
    return results


def report(results: dict[str, list[LoadResult]]) -> None:
    """Print medians over the rounds; the ratio compares each round with the trivial endpoint's."""
    trivial = results["GET /healthz"]
    rows = []
    for name, runs in results.items():
        ratio = median([run.per_second / base.per_second for run, base in zip(runs, trivial, strict=True)])
        p99 = median([run.p99_ms for run in runs])
        goals = (
            ""
            if name == "GET /healthz"
            else " / ".join("ok" if met else "MISSED" for met in (ratio >= RATIO_GOAL, p99 < P99_GOAL_MS))
        )
        failed = sum(run.non_2xx + run.errors for run in runs)
        rate, p50 = median([run.per_second for run in runs]), median([run.p50_ms for run in runs])
        rows.append((name, f"{rate:.0f}", f"{p50:.1f}", f"{p99:.1f}", f"{ratio:.2f}", failed, goals))
    print_table(("endpoint", "req/s", "p50 ms", "p99 ms", "vs trivial", "failed",
                 f"ratio ≥ {RATIO_GOAL} / p99 < {P99_GOAL_MS:g} ms"), rows)  # fmt: skip
    print(f"  (medians of {len(trivial)} rounds per endpoint, taking turns)")


def main(argv: list[str] | None = None) -> None:
    """`python -m benchmarks.serving [SECONDS] [--postgres] [--gthread]`: SQLite always; PostgreSQL too
    with `--postgres` or when SANDBOX_BENCH_DATABASE_URL is set."""
    args = sys.argv[1:] if argv is None else argv
    postgres_too = "--postgres" in args or bool(os.environ.get("SANDBOX_BENCH_DATABASE_URL"))
    backends = [False, True] if postgres_too else [False]
    threads = 4 if "--gthread" in args else 1  # for comparison: 2 gthread workers of 4 threads
    numbers = [a for a in args if not a.startswith("--")]
    seconds = float(numbers[0]) if numbers else 10.0
    generator = "wrk" if wrk_available() else "Python load generator (wrk not found)"
    workers = "2 gthread workers × 4 threads" if threads > 1 else "2 sync workers"
    for postgres in backends:
        database = "PostgreSQL" if postgres else "SQLite"
        print(f"== serving: gunicorn, {workers}, demo on {database}; {generator}, 32 connections, "
              f"{seconds:g} s per endpoint ==")  # fmt: skip
        print(f"  ({machine_note()})")
        with (
            tempfile.TemporaryDirectory() as folder,
            served_demo(Path(folder), postgres=postgres, threads=threads) as server,
        ):
            report(measure(server, seconds=seconds, connections=32))


if __name__ == "__main__":
    main()
