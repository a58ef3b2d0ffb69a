"""What a sector pack decides about a case: risk level from the checklist, and boundary checks.

Owns `RiskLevel`, `risk_rule`, `derive_risk_level`, `checklist_reasons` and `validate_boundaries`, all pure
functions over a `SectorPack` and plain values, each refusal a bilingual `Reason`. Imports the stdlib only.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from .errors import Reason
from .reasons import reason
from .sectors import BoundaryParam, ParamType, SectorPack


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Return 0, 1, 2 for low, medium, high (for "never lower" comparisons)."""
        return list(RiskLevel).index(self)


RISK_LEVEL_LABELS: dict[RiskLevel, tuple[str, str]] = {
    RiskLevel.LOW: ("低风险", "low"),
    RiskLevel.MEDIUM: ("中风险", "medium"),
    RiskLevel.HIGH: ("高风险", "high"),
}

# A "yes" means the risk is present. "n/a" is for items that cannot arise in the project at all.
ANSWER_YES = "yes"
ANSWERS = ("yes", "no", "n/a")

_TYPE_NAMES: dict[ParamType, tuple[str, str]] = {
    ParamType.INT: ("整数", "a whole number"),
    ParamType.BOOL: ("是/否", "true or false"),
    ParamType.TEXT: ("非空文本", "non-empty text"),
    ParamType.CHOICE: ("列表中的选项", "one of the listed options"),
}


def risk_score(pack: SectorPack, answers: Mapping[str, str]) -> int:
    """Return the sum of the weights of the checklist items answered "yes"."""
    return sum(item.weight for item in pack.risk_items if answers.get(item.id) == ANSWER_YES)


def risk_rule(pack: SectorPack) -> dict[str, Any]:
    """Return the data `derive_risk_level` decides by, as plain JSON-ready values.

    Pages embed it so that a small script can recompute the derived level as answers change, from
    this rule rather than from a second copy of the thresholds: the answer that counts, each item's
    weight, and the levels from the highest down with the score from which each applies.
    """
    return {
        "counted_answer": ANSWER_YES,
        "weights": {item.id: item.weight for item in pack.risk_items},
        "levels": [[RiskLevel.HIGH.value, pack.high_from], [RiskLevel.MEDIUM.value, pack.medium_from]],
        "otherwise": RiskLevel.LOW.value,
    }


def derive_risk_level(pack: SectorPack, answers: Mapping[str, str]) -> RiskLevel:
    """Derive the risk level from weighted "yes" answers against the pack's thresholds."""
    rule = risk_rule(pack)
    weights: dict[str, int] = rule["weights"]
    score = sum(weight for item, weight in weights.items() if answers.get(item) == rule["counted_answer"])
    for level, threshold in rule["levels"]:
        if score >= threshold:
            return RiskLevel(level)
    return RiskLevel(rule["otherwise"])


def checklist_reasons(pack: SectorPack, answers: Mapping[str, str] | None) -> list[Reason]:
    """Explain every checklist item left unanswered, answered wrongly, or unknown to the pack."""
    if answers is None or not isinstance(answers, Mapping):
        return [reason("required", "answers")]
    reasons = []
    for item in pack.risk_items:
        value = answers.get(item.id)
        field = f"answers.{item.id}"
        if value is None or value == "":
            reasons.append(reason("checklist_unanswered", field, item_zh=item.zh, item_en=item.en))
        elif value not in ANSWERS:
            reasons.append(
                reason(
                    "checklist_invalid_answer",
                    field,
                    item_zh=item.zh,
                    item_en=item.en,
                    value=value,
                    choices=ANSWERS,
                )
            )
    known = {item.id for item in pack.risk_items}
    reasons += [
        reason("checklist_unknown_item", f"answers.{key}", value=key) for key in answers if key not in known
    ]
    return reasons


def validate_boundaries(
    pack: SectorPack, values: Mapping[str, Any] | None, prefix: str = "boundaries"
) -> list[Reason]:
    """Check trial boundary values against the pack: every required one present, typed and in limits."""
    if values is None or not isinstance(values, Mapping):
        return [reason("required", prefix)]
    reasons: list[Reason] = []
    for param in pack.boundaries:
        field = f"{prefix}.{param.id}"
        value = values.get(param.id)
        if value is None or (isinstance(value, str) and not value.strip()):
            if param.required:
                reasons.append(reason("boundary_missing", field, param_zh=param.zh, param_en=param.en))
            continue
        reasons += _check_value(param, value, field)
    reasons += [
        reason("boundary_unknown", f"{prefix}.{key}", value=key)
        for key in values
        if pack.boundary(key) is None
    ]
    return reasons


def _check_value(param: BoundaryParam, value: Any, field: str) -> list[Reason]:
    names = {"param_zh": param.zh, "param_en": param.en}
    expected_zh, expected_en = _TYPE_NAMES[param.type]
    wrong_type = reason("boundary_type", field, expected_zh=expected_zh, expected_en=expected_en, **names)
    if param.type is ParamType.INT:
        # bool is an int subclass and floats are never accepted: limits and money are whole numbers.
        if isinstance(value, bool) or not isinstance(value, int):
            return [wrong_type]
        assert param.minimum is not None and param.maximum is not None
        if not param.minimum <= value <= param.maximum:
            return [
                reason(
                    "boundary_out_of_range",
                    field,
                    minimum=param.minimum,
                    maximum=param.maximum,
                    unit=param.unit,
                    value=value,
                    **names,
                )
            ]
    elif param.type is ParamType.BOOL:
        if not isinstance(value, bool):
            return [wrong_type]
        if param.must_be is not None and value is not param.must_be:
            zh, en = ("是", "yes") if param.must_be else ("否", "no")
            return [reason("boundary_must_be", field, expected_zh=zh, expected_en=en, **names)]
    elif param.type is ParamType.TEXT:
        if not isinstance(value, str):
            return [wrong_type]
    else:
        options = [choice.id for choice in param.choices]
        if not isinstance(value, str):
            return [wrong_type]
        if value not in options:
            return [reason("boundary_choice", field, value=value, choices=options, **names)]
    return []
