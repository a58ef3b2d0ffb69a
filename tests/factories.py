"""Builders for test data, one function per thing; each commits so that HTTP requests see it."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from flask import Flask
from sqlmodel import Session

from sandbox.demo.driver import ServiceDriver, Words
from sandbox.models.accounts import Organisation, OrganisationKind, Role, User
from sandbox.models.cases import Case
from sandbox.models.documents import Document
from sandbox.services.accounts import accounts
from sandbox.services.cases import cases, documents
from sandbox.validators import uscc_check_character
from workflows.states import Event

PASSWORD = "correct horse battery"
_counter = itertools.count(1)

# A complete plan of a general-data case, and how the tests' cases are driven (`sandbox.demo.driver`).
GENERAL_PLAN = {
    "objectives": "验证基于隐私计算的企业信用数据融合服务在真实业务中的合规性与效果。",
    "boundaries": {
        "data_subjects_cap": 50000,
        "data_volume_gb": 200,
        "processing_environment": "privacy_computing",
        "third_party_access": False,
    },
    "duration_months": 6,
    "risk_controls": "数据最小化、去标识化处理，访问日志留存六个月，异常访问实时告警。",
    "exit_plan": "测试结束后三十日内删除测试数据并出具删除证明。",
    "consumer_protection": "设立投诉渠道，七日内答复；个人可随时撤回同意。",
}
# The tests fire the main path without notes; a rejection is for "missing documents"; trials run 90 days.
MAIN_PATH = (
    Event.ACCEPT_FILING,
    Event.COMPLETE_RISK_ASSESSMENT,
    Event.PASS_VERIFICATION,
    Event.REQUEST_EXIT,
    Event.APPROVE_EXIT,
)
NOTES = {event: note for event, note in Words().notes.items() if event not in MAIN_PATH}
TEST_WORDS = Words(
    notes=NOTES | {Event.REJECT: "材料不全"},
    conditions=("每月报送一次数据使用日志",),
    trial_days=90,
    claim="驳回理由与事实不符",
    first_report=None,
    guidance=None,
    evaluation="测试目标达成，风险可控。",
)
RISK_ANSWERS = {
    "sensitive_pii": "no",
    "large_scale_pii": "no",
    "important_data": "no",
    "cross_border": "no",
    "data_trading": "yes",
    "public_data": "n/a",
    "automated_decisions": "no",
    "minors": "no",
}

ROLE_ORGANISATION = {
    "assessor": OrganisationKind.TESTING_LAB,
    "legal_partner": OrganisationKind.MEDIATION_CENTRE,
    "service_provider": OrganisationKind.SERVICE_PROVIDER,
}


def make_uscc(serial: int | None = None) -> str:
    """Return a valid, unique unified social credit code."""
    body = f"91110302MA{(serial or next(_counter)):07d}"
    return body + uscc_check_character(body)


def enterprise_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "北京亦庄智能驾驶科技有限公司",
        "uscc": make_uscc(),
        "registered_address": "北京市北京经济技术开发区荣华中路10号",
        "in_zone": True,
        "legal_representative": "张三",
        "contact_name": "李四",
        "contact_phone": "010-67880000",
        "no_major_penalty": True,
        "no_criminal_record": True,
        "not_seriously_dishonest": True,
    }
    data.update(overrides)
    return data


def account_data(**overrides: Any) -> dict[str, Any]:
    serial = next(_counter)
    data: dict[str, Any] = {
        "email": f"applicant{serial}@example.cn",
        "password": PASSWORD,
        "display_name": f"申请人{serial}",
        "enterprise": enterprise_data(),
    }
    data.update(overrides)
    return data


def make_organisation(
    session: Session, kind: OrganisationKind = OrganisationKind.TESTING_LAB
) -> Organisation:
    organisation = Organisation(name=f"机构{next(_counter)}", kind=kind)
    session.add(organisation)
    session.commit()
    return organisation


def make_user(session: Session, role: str, **overrides: Any) -> User:
    """Create a user of `role` (an applicant comes with its own enterprise) and commit."""
    if role == Role.APPLICANT:
        user = accounts.register_applicant(session, data=account_data(**overrides))
    else:
        organisation_id = None
        if role in ROLE_ORGANISATION:
            organisation_id = make_organisation(session, ROLE_ORGANISATION[role]).id
        data = {
            "email": f"{role}{next(_counter)}@example.cn",
            "password": PASSWORD,
            "display_name": f"{role} user",
            "role": role,
            "organisation_id": organisation_id,
        }
        data.update(overrides)
        admin = User(email="x@x", password_hash="", display_name="builder", role=Role.ADMIN)
        user = accounts.create_user(session, actor=admin, data=data)
    session.commit()
    return user


def make_case(session: Session, applicant: User, **overrides: Any) -> Case:
    """Create a draft case for the applicant's enterprise and commit."""
    data: dict[str, Any] = {"title": "测试项目", "sector": "general_data", "data_categories": ["企业数据"]}
    data.update(overrides)
    case = cases.create_case(session, actor=applicant, data=data)
    session.commit()
    return case


