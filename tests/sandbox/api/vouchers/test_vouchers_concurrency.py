"""PostgreSQL: 50 redemptions at the same moment against one voucher never overspend it, one
Idempotency-Key sent 10 times at once makes one redemption, and the holder confirming while the provider
withdraws (or declining ten times at once) moves the request once and releases its amount at most once.
Threads, each with its own test client (and so its own database connection), released together by a
barrier. Figures are printed (`-s` shows them).
"""

from __future__ import annotations

import threading
import time

from sqlmodel import col, select

from sandbox.models.vouchers import Redemption, RedemptionStep, VoucherLedgerEntry
from tests.sandbox.voucher_helpers import body, fresh, redeem, setup

# Runs on every backend: SQLite serialises writers with its lock, PostgreSQL with row locks.


def _fire(app, headers, bodies, keys):
    barrier, results, lock = threading.Barrier(len(bodies)), [], threading.Lock()

    def one(data, key) -> None:
        client = app.test_client()
        client.get("/api/v1/redemptions", headers=headers)  # warm up: connect, authenticate
        barrier.wait(timeout=60)
        extra = {"Idempotency-Key": key} if key else {}
        response = client.post("/api/v1/redemptions", headers={**headers, **extra}, json=data)
        with lock:
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=one, args=pair) for pair in zip(bodies, keys, strict=True)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, time.perf_counter() - started


def test_fifty_parallel_redemptions_never_overspend(app, client, session, database_url: str) -> None:
    world = setup(client, session)
    voucher = world["voucher"]  # 200,000.00 yuan
    # 50 claims of 7,000 yuan each: 28 fit (196,000), 22 must be refused.
    bodies = [
        body(voucher.code, contract_number=f"HT-{n:03d}", contract_fee_fen=1_400_000, amount_fen=700_000)
        for n in range(50)
    ]
    results, seconds = _fire(app, world["headers"]["provider"], bodies, [None] * 50)
    created = [r for status, r in results if status == 201]
    refused = [r for status, r in results if status != 201]
    final = fresh(session, voucher.id)
    print(
        f"\n50 parallel redemptions: {len(created)} succeeded, {len(refused)} refused, "
        f"final balance {final.balance_fen} fen, {seconds:.2f} s"
    )
    assert len(results) == 50
    assert len(created) == voucher.amount_fen // 700_000 == 28
    assert all(r["status"] == 422 for r in refused)
    assert final.balance_fen == voucher.amount_fen - 28 * 700_000 >= 0


def test_one_idempotency_key_ten_times_at_once(app, client, session, database_url: str) -> None:
    world = setup(client, session)
    voucher = world["voucher"]
    results, seconds = _fire(app, world["headers"]["provider"], [body(voucher.code)] * 10, ["same-key"] * 10)
    statuses = sorted(status for status, _ in results)
    ids = {r["id"] for status, r in results if status == 201}
    print(f"\n10 × one Idempotency-Key: statuses {statuses}, redemptions {ids}, {seconds:.2f} s")
    assert statuses == [201] * 10 and len(ids) == 1
    session.expire_all()
    assert len(session.exec(select(Redemption).where(col(Redemption.voucher_id) == voucher.id)).all()) == 1
    assert fresh(session, voucher.id).balance_fen == voucher.amount_fen - 5_000_000


def _race(app, calls):
    """Send each (headers, path, json) at the same moment; return the statuses in the order given."""
    barrier, results = threading.Barrier(len(calls)), [0] * len(calls)

    def one(index: int, headers, path, data) -> None:
        client = app.test_client()
        client.get("/api/v1/redemptions", headers=headers)  # warm up: connect, authenticate
        barrier.wait(timeout=60)
        results[index] = client.post(path, headers=headers, json=data).status_code

    threads = [threading.Thread(target=one, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _releases(session, redemption_id: int) -> int:
    session.expire_all()
    statement = select(VoucherLedgerEntry).where(
        VoucherLedgerEntry.redemption_id == redemption_id, VoucherLedgerEntry.kind == "release"
    )
    return len(session.exec(statement).all())


def test_the_holder_confirming_while_the_provider_withdraws(app, client, session, database_url: str) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    for round_ in range(5):
        created = redeem(client, headers["provider"], body(voucher.code, contract_number=f"HT-R{round_}"))
        path = f"/api/v1/redemptions/{created.get_json()['id']}"
        calls = [(headers["applicant"], f"{path}/holder-decision", {"action": "confirm"})] * 3
        calls += [(headers["provider"], f"{path}/withdrawal", {})] * 3
        statuses = _race(app, calls)
        confirms, withdrawals = statuses[:3].count(200), statuses[3:].count(200)
        # Each may happen once (a confirmed request can still be withdrawn); every other call is a 409.
        assert confirms <= 1 and withdrawals == 1 and statuses.count(409) == 6 - confirms - withdrawals
        session.expire_all()
        found = session.get(Redemption, created.get_json()["id"])
        steps = session.exec(select(RedemptionStep).where(RedemptionStep.redemption_id == found.id)).all()
        assert found.status.value == "withdrawn" and len(steps) == confirms + withdrawals
        assert _releases(session, found.id) == 1
    assert fresh(session, voucher.id).balance_fen == voucher.amount_fen


def test_ten_declines_at_once_release_once(app, client, session, database_url: str) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    created = redeem(client, headers["provider"], body(voucher.code)).get_json()
    path = f"/api/v1/redemptions/{created['id']}/holder-decision"
    statuses = _race(app, [(headers["applicant"], path, {"action": "decline"})] * 10)
    assert sorted(statuses) == [200] + [409] * 9
    assert _releases(session, created["id"]) == 1
    assert fresh(session, voucher.id).balance_fen == voucher.amount_fen
