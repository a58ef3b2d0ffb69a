"""Random sequences of issue, redeem, approve, reject, settle, freeze, unfreeze and expire, at the service
level: the balance always equals issued − held/approved/settled redemptions, never goes below zero,
equals the ledger's sum, and the ledger only ever grows (no row changes)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlmodel import Session, col, select

from sandbox.errors import SandboxError
from sandbox.models.accounts import User
from sandbox.models.vouchers import Redemption, RedemptionStatus, Voucher, VoucherLedgerEntry, VoucherStatus
from sandbox.services import redemptions, voucher_ledger, vouchers
from sandbox.services.calendar import beijing_today
from tests import factories
from tests.case_flow import PDF
from tests.conftest import make_test_app

COUNTED = (RedemptionStatus.REQUESTED, RedemptionStatus.APPROVED, RedemptionStatus.SETTLED)


def test_random_voucher_sequences_keep_the_balance(sqlite_template: Path, tmp_path: Path) -> None:
    database = tmp_path / "sandbox.db"
    shutil.copy(sqlite_template, database)
    app = make_test_app(f"sqlite:///{database}", tmp_path / "instance")
    engine = app.extensions["sandbox.engine"]
    with Session(engine, expire_on_commit=False) as db:
        applicants = [factories.make_user(db, "applicant") for _ in range(2)]
        provider, _ = factories.make_provider(db)
        regulator = factories.make_user(db, "regulator")
    contracts = iter(range(10**6))

    class VoucherMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.db = Session(engine, expire_on_commit=False)
            self.ids: list[int] = []
            self.claims: list[int] = []
            self.ledger: list[tuple] = self._ledger()
            self.today = beijing_today()

        def teardown(self) -> None:
            self.db.close()

        def _ledger(self) -> list[tuple]:
            rows = self.db.exec(select(VoucherLedgerEntry).order_by(col(VoucherLedgerEntry.id))).all()
            return [(r.id, r.voucher_id, r.seq, r.kind, r.amount_fen, r.balance_after) for r in rows]

        def _do(self, action) -> bool:  # type: ignore[no-untyped-def]
            try:
                action()
            except SandboxError:
                self.db.rollback()
                return False
            self.db.commit()
            return True

        @rule(who=st.sampled_from([0, 1]), risk=st.sampled_from(["low", "medium", "high"]))
        def issue(self, who: int, risk: str) -> None:
            voucher = factories.make_voucher(self.db, applicants[who], risk_level=risk, today=self.today)
            self.ids.append(voucher.id)  # type: ignore[arg-type]

        @rule(pick=st.integers(0, 50), amount=st.integers(1, 30_000_000), share=st.integers(1, 4))
        def redeem(self, pick: int, amount: int, share: int) -> None:
            if not self.ids:
                return
            voucher = self.db.get(Voucher, self.ids[pick % len(self.ids)])
            assert voucher is not None
            data = {
                "code": voucher.code or "",
                "contract_number": f"C{next(contracts)}",
                "contract_fee_fen": amount * share,
                "amount_fen": amount,
                "category": "data_annotation",
            }
            before = voucher.balance_fen
            ok = self._do(
                lambda: self.claims.append(
                    redemptions.request_redemption(
                        self.db,
                        actor=self.db.get(User, provider.id),
                        data=data,
                        invoice=PDF,
                        invoice_name="i.pdf",
                        storage=tmp_path / "invoices",
                        max_bytes=2**20,
                        today=self.today,
                    ).id
                )
            )
            allowed = voucher.status is VoucherStatus.ACTIVE and amount <= before and share >= 2
            assert ok == allowed, (voucher.status, amount, before, share)

        @rule(pick=st.integers(0, 50), action=st.sampled_from(["approve", "reject", "settle"]))
        def decide(self, pick: int, action: str) -> None:
            if self.claims:
                claim = self.claims[pick % len(self.claims)]
                self._do(
                    lambda: redemptions.decide(
                        self.db,
                        actor=self.db.get(User, regulator.id),
                        redemption_id=claim,
                        action=action,
                        reason="理由",
                    )
                )

        @rule(pick=st.integers(0, 50), freeze=st.booleans())
        def freeze_or_unfreeze(self, pick: int, freeze: bool) -> None:
            if self.ids:
                voucher = self.db.get(Voucher, self.ids[pick % len(self.ids)])
                if freeze:
                    vouchers.freeze(self.db, voucher=voucher, reason="证书暂停")  # type: ignore[arg-type]
                else:
                    vouchers.unfreeze(self.db, voucher=voucher, today=self.today)  # type: ignore[arg-type]
                self.db.commit()

        @rule(days=st.integers(0, 800))
        def expire(self, days: int) -> None:
            vouchers.expire_due(self.db, today=self.today + timedelta(days=days))
            self.db.commit()

        @invariant()
        def balance_is_issued_minus_redemptions(self) -> None:
            self.db.expire_all()
            for voucher_id in self.ids:
                voucher = self.db.get(Voucher, voucher_id)
                assert voucher is not None
                claimed = sum(
                    r.amount_fen
                    for r in self.db.exec(
                        select(Redemption).where(
                            Redemption.voucher_id == voucher_id, col(Redemption.status).in_(COUNTED)
                        )
                    ).all()
                )
                assert voucher.balance_fen == voucher.amount_fen - claimed >= 0
                assert voucher.balance_fen == voucher_ledger.ledger_sum(self.db, voucher_id)

        @invariant()
        def ledger_only_grows(self) -> None:
            now = self._ledger()
            assert now[: len(self.ledger)] == self.ledger
            self.ledger = now

    options = settings(
        max_examples=12,
        stateful_step_count=30,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    try:
        run_state_machine_as_test(VoucherMachine, settings=options)
    finally:
        engine.dispose()


def test_the_ledger_refuses_changes(session) -> None:
    applicant = factories.make_user(session, "applicant")
    voucher = factories.make_voucher(session, applicant)
    entry = session.exec(select(VoucherLedgerEntry).where(VoucherLedgerEntry.voucher_id == voucher.id)).one()
    entry.amount_fen = 1
    try:
        session.flush()
        raise AssertionError("an update of a ledger row went through")
    except voucher_ledger.AppendOnly:
        session.rollback()
