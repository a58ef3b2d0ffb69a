"""Accounts for the tests: enterprises with valid USCCs, applicants, staff of every role, organisations."""

from __future__ import annotations

import itertools
from typing import Any

from sqlmodel import Session

from sandbox.models.accounts import Organisation, OrganisationKind, Role, User
from sandbox.services.accounts import accounts, size_declarations
from sandbox.services.cases.calendar import beijing_today
from sandbox.validators import uscc_check_character

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def size_data(**overrides: Any) -> dict[str, Any]:
    """Last year's figures of a small software enterprise (30 people, 800万元)."""
    data: dict[str, Any] = {
        "year": beijing_today().year - 1,
        "industry": "software",
        "employees": 30,
        "operating_revenue_fen": 800 * 1_000_000,
    }
    data.update(overrides)
    return data


def next_serial() -> int:
    """A number no other builder of this test process has used (for unique names, codes, e-mails)."""
    return next(_counter)


ROLE_ORGANISATION = {
    "assessor": OrganisationKind.TESTING_LAB,
    "legal_partner": OrganisationKind.MEDIATION_CENTRE,
    "service_provider": OrganisationKind.SERVICE_PROVIDER,
}


def make_uscc(serial: int | None = None) -> str:
    """Return a valid, unique unified social credit code."""
    body = f"91110302MA{(serial or next_serial()):07d}"
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
    serial = next_serial()
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
    organisation = Organisation(name=f"机构{next_serial()}", kind=kind)
    session.add(organisation)
    session.commit()
    return organisation


def make_user(session: Session, role: str, **overrides: Any) -> User:
    """Create a user of `role` and commit. An applicant comes with its own enterprise, declared small
    (override `size` with other figures for `size_declarations.declare_size`, or {} for none)."""
    if role == Role.APPLICANT:
        size = overrides.pop("size", None)
        user = accounts.register_applicant(session, data=account_data(**overrides))
        if size != {}:
            size_declarations.declare_size(session, actor=user, data=size_data(**(size or {})))
    else:
        organisation_id = None
        if role in ROLE_ORGANISATION:
            organisation_id = make_organisation(session, ROLE_ORGANISATION[role]).id
        data = {
            "email": f"{role}{next_serial()}@example.cn",
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
