"""Demo sandbox projects: realistic Chinese cases in every workflow state across all seven sectors.

Cases are moved through the real services (`apply_event`), so every demo case has a genuine,
hash-chained history, frozen plan versions, documents and notifications. Idempotent: enterprises and
cases that exist already are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from sandbox.demo.people import DEMO_PASSWORD
from sandbox.models.accounts import Organisation, OrganisationKind, User
from sandbox.models.cases import Case
from sandbox.services.accounts import accounts
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases import cases, documents, trial
from workflows.evaluation import ALL_SCORED
from workflows.sectors import ParamType, SectorPack, default_sector_packs

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

# sector → (enterprise, USCC body without check character, project title, data categories, objectives)
PROJECTS: dict[str, tuple[str, str, str, list[str], str]] = {
    "autonomous_driving": (
        "北京亦庄智驾科技有限公司",
        "91110302MA01YJ8K3",
        "L4级自动驾驶出租车道路测试数据闭环",
        ["车辆轨迹数据", "道路环境感知数据", "乘客订单数据"],
        "在经开区指定道路验证自动驾驶出租车数据采集、脱敏与模型迭代闭环的合规性。",
    ),
    "embodied_ai": (
        "北京亦庄具身智能机器人有限公司",
        "91110302MA02KQ4N7",
        "仓储协作机器人人机共融作业试点",
        ["作业视频数据", "人员位置数据", "设备运行数据"],
        "在园区仓库验证协作机器人与作业人员共享空间时的数据处理与安全控制措施。",
    ),
    "healthcare": (
        "北京亦庄医学影像智能科技有限公司",
        "91110302MA03PL2H5",
        "肺结节影像辅助诊断模型多中心验证",
        ["医学影像数据", "诊断报告", "患者基本信息"],
        "在三家合作医院验证去标识化影像数据用于辅助诊断模型训练与评估的合规路径。",
    ),
    "aerospace": (
        "北京亦庄低空智航科技有限公司",
        "91110302MA04RT6W1",
        "城市低空物流无人机航线数据共享",
        ["飞行轨迹数据", "气象数据", "配送订单数据"],
        "验证低空物流无人机在经开区划定空域内航线数据共享与安全监测机制。",
    ),
    "consumer_finance": (
        "北京亦庄普惠数科信息技术有限公司",
        "91110302MA05UX9C2",
        "小微商户经营数据信用评估服务",
        ["商户经营流水", "企业工商信息", "授权征信数据"],
        "验证基于隐私计算的小微商户信用评估模型在持牌机构合作下的消费者保护措施。",
    ),
    "industrial_manufacturing": (
        "北京亦庄精工智造科技有限公司",
        "91110302MA06WB3D8",
        "数控产线设备数据跨企业协同优化",
        ["设备运行参数", "工艺数据", "质量检测数据"],
        "验证产线设备数据分类分级后与上下游企业协同优化的数据安全边界。",
    ),
    "general_data": (
        "北京亦庄数据要素流通服务有限公司",
        "91110302MA07XC5F4",
        "企业公共信用数据产品授权运营",
        ["公共信用数据", "企业经营数据"],
        "验证公共数据授权运营形成的数据产品在交易场所挂牌流通前的合规评估流程。",
    ),
}

RISK_CONTROLS = "数据分类分级管理；最小必要采集；去标识化处理；访问权限分级审批；日志留存六个月并实时告警。"
EXIT_PLAN = "测试结束后三十日内停止数据处理，删除或匿名化测试数据，并向沙盒办公室提交删除证明。"
CONSUMER_PROTECTION = "公示个人信息处理规则，设立投诉受理渠道，七个工作日内答复；用户可随时撤回同意。"

# The states each sector's cases are brought to; together every state appears, and several exits.
STATES_BY_SECTOR: dict[str, tuple[str, ...]] = {
    "autonomous_driving": ("exited", "testing", "submitted"),
    "embodied_ai": ("exit_evaluation", "suspended", "draft"),
    "healthcare": ("exited", "technical_verification", "amendment_requested"),
    "aerospace": ("risk_assessment", "liability_exemption", "withdrawn"),
    "consumer_finance": ("exited", "dispute", "rejected"),
    "industrial_manufacturing": ("testing", "terminated", "exited"),
    "general_data": ("submitted", "exit_evaluation", "exited"),
}


def demo_boundaries(pack: SectorPack) -> dict[str, Any]:
    """Return boundary values inside the pack's limits (a tenth of the way up from the minimum)."""
    values: dict[str, Any] = {}
    for param in pack.boundaries:
        if param.type is ParamType.INT:
            low, high = param.minimum or 1, param.maximum or 100
            values[param.id] = low + (high - low) // 10
        elif param.type is ParamType.BOOL:
            values[param.id] = param.must_be if param.must_be is not None else True
        elif param.type is ParamType.CHOICE:
            values[param.id] = param.choices[0].id
        else:
            values[param.id] = "北京经济技术开发区指定测试区域"
    return values