def submit_case(session: Session, applicant: User, case: Case) -> Case:
    """Complete the plan, accept the commitment and submit the case (so regulators see it); commit."""
    cases.update_case(
        session,
        actor=applicant,
        case_id=case.id,
        data={"plan": GENERAL_PLAN, "accept_commitment": True},
        expected_version=None,
    )
    driver(session, case, applicant=applicant).submit()
    session.commit()
    return case


def driver(session: Session, case: Case, **users: User) -> ServiceDriver:
    """The shared case driver for `case`, through the services, with the tests' words."""
    return ServiceDriver(session, users, words=TEST_WORDS, case=case)


def make_document(session: Session, app: Flask, applicant: User, case: Case) -> Document:
    """Store a small PDF as the case's plan document and commit."""
    document = documents.upload_document(
        session,
        actor=applicant,
        case_id=case.id,
        kind="plan",
        filename="方案.pdf",
        data=b"%PDF-1.4\n%%EOF\n",
        storage=Path(app.instance_path) / "uploads",
    )
    session.commit()
    return document


# --- vouchers ----------------------------------------------------------------------------------------


def make_provider(
    session: Session, *, categories: list[str] | None = None, uscc: str | None = None, active_from: Any = None
) -> tuple[User, Any]:
    """A service-provider user whose organisation is in the approved pool; commit; (user, pool entry)."""
    from datetime import timedelta

    from sandbox.services.cases.calendar import beijing_today
    from sandbox.services.vouchers import providers

    user = make_user(session, "service_provider")
    regulator = User(id=None, email="r@x", password_hash="", display_name="r", role=Role.REGULATOR)
    entry = providers.save_provider(
        session,
        actor=regulator,
        data={
            "organisation_id": user.organisation_id,
            "uscc": uscc or make_uscc(),
            "categories": categories or ["data_annotation", "model_training"],
            "active_from": (active_from or beijing_today() - timedelta(days=1)).isoformat(),
        },
    )
    session.commit()
    return user, entry


def make_voucher(
    session: Session,
    applicant: User,
    *,
    sector: str = "general_data",
    risk_level: str = "low",
    today: Any = None,
) -> Any:
    """Issue a voucher through `issue_voucher` for a new case of the applicant's enterprise, with a stand-in
    certificate row (no signing: the voucher rules do not read the credential); commit."""
    import uuid

    from sandbox.models.base import utcnow
    from sandbox.models.certificates import Certificate
    from sandbox.services.cases.calendar import beijing_today
    from sandbox.services.vouchers.vouchers import issue_voucher

    case = make_case(session, applicant, sector=sector)
    case.risk_level = risk_level  # type: ignore[assignment]
    serial = next(_counter)
    cert = Certificate(
        id=uuid.uuid4().hex,
        number=f"TEST-{serial:06d}",
        case_id=case.id,
        enterprise_id=case.enterprise_id,
        credential={},
        credential_sha256=uuid.uuid4().hex,
        kid="test",
        revocation_index=10**6 + serial,
        suspension_index=10**6 + serial,
        log_index=10**6 + serial,
        issued_at=utcnow(),
        pdf_sha256="",
        pdf_size=0,
    )
    session.add_all([case, cert])
    session.flush()
    voucher = issue_voucher(session, certificate=cert, case=case, today=today or beijing_today())
    session.commit()
    return voucher


def make_redemption(session: Session, app: Flask, voucher: Any, **data: Any) -> Any:
    """A pool provider's request on `voucher`, through the service, awaiting the holder; commit."""
    from datetime import timedelta

    from sandbox.services.cases.calendar import beijing_today
    from sandbox.services.vouchers.redemptions import request_redemption

    provider, _ = make_provider(session)
    fields = {
        "code": voucher.code,
        "contract_number": f"HT-{next(_counter):06d}",
        "contract_fee_fen": 2_000_000,
        "contract_signed_on": (beijing_today() - timedelta(days=3)).isoformat(),
        "amount_fen": 1_000_000,
        "category": "data_annotation",
    }
    redemption = request_redemption(
        session,
        actor=provider,
        data=fields | data,
        invoice=b"%PDF-1.4\n%%EOF\n",
        invoice_name="发票.pdf",
        storage=Path(app.instance_path) / "uploads" / "invoices",
        today=beijing_today(),
    )
    session.commit()
    return redemption


def make_dispute(session: Session, applicant: User, *, organisation_id: int, regulator: User | None = None):
    """A submitted case of the applicant's enterprise, rejected, and appealed to `organisation_id`; commit."""
    from sandbox.services.legal import disputes

    regulator = regulator or make_user(session, "regulator")
    case = submit_case(session, applicant, make_case(session, applicant, title="被驳回的项目"))
    driver(session, case, regulator=regulator).reject()
    dispute = disputes.raise_dispute(
        session,
        actor=applicant,
        case_id=case.id,
        data={"legal_partner_org_id": organisation_id, "kind": "appeal", "claim": "驳回理由与事实不符"},
    )
    session.commit()
    return dispute
