"""Shared steps for the voucher tests: a voucher with a provider, API redemption calls and the steps
after them (the holder's confirmation, the office's decision), row counts."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func
from sqlmodel import Session, select

from sandbox.models.vouchers import IdempotencyRecord, Redemption, Voucher, VoucherLedgerEntry
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.vouchers import ledger as voucher_ledger
from tests import factories
from tests.case_flow import PDF, token


def setup(client: FlaskClient, session: Session, **provider: Any) -> dict[str, Any]:
    """An applicant with an issued voucher, an approved provider and a regulator, each with a token."""
    applicant = factories.make_user(session, "applicant")
    voucher = factories.make_voucher(session, applicant)
    user, entry = factories.make_provider(session, **provider)
    regulator = factories.make_user(session, "regulator")
    return {
        "voucher": voucher,
        "applicant": applicant,
        "provider": user,
        "entry": entry,
        "regulator": regulator,
        "headers": {
            "applicant": token(client, applicant),
            "provider": token(client, user),
            "regulator": token(client, regulator),
        },
    }


def body(code: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "contract_number": "HT-2026-001",
        "contract_fee_fen": 10_000_000,
        "contract_signed_on": (beijing_today() - timedelta(days=7)).isoformat(),
        "amount_fen": 5_000_000,
        "category": "data_annotation",
        "invoice": {"filename": "发票.pdf", "content_base64": base64.b64encode(PDF).decode()},
    }
    data.update(overrides)
    return data


def redeem(client: FlaskClient, headers: dict[str, str], data: dict[str, Any], key: str | None = None):
    extra = {"Idempotency-Key": key} if key else {}
    # English messages, so that tests can name the reason in plain words.
    return client.post(
        "/api/v1/redemptions", headers={**headers, **extra, "Accept-Language": "en"}, json=data
    )


def step(client: FlaskClient, headers: dict[str, str], redemption_id: int, action: str, reason: str = ""):
    """Take a step as the party of `headers`: confirm/decline (holder), withdraw (provider), or
    approve/reject/settle (office)."""
    path = {"confirm": "holder-decision", "decline": "holder-decision", "withdraw": "withdrawal"}.get(
        action, "decision"
    )
    return client.post(
        f"/api/v1/redemptions/{redemption_id}/{path}",
        headers={**headers, "Accept-Language": "en"},
        json={"action": action, "reason": reason},
    )


def confirmed(client: FlaskClient, world: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """A request made by the world's provider and confirmed by the voucher's holder: it awaits the office."""
    created = redeem(client, world["headers"]["provider"], data)
    assert created.status_code == 201, created.get_json()
    response = step(client, world["headers"]["applicant"], created.get_json()["id"], "confirm")
    assert response.status_code == 200 and response.get_json()["status"] == "requested", response.get_json()
    return response.get_json()


def counts(session: Session) -> tuple[int, int, int]:
    """(redemptions, ledger rows, idempotency records): what a refusal must leave unchanged."""
    session.expire_all()
    return tuple(  # type: ignore[return-value]
        session.exec(select(func.count()).select_from(model)).one()
        for model in (Redemption, VoucherLedgerEntry, IdempotencyRecord)
    )


def fresh(session: Session, voucher_id: int) -> Voucher:
    session.expire_all()
    voucher = session.get(Voucher, voucher_id)
    assert voucher is not None
    assert voucher.balance_fen == voucher_ledger.ledger_sum(session, voucher_id)
    return voucher
