"""The sandbox case workflow: states, events, the shared state machine, guards and rule data.

Public surface of the package (DESIGN.md §2–§3):
- `CaseState`, `Event`, `FINAL_STATES`, `HOLD_STATES` and their bilingual labels;
- `fire(case, event, **ctx) -> FiredEvent`, the only code that assigns `case.state`, raising
  `InvalidTransition` (wrong state or unknown event) or `GuardFailed` (data refused, with `Reason`s);
  `available_events(state)`; `check_guard(event, ctx)` to show refusal reasons before firing;
- sector rule packs: `SectorPack`, `load_sector_packs`, `sector_pack`, `derive_risk_level`,
  `validate_boundaries`;
- exit evaluation: `EVALUATION_DIMENSIONS`, `evaluation_passes`;
- record-only history events: `RecordEvent`, `history_label`, `is_record_only`;
- two-person rules: `TwoPersonPolicy`, `DEFAULT_POLICY`, `TWO_PERSON_CODES`;
- working days: `WorkingCalendar`, `YearArrangement`, `parse_year_arrangement`, `Deadline`,
  `STAGE_DEADLINE_DAYS`.

Depends on `transitions`, `chinesecalendar` and the standard library only: no flask, no sqlmodel, no
sandbox (tests/test_layering.py enforces it).
"""

from .assessment import RISK_LEVEL_LABELS, RiskLevel, derive_risk_level, risk_score, validate_boundaries
from .calendar import (
    CLOCK_PAUSED_STATES,
    STAGE_DEADLINE_DAYS,
    Deadline,
    WorkingCalendar,
    YearArrangement,
    add_months,
    parse_year_arrangement,
)
from .cases import TRANSITIONS, CaseLike, FiredEvent, Rule, available_events, fire
from .errors import ArrangementError, GuardFailed, InvalidTransition, Reason, RulePackError, WorkflowError
from .evaluation import (
    ALL_SCORED,
    COMMITMENT_FULFILMENT,
    EVALUATION_DIMENSIONS,
    Dimension,
    evaluation_passes,
    evaluation_reasons,
)
from .guards import GUARDS, check_guard, guard_keys
from .sectors import Sector, SectorPack, load_sector_packs, parse_sector_pack, sector_pack
from .states import (
    EVENT_LABELS,
    FINAL_STATES,
    HOLD_STATES,
    RECORD_EVENT_LABELS,
    REMEMBERING_HOLD_STATES,
    STATE_LABELS,
    CaseState,
    Event,
    RecordEvent,
    event_label,
    history_label,
    is_record_only,
    state_label,
)
from .two_person import DEFAULT_POLICY, TWO_PERSON_CODES, TwoPersonPolicy

__all__ = [
    "ALL_SCORED",
    "CLOCK_PAUSED_STATES",
    "COMMITMENT_FULFILMENT",
    "DEFAULT_POLICY",
    "EVALUATION_DIMENSIONS",
    "EVENT_LABELS",
    "FINAL_STATES",
    "GUARDS",
    "HOLD_STATES",
    "RECORD_EVENT_LABELS",
    "REMEMBERING_HOLD_STATES",
    "RISK_LEVEL_LABELS",
    "STAGE_DEADLINE_DAYS",
    "STATE_LABELS",
    "TRANSITIONS",
    "TWO_PERSON_CODES",
    "ArrangementError",
    "CaseLike",
    "CaseState",
    "Deadline",
    "Dimension",
    "Event",
    "FiredEvent",
    "GuardFailed",
    "InvalidTransition",
    "Reason",
    "RecordEvent",
    "RiskLevel",
    "Rule",
    "RulePackError",
    "Sector",
    "SectorPack",
    "TwoPersonPolicy",
    "WorkflowError",
    "WorkingCalendar",
    "YearArrangement",
    "add_months",
    "available_events",
    "check_guard",
    "derive_risk_level",
    "evaluation_passes",
    "evaluation_reasons",
    "event_label",
    "fire",
    "guard_keys",
    "history_label",
    "is_record_only",
    "load_sector_packs",
    "parse_year_arrangement",
    "parse_sector_pack",
    "risk_score",
    "sector_pack",
    "state_label",
    "validate_boundaries",
]
