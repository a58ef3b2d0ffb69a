"""The voucher's holder controls its voucher: a provider's request waits for the holder's confirmation
(the holder is told in the app and by e-mail), only a confirmed request reaches the office, the holder
may decline and the provider may withdraw until the office decides, and expiry releases what is still
open. Every ending without payment gives the held amount back exactly once."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from sqlmodel import col, select

from sandbox.models.accounts import Enterprise
from sandbox.models.notifications import Notification
from sandbox.models.vouchers import Redemption, Voucher, VoucherLedgerEntry
from sandbox.services.cases.calendar import beijing_today
from tests import factories
from tests.case_flow import PDF, token
from tests.outbox_helpers import mail_files
from tests.sandbox.voucher_helpers import body, confirmed, fresh, redeem, setup, step


def kinds(session, user_id: int) -> list[str]:
    """The redemption notices a user received, oldest first."""
    session.expire_all()
    statement = select(Notification).where(
        Notification.user_id == user_id, col(Notification.kind).startswith("redemption_")
    )
    return [row.kind for row in session.exec(statement.order_by(col(Notification.id))).all()]


def mails_to(app, email: str, seen: frozenset[Path] = frozenset()) -> list[str]:
    """The bodies of the e-mails to `email`, leaving out those in `seen` (the voucher's issue, say)."""
    found = []
    for path in (path for path in mail_files(app) if path not in seen):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == email:
            found.append(message.get_content())
    return found


def ledger(session, voucher_id: int) -> list[str]:
    session.expire_all()
    statement = select(VoucherLedgerEntry).where(VoucherLedgerEntry.voucher_id == voucher_id)
    return [row.kind.value for row in session.exec(statement.order_by(col(VoucherLedgerEntry.seq))).all()]


def test_a_request_waits_for_the_holder_who_is_told(app, client, session) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    colleague = factories.make_user(session, "applicant")  # another account of the same enterprise
    colleague.enterprise_id = world["applicant"].enterprise_id
    session.add(colleague)
    session.commit()
    seen = frozenset(mail_files(app))
    created = redeem(client, headers["provider"], body(voucher.code)).get_json()
    assert created["status"] == "awaiting_holder" and fresh(session, voucher.id).balance_fen == 15_000_000
    for holder in (world["applicant"], colleague):
        assert kinds(session, holder.id) == ["redemption_awaiting_holder"]
        (mail,) = mails_to(app, holder.email, seen)
        assert "50,000.00" in mail and voucher.code in mail and "HT-2026-001" in mail
        assert f"/vouchers/redemptions/{created['id']}" in mail
    assert kinds(session, world["regulator"].id) == []  # nothing reaches the office yet
    queue = client.get("/api/v1/redemptions?status=requested", headers=headers["regulator"]).get_json()
    assert queue["items"] == []
    decision = f"/api/v1/redemptions/{created['id']}/decision"
    early = client.post(decision, headers=headers["regulator"], json={"action": "approve"})
    assert early.status_code == 409 and early.mimetype == "application/problem+json"

    answer = step(client, headers["applicant"], created["id"], "confirm")
    assert answer.status_code == 200 and answer.get_json()["confirmed_at"] is not None
    assert kinds(session, world["regulator"].id) == ["redemption_requested"]
    assert kinds(session, world["provider"].id) == ["redemption_confirmed"]
    queue = client.get("/api/v1/redemptions?status=requested", headers=headers["regulator"]).get_json()
    assert [item["id"] for item in queue["items"]] == [created["id"]]
    assert client.post(decision, headers=headers["regulator"], json={"action": "approve"}).status_code == 200
    again = step(client, headers["applicant"], created["id"], "confirm")
    assert again.status_code == 409  # it has moved on
    assert fresh(session, voucher.id).balance_fen == 15_000_000
    assert ledger(session, voucher.id) == ["issue", "hold"]


def test_the_holder_declines_and_the_amount_comes_back_once(client, session) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    created = redeem(client, headers["provider"], body(voucher.code)).get_json()
    declined = step(client, headers["applicant"], created["id"], "decline", "我方未签订该合同")
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    assert fresh(session, voucher.id).balance_fen == voucher.amount_fen
    assert ledger(session, voucher.id) == ["issue", "hold", "release"]
    assert kinds(session, world["provider"].id) == ["redemption_declined"]
    for action in ("decline", "confirm"):
        assert step(client, headers["applicant"], created["id"], action).status_code == 409
    assert ledger(session, voucher.id) == ["issue", "hold", "release"]
    detail = client.get(f"/api/v1/redemptions/{created['id']}", headers=headers["provider"]).get_json()
    assert [(s["action"], s["to_status"], s["reason"]) for s in detail["steps"]] == [
        ("decline", "declined", "我方未签订该合同")
    ]
    # A declined claim does not block the contract: the provider may ask again (e.g. corrected).
    assert redeem(client, headers["provider"], body(voucher.code)).status_code == 201


def test_the_provider_withdraws_until_the_office_decides(client, session) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    waiting = redeem(client, headers["provider"], body(voucher.code, contract_number="HT-A")).get_json()
    assert step(client, headers["provider"], waiting["id"], "withdraw").get_json()["status"] == "withdrawn"
    assert kinds(session, world["applicant"].id)[-1] == "redemption_withdrawn"
    assert kinds(session, world["regulator"].id) == []  # it never reached the office
    queued = confirmed(client, world, body(voucher.code, contract_number="HT-B"))
    withdrawn = step(client, headers["provider"], queued["id"], "withdraw", "合同金额有误")
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert kinds(session, world["regulator"].id)[-1] == "redemption_withdrawn"
    decided = confirmed(client, world, body(voucher.code, contract_number="HT-C"))
    decision = f"/api/v1/redemptions/{decided['id']}/decision"
    assert client.post(decision, headers=headers["regulator"], json={"action": "approve"}).status_code == 200
    late = step(client, headers["provider"], decided["id"], "withdraw")
    assert late.status_code == 409
    assert fresh(session, voucher.id).balance_fen == voucher.amount_fen - 5_000_000
    assert ledger(session, voucher.id) == ["issue", "hold", "release", "hold", "release", "hold"]


def test_only_the_parties_take_their_own_steps(client, session) -> None:
    world = setup(client, session)
    headers = world["headers"]
    created = redeem(client, headers["provider"], body(world["voucher"].code)).get_json()
    rid = created["id"]
    stranger = token(client, factories.make_user(session, "applicant"))
    other_provider = token(client, factories.make_provider(session)[0])
    assert step(client, stranger, rid, "confirm").status_code == 404
    assert step(client, other_provider, rid, "withdraw").status_code == 404
    assert step(client, headers["regulator"], rid, "confirm").status_code == 403  # not the holder
    assert step(client, headers["applicant"], rid, "withdraw").status_code == 403  # not the provider
    wrong = client.post(f"/api/v1/redemptions/{rid}/holder-decision", headers=headers["applicant"],
                        json={"action": "approve"})  # fmt: skip
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "action"
    session.expire_all()
    assert session.get(Redemption, rid).status.value == "awaiting_holder"


def test_the_file_names_everything_a_decision_needs(client, session) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    created = redeem(client, headers["provider"], body(voucher.code)).get_json()
    as_holder = client.get(f"/api/v1/redemptions/{created['id']}", headers=headers["applicant"]).get_json()
    assert as_holder["actions"] == ["confirm", "decline"]
    step(client, headers["applicant"], created["id"], "confirm")
    detail = client.get(f"/api/v1/redemptions/{created['id']}", headers=headers["regulator"]).get_json()
    session.expire_all()
    enterprise = session.get(Enterprise, voucher.enterprise_id)
    assert detail["enterprise"] == {"id": enterprise.id, "name": enterprise.name, "uscc": enterprise.uscc}
    assert detail["provider"]["id"] == world["entry"].id and detail["provider"]["uscc"] == world["entry"].uscc
    assert detail["provider"]["name"]
    assert detail["voucher"]["code"] == voucher.code and detail["voucher"]["balance_fen"] == 15_000_000
    assert (detail["contract_number"], detail["contract_fee_fen"]) == ("HT-2026-001", 10_000_000)
    assert detail["contract_signed_on"] == (beijing_today() - timedelta(days=7)).isoformat()
    assert detail["actions"] == ["approve", "reject"]
    stranger = token(client, factories.make_user(session, "applicant"))
    for who, expected in ((headers["regulator"], 200), (headers["applicant"], 200), (stranger, 404)):
        invoice = client.get(detail["invoice_url"], headers=who)
        assert invoice.status_code == expected
        if expected == 200:
            assert invoice.data == PDF and invoice.headers["Content-Disposition"].startswith("attachment")
        invoice.close()  # a file download holds the file open until closed


def test_expiry_releases_what_is_still_open_once(app, client, session) -> None:
    world = setup(client, session)
    voucher, headers = world["voucher"], world["headers"]
    waiting = redeem(client, headers["provider"], body(voucher.code, contract_number="HT-A")).get_json()
    queued = confirmed(client, world, body(voucher.code, contract_number="HT-B"))
    approved = confirmed(client, world, body(voucher.code, contract_number="HT-C", amount_fen=1_000_000))
    decision = f"/api/v1/redemptions/{approved['id']}/decision"
    assert client.post(decision, headers=headers["regulator"], json={"action": "approve"}).status_code == 200
    row = session.get(Voucher, voucher.id)
    row.expires_on = beijing_today() - timedelta(days=1)  # its last day was yesterday
    session.commit()
    # Before the daily run: nothing open on it can move towards payment any more.
    assert step(client, headers["applicant"], waiting["id"], "confirm").status_code == 409
    late = step(client, headers["regulator"], queued["id"], "approve")
    assert late.status_code == 409 and "expired" in late.get_json()["detail"]
    runner = app.test_cli_runner()
    first = runner.invoke(args=["vouchers", "expire"])
    assert "1 voucher(s) expired, 2 open redemption(s) released" in first.output, first.output
    session.expire_all()
    statuses = {r.contract_number: r.status.value for r in session.exec(select(Redemption)).all()}
    assert statuses == {"HT-A": "lapsed", "HT-B": "lapsed", "HT-C": "approved"}
    assert fresh(session, voucher.id).balance_fen == voucher.amount_fen - 1_000_000
    assert "redemption_lapsed" in kinds(session, world["applicant"].id)
    assert "redemption_lapsed" in kinds(session, world["provider"].id)
    before = ledger(session, voucher.id)
    second = runner.invoke(args=["vouchers", "expire"])
    assert "0 voucher(s) expired, 0 open redemption(s) released" in second.output
    assert ledger(session, voucher.id) == before
