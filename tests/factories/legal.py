"""Disputes for the tests."""

from __future__ import annotations

from sqlmodel import Session

from sandbox.models.accounts import User
from tests.factories.accounts import make_user
from tests.factories.cases import driver, make_case, submit_case


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
