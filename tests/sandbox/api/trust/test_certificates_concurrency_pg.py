"""20 exits approved at the same moment from several processes on PostgreSQL: 20 distinct, gap-free
certificate numbers and one consistent transparency log (every checkpoint a prefix of the next)."""

from __future__ import annotations

import base64
import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from certificates.log.merkle import verify_consistency
from sandbox.models.certificates import Certificate, LogCheckpoint
from tests.case_flow import CaseFlow
from tests.conftest import POSTGRES_URL, REQUIRE_ALL, make_test_app

pytestmark = pytest.mark.skipif(not POSTGRES_URL and not REQUIRE_ALL, reason="needs PostgreSQL")
SPAWN = multiprocessing.get_context("spawn")
PROCESSES, THREADS = 5, 4


def worker(
    url: str, instance: str, headers: dict[str, str], case_ids: list[int], barrier: Any, results: Any
) -> None:
    """Approve each case from its own thread and test client, all released by one barrier."""
    app = make_test_app(url, Path(instance))

    def approve(case_id: int) -> None:
        client = app.test_client()
        client.get("/api/v1/cases", headers=headers)  # warm up: connect, authenticate
        barrier.wait(timeout=120)
        response = client.post(
            f"/api/v1/cases/{case_id}/events", headers=headers, json={"event": "approve_exit"}
        )
        results.put((case_id, response.status_code))

    threads = [threading.Thread(target=approve, args=(case_id,)) for case_id in case_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    app.extensions["sandbox.engine"].dispose()


def test_twenty_parallel_exits(app, client, session, database_url: str) -> None:
    flow = CaseFlow(client, session)
    case_ids = []
    for _ in range(PROCESSES * THREADS):
        flow.to("exit_evaluation")
        flow.evaluate()
        case_ids.append(flow.case_id)
    assert client.get("/.well-known/jwks.json").status_code == 200  # keys exist; workers share the instance
    barrier, results = SPAWN.Barrier(PROCESSES * THREADS), SPAWN.Queue()
    processes = [
        SPAWN.Process(
            target=worker,
            args=(
                database_url,
                app.instance_path,
                flow.headers["regulator"],
                case_ids[n * THREADS : (n + 1) * THREADS],
                barrier,
                results,
            ),
        )
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in case_ids]
    for process in processes:
        process.join(timeout=60)
    assert sorted(status for _, status in outcomes) == [200] * len(case_ids), outcomes

    session.expire_all()
    numbers = sorted(int(c.number[-4:]) for c in session.exec(select(Certificate)).all())
    assert numbers == list(range(1, len(case_ids) + 1))
    checkpoints = session.exec(select(LogCheckpoint).order_by(col(LogCheckpoint.size))).all()
    sizes = [c.size for c in checkpoints]
    assert sizes == list(range(1, sizes[-1] + 1))  # one checkpoint per append, no gaps, no forks
    for older, newer in zip(checkpoints, checkpoints[1:], strict=False):
        body = client.get(f"/api/v1/log/proof/consistency?first={older.size}&second={newer.size}").get_json()
        verify_consistency(
            older.size,
            newer.size,
            bytes.fromhex(older.root_hash),
            bytes.fromhex(newer.root_hash),
            [base64.b64decode(h) for h in body["hashes"]],
        )
    first, last = checkpoints[0], checkpoints[-1]
    body = client.get(f"/api/v1/log/proof/consistency?first={first.size}&second={last.size}").get_json()
    verify_consistency(
        first.size,
        last.size,
        bytes.fromhex(first.root_hash),
        bytes.fromhex(last.root_hash),
        [base64.b64decode(h) for h in body["hashes"]],
    )
    for cert in session.exec(select(Certificate)).all():
        assert client.post("/api/v1/verify", json={"number": cert.number}).get_json()["verdict"] == "valid"