@dataclass
class Cast:
    """The demo people who act on cases."""

    regulator: User
    regulator2: User
    assessor: User
    lab: Organisation
    mediation: Organisation


class CaseDriver:
    """Moves one new case to a target state through the real services."""

    def __init__(self, session: Session, cast: Cast, applicant: User, storage: Path, today: date) -> None:
        self.session, self.cast, self.applicant, self.storage, self.today = (
            session,
            cast,
            applicant,
            storage,
            today,
        )

    def fire(self, actor: User, event: str, note: str = "", **data: Any) -> None:
        apply_event(
            self.session,
            actor=actor,
            case_id=self.case.id,  # type: ignore[arg-type]
            event=event,
            note=note,
            data=data,
            today=self.today,
        )

    def upload(self, actor: User, kind: str, name: str) -> None:
        documents.upload_document(
            self.session,
            actor=actor,
            case_id=self.case.id,  # type: ignore[arg-type]
            kind=kind,
            filename=name,
            data=PDF,
            storage=self.storage,
        )

    def create(self, sector: str, title: str, categories: list[str], objectives: str) -> Case:
        pack = default_sector_packs()[sector]
        plan = {
            "objectives": objectives,
            "boundaries": demo_boundaries(pack),
            "duration_months": min(6, pack.max_trial_months),
            "risk_controls": RISK_CONTROLS,
            "exit_plan": EXIT_PLAN,
            "consumer_protection": CONSUMER_PROTECTION,
        }
        self.case = cases.create_case(
            self.session,
            actor=self.applicant,
            data={"title": title, "sector": sector, "data_categories": categories, "plan": plan},
        )
        cases.update_case(
            self.session,
            actor=self.applicant,
            case_id=self.case.id,  # type: ignore[arg-type]
            data={"accept_commitment": True},
            expected_version=None,
        )
        return self.case

    def to(self, state: str) -> None:
        steps: dict[str, Callable[[], object]] = {
            "draft": lambda: None,
            "submitted": self._submit,
            "amendment_requested": lambda: (
                self._submit(),
                self.fire(
                    self.cast.regulator, "request_amendment", "请补充数据出境情况说明及第三方合作协议。"
                ),
            ),
            "risk_assessment": lambda: (self._submit(), self._accept()),
            "technical_verification": self._to_verification,
            "testing": self._to_testing,
            "suspended": lambda: (
                self._to_testing(),
                self.fire(
                    self.cast.regulator,
                    "suspend",
                    "监测发现测试活动超出批准的测试边界。",
                    mitigation_order="立即停止越界作业，三日内提交整改报告。",
                ),
            ),
            "exit_evaluation": self._to_exit_evaluation,
            "exited": self._to_exited,
            "dispute": lambda: (
                self._reject(),
                self.fire(
                    self.applicant,
                    "raise_dispute",
                    "对驳回决定不服，申请调解。",
                    legal_partner_org_id=self.cast.mediation.id,
                    claim="驳回理由所称材料缺失与事实不符，相关材料已于提交时上传。",
                ),
            ),
            "liability_exemption": self._to_exemption,
            "rejected": self._reject,
            "withdrawn": lambda: (
                self._submit(),
                self.fire(self.applicant, "withdraw", "企业业务调整，主动撤回申请。"),
            ),
            "terminated": lambda: (
                self._to_testing(),
                self.fire(
                    self.cast.regulator,
                    "terminate",
                    "测试中发生未报告的数据泄露事件。",
                    wind_down_order="十日内停止数据处理并完成用户告知。",
                ),
            ),
        }
        steps[state]()

    def _submit(self) -> None:
        self.fire(self.applicant, "submit")

    def _accept(self) -> None:
        cases.update_case(
            self.session,
            actor=self.cast.regulator,
            case_id=self.case.id,  # type: ignore[arg-type]
            data={"case_officer_id": self.cast.regulator.id, "assessor_org_id": self.cast.lab.id},
            expected_version=None,
        )
        self.fire(self.cast.regulator, "accept_filing", "材料齐全，予以备案。")

    def _reject(self) -> None:
        self._submit()
        self.fire(
            self.cast.regulator, "reject", "项目不属于数据监管沙盒支持范围，且未提供数据来源合法性说明。"
        )

    def _to_verification(self) -> None:
        self._submit()
        self._accept()
        pack = default_sector_packs()[self.case.sector]
        answers = {item.id: ("yes" if index % 3 == 0 else "no") for index, item in enumerate(pack.risk_items)}
        from workflows.assessment import derive_risk_level

        self.fire(
            self.cast.regulator,
            "complete_risk_assessment",
            "风险评估完成。",
            answers=answers,
            risk_level=derive_risk_level(pack, answers).value,
            conditions=["每月报送一次数据使用情况报告", "发生安全事件两小时内报告沙盒办公室"],
            trial_boundaries=self.case.plan["boundaries"],
        )

    def _to_testing(self) -> None:
        self._to_verification()
        self.upload(self.cast.assessor, "technical_verification_report", "技术验证报告.pdf")
        self.fire(
            self.cast.regulator,
            "pass_verification",
            "技术验证通过。",
            trial_start=self.today.isoformat(),
            trial_end=(self.today + timedelta(days=150)).isoformat(),
        )
        trial.file_report(
            self.session,
            actor=self.applicant,
            case_id=self.case.id,  # type: ignore[arg-type]
            data={
                "kind": "periodic",
                "title": "第一个月测试报告",
                "body": "测试按计划进行，未发生安全事件。",
            },
        )
        trial.issue_guidance(
            self.session,
            actor=self.cast.regulator,
            case_id=self.case.id,  # type: ignore[arg-type]
            data={"text": "请在每周一报送上周数据访问日志摘要。"},
        )

    def _to_exit_evaluation(self) -> None:
        self._to_testing()
        self.upload(self.applicant, "self_assessment", "出盒自评估报告.pdf")
        self.fire(self.applicant, "request_exit", "测试目标已达成，申请出盒评估。")

    def _to_exited(self) -> None:
        self._to_exit_evaluation()
        scores = {dimension.id: 5 for dimension in ALL_SCORED} | {"service_quality": 4}
        trial.add_evaluation(
            self.session,
            actor=self.cast.assessor,
            case_id=self.case.id,  # type: ignore[arg-type]
            data={"scores": scores, "conclusion": "测试目标达成，风险控制措施有效，建议准予出盒。"},
        )
        self.fire(self.cast.regulator2, "approve_exit", "经复核，同意出盒。")

    def _to_exemption(self) -> None:
        self._to_testing()
        report = trial.file_report(
            self.session,
            actor=self.applicant,
            case_id=self.case.id,  # type: ignore[arg-type]
            data={
                "kind": "incident",
                "title": "无人机偏航事件",
                "body": "强风导致一架无人机短时偏离航线，已按预案返航。",
                "occurred_on": self.today.isoformat(),
            },
        )
        self.fire(
            self.applicant,
            "apply_exemption",
            "申请试错免责。",
            incident_id=report.id,
            legal_partner_org_id=self.cast.mediation.id,
            good_faith_explanation="事件发生时严格执行了测试方案与应急预案，并在两小时内报告。",
        )


