"""Demo disputes and exemptions: the appeal in mediation with a message and evidence, the exemption request
with the legal opinion on file (waiting for the regulator), and one granted exemption — proposed by one
regulator, confirmed by the other — whose signed decision a verifier can check, and a contract dispute
with the data-labelling provider settled in mediation, its agreement confirmed by the enterprise and
waiting for the provider's confirmation. The cases come from
`sandbox.demo.cases`; this only acts on them. Idempotent: a dispute already acknowledged, an opinion
already on file or a case already holding a decision is left.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from sandbox.demo.driver import PDF
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute, DisputeKind, ExemptionRequest, ExemptionStage
from sandbox.services.accounts import accounts
from sandbox.services.cases import trial
from sandbox.services.decisions import proposals
from sandbox.services.legal import agreements, disputes, evidence, exemptions
from sandbox.services.legal.evidence import Upload
from workflows.disputes import DisputeStage
from workflows.states import CaseState

OPINION = (
    "经审查，事件系突发强风所致，企业在事发后两小时内报告并按应急预案处置，未超出批准的测试边界，"
    "亦已确认收到并落实监管指导意见。建议对该事件予以免责。"
)
STATEMENT = "驳回决定所称缺失的风险评估报告已于提交时上传，见提交回执。"
GRANTED_PROJECT = "数控产线设备数据跨企业协同优化"  # the industrial-manufacturing case in testing


def seed_disputes(session: Session, *, storage: Path, today: date) -> None:
    mediator = accounts.find_user_by_email(session, "mediator@demo.sandbox")
    regulator = accounts.find_user_by_email(session, "regulator@demo.sandbox")
    second = accounts.find_user_by_email(session, "regulator2@demo.sandbox")
    if mediator is None or regulator is None or second is None:
        return
    for dispute in session.exec(select(Dispute).where(Dispute.stage == DisputeStage.OPENED)).all():
        if dispute.organisation_id != mediator.organisation_id:
            continue
        disputes.act(session, actor=mediator, dispute_id=dispute.id, action="acknowledge", today=today)  # type: ignore[arg-type]
        evidence.post_message(
            session, actor=mediator, dispute_id=dispute.id,  # type: ignore[arg-type]
            body="已受理。请企业补充提交驳回决定所称缺失材料的提交记录，调解会议拟定于下周三上午。",
            storage=storage,
        )  # fmt: skip
        applicant = _applicant_of(session, session.get(Case, dispute.case_id))
        if applicant is not None:
            evidence.add_evidence(
                session, actor=applicant, dispute_id=dispute.id, data={"title": "材料提交回执"},  # type: ignore[arg-type]
                upload=Upload("材料提交回执.pdf", PDF), storage=storage,
            )  # fmt: skip
            evidence.add_evidence(
                session, actor=applicant, dispute_id=dispute.id,  # type: ignore[arg-type]
                data={"title": "企业书面陈述", "statement": STATEMENT},
                upload=None, storage=storage,
            )  # fmt: skip
    for request in session.exec(
        select(ExemptionRequest).where(ExemptionRequest.stage == ExemptionStage.AWAITING_OPINION)
    ).all():
        if request.organisation_id == mediator.organisation_id:
            exemptions.give_opinion(session, actor=mediator, request_id=request.id,  # type: ignore[arg-type]
                                    data={"opinion": OPINION, "recommendation": "support"})  # fmt: skip
    _granted_exemption(session, today=today, mediator=mediator, regulators=(regulator, second))
    _contract_agreement(session, today=today, mediator=mediator)


def _applicant_of(session: Session, case: Case | None) -> User | None:
    if case is None:
        return None
    statement = select(User).where(User.role == Role.APPLICANT, User.enterprise_id == case.enterprise_id)
    return session.exec(statement.order_by(col(User.id))).first()


def _granted_exemption(
    session: Session, *, today: date, mediator: User, regulators: tuple[User, User]
) -> None:
    case = session.exec(
        select(Case).where(Case.title == GRANTED_PROJECT, Case.state == CaseState.TESTING)
    ).first()
    if case is None:
        return
    if session.exec(select(ExemptionRequest.id).where(ExemptionRequest.case_id == case.id)).first():
        return
    applicant = _applicant_of(session, case)
    if applicant is None:
        return
    incident = trial.file_report(session, actor=applicant, case_id=case.id, data={  # type: ignore[arg-type]
        "kind": "incident", "title": "设备数据接口短时超量调用",
        "body": "第三方维保系统因配置错误短时超量调用设备数据接口，已在一小时内封禁并报告。",
        "occurred_on": (today - timedelta(days=1)).isoformat(),
    })  # fmt: skip
    request = exemptions.apply(session, actor=applicant, case_id=case.id, today=today, data={  # type: ignore[arg-type]
        "incident_id": incident.id, "legal_partner_org_id": mediator.organisation_id,
        "good_faith_explanation": "事件发生后立即封禁接口并于一小时内报告，调用数据未超出测试边界。",
    })  # fmt: skip
    exemptions.give_opinion(session, actor=mediator, request_id=request.id,  # type: ignore[arg-type]
                            data={"opinion": OPINION, "recommendation": "support"})  # fmt: skip
    reasons = "企业善意履责、及时报告并有效处置，符合试错免责条件。"
    proposal = proposals.propose_exemption_decision(
        session, actor=regulators[0], request_id=request.id, expected_version=None,  # type: ignore[arg-type]
        data={"decision": "granted", "reasons": reasons},
    )  # fmt: skip
    proposals.confirm(session, actor=regulators[1], proposal_id=proposal.id, today=today)  # type: ignore[arg-type]


AGREEMENT_ITEMS = [
    "乙方于协议生效之日起十五日内重新交付符合合同约定质量标准的设备数据标注成果",
    "乙方退还甲方服务费人民币二万元",
    "甲方在乙方履行完毕后撤回对乙方的投诉",
]


def _contract_agreement(session: Session, *, today: date, mediator: User) -> None:
    case = session.exec(
        select(Case).where(Case.title == GRANTED_PROJECT, Case.state == CaseState.TESTING)
    ).first()
    provider = accounts.find_user_by_email(session, "provider@demo.sandbox")
    applicant = _applicant_of(session, case)
    if case is None or provider is None or applicant is None:
        return
    existing = select(Dispute.id).where(Dispute.case_id == case.id, Dispute.kind == DisputeKind.CONTRACT)
    if session.exec(existing).first():
        return
    dispute = disputes.raise_dispute(session, actor=applicant, case_id=case.id, today=today, data={  # type: ignore[arg-type]
        "legal_partner_org_id": mediator.organisation_id, "kind": "contract",
        "counterparty_org_id": provider.organisation_id,
        "claim": "服务商交付的设备数据标注成果错误率超过合同约定的百分之二，经催告仍未返工。",
        "remedy": "重新交付标注成果并退还部分服务费。",
    })  # fmt: skip
    assert dispute.id is not None
    disputes.act(session, actor=mediator, dispute_id=dispute.id, action="acknowledge", today=today)
    settled = {"outcome": "settled", "resolution": "经调解，双方就返工和退费达成一致。"}
    disputes.act(session, actor=mediator, dispute_id=dispute.id, action="settle", today=today, data=settled)
    terms = {"items": AGREEMENT_ITEMS, "terms": "双方就本纠纷再无其他争议。"}
    agreements.record_terms(session, actor=mediator, dispute_id=dispute.id, data=terms)
    agreements.confirm(session, actor=applicant, dispute_id=dispute.id)
