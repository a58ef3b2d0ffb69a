"""Guards of the review stages: plan complete, risk assessment, verification, trial period, exit.

Owns the data-heavy guards (submit, complete_risk_assessment, pass_verification, extend_trial,
request_exit, approve_exit), each a pure function over keyword ctx returning bilingual `Reason`s;
`workflows.guards` registers them per event; who is independent enough to approve an exit is decided
by `workflows.two_person`. Imports the standard library only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from .assessment import (
    RISK_LEVEL_LABELS,
    RiskLevel,
    checklist_reasons,
    derive_risk_level,
    validate_boundaries,
)
from .calendar import add_months
from .errors import Reason
from .evaluation import evaluation_reasons
from .guard_checks import filled, need_dates, need_pack, need_text, on_file
from .reasons import reason
from .sectors import SectorPack
from .two_person import TwoPersonPolicy, approver_reasons

EXIT_ROLES = ("applicant", "regulator")
PLAN_TEXT_FIELDS = ("title", "objectives", "risk_controls", "exit_plan", "consumer_protection")


def guard_submit(*, plan: Mapping[str, Any] | None = None, pack: SectorPack | None = None) -> list[Reason]:
    """Require a complete sandbox plan and an accepted commitment statement.

    ctx: `plan` — a mapping with `title`, `objectives`, `risk_controls`, `exit_plan`,
    `consumer_protection` (text, or lists of text), `data_categories` (non-empty list of text),
    `boundaries` (mapping of the pack's boundary ids to values), `duration_months` (int),
    `commitment_accepted_by` (who accepted the 声明书; None = not accepted); `pack` — the SectorPack.
    """
    if not isinstance(plan, Mapping):
        return [reason("required", "plan")]
    if (missing_pack := need_pack(pack)) or pack is None:
        return missing_pack
    reasons = [r for name in PLAN_TEXT_FIELDS for r in need_text(f"plan.{name}", plan.get(name))]
    categories = plan.get("data_categories")
    if not isinstance(categories, list | tuple) or not filled(categories):
        reasons.append(reason("empty", "plan.data_categories"))
    reasons += validate_boundaries(pack, plan.get("boundaries"), prefix="plan.boundaries")
    months = plan.get("duration_months")
    if months is None:
        reasons.append(reason("required", "plan.duration_months"))
    elif isinstance(months, bool) or not isinstance(months, int) or months < 1:
        reasons.append(
            reason(
                "wrong_type",
                "plan.duration_months",
                expected_zh="正整数",
                expected_en="a positive whole number",
            )
        )
    elif months > pack.max_trial_months:
        reasons.append(
            reason("duration_too_long", "plan.duration_months", months=months, maximum=pack.max_trial_months)
        )
    if plan.get("commitment_accepted_by") is None:
        reasons.append(reason("commitment_not_accepted", "plan.commitment_accepted_by"))
    return reasons


def guard_extend_trial(
    *,
    note: str | None = None,
    new_end: date | None = None,
    trial_start: date | None = None,
    trial_end: date | None = None,
    pack: SectorPack | None = None,
) -> list[Reason]:
    """Require a reason and a later end date within the pack's maximum trial length from the start.

    ctx: `note` (text), `new_end`, `trial_start`, `trial_end` (the current end) — dates; `pack`.
    """
    reasons = need_text("note", note) + need_dates(
        new_end=new_end, trial_start=trial_start, trial_end=trial_end
    )
    reasons += need_pack(pack)
    if reasons or pack is None:
        return reasons
    assert new_end is not None and trial_start is not None and trial_end is not None
    if new_end <= trial_end:
        return [reason("not_after", "new_end", value=new_end, other=trial_end)]
    if new_end > add_months(trial_start, pack.max_trial_months):
        return [
            reason("trial_too_long", "new_end", start=trial_start, end=new_end, maximum=pack.max_trial_months)
        ]
    return []


def guard_complete_risk_assessment(
    *,
    pack: SectorPack | None = None,
    answers: Mapping[str, str] | None = None,
    risk_level: str | None = None,
    risk_level_reason: str | None = None,
    conditions: list[str] | None = None,
    boundaries: Mapping[str, Any] | None = None,
) -> list[Reason]:
    """Require a complete checklist, a risk level not below the derived one, conditions and boundaries.

    ctx: `pack`; `answers` — checklist item id → "yes" / "no" / "n/a"; `risk_level` — "low" / "medium" /
    "high"; `risk_level_reason` — text, needed when the level is raised above the derived level;
    `conditions` — a list of text (may be empty, must be given); `boundaries` — the boundary values set.
    """
    if (missing_pack := need_pack(pack)) or pack is None:
        return missing_pack
    reasons = checklist_reasons(pack, answers)
    level: RiskLevel | None = None
    if risk_level is None or risk_level == "":
        reasons.append(reason("required", "risk_level"))
    elif risk_level not in {level.value for level in RiskLevel}:
        reasons.append(
            reason("invalid_choice", "risk_level", value=risk_level, choices=[lv.value for lv in RiskLevel])
        )
    else:
        level = RiskLevel(risk_level)
    if level is not None and not reasons and answers is not None:
        derived = derive_risk_level(pack, answers)
        names = {"derived_zh": RISK_LEVEL_LABELS[derived][0], "derived_en": RISK_LEVEL_LABELS[derived][1]}
        if level.rank < derived.rank:
            reasons.append(reason("risk_level_lowered", "risk_level", **names))
        elif level.rank > derived.rank and not filled(risk_level_reason):
            given = {"given_zh": RISK_LEVEL_LABELS[level][0], "given_en": RISK_LEVEL_LABELS[level][1]}
            reasons.append(reason("risk_level_raise_reason", "risk_level_reason", **names, **given))
    if not isinstance(conditions, list | tuple):
        reasons.append(reason("required", "conditions"))
    return reasons + validate_boundaries(pack, boundaries)


def guard_pass_verification(
    *,
    verification_report_on_file: bool | None = None,
    verification_result: str | None = None,
    trial_start: date | None = None,
    trial_end: date | None = None,
    today: date | None = None,
    pack: SectorPack | None = None,
) -> list[Reason]:
    """Require the technical verification report, a conclusion that is not "failed", and a trial period
    that starts today or later.

    ctx: `verification_report_on_file` — True when the report is uploaded; `verification_result` — the
    testing lab's latest conclusion ("passed", "passed_with_conditions", "failed"; None when the report
    came without one); `trial_start`, `trial_end`,
    `today` — dates (start < end, start ≥ today, end ≤ start + the pack's maximum months); `pack`.
    """
    reasons = on_file("verification_report_on_file", verification_report_on_file)
    if verification_result == "failed":
        reasons.append(reason("verification_failed", "verification_result"))
    date_reasons = need_dates(trial_start=trial_start, trial_end=trial_end, today=today) + need_pack(pack)
    if date_reasons or pack is None:
        return reasons + date_reasons
    assert trial_start is not None and trial_end is not None and today is not None
    if trial_start < today:
        reasons.append(reason("in_past", "trial_start", value=trial_start, today=today))
    if trial_end <= trial_start:
        reasons.append(reason("not_after", "trial_end", value=trial_end, other=trial_start))
    elif trial_end > add_months(trial_start, pack.max_trial_months):
        reasons.append(
            reason(
                "trial_too_long", "trial_end", start=trial_start, end=trial_end, maximum=pack.max_trial_months
            )
        )
    return reasons


def guard_request_exit(
    *,
    self_assessment_on_file: bool | None = None,
    actor_role: str | None = None,
    today: date | None = None,
    trial_start: date | None = None,
    trial_end: date | None = None,
) -> list[Reason]:
    """Require the self-assessment and a trial that has started; a regulator asks only after the trial end.

    ctx: `self_assessment_on_file` — True when uploaded; `actor_role` — "applicant" or "regulator";
    `today`, `trial_start` — dates (exit is refused before the trial's start, for everyone); `trial_end`
    — a date (read only for a regulator).
    """
    reasons = on_file("self_assessment_on_file", self_assessment_on_file)
    if actor_role not in EXIT_ROLES:
        return reasons + [reason("exit_role", "actor_role", role=actor_role)]
    reasons += started(today=today, trial_start=trial_start)
    if actor_role == "regulator":
        date_reasons = need_dates(today=today, trial_end=trial_end)
        if date_reasons:
            return reasons + [r for r in date_reasons if r not in reasons]
        assert today is not None and trial_end is not None
        if today <= trial_end:
            reasons.append(reason("exit_before_end", "actor_role", end=trial_end))
    return reasons


def started(*, today: date | None, trial_start: date | None) -> list[Reason]:
    """Refuse an exit before the trial's start date (both are Beijing dates)."""
    missing = need_dates(today=today, trial_start=trial_start)
    if missing:
        return missing
    assert today is not None and trial_start is not None
    return [reason("exit_before_start", "trial_start", start=trial_start)] if today < trial_start else []


def guard_approve_exit(
    *,
    scores: Mapping[str, int] | None = None,
    evaluator_id: Any = None,
    approver_id: Any = None,
    case_officer_id: Any = None,
    officer_ids: Collection[Any] | None = None,
    evaluator_ids: Collection[Any] | None = None,
    filing_acceptor_ids: Collection[Any] | None = None,
    two_person_policy: TwoPersonPolicy | None = None,
    today: date | None = None,
    trial_start: date | None = None,
) -> list[Reason]:
    """Require a complete, passing evaluation approved, once the trial has started, by someone independent.

    ctx: `scores` — dimension id → int 1–5 for every EVALUATION_DIMENSIONS id plus
    "commitment_fulfilment"; `evaluator_id` — who scored that evaluation; `approver_id` — who approves;
    `case_officer_id` — the current case officer (may be None); `officer_ids` — everyone who was ever the
    case officer; `evaluator_ids` — everyone who ever scored its exit evaluation; `filing_acceptor_ids`
    — who accepted the filing; `two_person_policy` — the office's `TwoPersonPolicy` (which of those
    sets bar the approver; default `DEFAULT_POLICY`); `today`, `trial_start` — dates. Whoever prepared
    the decision does not take it (four eyes), and no reassignment changes who that was.
    """
    reasons = evaluation_reasons(scores)
    reasons += [
        reason("required", name)
        for name, value in (("evaluator_id", evaluator_id), ("approver_id", approver_id))
        if value is None
    ]
    reasons += approver_reasons(
        approver_id,
        evaluator_id=evaluator_id,
        case_officer_id=case_officer_id,
        officer_ids=officer_ids,
        evaluator_ids=evaluator_ids,
        filing_acceptor_ids=filing_acceptor_ids,
        policy=two_person_policy,
    )
    return reasons + started(today=today, trial_start=trial_start)
