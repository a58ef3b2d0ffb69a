"""The benchmarks' code paths run in a tiny configuration and produce well-formed figures.

No timing is asserted (speed is what `python -m benchmarks` reports); these tests only prove that the
workflow loop, the bare transaction, the demo served by gunicorn, both load generators and the memory
reading work, and that nothing they send is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from benchmarks import memory, serving, throughput
from benchmarks.common import Gunicorn
from benchmarks.loadgen import Target, load, run_python, wrk_available
from sandbox.db import open_session
from sandbox.models.cases import Case, CaseEvent
from sandbox.services.case_events.history import verify_all


def test_throughput_fires_events_and_bare_transactions_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    notes: list[str] = []
    figures = throughput.measure(url, tmp_path / "instance", rounds=2, seconds=None, count=10, case_count=3,
                                 profile=6, name="SQLite", notes=notes)  # fmt: skip
    assert figures["events"] == 20 and figures["bare"] == 20
    assert notes[0].startswith("SQLite: where one event's time goes")
    steps = {line.split("  ")[1].strip() for line in notes[1:11]}
    assert {"commit", "case UPDATE + history INSERT (flush)", "notifications + outbox rows"} <= steps
    assert notes[-1].startswith("  bare transaction: 2 statements: INSERT INTO bench_bare_row;")
    # One UPDATE of the case row per event.
    assert all(line.count('UPDATE "case"') == 1 for line in notes[-3:-1])
    assert figures["events_per_s"] > 0 and figures["bare_per_s"] > 0 and figures["ratio"] > 0
    assert figures["events_cpu_ms"] > 0 and figures["bare_cpu_ms"] > 0
    world = throughput.build_world(f"sqlite:///{tmp_path / 'again.db'}", tmp_path / "again", 2)
    try:
        with world.app.app_context():
            for _ in range(8):
                world.fire_next()
        with open_session(world.app, expire_on_commit=True) as session:
            events = session.exec(select(CaseEvent)).all()
            assert len(events) == 2 + 8  # one submit per case, then the loop
            assert {e.event for e in events} == {"submit", "request_amendment", "resubmit"}
            for case in session.exec(select(Case)).all():
                assert case.state.value == "submitted" and case.version == world.versions[case.id]
            assert verify_all(session) == (2, [])  # both hash chains intact
    finally:
        world.engine.dispose()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """The demo, created with the real CLI and served by gunicorn with one sync worker."""
    with serving.served_demo(tmp_path_factory.mktemp("served"), workers=1) as server:
        yield server


def test_serving_measures_every_endpoint_without_failures(
    demo_server: Gunicorn, capsys: pytest.CaptureFixture[str]
) -> None:
    results = serving.measure(demo_server, seconds=1, connections=4, rounds=2, use_wrk=False)
    assert set(results) == {"POST /api/v1/verify", "GET /c/<id>", "GET /healthz"}
    for name, runs in results.items():
        assert len(runs) == 2
        for result in runs:
            assert result.generator == "python"
            assert result.requests > 0 and result.non_2xx == 0 and result.errors == 0, (name, result)
            assert 0 < result.p50_ms <= result.p99_ms
    serving.report(results)
    table = capsys.readouterr().out
    assert all(name in table for name in results) and "medians of 2 rounds" in table


def test_the_installed_generator_loads_a_post_target(demo_server: Gunicorn) -> None:
    target = serving.targets(demo_server.url)["POST /api/v1/verify"]
    result = load(demo_server.url, target, connections=2, seconds=1.4)  # wrk: rounded to whole seconds
    assert result.generator == ("wrk" if wrk_available() else "python")
    assert result.requests > 0 and result.non_2xx == 0 and result.errors == 0, result
    refused = run_python(demo_server.url, [Target("GET", "/no-such-page")], connections=1, total=3)
    assert refused.requests == 3 and refused.non_2xx == 3  # refusals are counted, not hidden


def test_memory_reads_each_worker_after_a_mixed_load(demo_server: Gunicorn) -> None:
    targets = memory.mixed_targets(demo_server.url)
    assert any(t.method == "POST" for t in targets) and any("Authorization" in t.headers for t in targets)
    figures = memory.measure(demo_server, warm_up=len(targets), more=2 * len(targets), connections=2)
    assert list(figures) == demo_server.workers_pids and len(figures) == 1
    for before, after in figures.values():
        assert before > 10_000 and after > 10_000  # KiB: a Python process with the app loaded
