"""Redemption through the API: the happy path (request, the holder's confirmation, the office's
decision), idempotent retries, and every refusal with a clear message and nothing written. The steps
the holder and the provider take are tested in `test_vouchers_holder`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from sandbox.models.accounts import Enterprise
from sandbox.models.vouchers import RelatedParty, Voucher, VoucherStatus
from sandbox.services.cases.calendar import beijing_today
from tests import factories
from tests.sandbox.voucher_helpers import body, confirmed, counts, fresh, redeem, setup, step


def test_redeem_approve_settle_and_the_balance(client, session) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    assert voucher.status is VoucherStatus.ACTIVE and voucher.amount_fen == 20_000_000
    response = redeem(client, headers["provider"], body(voucher.code), key="k-1")
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["status"] == "awaiting_holder" and created["voucher_balance_fen"] == 15_000_000
    assert fresh(session, voucher.id).balance_fen == 15_000_000  # held at once
    decision = f"/api/v1/redemptions/{created['id']}/decision"
    unconfirmed = client.post(decision, headers=headers["regulator"], json={"action": "approve"})
    assert unconfirmed.status_code == 409  # the holder has not confirmed it yet
    assert step(client, headers["applicant"], created["id"], "confirm").get_json()["status"] == "requested"
    settle_early = client.post(decision, headers=headers["regulator"], json={"action": "settle"})
    assert settle_early.status_code == 409
    approved = client.post(decision, headers=headers["regulator"], json={"action": "approve"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    settled = client.post(decision, headers=headers["regulator"], json={"action": "settle"})
    assert settled.get_json()["status"] == "settled"
    detail = client.get(f"/api/v1/vouchers/{voucher.id}", headers=headers["applicant"]).get_json()
    assert detail["balance_fen"] == 15_000_000
    assert [e["kind"] for e in detail["ledger"]] == ["issue", "hold"]
    mine = client.get("/api/v1/redemptions", headers=headers["provider"]).get_json()
    assert [item["id"] for item in mine["items"]] == [created["id"]]


def test_reject_gives_the_amount_back_and_needs_a_reason(client, session) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    created = confirmed(client, world, body(voucher.code))
    decision = f"/api/v1/redemptions/{created['id']}/decision"
    no_reason = client.post(decision, headers=headers["regulator"], json={"action": "reject"})
    assert no_reason.status_code == 422
    rejected = client.post(
        decision, headers=headers["regulator"], json={"action": "reject", "reason": "发票不符"}
    )
    assert rejected.get_json()["status"] == "rejected" and rejected.get_json()["reason"] == "发票不符"
    assert fresh(session, voucher.id).balance_fen == voucher.amount_fen
    # The contract may be claimed again once its earlier claim was rejected.
    assert redeem(client, headers["provider"], body(voucher.code)).status_code == 201


def test_idempotency_key_replays_the_first_result(client, session) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    first = redeem(client, headers["provider"], body(voucher.code), key="retry-me")
    before = counts(session)
    again = redeem(client, headers["provider"], body(voucher.code), key="retry-me")
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert counts(session) == before
    other = redeem(client, headers["provider"], body(voucher.code, amount_fen=1_000_000), key="retry-me")
    assert other.status_code == 422
    assert "different request" in other.get_json()["errors"][0]["message"]
    assert counts(session) == before


def _refused(client, session, world, data, status, field, words, key="refused"):
    before = counts(session)
    balance = fresh(session, world["voucher"].id).balance_fen
    response = redeem(client, world["headers"]["provider"], data, key=key)
    assert response.status_code == status, response.get_json()
    problem = response.get_json()
    text = " ".join([problem.get("detail", "")] + [e["message"] for e in problem.get("errors", [])])
    assert words in text, text
    if field:
        assert field in [e["field"] for e in problem["errors"]]
    assert counts(session) == before, "a refusal must write nothing"
    assert fresh(session, world["voucher"].id).balance_fen == balance


def test_refusals_write_nothing(client, session) -> None:
    world = setup(client, session)
    code = world["voucher"].code
    en = {"Accept-Language": "en"}
    world["headers"]["provider"] = {**world["headers"]["provider"], **en}
    _refused(
        client,
        session,
        world,
        body(code, category="compute"),
        422,
        "category",
        "not approved for this service",
    )
    _refused(client, session, world, body(code, amount_fen=5_000_001), 422, "amount_fen", "at most 50%")
    _refused(
        client,
        session,
        world,
        body(code, contract_fee_fen=100_000_000, amount_fen=25_000_000),
        422,
        "amount_fen",
        "exceeds the voucher's balance",
    )
    _refused(client, session, world, body(code, amount_fen=1234.5), 422, "amount_fen", "whole numbers of fen")
    _refused(
        client, session, world, body(code, contract_fee_fen=10_000_000.0), 422, "contract_fee_fen", "fen"
    )
    tomorrow = (beijing_today() + timedelta(days=1)).isoformat()
    for signed_on, words in ((None, "YYYY"), ("3.3.2026", "YYYY"), (tomorrow, "later than today")):
        data = body(code, contract_signed_on=signed_on)
        _refused(client, session, world, data, 422, "contract_signed_on", words)
    _refused(
        client, session, world, body(code[:-1] + ("0" if code[-1] != "0" else "1")), 422, "code", "mistyped"
    )


def test_refused_when_frozen_or_expired(client, session) -> None:
    world = setup(client, session)
    voucher = session.get(Voucher, world["voucher"].id)
    voucher.status = VoucherStatus.FROZEN
    session.commit()
    _refused(client, session, world, body(voucher.code), 422, "code", "frozen")
    voucher.status, voucher.expires_on = VoucherStatus.ACTIVE, beijing_today() - timedelta(days=1)
    session.commit()
    _refused(client, session, world, body(voucher.code), 422, "code", "expired")


@pytest.mark.parametrize("how", ["same_uscc", "declared"])
def test_refused_for_a_related_party(client, session, how: str) -> None:
    applicant = factories.make_user(session, "applicant")
    enterprise_uscc = session.get(Enterprise, applicant.enterprise_id).uscc
    provider_uscc = enterprise_uscc if how == "same_uscc" else factories.make_uscc()
    world = setup(client, session, uscc=provider_uscc)
    world["voucher"] = factories.make_voucher(session, applicant)
    if how == "declared":
        session.add(
            RelatedParty(
                enterprise_id=applicant.enterprise_id,
                name="关联方",
                uscc=provider_uscc,
                relation="股东",
                declared_by_id=applicant.id,
            )
        )
        session.commit()
    _refused(client, session, world, body(world["voucher"].code), 422, "code", "related party")


def test_refused_when_the_provider_is_not_approved(client, session) -> None:
    world = setup(client, session, active_from=beijing_today() + timedelta(days=10))
    _refused(client, session, world, body(world["voucher"].code), 403, None, "approved provider pool")
    outsider = factories.make_user(session, "service_provider")
    from tests.case_flow import token

    world["headers"]["provider"] = token(client, outsider)
    _refused(client, session, world, body(world["voucher"].code), 403, None, "approved provider pool")


def test_the_same_contract_is_never_supported_twice(client, session) -> None:
    world = setup(client, session)
    assert redeem(client, world["headers"]["provider"], body(world["voucher"].code)).status_code == 201
    _refused(
        client,
        session,
        world,
        body(world["voucher"].code, amount_fen=1_000_000),
        422,
        "contract_number",
        "already been claimed",
    )


def test_other_enterprises_and_providers_see_nothing(client, session) -> None:
    world = setup(client, session)
    created = redeem(client, world["headers"]["provider"], body(world["voucher"].code)).get_json()
    stranger = factories.make_user(session, "applicant")
    other_provider, _ = factories.make_provider(session)
    from tests.case_flow import token

    assert (
        client.get(f"/api/v1/vouchers/{world['voucher'].id}", headers=token(client, stranger)).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/redemptions/{created['id']}", headers=token(client, other_provider)).status_code
        == 404
    )
    assert session.exec(select(Voucher)).first() is not None
