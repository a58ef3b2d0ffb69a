"""Redemption pages: the office decides on a page that names the enterprise, the provider, the voucher
(code, balance), the contract (number, fee, date) and links the invoice, after a confirmation page;
the holder confirms or declines and the provider withdraws the same way. Nothing changes before the
confirmation."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlmodel import select

from sandbox.models.accounts import Enterprise, Organisation
from sandbox.models.vouchers import Redemption, Voucher
from tests import factories
from tests.sandbox.voucher_helpers import body, confirmed, fresh, redeem, setup


def signed_in(app, user) -> FlaskClient:
    web = app.test_client()
    response = web.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return web


def status(session, redemption_id: int) -> str:
    session.expire_all()
    return session.get(Redemption, redemption_id).status.value


def test_the_office_sees_the_whole_file_and_confirms_before_approving(app, client, session) -> None:
    world = setup(client, session)
    voucher = world["voucher"]
    waiting = redeem(client, world["headers"]["provider"], body(voucher.code, contract_number="HT-W"))
    created = confirmed(client, world, body(voucher.code))
    office = signed_in(app, world["regulator"])
    queue = office.get("/vouchers/redemptions").get_data(as_text=True)  # awaiting approval first
    enterprise = session.get(Enterprise, voucher.enterprise_id)
    provider_name = session.get(Organisation, world["entry"].organisation_id).name
    assert "HT-2026-001" in queue and enterprise.name in queue and provider_name in queue
    assert "HT-W" not in queue  # its holder has not confirmed it
    assert waiting.status_code == 201

    page = office.get(f"/vouchers/redemptions/{created['id']}").get_data(as_text=True)
    invoice = f"/vouchers/redemptions/{created['id']}/invoice"
    # Balance ¥100,000.00 of ¥200,000.00 (two requests of ¥50,000.00 held); the contract fee is ¥100,000.00.
    facts = [enterprise.name, enterprise.uscc, provider_name, world["entry"].uscc, voucher.code,
             "¥200,000.00", "HT-2026-001", "¥100,000.00", created["contract_signed_on"], "¥50,000.00",
             invoice]  # fmt: skip
    for fact in [*facts, 'value="approve"', 'value="reject"']:
        assert fact in page, fact
    decision = f"/vouchers/redemptions/{created['id']}/decision"
    asked = office.post(decision, data={"action": "approve"})
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in question
    assert enterprise.name in question and provider_name in question and "HT-2026-001" in question
    assert status(session, created["id"]) == "requested"  # nothing happened before the confirmation
    done = office.post(decision, data={"action": "approve", "confirm": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/vouchers/redemptions/{created['id']}"
    )
    assert status(session, created["id"]) == "approved"


def test_a_rejection_needs_its_reason_on_the_confirmation_page(app, client, session) -> None:
    world = setup(client, session)
    created = confirmed(client, world, body(world["voucher"].code))
    office = signed_in(app, world["regulator"])
    decision = f"/vouchers/redemptions/{created['id']}/decision"
    refused = office.post(decision, data={"action": "reject", "confirm": "yes"})
    assert refused.status_code == 422 and 'id="reason-error"' in refused.get_data(as_text=True)
    assert status(session, created["id"]) == "requested"
    office.post(decision, data={"action": "reject", "reason": "发票抬头不符", "confirm": "yes"})
    assert status(session, created["id"]) == "rejected"
    assert fresh(session, world["voucher"].id).balance_fen == world["voucher"].amount_fen


def test_the_holder_confirms_or_declines_and_the_provider_withdraws_on_pages(app, client, session) -> None:
    world = setup(client, session)
    voucher = world["voucher"]
    first = redeem(
        client, world["headers"]["provider"], body(voucher.code, contract_number="HT-1")
    ).get_json()
    second = redeem(
        client, world["headers"]["provider"], body(voucher.code, contract_number="HT-2")
    ).get_json()
    third = redeem(
        client, world["headers"]["provider"], body(voucher.code, contract_number="HT-3")
    ).get_json()
    holder = signed_in(app, world["applicant"])
    mine = holder.get("/vouchers/redemptions").get_data(as_text=True)  # awaiting my confirmation first
    assert all(number in mine for number in ("HT-1", "HT-2", "HT-3"))
    voucher_page = holder.get(f"/vouchers/{voucher.id}").get_data(as_text=True)
    assert f"/vouchers/redemptions/{first['id']}" in voucher_page
    page = holder.get(f"/vouchers/redemptions/{first['id']}").get_data(as_text=True)
    assert 'value="confirm"' in page and 'value="decline"' in page and 'value="approve"' not in page
    url = f"/vouchers/redemptions/{first['id']}/holder-decision"
    assert holder.post(url, data={"action": "confirm"}).status_code == 200
    assert status(session, first["id"]) == "awaiting_holder"
    holder.post(url, data={"action": "confirm", "confirm": "yes"})
    assert status(session, first["id"]) == "requested"
    holder.post(f"/vouchers/redemptions/{second['id']}/holder-decision",
                data={"action": "decline", "reason": "未签订", "confirm": "yes"})  # fmt: skip
    assert status(session, second["id"]) == "declined"
    assert holder.post(url, data={"action": "approve", "confirm": "yes"}).status_code == 422

    provider = signed_in(app, world["provider"])
    withdrawal = f"/vouchers/redemptions/{third['id']}/withdrawal"
    asked = provider.post(withdrawal)
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.get_data(as_text=True)
    provider.post(withdrawal, data={"confirm": "yes", "reason": "金额有误"})
    assert status(session, third["id"]) == "withdrawn"
    moved_on = provider.post(f"/vouchers/redemptions/{second['id']}/withdrawal", data={"confirm": "yes"})
    assert moved_on.status_code == 302 and status(session, second["id"]) == "declined"
    session.expire_all()
    balance = session.exec(select(Voucher.balance_fen).where(Voucher.id == voucher.id)).one()
    assert balance == voucher.amount_fen - 5_000_000  # only the confirmed request still holds money


def test_the_redeem_form_asks_for_the_contract_date(app, client, session) -> None:
    world = setup(client, session)
    provider = signed_in(app, world["provider"])
    form = provider.get("/vouchers/redeem").get_data(as_text=True)
    assert 'name="contract_signed_on"' in form and 'type="date"' in form
