"""Exit evaluation (出盒评估): the scored dimensions and the rule that decides whether a case passes.

Owns `EVALUATION_DIMENSIONS` (DESIGN.md §3, each scored 1–5), the commitment-fulfilment score, the pass
rule as module constants, `evaluation_reasons` and `evaluation_passes`. Imports the stdlib only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Reason
from .reasons import reason


@dataclass(frozen=True)
class Dimension:
    id: str
    zh: str
    en: str


EVALUATION_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("innovation_value", "创新价值", "Innovation value"),
    Dimension("legal_compliance", "合法合规", "Legal compliance"),
    Dimension("data_security", "数据安全", "Data security"),
    Dimension("personal_information_protection", "个人信息保护", "Personal-information protection"),
    Dimension("risk_control", "风险控制", "Risk control"),
    Dimension("consumer_protection", "消费者及用户权益保护", "Consumer and user protection"),
    Dimension("service_quality", "服务质量", "Service quality"),
    Dimension("business_continuity", "业务连续性", "Business continuity"),
)
COMMITMENT_FULFILMENT = Dimension(
    "commitment_fulfilment", "承诺声明履行情况", "Fulfilment of the commitment statement"
)
ALL_SCORED: tuple[Dimension, ...] = (*EVALUATION_DIMENSIONS, COMMITMENT_FULFILMENT)

MIN_SCORE = 1
MAX_SCORE = 5
# The pass rule. A sandbox exit certifies that the trial stayed lawful and safe, so a mediocre score is
# tolerable on any dimension but not on the legal red lines, and the applicant must have kept its word:
#   every dimension ≥ PASS_SCORE (3, "satisfactory"),
#   the red-line dimensions (legal compliance, data security, personal-information protection)
#   ≥ RED_LINE_PASS_SCORE (4, "good"), and commitment fulfilment ≥ COMMITMENT_PASS_SCORE (4).
PASS_SCORE = 3
RED_LINE_DIMENSIONS: frozenset[str] = frozenset(
    {"legal_compliance", "data_security", "personal_information_protection"}
)
RED_LINE_PASS_SCORE = 4
COMMITMENT_PASS_SCORE = 4


def pass_mark(dimension_id: str) -> int:
    """Return the lowest passing score for `dimension_id`."""
    if dimension_id == COMMITMENT_FULFILMENT.id:
        return COMMITMENT_PASS_SCORE
    return RED_LINE_PASS_SCORE if dimension_id in RED_LINE_DIMENSIONS else PASS_SCORE


def completeness_reasons(scores: Mapping[str, Any] | None) -> list[Reason]:
    """Explain every dimension without a whole-number score of 1–5, and every unknown dimension."""
    if scores is None or not isinstance(scores, Mapping):
        return [reason("required", "scores")]
    reasons = []
    for dim in ALL_SCORED:
        value = scores.get(dim.id)
        field = f"scores.{dim.id}"
        if value is None:
            reasons.append(reason("score_missing", field, dimension_zh=dim.zh, dimension_en=dim.en))
        elif isinstance(value, bool) or not isinstance(value, int) or not MIN_SCORE <= value <= MAX_SCORE:
            reasons.append(
                reason("score_invalid", field, dimension_zh=dim.zh, dimension_en=dim.en, value=value)
            )
    known = {dim.id for dim in ALL_SCORED}
    reasons += [reason("score_unknown", f"scores.{key}", value=key) for key in scores if key not in known]
    return reasons


def evaluation_reasons(scores: Mapping[str, Any] | None) -> list[Reason]:
    """Explain why an evaluation is incomplete or does not pass; empty when it passes."""
    reasons = completeness_reasons(scores)
    if reasons:
        return reasons
    assert scores is not None
    return [
        reason(
            "score_below_pass",
            f"scores.{dim.id}",
            dimension_zh=dim.zh,
            dimension_en=dim.en,
            score=scores[dim.id],
            minimum=pass_mark(dim.id),
        )
        for dim in ALL_SCORED
        if scores[dim.id] < pass_mark(dim.id)
    ]


def evaluation_passes(scores: Mapping[str, Any] | None) -> bool:
    """Return True when every dimension is scored 1–5 and the pass rule holds."""
    return not evaluation_reasons(scores)
