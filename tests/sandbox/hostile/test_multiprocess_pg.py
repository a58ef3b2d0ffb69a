"""PostgreSQL under mixed load from several processes: gunicorn with 4 workers serves filings, workflow
events, exits with certificates (three at a time), voucher redemptions and verifications from seven
client threads for SANDBOX_TEST_LOAD_SECONDS (default 60). Afterwards: no 5xx, no duplicate or skipped
filing and certificate numbers, a consistent transparency log, every case history intact (also through
`flask audit verify`), every voucher's balance equal to its ledger, and every kind of operation done.
Figures are printed (`-s` shows them).
"""

from __future__ import annotations

import base64
import itertools
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from sandbox.db import open_session
from sandbox.models.vouchers import Voucher, VoucherStatus
from sandbox.services.cases.calendar import beijing_today
from tests import factories
from tests.case_flow import PDF, CaseFlow, token
from tests.conftest import POSTGRES_URL, REQUIRE_ALL, make_test_app
from tests.sandbox import integrity_helpers as integrity
from tests.servers import (
    SERVED_SETTINGS,
    Gunicorn,
    LiveClient,
    gunicorn,
    private_schema,
    write_instance_config,
)

LOAD_SECONDS = float(os.environ.get("SANDBOX_TEST_LOAD_SECONDS", "60"))
EXIT_THREADS, REDEEM_THREADS = 3, 2

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL and not REQUIRE_ALL, reason="needs PostgreSQL"),
    pytest.mark.timeout(LOAD_SECONDS + 600),
]


@dataclass
class Load:
    """Client threads running operations until a deadline, and what they saw."""

    server: Gunicorn
    deadline: float = 0.0
    responses: list[tuple[str, str, int]] = field(default_factory=list)
    done: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # certificate numbers known to exist
    lock: threading.Lock = field(default_factory=threading.Lock)
    clients: list[LiveClient] = field(default_factory=list)

    def record(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.responses.append((method, path, status))

    def client(self) -> LiveClient:
        client = LiveClient(self.server.url, record=self.record)
        self.clients.append(client)
        return client

    def loop(self, kind: str, operation: Callable[[], None]) -> None:
        """Run `operation` until the deadline; count successes, keep failures (never raise)."""
        while time.monotonic() < self.deadline:
            try:
                operation()
            except Exception as error:  # noqa: BLE001  (reported by the test, with the operation's kind)
                with self.lock:
                    self.failures.append(f"{kind}: {error!r}"[:500])
            else:
                with self.lock:
                    self.done[kind] += 1


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Flask, Session, Gunicorn]]:
    """A private schema, an in-process app for arranging and checking, and gunicorn with 4 workers."""
    assert POSTGRES_URL is not None
    with private_schema(POSTGRES_URL, application_name="sandbox-load") as url:
        instance = tmp_path / "instance"
        write_instance_config(instance, **SERVED_SETTINGS)
        app = make_test_app(url, instance)  # creates the key passphrase the workers then share
        try:
            with (
                open_session(app) as session,
                gunicorn(
                    database_url=url, instance=instance, workers=4, log=tmp_path / "gunicorn.log"
                ) as server,
            ):
                yield app, session, server
        finally:
            app.extensions["sandbox.engine"].dispose()


def exit_cases(load: Load, flow: CaseFlow) -> Callable[[], None]:
    def operation() -> None:
        flow.to("exited")
        found = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/certificate")
        assert found.status_code == 200, found.get_json()
        with load.lock:
            load.numbers.append(found.get_json()["number"])

    return operation


def file_cases(flow: CaseFlow) -> Callable[[], None]:
    def operation() -> None:
        flow.create()
        flow.fire("applicant", "submit")
        assert flow.fire("regulator", "accept_filing")["case"]["filing_number"]

    return operation


Headers = dict[str, str]


