"""Issuance with the certificate: one voucher per certificate (a database constraint), codes with a
check character, refusals recorded with their reason (the exit still succeeds), freezing with the
certificate, the policy as versioned configuration, expiry and reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from sandbox.errors import ValidationFailed
from sandbox.models.accounts import EligibilityDeclaration, Enterprise, Role, User
from sandbox.models.certificates import Certificate
from sandbox.models.notifications import Notification
from sandbox.models.vouchers import RefusalCode, Voucher, VoucherStatus
from sandbox.services.vouchers import codes as voucher_codes
from sandbox.services.vouchers import policy as voucher_policy
from sandbox.services.vouchers.policy import default_policy
from sandbox.services.vouchers.vouchers import expiry_for
from tests import factories
from tests.case_flow import CaseFlow


def test_an_exit_issues_a_voucher_and_suspension_freezes_it(client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("exited")
    cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    listed = client.get("/api/v1/vouchers", headers=flow.headers["applicant"]).get_json()["items"]
    assert len(listed) == 1 and listed[0]["certificate_id"] == cert.id and listed[0]["status"] == "active"
    assert listed[0]["amount_fen"] == default_policy().amount_for("general_data", "low") == 20_000_000
    assert voucher_codes.normalise(listed[0]["code"].lower().replace("-", " ")) == listed[0]["code"]
    assert listed[0]["expires_on"] <= "2027-12-31"
    flow.change_status(cert.id, "suspend", "核查中")
    assert _voucher(session, cert.id).status is VoucherStatus.FROZEN
    flow.change_status(cert.id, "reinstate", "核查完毕")
    assert _voucher(session, cert.id).status is VoucherStatus.ACTIVE
    flow.change_status(cert.id, "revoke", "撤销")
    assert _voucher(session, cert.id).status is VoucherStatus.FROZEN
    page = client.get(f"/certificates/{cert.id}/voucher")
    assert page.status_code == 302  # not signed in on the web client: to the login page


def _voucher(session, cert_id: str) -> Voucher:
    session.expire_all()
    return session.exec(select(Voucher).where(Voucher.certificate_id == cert_id)).one()


def test_one_voucher_per_certificate_is_a_database_constraint(session) -> None:
    applicant = factories.make_user(session, "applicant")
    voucher = factories.make_voucher(session, applicant)
    twin = Voucher(
        certificate_id=voucher.certificate_id,
        case_id=voucher.case_id,
        enterprise_id=voucher.enterprise_id,
        sector="general_data",
        year=2026,
        issued_on=date(2026, 1, 1),
        status=VoucherStatus.REFUSED,
    )
    session.add(twin)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_codes_are_random_and_a_mistyped_character_is_caught() -> None:
    codes = {voucher_codes.new_code() for _ in range(200)}
    assert len(codes) == 200
    code = next(iter(codes))
    raw = code.replace("-", "")
    for index in range(len(raw)):
        for char in voucher_codes.ALPHABET:
            if char != raw[index]:
                with pytest.raises(ValidationFailed):
                    voucher_codes.normalise(raw[:index] + char + raw[index + 1 :])
    assert voucher_codes.normalise(code.replace("0", "O")) == code


def _refusal(session, applicant, **kwargs):
    voucher = factories.make_voucher(session, applicant, **kwargs)
    assert voucher.status is VoucherStatus.REFUSED and voucher.code is None and voucher.balance_fen == 0
    return voucher.refusal_code


def test_refusal_reasons(session) -> None:
    outside = factories.make_user(session, "applicant", enterprise=factories.enterprise_data(in_zone=False))
    assert _refusal(session, outside) is RefusalCode.OUTSIDE_ZONE
    negative = factories.make_user(
        session, "applicant", enterprise=factories.enterprise_data(no_criminal_record=False)
    )
    assert _refusal(session, negative) is RefusalCode.DECLARATION_NEGATIVE
    missing = factories.make_user(session, "applicant")
    session.execute(
        delete(EligibilityDeclaration).where(
            col(EligibilityDeclaration.enterprise_id) == missing.enterprise_id
        )
    )
    session.commit()
    assert _refusal(session, missing) is RefusalCode.DECLARATION_MISSING
    capped = factories.make_user(session, "applicant")
    for _ in range(2):  # 2 × 400,000 yuan of a 1,000,000 yuan cap
        factories.make_voucher(session, capped, risk_level="high")
    assert _refusal(session, capped, risk_level="high") is RefusalCode.ANNUAL_CAP
    assert _refusal(session, capped, today=date(2028, 1, 3)) is RefusalCode.POLICY_ENDED


def test_budget_refusal_is_shown_to_the_regulator(client, session, login_as) -> None:
    admin = User(email="a@x", password_hash="", display_name="a", role=Role.ADMIN, active=True)
    document = default_policy().as_json()
    document["annual_budget_fen"] = {str(y): 25_000_000 for y in range(2025, 2028)}
    voucher_policy.save_version(session, actor=admin, data=document, note="测试预算")
    session.commit()
    applicant = factories.make_user(session, "applicant")
    assert factories.make_voucher(session, applicant).status is VoucherStatus.ACTIVE
    refused = factories.make_voucher(session, applicant)
    assert refused.refusal_code is RefusalCode.BUDGET and refused.policy_version == 1
    login_as("regulator")
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/vouchers/{refused.id}").get_data(as_text=True)
    assert "budget of 250,000.00 yuan would be exceeded" in page
    assert "budget" in client.get("/vouchers?status=refused").get_data(as_text=True)


def test_policy_is_validated_and_versioned(client, session) -> None:
    from tests.case_flow import token

    admin = factories.make_user(session, "admin")
    headers = token(client, admin)
    document = default_policy().as_json()
    document["enterprise_annual_cap_fen"] = 1.5
    refused = client.put("/api/v1/voucher-policy", headers=headers, json={"document": document})
    assert refused.status_code == 422
    assert any("enterprise_annual_cap_fen" in e["field"] for e in refused.get_json()["errors"])
    document["enterprise_annual_cap_fen"] = 50_000_000
    saved = client.put(
        "/api/v1/voucher-policy", headers=headers, json={"document": document, "note": "下调上限"}
    )
    assert saved.status_code == 200 and saved.get_json()["version"] == 1
    current = client.get("/api/v1/voucher-policy", headers=headers).get_json()
    assert current["version"] == 1 and current["document"]["enterprise_annual_cap_fen"] == 50_000_000
    toml_text = voucher_policy.to_toml(voucher_policy.current_policy(session)[1])
    assert (
        voucher_policy.validate(voucher_policy.parse_toml(toml_text)).enterprise_annual_cap_fen == 50_000_000
    )


def test_expiry_never_passes_the_policy_end() -> None:
    policy = default_policy()
    assert expiry_for(policy, date(2026, 3, 15)) == date(2027, 3, 14)
    assert expiry_for(policy, date(2027, 6, 1)) == date(2027, 12, 31)


def test_daily_expiry_command_reminds_once_then_expires(app, session) -> None:
    applicant = factories.make_user(session, "applicant")
    voucher = factories.make_voucher(session, applicant)
    assert voucher.expires_on is not None
    runner = app.test_cli_runner()
    day = (voucher.expires_on - timedelta(days=20)).isoformat()
    for _ in range(2):
        result = runner.invoke(args=["vouchers", "expire", "--today", day])
        assert result.exit_code == 0, result.output
    kinds = session.exec(select(Notification.kind).where(Notification.user_id == applicant.id)).all()
    assert list(kinds).count("voucher_expiring") == 1
    after = (voucher.expires_on + timedelta(days=1)).isoformat()
    assert "1 voucher(s) expired" in runner.invoke(args=["vouchers", "expire", "--today", after]).output
    session.expire_all()
    assert session.get(Voucher, voucher.id).status is VoucherStatus.EXPIRED
    assert session.get(Enterprise, applicant.enterprise_id) is not None
