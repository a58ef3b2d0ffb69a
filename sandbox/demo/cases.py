"""Demo sandbox projects: realistic Chinese cases in every workflow state across all seven sectors.

Cases are moved through the real services by the shared case driver (`sandbox.demo.driver`), so every
demo case has a genuine, hash-chained history, frozen plan versions, documents and notifications.
Idempotent: enterprises and cases that exist already are skipped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from sandbox.demo.driver import ServiceDriver
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.demo.sizes import declare_demo_other_support, declare_demo_size
from sandbox.models.accounts import Organisation, OrganisationKind, User
from sandbox.models.cases import Case
from sandbox.services.accounts import accounts
from workflows.sectors import ParamType, SectorPack, default_sector_packs

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

# Who handles the demo cases, by their part in the case driver.
STAFF_PARTS = {
    "regulator": "regulator@demo.sandbox",
    "regulator2": "regulator2@demo.sandbox",
    "assessor": "assessor@demo.sandbox",
}
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


def demo_plan(pack: SectorPack, objectives: str) -> dict[str, Any]:
    """A complete sandbox plan for a case of the sector."""
    return {
        "objectives": objectives,
        "boundaries": demo_boundaries(pack),
        "duration_months": min(6, pack.max_trial_months),
        "risk_controls": RISK_CONTROLS,
        "exit_plan": EXIT_PLAN,
        "consumer_protection": CONSUMER_PROTECTION,
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


def seed_cases(session: Session, *, storage: Path, today: date, first_applicant: User) -> int:
    """Create the demo enterprises and their cases; return how many cases were created."""
    existing = set(session.exec(select(Case.title)).all())
    organisations = {org.kind: org for org in session.exec(select(Organisation)).all()}
    staff: dict[str, User] = {}
    for part, email in STAFF_PARTS.items():
        user = accounts.find_user_by_email(session, email)
        assert user is not None, f"seed the demo people first ({email})"
        staff[part] = user
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
            driver = ServiceDriver(
                session,
                {**staff, "applicant": applicant},
                lab_id=organisations[OrganisationKind.TESTING_LAB].id,
                centre_id=organisations[OrganisationKind.MEDIATION_CENTRE].id,
                storage=storage,
                today=today,
            )
            driver.create(title=full_title, sector=sector, data_categories=categories,
                          plan=demo_plan(default_sector_packs()[sector], objectives))  # fmt: skip
            if sector == "general_data" and state == "exited":
                declare_demo_other_support(session, applicant, driver.case)  # type: ignore[arg-type]
            driver.drive(state)
            created += 1
    session.flush()
    return created


def _sector_applicant(session: Session, number: int, enterprise: str, uscc_body: str) -> User:
    from sandbox.validators import uscc_check_character

    email = f"sector{number}@demo.sandbox"
    user = accounts.find_user_by_email(session, email)
    if user is not None:
        return user
    user = accounts.register_applicant(
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
    declare_demo_size(session, user)
    return user