def seed_cases(session: Session, *, storage: Path, today: date, first_applicant: User) -> int:
    """Create the demo enterprises and their cases; return how many cases were created."""
    existing = set(session.exec(select(Case.title)).all())
    organisations = {org.kind: org for org in session.exec(select(Organisation)).all()}
    regulators = [
        accounts.find_user_by_email(session, email)
        for email in ("regulator@demo.sandbox", "regulator2@demo.sandbox")
    ]
    cast = Cast(
        regulator=regulators[0],  # type: ignore[arg-type]
        regulator2=regulators[1],  # type: ignore[arg-type]
        assessor=accounts.find_user_by_email(session, "assessor@demo.sandbox"),  # type: ignore[arg-type]
        lab=organisations[OrganisationKind.TESTING_LAB],
        mediation=organisations[OrganisationKind.MEDIATION_CENTRE],
    )
    created = 0
    for number, (sector, (enterprise, uscc_body, title, categories, objectives)) in enumerate(
        PROJECTS.items()
    ):
        applicant = (
            first_applicant
            if sector == "autonomous_driving"
            else _sector_applicant(session, number, enterprise, uscc_body)
        )
        for index, state in enumerate(STATES_BY_SECTOR[sector]):
            full_title = title if index == 0 else f"{title}（{'二期' if index == 1 else '三期'}）"
            if full_title in existing:
                continue
            driver = CaseDriver(session, cast, applicant, storage, today)
            driver.create(sector, full_title, categories, objectives)
            driver.to(state)
            created += 1
    session.flush()
    return created


def _sector_applicant(session: Session, number: int, enterprise: str, uscc_body: str) -> User:
    from sandbox.validators import uscc_check_character

    email = f"sector{number}@demo.sandbox"
    user = accounts.find_user_by_email(session, email)
    if user is not None:
        return user
    return accounts.register_applicant(
        session,
        data={
            "email": email,
            "password": DEMO_PASSWORD,
            "display_name": f"{enterprise[:6]}申报专员",
            "enterprise": {
                "name": enterprise,
                "uscc": uscc_body + uscc_check_character(uscc_body),
                "registered_address": "北京市北京经济技术开发区科创十三街",
                "in_zone": True,
                "legal_representative": "王建国",
                "contact_name": "李晓明",
                "contact_phone": "010-67881234",
                "no_major_penalty": True,
                "no_criminal_record": True,
                "not_seriously_dishonest": True,
            },
        },
    )
