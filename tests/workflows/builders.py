"""Builders for workflow tests: plain case objects and a ctx that satisfies each event's guard.

Tests override single keys of `valid_ctx(event)` to provoke one refusal at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows import EVALUATION_DIMENSIONS, CaseState, Event, sector_pack

PACK = sector_pack("autonomous_driving")
TODAY = date(2026, 3, 2)
TRIAL_START = date(2026, 3, 9)
TRIAL_END = date(2026, 9, 8)
DURING_TRIAL = date(2026, 6, 1)

BOUNDARIES: dict[str, Any] = {
    "test_area_km2": 60,
    "vehicle_count": 20,
    "safety_driver_required": True,
    "max_speed_kmh": 60,
    "road_type": "designated_roads",
}


@dataclass
class PlainCase:
    """A case as the workflow sees it: three plain attributes and nothing else."""

    state: CaseState = CaseState.DRAFT
    hold_return_state: CaseState | None = None
    decision_state: CaseState | None = None


def make_case(
    state: CaseState = CaseState.DRAFT,
    hold_return_state: CaseState | None = None,
    decision_state: CaseState | None = None,
) -> PlainCase:
    return PlainCase(state=state, hold_return_state=hold_return_state, decision_state=decision_state)


def valid_plan(**overrides: Any) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "title": "亦庄城市道路L4级自动驾驶出租车数据合规测试",
        "data_categories": ["车外环境感知数据", "车辆运行数据", "乘客订单信息"],
        "objectives": "验证车外人脸车牌实时匿名化与数据本地化处理方案的有效性",
        "boundaries": dict(BOUNDARIES),
        "duration_months": 6,
        "risk_controls": ["车外影像端侧匿名化", "重要数据境内存储"],
        "exit_plan": "测试结束后30日内删除原始数据并提交处置报告",
        "consumer_protection": "乘客上车前告知并取得同意，设投诉热线",
        "commitment_accepted_by": "张伟",
    }
    plan.update(overrides)
    return plan


def all_answers(value: str = "no") -> dict[str, str]:
    return {item.id: value for item in PACK.risk_items}


def passing_scores(**overrides: int) -> dict[str, int]:
    scores = {dim.id: 4 for dim in EVALUATION_DIMENSIONS} | {"commitment_fulfilment": 5}
    return scores | overrides


def valid_ctx(event: Event | str, **overrides: Any) -> dict[str, Any]:
    """Return a ctx that passes the guard of `event`, with `overrides` applied."""
    note = {"note": "依据审查意见处理"}
    by_event: dict[Event, dict[str, Any]] = {
        Event.SUBMIT: {"plan": valid_plan(), "pack": PACK},
        Event.RESUBMIT: {"plan": valid_plan(), "pack": PACK},
        Event.REQUEST_AMENDMENT: note,
        Event.ACCEPT_FILING: {"testing_lab_id": 7},
        Event.REJECT: note,
        Event.RETURN_TO_TESTING: note,
        Event.FAIL_EXIT: note,
        Event.RESUME: note,
        Event.SUSPEND: note | {"mitigation_order": "立即停止夜间测试并排查感知模块"},
        Event.TERMINATE: note | {"wind_down_order": "7日内召回全部测试车辆并删除原始数据"},
        Event.EXTEND_TRIAL: note
        | {"new_end": date(2026, 12, 8), "trial_start": TRIAL_START, "trial_end": TRIAL_END, "pack": PACK},
        Event.COMPLETE_RISK_ASSESSMENT: {
            "pack": PACK,
            "answers": all_answers(),
            "risk_level": "low",
            "conditions": ["每月提交测试报告"],
            "boundaries": dict(BOUNDARIES),
        },
        Event.PASS_VERIFICATION: {
            "verification_report_on_file": True,
            "trial_start": TRIAL_START,
            "trial_end": TRIAL_END,
            "today": TODAY,
            "pack": PACK,
        },
        Event.REQUEST_EXIT: {
            "self_assessment_on_file": True,
            "actor_role": "applicant",
            "today": DURING_TRIAL,
            "trial_start": TRIAL_START,
        },
        Event.APPROVE_EXIT: {
            "scores": passing_scores(),
            "evaluator_id": 7,
            "approver_id": 8,
            # Who held the case: officers 5 and 6, evaluators 7 and 9, the filing accepted by 6.
            "officer_ids": frozenset({5, 6}),
            "evaluator_ids": frozenset({7, 9}),
            "filing_acceptor_ids": frozenset({6}),
            "today": DURING_TRIAL,
            "trial_start": TRIAL_START,
        },
        Event.RAISE_DISPUTE: {"legal_partner_org_id": 3, "claim": "对不予备案决定有异议"},
        Event.RESOLVE_DISPUTE: {"outcome": "upheld"},
        Event.APPLY_EXEMPTION: {"incident_id": 11, "good_faith_explanation": "已按方案和监管指导操作"},
        Event.DECIDE_EXEMPTION: {
            "legal_opinion_on_file": True,
            "decision": "granted",
            "proposer_id": 4,
            "approver_id": 8,
        },
    }
    return dict(by_event.get(Event(event), {})) | overrides
