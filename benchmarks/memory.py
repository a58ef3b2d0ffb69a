"""Worker memory under gunicorn: resident size after a warm-up and again after many more requests.

The demo is served as in `serving` (2 sync workers). A mix of public and signed-in requests —
verification by bundle and by number, the certificate page, the registry and its entries, the public
pages, the JWKS, status lists, checkpoint and trust bundle, and API reads with a regulator's token — is
sent first ~2,000 times (warm-up: imports, template and statement caches, connection pools), then
20,000 more. Each worker's VmRSS (from /proc) is read after both; the growth goal is under 10 %.
The Python load generator is used here whatever is installed, because the counts must be exact.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Gunicorn, machine_note, print_table, resident_kib
from benchmarks.loadgen import LoadResult, Target, run_python
from benchmarks.serving import JSON, demo_certificate, fetch_json, served_demo

GROWTH_GOAL = 10.0
DEMO_LOGIN = {"email": "regulator@demo.sandbox", "password": "sandbox-demo-2026"}


def mixed_targets(base_url: str) -> list[Target]:
    """Requests of every kind the public and the API see, with real ids from the demo."""
    cert_id, number, bundle = demo_certificate(base_url)
    token = fetch_json(base_url, "/api/v1/tokens", DEMO_LOGIN)["token"]
    auth = {"Authorization": f"Bearer {token}"}
    case_id = fetch_json(base_url, "/api/v1/cases", headers=auth)["items"][0]["id"]
    filing = fetch_json(base_url, "/api/v1/registry")["items"][0]["filing_number"]
    public = ["/", "/verify", "/transparency", "/typical-cases", "/registry", f"/registry/{filing}",
              f"/c/{cert_id}", "/.well-known/jwks.json", "/api/v1/status/revocation",
              "/api/v1/status/suspension", "/api/v1/log/checkpoint", "/api/v1/trust-bundle",
              "/api/v1/registry", "/api/v1/certificates", f"/api/v1/certificates/{cert_id}",
              f"/api/v1/certificates/{cert_id}/credential", "/issuer", "/ns/credentials/v1"]  # fmt: skip
    private = ["/api/v1/me", "/api/v1/cases", f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/events",
               "/api/v1/notifications", "/api/v1/statistics"]  # fmt: skip
    return [
        Target("POST", "/api/v1/verify", json.dumps({"bundle": bundle}).encode(), JSON),
        Target("POST", "/api/v1/verify", json.dumps({"number": number}).encode(), JSON),
        *(Target("GET", path) for path in public),
        *(Target("GET", path, headers=auth) for path in private),
    ]


def _send(server: Gunicorn, targets: list[Target], total: int, connections: int) -> LoadResult:
    result = run_python(server.url, targets, connections=connections, total=total)
    if result.non_2xx or result.errors:
        raise RuntimeError(f"{result.non_2xx} non-2xx answers and {result.errors} errors in the mix")
    return result


def measure(server: Gunicorn, *, warm_up: int, more: int, connections: int = 8) -> dict[int, tuple[int, int]]:
    """Worker pid → (KiB after the warm-up, KiB after `more` further requests)."""
    targets = mixed_targets(server.url)
    _send(server, targets, warm_up, connections)
    pids = server.workers_pids
    before = {pid: resident_kib(pid) for pid in pids}
    _send(server, targets, more, connections)
    if server.workers_pids != pids:
        raise RuntimeError("a worker was restarted during the run; its memory cannot be compared")
    return {pid: (before[pid], resident_kib(pid)) for pid in pids}


def report(figures: dict[int, tuple[int, int]], more: int) -> None:
    rows = []
    for number, (before, after) in enumerate(figures.values(), start=1):
        growth = (after - before) * 100 / before
        rows.append((f"worker {number}", f"{before / 1024:.1f}", f"{after / 1024:.1f}", f"{growth:+.1f}",
                     "ok" if growth < GROWTH_GOAL else "MISSED"))  # fmt: skip
    print_table(("process", "RSS after warm-up MiB", f"after {more:,} more MiB", "growth %",
                 f"goal < {GROWTH_GOAL:g} %"), rows)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    postgres = "--postgres" in args
    numbers = [int(a) for a in args if not a.startswith("--")]
    warm_up, more = (numbers + [2000, 20000][len(numbers) :])[:2]
    database = "PostgreSQL" if postgres else "SQLite"
    print(f"== memory: gunicorn, 2 sync workers, demo on {database}; {warm_up:,} mixed requests to warm up, "
          f"then {more:,} more (Python load generator, 8 connections) ==")  # fmt: skip
    print(f"  ({machine_note()})")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, served_demo(Path(folder), postgres=postgres) as server:
        report(measure(server, warm_up=warm_up, more=more), more)
    print(f"  ({warm_up + more:,} mixed requests; {time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
