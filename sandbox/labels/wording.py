"""How a trial boundary's value and a risk level read, in both languages, as (zh, en) pairs.

The case page, the exemption record, the public registry and the exit certificate all word boundaries this
way. Plain functions over the rule packs: no Flask, so services and PDF renderers use it too.
"""

from __future__ import annotations

from typing import Any

from workflows.assessment import RISK_LEVEL_LABELS, RiskLevel
from workflows.sectors import BoundaryParam, ParamType

NO_LEVEL = ("—", "—")


def boundary_texts(param: BoundaryParam, value: Any) -> tuple[str, str]:
    """Word a boundary value as people read it: yes/no, the choice's label, the number with its unit."""
    if param.type is ParamType.BOOL:
        return ("是", "yes") if value else ("否", "no")
    if param.type is ParamType.CHOICE:
        choice = next((c for c in param.choices if c.id == value), None)
        return (choice.zh, choice.en) if choice else (str(value), str(value))
    text = f"{value} {param.unit}".strip()
    return text, text


def risk_texts(level: RiskLevel | str | None) -> tuple[str, str]:
    """Name a risk level ("—" when none is set yet)."""
    return RISK_LEVEL_LABELS[RiskLevel(level)] if level else NO_LEVEL
