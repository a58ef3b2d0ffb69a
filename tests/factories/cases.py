"""Cases for the tests: drafts, submitted cases, the shared case driver with the tests' words, documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlmodel import Session

from sandbox.demo.driver import ServiceDriver, Words
from sandbox.models.accounts import OrganisationKind, User
from sandbox.models.cases import Case
from sandbox.models.documents import Document
from sandbox.services.cases import cases, documents
from tests.factories.accounts import make_organisation
from workflows.states import Event

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
    """The shared case driver for `case`, through the services, with the tests' words (and a testing
    lab, chosen when the filing is accepted: the assessor's, or one of its own)."""
    assessor = users.get("assessor")
    if assessor is not None:
        lab_id = assessor.organisation_id
    else:
        lab_id = make_organisation(session, OrganisationKind.TESTING_LAB).id
    return ServiceDriver(session, users, lab_id=lab_id, words=TEST_WORDS, case=case)


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


def upload_material(session: Session, app: Flask, applicant: User, case: Case, material: str) -> Document:
    """Store a small PDF as the case's filing material `material` and commit."""
    document = documents.upload_document(
        session,
        actor=applicant,
        case_id=case.id,
        kind="filing_material",
        filename=f"{material}.pdf",
        data=b"%PDF-1.4\n%%EOF\n",
        storage=Path(app.instance_path) / "uploads",
        material=material,
    )
    session.commit()
    return document
