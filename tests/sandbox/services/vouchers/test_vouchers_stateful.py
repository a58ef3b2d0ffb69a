"""Random sequences of issue, redeem, confirm, decline, withdraw, approve, reject, settle, freeze, unfreeze
and expire, at the service level: the balance always equals issued − what open, approved and settled
redemptions hold, never goes below zero, equals the ledger's sum; the ledger and the redemption steps
only ever grow (no row changes); no request stays open on an expired voucher after the daily run."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlmodel import col, select

from sandbox.db import open_session
from sandbox.errors import SandboxError
from sandbox.models.accounts import User
from sandbox.models.vouchers import Redemption, RedemptionStep, Voucher, VoucherLedgerEntry, VoucherStatus
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.vouchers import ledger as voucher_ledger
from sandbox.services.vouchers import redemption_steps, redemptions, vouchers
from tests import factories
from tests.case_flow import PDF
from tests.conftest import make_test_app
from workflows.redemptions import HOLDING, OPEN


def test_random_voucher_sequences_keep_the_balance(sqlite_template: Path, tmp_path: Path) -> None:
    database = tmp_path / "sandbox.db"
    shutil.copy(sqlite_template, database)
    app = make_test_app(f"sqlite:///{database}", tmp_path / "instance")
    engine = app.extensions["sandbox.engine"]
    with open_session(app) as db:
        applicants = [factories.make_user(db, "applicant") for _ in range(2)]
        provider, _ = factories.make_provider(db)
        regulator = factories.make_user(db, "regulator")
    # Who takes each step: the voucher's holder (its enterprise's applicant), the provider, the office.
    takers = {"confirm": "holder", "decline": "holder", "withdraw": provider.id}
    takers |= dict.fromkeys(("approve", "reject", "settle"), regulator.id)
    contracts = iter(range(10**6))

    class VoucherMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.db = open_session(app)
            self.ids: list[int] = []
            self.claims: list[int] = []
            self.ledger: list[tuple] = self._ledger()
            self.steps: list[tuple] = self._steps()
            self.today = beijing_today()
            self.day = self.today  # the latest day the expiry run saw

        def teardown(self) -> None:
            self.db.close()

        def _steps(self) -> list[tuple]:
            rows = self.db.exec(select(RedemptionStep).order_by(col(RedemptionStep.id))).all()
            return [(r.id, r.redemption_id, r.action, r.from_status, r.to_status) for r in rows]

        def _ledger(self) -> list[tuple]:
            rows = self.db.exec(select(VoucherLedgerEntry).order_by(col(VoucherLedgerEntry.id))).all()
            return [(r.id, r.voucher_id, r.seq, r.kind, r.amount_fen, r.balance_after) for r in rows]

        def _do(self, action) -> bool:
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
            self.ids.append(voucher.id)

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
                "contract_signed_on": self.today.isoformat(),
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
                        today=self.today,
                    ).id
                )
            )
            allowed = voucher.status is VoucherStatus.ACTIVE and amount <= before and share >= 2
            assert ok == allowed, (voucher.status, amount, before, share)

        @rule(pick=st.integers(0, 50), action=st.sampled_from(sorted(takers)))
        def take_step(self, pick: int, action: str) -> None:
            if self.claims:
                claim = self.db.get(Redemption, self.claims[pick % len(self.claims)])
                assert claim is not None
                if takers[action] == "holder":
                    owner = self.db.get(Voucher, claim.voucher_id).enterprise_id
                    actor = next(a for a in applicants if a.enterprise_id == owner)
                else:
                    actor = self.db.get(User, takers[action])
                before = claim.status
                ok = self._do(
                    lambda: redemption_steps.act(
                        self.db,
                        actor=actor,
                        redemption_id=claim.id,
                        action=action,
                        reason="理由",
                        today=self.day,
                    )  # fmt: skip
                )
                self.db.refresh(claim)
                assert ok == (claim.status != before), (action, before, claim.status)

        @rule(pick=st.integers(0, 50), freeze=st.booleans())
        def freeze_or_unfreeze(self, pick: int, freeze: bool) -> None:
            if self.ids:
                voucher = self.db.get(Voucher, self.ids[pick % len(self.ids)])
                if freeze:
                    vouchers.freeze(self.db, voucher=voucher, reason="证书暂停")
                else:
                    vouchers.unfreeze(self.db, voucher=voucher, today=self.today)
                self.db.commit()

        @rule(days=st.integers(0, 800))
        def expire(self, days: int) -> None:
            self.day = max(self.day, self.today + timedelta(days=days))
            vouchers.expire_due(self.db, today=self.day)
            redemption_steps.lapse_expired(self.db, today=self.day)
            self.db.commit()
            stuck = self.db.exec(
                select(Redemption.id)
                .join(Voucher, col(Voucher.id) == Redemption.voucher_id)
                .where(col(Redemption.status).in_(OPEN), Voucher.status == VoucherStatus.EXPIRED)
            ).all()
            assert stuck == [], "open requests on expired vouchers were not released"

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
                            Redemption.voucher_id == voucher_id, col(Redemption.status).in_(HOLDING)
                        )
                    ).all()
                )
                assert voucher.balance_fen == voucher.amount_fen - claimed >= 0
                assert voucher.balance_fen == voucher_ledger.ledger_sum(self.db, voucher_id)

        @invariant()
        def ledger_and_steps_only_grow(self) -> None:
            now, steps = self._ledger(), self._steps()
            assert now[: len(self.ledger)] == self.ledger
            assert steps[: len(self.steps)] == self.steps
            self.ledger, self.steps = now, steps

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
