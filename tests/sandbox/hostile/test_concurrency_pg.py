"""Concurrency on PostgreSQL across OS processes: conflicting events, and gap-free filing numbers.

Each worker process builds its own app on the same schema (as separate gunicorn workers would) and
waits on a barrier, so the requests really race.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlmodel import Session, select

from sandbox.db import make_engine, open_session
from sandbox.models import metadata
from sandbox.models.cases import CaseEvent
from sandbox.services.cases.calendar import beijing_today
from tests.case_flow import CaseFlow
from tests.conftest import POSTGRES_URL, REQUIRE_ALL, make_test_app

pytestmark = pytest.mark.skipif(not POSTGRES_URL and not REQUIRE_ALL, reason="needs PostgreSQL")
SPAWN = multiprocessing.get_context("spawn")


def worker(
    url: str,
    instance: str,
    headers: dict[str, str],
    jobs: list[tuple[int, dict[str, Any]]],
    barrier: Any,
    results: Any,
) -> None:
    """Fire each job's event on its case once every worker is ready; report (case, status, body)."""
    app = make_test_app(url, Path(instance))
    client = app.test_client()
    client.get("/api/v1/cases", headers=headers)  # warm up: connect, authenticate
    for case_id, body in jobs:
        barrier.wait(timeout=60)
        response = client.post(f"/api/v1/cases/{case_id}/events", headers=headers, json=body)
        results.put((case_id, response.status_code, response.get_json()))
    app.extensions["sandbox.engine"].dispose()


def run_workers(url: str, tmp: Path, plans: list[tuple[dict[str, str], list[tuple[int, dict[str, Any]]]]]):
    barrier, results = SPAWN.Barrier(len(plans)), SPAWN.Queue()
    # One instance folder for every worker, as gunicorn's workers share one: the signing keys an
    # acceptance's receipt is signed with are created by whichever worker comes first, for all of them.
    processes = [
        SPAWN.Process(target=worker, args=(url, str(tmp / "instance"), headers, jobs, barrier, results))
        for headers, jobs in plans
    ]
    for process in processes:
        process.start()
    expected = sum(len(jobs) for _, jobs in plans)
    collected = [results.get(timeout=120) for _ in range(expected)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return collected


@pytest.fixture
def shared(postgres_schema_url: str, tmp_path: Path) -> Iterator[tuple[str, Flask, Session]]:
    app = make_test_app(postgres_schema_url, tmp_path / "parent")
    engine = app.extensions["sandbox.engine"]
    with open_session(app) as session:
        yield postgres_schema_url, app, session
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    cleaner = make_engine(postgres_schema_url)
    with cleaner.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    cleaner.dispose()
    engine.dispose()


def test_conflicting_events_from_two_processes(shared, tmp_path: Path) -> None:
    url, app, session = shared
    flow = CaseFlow(app.test_client(), session)
    cases = [flow.to("submitted") for _ in range(4)]
    # Both regulators saw the same version: whichever order the requests reach the database in, one
    # wins and the other is told the case changed (409) — reject stays possible after acceptance, so
    # without the version a late reject would rightly succeed.
    reject = {"event": "reject", "note": "材料不实"}
    plans = [
        (flow.headers["regulator"], [(c["id"], reject | {"expected_version": c["version"]}) for c in cases]),
        (flow.headers["regulator2"],
         [(c["id"], {"event": "accept_filing", "data": {"assessor_org_id": flow.lab_id},
                     "expected_version": c["version"]}) for c in cases]),
    ]  # fmt: skip
    results = run_workers(url, tmp_path, plans)
    for case in cases:
        statuses = sorted(status for case_id, status, _ in results if case_id == case["id"])
        assert statuses == [200, 409], (case["id"], results)
        flow.case_id = case["id"]
        after = flow.case()
        assert after["version"] == case["version"] + 1
        assert after["state"] in ("rejected", "risk_assessment")
        # The winner's one event; an acceptance also records the testing lab it chose.
        added = 1 if after["state"] == "rejected" else 2
        assert after["event_count"] == case["event_count"] + added
        session.expire_all()
        rows = session.exec(select(CaseEvent).where(CaseEvent.case_id == case["id"])).all()
        assert len(rows) == case["event_count"] + added
        assert rows[case["event_count"]].to_state == after["state"]
    loser_bodies = [body for _, status, body in results if status == 409]
    assert all(body["code"] == "conflict" for body in loser_bodies)
    filed = [flow.case() for flow.case_id in (c["id"] for c in cases)]
    numbers = sorted(c["filing_number"] for c in filed if c["filing_number"])
    year = beijing_today().year
    assert numbers == [f"YZSB-{year}-{n:04d}" for n in range(1, len(numbers) + 1)]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_twenty_concurrent_accepts_get_consecutive_filing_numbers(shared, tmp_path: Path) -> None:
    url, app, session = shared
    flow = CaseFlow(app.test_client(), session)
    cases = [flow.to("submitted")["id"] for _ in range(20)]
    regulators = [flow.headers["regulator"], flow.headers["regulator2"]] * 2
    lab = {"assessor_org_id": flow.lab_id}
    plans = [
        (regulators[n], [(case_id, {"event": "accept_filing", "data": lab}) for case_id in cases[n::4]])
        for n in range(4)
    ]
    results = run_workers(url, tmp_path, plans)
    assert sorted(status for _, status, _ in results) == [200] * 20, results
    numbers = sorted(body["case"]["filing_number"] for _, _, body in results)
    year = beijing_today().year
    assert numbers == [f"YZSB-{year}-{n:04d}" for n in range(1, 21)]
    payloads = {body["case"]["id"]: body["event"]["payload"]["filingNumber"] for _, _, body in results}
    assert sorted(payloads) == sorted(cases) and sorted(payloads.values()) == numbers
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "All 20 case histories are intact" in result.output


def test_opposite_moves_at_once_neither_deadlock_nor_miscount(shared, tmp_path: Path) -> None:
    """Suspending some cases while others resume moves cases between the same two tallies in opposite
    directions; the tallies are written in one order, so the transactions queue instead of deadlocking."""
    url, app, session = shared
    flow = CaseFlow(app.test_client(), session)
    testing = [flow.to("testing")["id"] for _ in range(6)]
    suspended = [flow.to("suspended")["id"] for _ in range(6)]
    order = {"mitigation_order": "停止对外服务"}
    suspend: dict[str, Any] = {"event": "suspend", "note": "风险处置", "data": order}
    resume: dict[str, Any] = {"event": "resume", "note": "整改完成"}
    plans = [
        (flow.headers["regulator"], [(case_id, suspend) for case_id in testing]),
        (flow.headers["regulator2"], [(case_id, resume) for case_id in suspended]),
    ]
    results = run_workers(url, tmp_path, plans)
    assert sorted(status for _, status, _ in results) == [200] * 12, results
    queues = flow.call("regulator", "GET", "/api/v1/case-queues").get_json()["states"]
    assert queues["suspended"] == 6 and queues["testing"] == 6
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "The case counts agree with a full count" in result.output, result.output
