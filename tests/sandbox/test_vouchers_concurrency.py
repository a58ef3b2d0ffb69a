"""PostgreSQL: 50 redemptions at the same moment against one voucher never overspend it, and one
Idempotency-Key sent 10 times at once makes one redemption. Threads, each with its own test client (and
so its own database connection), released together by a barrier. Figures are printed (`-s` shows them).
"""

from __future__ import annotations

import threading
import time

from sqlmodel import col, select

from sandbox.models.vouchers import Redemption
from tests.sandbox.voucher_helpers import body, fresh, setup

# Runs on every backend: SQLite serialises writers with its lock, PostgreSQL with row locks.


def _fire(app, headers, bodies, keys):  # type: ignore[no-untyped-def]
    barrier, results, lock = threading.Barrier(len(bodies)), [], threading.Lock()

    def one(data, key) -> None:  # type: ignore[no-untyped-def]
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
