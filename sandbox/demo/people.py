"""Demo people: the organisations, one account per role and a few enterprises, created idempotently.

Every demo login shares `DEMO_PASSWORD` (published in the README). `sandbox.demo.seed` calls
`seed_people` first; the cases, vouchers and disputes of the other demo modules are handled by them.
"""

from __future__ import annotations

from sqlmodel import Session, select

from sandbox.demo.sizes import declare_demo_size
from sandbox.models.accounts import Organisation, OrganisationKind, Role, User
from sandbox.services.accounts import accounts

DEMO_PASSWORD = "sandbox-demo-2026"  # noqa: S105  (published in the README on purpose)

ORGANISATIONS = (
    ("北京亦庄数据安全检测实验室", OrganisationKind.TESTING_LAB),
    ("北京市律师协会调解中心", OrganisationKind.MEDIATION_CENTRE),
    ("北京互联网法院诉讼服务联络处", OrganisationKind.COURT_LIAISON),
    ("亦庄数据标注服务有限公司", OrganisationKind.SERVICE_PROVIDER),
)

STAFF = (
    (Role.ADMIN, "admin@demo.sandbox", "平台管理员", None),
    (Role.REGULATOR, "regulator@demo.sandbox", "王监管（沙盒办）", None),
    (Role.REGULATOR, "regulator2@demo.sandbox", "李审核（沙盒办）", None),
    (Role.ASSESSOR, "assessor@demo.sandbox", "赵评估（检测实验室）", "北京亦庄数据安全检测实验室"),
    (Role.LEGAL_PARTNER, "mediator@demo.sandbox", "陈律师（调解中心）", "北京市律师协会调解中心"),
    (Role.SERVICE_PROVIDER, "provider@demo.sandbox", "孙经理（数据标注）", "亦庄数据标注服务有限公司"),
)

# Fictional enterprises with well-formed unified social credit codes.
ENTERPRISES = (
    (
        "applicant@demo.sandbox",
        "刘申报",
        "北京亦庄智驾科技有限公司",
        "91110302MA01YJ8K35",
        "北京市北京经济技术开发区荣华中路10号院1号楼",
        "刘明",
        True,
    ),
    (
        "applicant2@demo.sandbox",
        "周申报",
        "北京海淀数智医疗科技有限公司",
        "91110108MA02HD6P7G",
        "北京市海淀区中关村大街1号",
        "周华",
        False,
    ),
)


def seed_people(session: Session) -> list[tuple[str, str, str]]:
    """Create the missing organisations and accounts; return (role, e-mail, password) of every login."""
    operator = User(email="demo@localhost", password_hash="", display_name="demo", role=Role.ADMIN)
    organisations = {}
    for name, kind in ORGANISATIONS:
        organisation = session.exec(select(Organisation).where(Organisation.name == name)).first()
        if organisation is None:
            organisation = Organisation(name=name, kind=kind)
            session.add(organisation)
            session.flush()
        organisations[name] = organisation
    logins = []
    for role, email, name, organisation_name in STAFF:
        if accounts.find_user_by_email(session, email) is None:
            organisation_id = organisations[organisation_name].id if organisation_name else None
            data = {
                "email": email,
                "password": DEMO_PASSWORD,
                "display_name": name,
                "role": role.value,
                "organisation_id": organisation_id,
            }
            accounts.create_user(session, actor=operator, data=data)
        logins.append((role.value, email, DEMO_PASSWORD))
    for email, name, enterprise, uscc, address, legal, in_zone in ENTERPRISES:
        applicant = accounts.find_user_by_email(session, email)
        if applicant is None:
            applicant = accounts.register_applicant(
                session,
                data={
                    "email": email,
                    "password": DEMO_PASSWORD,
                    "display_name": name,
                    "enterprise": {
                        "name": enterprise,
                        "uscc": uscc,
                        "registered_address": address,
                        "in_zone": in_zone,
                        "legal_representative": legal,
                        "contact_name": name,
                        "contact_phone": "010-67856666",
                        "no_major_penalty": True,
                        "no_criminal_record": True,
                        "not_seriously_dishonest": True,
                    },
                },
            )
        declare_demo_size(session, applicant)
        logins.append((Role.APPLICANT.value, email, DEMO_PASSWORD))
    session.flush()
    return logins
