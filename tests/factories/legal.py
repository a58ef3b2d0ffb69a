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


def make_contract_dispute(
    session: Session, applicant: User, *, organisation_id: int, counterparty_org_id: int, mediator: User
):
    """A rejected case of the applicant's enterprise with a contract dispute against `counterparty_org_id`,
    mediated by `mediator` (of `organisation_id`), settled, and the agreement's terms recorded; commit."""
    from sandbox.services.legal import agreements, disputes

    case = submit_case(session, applicant, make_case(session, applicant, title="合同纠纷项目"))
    driver(session, case, regulator=make_user(session, "regulator")).reject()
    dispute = disputes.raise_dispute(
        session,
        actor=applicant,
        case_id=case.id,
        data={"legal_partner_org_id": organisation_id, "kind": "contract", "claim": "服务商未按合同交付",
              "counterparty_org_id": counterparty_org_id},
    )  # fmt: skip
    disputes.act(session, actor=mediator, dispute_id=dispute.id, action="acknowledge")
    disputes.act(session, actor=mediator, dispute_id=dispute.id, action="settle",
                 data={"outcome": "settled", "resolution": "双方达成调解协议"})  # fmt: skip
    agreements.record_terms(
        session, actor=mediator, dispute_id=dispute.id, data={"items": ["退还服务费五万元"]}
    )
    session.commit()
    return dispute
