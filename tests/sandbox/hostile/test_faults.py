"""Faults on a live server: a worker killed with SIGKILL in the middle of issuing a certificate, and the
database restarted under load.

* The kill lands mid-issuance deterministically: the test's own transaction inserts, without committing,
  a placeholder certificate row holding the log index the next certificate will get, so the worker's
  INSERT of the real row must wait on that unique index to learn whether the test's transaction commits.
  It waits inside the issuance transaction, after the number, the log entry, its Merkle nodes and its
  signed checkpoint were written. The test kills the worker once pg_stat_activity shows exactly that
  wait, then rolls the placeholder back: the killed transaction never commits, so no certificate, log
  entry or voucher remains, and the case is exited with a certificate on the next try.
* The restart uses a private PostgreSQL cluster (the shared test server is never touched): while it is
  stopped, API calls get 503 problem+json `unavailable` with Retry-After and pages a 503 page, never 500;
  after it starts again the same gunicorn processes answer 200.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import text
from sqlmodel import Session, select

from sandbox.db import make_engine, open_session, upgrade
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate, LogHead
from tests import factories
from tests.case_flow import CaseFlow, token
from tests.conftest import POSTGRES_URL, REQUIRE_ALL, make_test_app
from tests.sandbox import integrity_helpers as integrity
from tests.servers import (
    SERVED_SETTINGS,
    LiveClient,
    LiveResponse,
    gunicorn,
    postgres_bin,
    postgres_cluster,
    private_schema,
    wait_for,
    write_instance_config,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL and not REQUIRE_ALL, reason="needs PostgreSQL"),
    pytest.mark.timeout(300),
]
APP_NAME = f"sandbox-kill-{uuid.uuid4().hex[:8]}"  # this run's connections, whoever else is testing
BLOCKED_INSERT = """
    SELECT pid FROM pg_stat_activity
    WHERE application_name = :name AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO certificate %'
"""

ALIVE = text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid")


def _activity(watch: Any) -> str:
    rows = watch.execute(
        text("SELECT pid, state, wait_event_type, wait_event, pg_blocking_pids(pid), left(query, 100) "
             "FROM pg_stat_activity WHERE application_name = :name"), {"name": APP_NAME}
    ).all()  # fmt: skip
    return "\n".join(map(str, rows))


def _placeholder(case: Case, log_index: int) -> Certificate:
    """A certificate row that never commits; only its (unique) log index collides with the real one's."""
    return Certificate(
        id=uuid.uuid4().hex, number="HOLD-0000-0001", case_id=case.id, enterprise_id=case.enterprise_id,
        credential={}, credential_sha256=uuid.uuid4().hex, kid="hold", revocation_index=-1,
        suspension_index=-1, log_index=log_index, issued_at=utcnow(), pdf_sha256="", pdf_size=0,
    )  # fmt: skip


def _approve(flow: CaseFlow, outcome: list[Any]) -> None:
    try:
        outcome.append(flow.fire("regulator", "approve_exit"))
    except Exception as error:  # noqa: BLE001  (the worker dies: the connection must break)
        outcome.append(error)


def test_a_worker_killed_mid_issuance_leaves_no_half_certificate(tmp_path: Path) -> None:
    assert POSTGRES_URL is not None
    with private_schema(POSTGRES_URL, application_name=APP_NAME) as url:
        instance = tmp_path / "instance"
        write_instance_config(instance, **SERVED_SETTINGS)
        app = make_test_app(url, instance)
        locker = make_engine(url)
        watcher = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        try:
            with (
                open_session(app, expire_on_commit=True) as session,
                gunicorn(
                    database_url=url, instance=instance, workers=1, log=tmp_path / "gunicorn.log"
                ) as server,
            ):
                client = LiveClient(server.url)
                flow = CaseFlow(client, session)  # type: ignore[arg-type]
                assert client.get("/.well-known/jwks.json").status_code == 200  # keys made beforehand
                flow.to("exit_evaluation")
                flow.evaluate()
                case = session.get(Case, flow.case_id)
                assert case is not None
                (worker,) = server.worker_pids()
                outcome: list[Any] = []
                # pg_stat_activity is read outside any transaction: inside one it is a cached snapshot.
                with Session(locker) as hold, watcher.connect() as watch:
                    next_index = hold.get(LogHead, 1).size  # the entry it will append
                    hold.add(_placeholder(case, next_index))
                    hold.flush()  # not committed: the worker's INSERT with this log index must wait for it
                    request = threading.Thread(target=_approve, args=(flow, outcome))
                    request.start()
                    (backend,) = wait_for(
                        lambda: watch.execute(text(BLOCKED_INSERT), {"name": APP_NAME}).scalars().all(),
                        timeout=60,
                        what="the worker to wait on its certificate INSERT",
                        explain=lambda: f"{outcome}\n{_activity(watch)}",
                    )
                    os.kill(worker, signal.SIGKILL)
                    request.join(timeout=60)
                    hold.rollback()  # release: the orphaned backend finds its client gone and aborts
                    wait_for(
                        lambda: not watch.execute(ALIVE, {"pid": backend}).first(),
                        timeout=60,
                        what="the killed worker's database session to end",
                    )
                assert len(outcome) == 1 and isinstance(outcome[0], requests.ConnectionError), outcome

                session.expire_all()
                assert session.exec(select(Certificate)).all() == []
                assert integrity.check_log(session) == next_index  # the entry and checkpoint are gone
                assert session.get(Case, flow.case_id).state == "exit_evaluation"
                _check_whole(session)

                wait_for(lambda: server.worker_pids() not in ([], [worker]), timeout=60, what="a new worker")
                exited = flow.fire("regulator", "approve_exit")
                assert exited["case"]["state"] == "exited"
                (cert,) = _check_whole(session)
                assert cert.case_id == flow.case_id
                verified = client.post("/api/v1/verify", json={"number": cert.number}).get_json()
                assert verified["verdict"] == "valid"
                # Stored PDFs are content-addressed; the kill came before rendering, so none is unreferenced:
                # the certificate's and the case's acceptance receipt. (A kill after storing the PDF would
                # leave an unreferenced file: harmless, nothing reads it.)
                stored = {p.name for p in (instance / "certificates").rglob("*") if p.is_file()}
                assert stored == {cert.pdf_sha256, session.get(Case, flow.case_id).receipt_sha256}
                client.close()
        finally:
            locker.dispose()
            watcher.engine.dispose()
            app.extensions["sandbox.engine"].dispose()


