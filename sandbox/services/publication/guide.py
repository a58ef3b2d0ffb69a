"""The service guide (办事指南): what a 政务服务 portal states before anyone applies (issue 17 §3).

The legal basis and eligibility are the policy's (DESIGN.md §1: measure 3 of the E-Town data policy and
its 附则 (一)); the stage limits are read from the settings the app applies (`settings_of(session)`:
STAGE_DEADLINE_DAYS, DISPUTE_DEADLINE_DAYS, CERTIFICATE_REVIEW_DAYS), and the materials from the sector
rule packs, so the guide cannot disagree with the rules it describes. Texts come in both languages, as
the packs' do. Public; imports no flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from sandbox.services.common.settings import settings_of
from sandbox.services.statistics.model import deadline_stages
from workflows.sectors import SectorPack, default_sector_packs
from workflows.states import CaseState

Text = tuple[str, str]  # (zh, en)

POLICY_TITLE: Text = (
    "《北京经济技术开发区关于加快推进数据产业高质量发展的若干措施》",
    "Measures of the Beijing Economic-Technological Development Area to Accelerate the High-Quality "
    "Development of the Data Industry",
)
MEASURE: Text = (
    "第3条“深化数据监管沙盒机制创新”",
    "Measure 3, “Deepen the data regulatory sandbox mechanism”",
)
# The policy's own words (DESIGN.md §1 asks to quote it where a page states the legal basis).
MEASURE_QUOTE = (
    "聚焦监管规则、风险评估、技术验证、出盒评估等环节，探索形成监管沙盒项目备案、出盒证明、纠纷解决、"
    "试错免责等机制……对通过数据监管沙盒试验并获得出盒证明的企业，给予产业专项创新服务券支持。"
)
ELIGIBILITY_QUOTE = (
    "本措施适用于在经开区范围内开展数据资源、数据技术、数据服务、数据应用、数据安全、数据基础设施建设等工作的"
    "单位。无近三年重大行政处罚公示信息和刑事犯罪记录，未列入严重违法失信主体名单的企业。"
)
POLICY_END: Text = ("本措施执行至2027年12月31日。", "The measures apply until 31 December 2027.")

# The registration form's declarations, in its field names' order.
ELIGIBILITY: tuple[tuple[str, Text], ...] = (
    (
        "in_zone",
        (
            "在北京经济技术开发区注册的企业",
            "Registered in the Beijing Economic-Technological Development Area",
        ),
    ),
    ("no_major_penalty", ("近三年无重大行政处罚", "No major administrative penalty in the past three years")),
    ("no_criminal_record", ("无刑事犯罪记录", "No criminal record")),
    (
        "not_seriously_dishonest",
        ("未列入严重违法失信主体名单", "Not on the list of seriously dishonest entities"),
    ),
)
# What every filing needs whatever the sector (workflows.review_guards.guard_submit).
COMMON_MATERIALS: tuple[Text, ...] = (
    ("沙盒测试方案（测试目标、数据类别、测试边界、风险防控措施、消费者权益保护措施、退出方案及测试期限）",
     "Sandbox plan (objectives, data categories, trial boundaries, risk controls, consumer protection, "
     "exit plan and trial length)"),
    ("承诺声明书（在线签署确认）", "Commitment statement (accepted online)"),
)  # fmt: skip
FEES: Text = ("不收取任何费用。", "No fees are charged.")


@dataclass(frozen=True)
class StageLimit:
    stage: CaseState
    working_days: int


@dataclass(frozen=True)
class Guide:
    stages: list[StageLimit]  # stages with a deadline, in workflow order, as configured
    dispute_days: dict[str, int]  # "acknowledge" and "mediate"
    review_days: int  # calendar days to ask for a review of a revocation
    sectors: list[SectorPack]


def service_guide(session: Session) -> Guide:
    """The guide's facts as this app applies them."""
    settings = settings_of(session)
    configured: Mapping[Any, int] = settings.stage_days
    stages = [StageLimit(stage, days) for stage, days in deadline_stages(configured).items()]
    return Guide(
        stages, dict(settings.dispute_days), settings.review_days, list(default_sector_packs().values())
    )