def redeem_vouchers(load: Load, provider: Headers, regulator: Headers, codes: dict[str, Headers]):
    """Request, and then (by turns) decline, or confirm and reject (the office), or just confirm."""
    client, serial = load.client(), itertools.count(1)
    prefix = f"HT-{threading.get_ident()}"
    invoice = {"filename": "发票.pdf", "content_base64": base64.b64encode(PDF).decode()}
    signed_on = beijing_today().isoformat()

    def operation() -> None:
        number = next(serial)
        code = random.choice(sorted(codes))
        body = {"code": code, "contract_number": f"{prefix}-{number}", "contract_fee_fen": 2_000,
                "contract_signed_on": signed_on, "amount_fen": 1_000, "category": "data_annotation",
                "invoice": invoice}  # fmt: skip
        created = client.post("/api/v1/redemptions", headers=provider, json=body)
        assert created.status_code == 201, created.get_json()
        steps = f"/api/v1/redemptions/{created.get_json()['id']}"
        answer = {"action": "decline" if number % 4 == 0 else "confirm", "reason": "未签订此合同"}
        held = client.post(f"{steps}/holder-decision", headers=codes[code], json=answer)
        assert held.status_code == 200, held.get_json()
        if number % 3 == 0 and answer["action"] == "confirm":  # a rejection gives the amount back
            decided = client.post(
                f"{steps}/decision", headers=regulator, json={"action": "reject", "reason": "发票信息不完整"}
            )
            assert decided.status_code == 200, decided.get_json()

    return operation


def verify_numbers(load: Load) -> Callable[[], None]:
    client = load.client()

    def operation() -> None:
        with load.lock:
            number = random.choice(load.numbers)
        checked = client.post("/api/v1/verify", json={"number": number})
        assert checked.status_code == 200 and checked.get_json()["verdict"] == "valid", checked.get_json()

    return operation


def test_mixed_load_on_four_workers(served: tuple[Flask, Session, Gunicorn]) -> None:
    app, session, server = served
    load = Load(server)
    exit_flows = [CaseFlow(load.client(), session) for _ in range(EXIT_THREADS)]  # type: ignore[arg-type]
    filing_flow = CaseFlow(load.client(), session)  # type: ignore[arg-type]
    for flow in exit_flows[:2]:  # two certificates with vouchers to redeem and verify from the start
        exit_cases(load, flow)()
    # Each voucher's code, with its holder's token (the holder confirms or declines each request).
    holders = {flow.users["applicant"].enterprise_id: flow.headers["applicant"] for flow in exit_flows[:2]}
    codes = {
        v.code: holders[v.enterprise_id]
        for v in session.exec(select(Voucher).where(col(Voucher.status) == VoucherStatus.ACTIVE)).all()
        if v.code
    }
    assert len(codes) == 2, "the seeded exits issued no active vouchers"
    setup_client = load.client()
    regulator = token(setup_client, factories.make_user(session, "regulator"))  # type: ignore[arg-type]
    providers = [token(setup_client, factories.make_provider(session)[0]) for _ in range(REDEEM_THREADS)]  # type: ignore[arg-type]
    seeded = Counter(status for _, _, status in load.responses)

    load.deadline = time.monotonic() + LOAD_SECONDS
    work = [("exit", exit_cases(load, flow)) for flow in exit_flows]
    work += [("filing", file_cases(filing_flow)), ("verify", verify_numbers(load))]
    work += [("redeem", redeem_vouchers(load, headers, regulator, codes)) for headers in providers]
    threads = [threading.Thread(target=load.loop, args=job) for job in work]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=LOAD_SECONDS + 300)
    seconds = time.monotonic() - started
    for client in load.clients:
        client.close()
    statuses = Counter(status for _, _, status in load.responses) - seeded
    events = sum(1 for method, path, status in load.responses if path.endswith("/events") and status == 200)
    print(
        f"\n{LOAD_SECONDS:.0f} s of mixed load on 4 workers ({seconds:.1f} s with the last operations): "
        f"{dict(load.done)}, {events} workflow events, {sum(statuses.values())} requests "
        f"({sum(statuses.values()) / seconds:.1f}/s), statuses {dict(statuses)}"
    )
    assert not any(thread.is_alive() for thread in threads)
    assert [r for r in load.responses if r[2] >= 500] == [], server.log_tail()
    assert load.failures == [], load.failures[:5]
    assert all(load.done[kind] > 0 for kind in ("exit", "filing", "verify", "redeem")), load.done
    assert events > 0
    server.stop()  # every connection closed before the checks read the database

    integrity.check_filing_numbers(session)
    certificates = integrity.check_certificates_whole(session)
    assert len(certificates) == 2 + load.done["exit"]
    assert integrity.check_log(session) > len(certificates)  # plus the signing keys' entries
    assert integrity.check_histories(session) > load.done["exit"] + load.done["filing"]
    audit = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert audit.exit_code == 0 and "intact" in audit.output, audit.output
    assert integrity.check_vouchers(session) == len(certificates)