def _check_whole(session: Session) -> list[Certificate]:
    integrity.check_histories(session)  # first: it detaches what the session loaded
    integrity.check_log(session)
    integrity.check_vouchers(session)
    return integrity.check_certificates_whole(session)


# --- the database restarted under load ------------------------------------------------------------


@pytest.fixture
def cluster() -> Iterator[Any]:
    bindir = postgres_bin()
    if bindir is None:
        if REQUIRE_ALL:
            pytest.fail("SANDBOX_TEST_REQUIRE_ALL=1 but no PostgreSQL server binaries (initdb) are installed")
        pytest.skip("needs PostgreSQL server binaries (initdb)")
    with postgres_cluster(bindir) as started:
        yield started


def _sign_in(client: LiveClient, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None, "the login form has no CSRF token"
    data = {"email": email, "password": factories.PASSWORD, "csrf_token": match[1]}
    assert client.post("/login", data=data).status_code == 302


def _unavailable_api(response: LiveResponse) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "unavailable" and response.get_json()["status"] == 503
    assert int(response.headers["Retry-After"]) > 0


def _unavailable_page(response: LiveResponse) -> None:
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "服务暂时不可用" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_database_restart_gives_503_then_the_same_processes_recover(cluster: Any, tmp_path: Path) -> None:
    engine = make_engine(cluster.url)
    upgrade(engine)
    engine.dispose()
    instance = tmp_path / "instance"
    write_instance_config(instance, **SERVED_SETTINGS, SESSION_COOKIE_SECURE=False)
    app = make_test_app(cluster.url, instance)
    try:
        with open_session(app) as session:
            applicant = factories.make_user(session, "applicant")
        app.extensions["sandbox.engine"].dispose()  # the test holds no connection across the restart
        served = gunicorn(database_url=cluster.url, instance=instance, workers=2, log=tmp_path / "g.log")
        with served as server:
            api, web = LiveClient(server.url), LiveClient(server.url)
            headers = token(api, applicant)  # type: ignore[arg-type]
            _sign_in(web, applicant.email)
            calls = [
                lambda: api.get("/api/v1/cases", headers=headers),
                lambda: api.post("/api/v1/verify", json={"number": "YZCC-2026-0001"}),
                lambda: web.get("/cases"),  # a signed-in page: the user cannot even be loaded
                lambda: api.get("/registry"),  # a public page
            ]
            before = [call().status_code for call in calls]
            assert before == [200, 404, 200, 200], before
            pids = server.worker_pids()

            seen: Counter[int] = Counter()
            stop = threading.Event()
            background = threading.Thread(target=_hammer, args=(server.url, headers, stop, seen))
            background.start()
            cluster.stop()
            try:
                during = [call() for call in calls]
            finally:
                cluster.start()
            for response in during[:2]:
                _unavailable_api(response)
            for response in during[2:]:
                _unavailable_page(response)
            assert during[0].get_json()["detail"]  # says what happened, in the caller's language

            after = [call().status_code for _ in range(4) for call in calls]  # reaches both workers
            stop.set()
            background.join(timeout=60)
            assert after == before * 4, after
            assert server.worker_pids() == pids  # recovered without restarting a worker
            assert set(seen) <= {200, 503} and seen[200] > 0, seen
            print(f"\nrequests around the restart: {dict(seen)}")
            for client in (api, web):
                client.close()
    finally:
        app.extensions["sandbox.engine"].dispose()


def _hammer(url: str, headers: dict[str, str], stop: threading.Event, seen: Counter[int]) -> None:
    """API reads in a loop until `stop`: each answer is 200 or 503, never 500."""
    client = LiveClient(url)
    try:
        while not stop.is_set():
            try:
                seen[client.get("/api/v1/cases", headers=headers).status_code] += 1
            except requests.RequestException:
                seen[0] += 1  # no HTTP answer at all: counted, and refused by the test
    finally:
        client.close()
