"""Demo typical cases: two published in different sectors (the healthcare one with the enterprise's name
hidden, which also hides what leads back to it), and one proposed to the demo applicant's enterprise, waiting
for its decision. They go through the real services (propose, decide, publish). Idempotent: a case that
already has a typical case is left alone, as is one whose certificate is not in force.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.certificates import CertificateStatus
from sandbox.models.publication import TypicalCase
from sandbox.services.accounts import accounts
from sandbox.services.publication import typical_cases
from sandbox.services.trust.certificates import certificate_for_case
from workflows.states import CaseState

# project title → (write-up, facts to hide, publish?)
TYPICAL: dict[str, tuple[dict[str, str], list[str], bool]] = {
    "肺结节影像辅助诊断模型多中心验证": (
        {
            "title": "去标识化医学影像用于辅助诊断模型多中心验证",
            "background": (
                "医学影像辅助诊断模型需要多家医院的真实影像持续验证，但影像及诊断报告属于"
                "敏感个人信息，跨机构使用的合规路径长期不清晰。"
            ),
            "tested": (
                "在三家合作医院内完成影像去标识化后，仅在院内隐私计算节点上训练和评估模型"
                "，原始影像不出院；测试患者授权撤回机制与诊断结果的医生复核流程。"
            ),
            "boundaries": ("参与医院三家；影像数据不出院；模型输出仅作为医生参考，不直接出具诊断结论。"),
            "results": (
                "测试期间未发生数据泄露或越界使用；去标识化抽检合格率百分之百；模型在多中"
                "心数据上的敏感度达到预期，按期出盒。"
            ),
            "lessons": (
                "“数据不动模型动”的院内计算方式可以兼顾科研效率与患者权益；去标识化效果"
                "应由第三方定期抽检；患者撤回授权须能在二十四小时内生效。"
            ),
        },
        ["enterprise_name"],
        True,
    ),
    "小微商户经营数据信用评估服务": (
        {
            "title": "隐私计算支持的小微商户信用评估",
            "background": (
                "小微商户缺少可用于授信的信用记录，经营流水等数据分散在多个平台，直接汇集存在泄露和滥用风险。"
            ),
            "tested": (
                "在商户授权下，以隐私计算方式联合经营流水、工商信息和征信数据建立信用评估"
                "模型，向持牌金融机构输出评分而非原始数据；测试投诉处理和评分解释机制。"
            ),
            "boundaries": "参与商户不超过五千户；仅向持牌机构输出评分；评分不得作为拒贷的唯一依据。",
            "results": (
                "评分模型在测试样本上表现稳定，商户投诉均在七个工作日内答复，未发生数据越界使用，按期出盒。"
            ),
            "lessons": (
                "向金融机构输出评分而不输出数据，是小微金融数据应用的可行边界；评分解释和"
                "申诉渠道应在上线前建成。"
            ),
        },
        [],
        True,
    ),
    "L4级自动驾驶出租车道路测试数据闭环": (
        {
            "title": "自动驾驶出租车道路测试数据的车端匿名化闭环",
            "background": (
                "自动驾驶出租车在道路测试中持续采集车外影像和乘客订单数据，用于模型迭代，"
                "其中人脸和车牌属于个人信息，需要在保证模型效果的同时控制合规风险。"
            ),
            "tested": (
                "在经开区指定道路上，验证人脸与车牌在车端完成匿名化后再上传、训练数据按需"
                "调用并留痕的数据闭环。"
            ),
            "boundaries": "测试车辆与道路范围按批准的测试方案执行；匿名化前的原始数据不离开车辆。",
            "results": (
                "匿名化抽检全部合格，模型迭代周期未受明显影响，测试期间未发生数据安全事件，按期出盒。"
            ),
            "lessons": ("匿名化越靠近采集端，后续环节的合规负担越小；数据调用留痕便于事后核查和责任认定。"),
        },
        [],
        False,
    ),
}


def _applicant_of(session: Session, case: Case) -> User | None:
    return session.exec(
        select(User).where(User.role == Role.APPLICANT, User.enterprise_id == case.enterprise_id)
    ).first()


def seed_typical_cases(session: Session) -> int:
    """Create the demo typical cases that are missing; return how many were created."""
    regulator = accounts.find_user_by_email(session, "regulator@demo.sandbox")
    if regulator is None:
        return 0
    created = 0
    for title, (text, hidden, publish) in TYPICAL.items():
        case = session.exec(select(Case).where(Case.title == title, Case.state == CaseState.EXITED)).first()
        cert = certificate_for_case(session, case.id) if case else None  # type: ignore[arg-type]
        if case is None or cert is None or cert.status is not CertificateStatus.ACTIVE:
            continue
        if session.exec(select(TypicalCase.id).where(TypicalCase.case_id == case.id)).first() is not None:
            continue
        data: dict[str, Any] = {**text, "redacted_fields": hidden}
        tc = typical_cases.propose(session, actor=regulator, case_id=case.id, data=data)  # type: ignore[arg-type]
        applicant = _applicant_of(session, case)
        if publish and applicant is not None:
            typical_cases.decide(session, actor=applicant, typical_id=tc.id,  # type: ignore[arg-type]
                                 data={"decision": "approve"}, expected_version=tc.version)  # fmt: skip
            typical_cases.publish(session, actor=regulator, typical_id=tc.id, expected_version=tc.version)  # type: ignore[arg-type]
        created += 1
    session.flush()
    return created
