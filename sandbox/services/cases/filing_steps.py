"""The filing form's steps and which of the submit checks belong to each, so that a step is checked
when it is saved instead of only at the final submit.

There is one rule, the workflow's submit guard (`workflows.review_guards.guard_submit`); this module
only splits its reasons by the step whose fields they name. Saving refuses a value that is wrong (a
boundary over the sector's limit, a duration longer than the sector allows); a value still missing is
no error in a draft — the submit, which runs every check, names it and the step it is on. The pages
and the API (PATCH /cases/{id}) use the same split. Imports no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sandbox.errors import ValidationFailed
from sandbox.models.cases import Case
from workflows.errors import Reason
from workflows.review_guards import guard_submit
from workflows.sectors import SectorPack

FILING_STEPS = ("basics", "plan", "commitment")
# Each step's fields as the submit guard names them; boundaries by prefix.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "basics": ("plan.title", "plan.data_categories", "title", "sector", "data_categories"),
    "plan": (
        "plan.objectives",
        "plan.risk_controls",
        "plan.exit_plan",
        "plan.consumer_protection",
        "plan.boundaries",
        "plan.duration_months",
    ),
    "commitment": ("plan.commitment_accepted_by", "accept_commitment"),
}
# Reasons that say a value is still missing: allowed in a draft, refused by the submit.
MISSING_CODES = frozenset({"required", "empty", "boundary_missing", "commitment_not_accepted"})


def submitted_plan(case: Case, **changes: Any) -> dict[str, Any]:
    """Return the plan as the submit guard reads it: the plan with title, data categories and commitment.

    `changes` (plan keys, `title`, `data_categories`) override the stored values, to check an edit
    before it is saved.
    """
    return {
        **case.plan,
        "title": case.title,
        "data_categories": case.data_categories,
        "commitment_accepted_by": case.commitment_accepted_by_id,
        **changes,
    }


def step_of(field: str | None) -> str | None:
    """Return the step whose form holds `field` (a guard or API field path), or None."""
    if not field:
        return None
    for step, names in STEP_FIELDS.items():
        if any(field == name or field.startswith(name + ".") for name in names):
            return step
    return None


def first_faulty_step(reasons: Iterable[Reason]) -> str | None:
    """Return the earliest step named by `reasons` (where a refused submit takes the applicant)."""
    steps = {step_of(reason.field) for reason in reasons}
    return next((step for step in FILING_STEPS if step in steps), None)


def submission_reasons(case: Case, pack: SectorPack) -> list[Reason]:
    """Every reason the submit guard gives for the case as saved (empty: it may be submitted)."""
    return guard_submit(plan=submitted_plan(case), pack=pack)


def value_reasons(case: Case, pack: SectorPack, changes: Mapping[str, Any]) -> list[Reason]:
    """The submit guard's refusals of the values in `changes`, ignoring what is only still missing.

    `changes`: plan keys (`boundaries`, `duration_months`, …), `title`, `data_categories` — what an
    edit sets. Only reasons about those fields count, so other steps' gaps never block a save.
    """
    touched = ["plan." + key for key in changes]
    reasons = guard_submit(plan=submitted_plan(case, **changes), pack=pack)
    return [
        reason
        for reason in reasons
        if reason.code not in MISSING_CODES
        and reason.field is not None
        and any(reason.field == name or reason.field.startswith(name + ".") for name in touched)
    ]


def check_values(case: Case, pack: SectorPack, changes: Mapping[str, Any]) -> None:
    """Raise `ValidationFailed` naming each field whose value in `changes` the submit would refuse."""
    reasons = value_reasons(case, pack, changes)
    if reasons:
        raise ValidationFailed.from_reasons(reasons)
