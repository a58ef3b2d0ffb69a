"""Two-person decisions racing on PostgreSQL across OS processes: three regulators propose on one
certificate at once (one proposal wins), then all three confirm it at once (the proposer is refused, one
other confirms, the third gets 409) — one status change, one history row per step, an intact chain."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from sandbox.models.certificates import Certificate, CertificateStatusChange
from tests import factories
from tests.case_flow import CaseFlow, token
from tests.conftest import POSTGRES_URL, REQUIRE_ALL, make_test_app
from tests.sandbox.hostile.test_concurrency_pg import shared  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(not POSTGRES_URL and not REQUIRE_ALL, reason="needs PostgreSQL")
SPAWN = multiprocessing.get_context("spawn")


def regulator(
    url: str, instance: str, headers: dict[str, str], cert_id: str, barrier: Any, results: Any
) -> None:
    """Propose, then confirm whatever is pending, each step released by the barrier with the others."""
    app = make_test_app(url, Path(instance))
    client = app.test_client()
    client.get("/api/v1/me", headers=headers)  # warm up: connect, authenticate
    barrier.wait(timeout=60)
    body = {"action": "suspend", "reason": "同时发现的问题"}
    proposed = client.post(f"/api/v1/certificates/{cert_id}/status-proposals", headers=headers, json=body)
    results.put(("propose", proposed.status_code))
    barrier.wait(timeout=60)
    [pending] = client.get("/api/v1/proposals?pending=true", headers=headers).get_json()["items"]
    barrier.wait(timeout=60)
    confirmed = client.post(f"/api/v1/proposals/{pending['id']}/confirmation", headers=headers, json={})
    results.put(("confirm", confirmed.status_code))
    app.extensions["sandbox.engine"].dispose()


def test_three_regulators_race_to_propose_and_to_confirm(shared) -> None:  # noqa: F811
    url, app, session = shared
    flow = CaseFlow(app.test_client(), session)
    flow.to("exited")
    cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    third = factories.make_user(session, "regulator")
    everyone = [flow.headers["regulator"], flow.headers["regulator2"], token(flow.client, third)]
    barrier, results = SPAWN.Barrier(3), SPAWN.Queue()
    processes = [
        # Every worker shares the instance folder (the signing keys), as gunicorn workers do.
        SPAWN.Process(target=regulator, args=(url, app.instance_path, headers, cert.id, barrier, results))
        for headers in everyone
    ]
    for process in processes:
        process.start()
    collected = [results.get(timeout=120) for _ in range(6)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert sorted(status for step, status in collected if step == "propose") == [201, 409, 409], collected
    # The proposer is refused (403), one other regulator confirms, the last finds it settled (409).
    assert sorted(status for step, status in collected if step == "confirm") == [200, 403, 409], collected
    session.expire_all()
    assert session.get(Certificate, cert.id).status.value == "suspended"
    assert len(session.exec(select(CertificateStatusChange)).all()) == 1
    events = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()
    assert events["intact"] is True
    steps = [e["event"] for e in events["events"] if e["event"].endswith("certificate_status")]
    assert steps == ["propose_certificate_status", "confirm_certificate_status"]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
