"""The split of the submit guard's reasons by filing step (no app needed beyond a transient case)."""

from __future__ import annotations

from sandbox.models.cases import Case
from sandbox.services.cases import filing_steps
from tests.factories import GENERAL_PLAN
from workflows.reasons import reason
from workflows.sectors import sector_pack

PACK = sector_pack("general_data")


def draft(**plan: object) -> Case:
    return Case(
        enterprise_id=1,
        created_by_id=1,
        title="测试项目",
        sector="general_data",
        data_categories=["企业数据"],
        plan=dict(plan),
    )


def test_each_field_belongs_to_one_step() -> None:
    assert filing_steps.step_of("plan.title") == "basics"
    assert filing_steps.step_of("plan.data_categories") == "basics"
    assert filing_steps.step_of("plan.boundaries.data_subjects_cap") == "plan"
    assert filing_steps.step_of("plan.duration_months") == "plan"
    assert filing_steps.step_of("plan.commitment_accepted_by") == "commitment"
    assert filing_steps.step_of("plan.boundaries_extra") is None
    assert filing_steps.step_of(None) is None


def test_the_first_faulty_step_follows_the_form_order() -> None:
    reasons = [
        reason("commitment_not_accepted", "plan.commitment_accepted_by"),
        reason("required", "plan.exit_plan"),
    ]
    assert filing_steps.first_faulty_step(reasons) == "plan"
    assert filing_steps.first_faulty_step([reason("empty", "plan.data_categories"), *reasons]) == "basics"
    assert filing_steps.first_faulty_step([]) is None


def test_value_reasons_name_wrong_values_of_the_fields_set_only() -> None:
    case = draft()
    too_many = {**GENERAL_PLAN["boundaries"], "data_subjects_cap": 10**9}  # type: ignore[dict-item]
    reasons = filing_steps.value_reasons(case, PACK, {"boundaries": too_many, "duration_months": 99})
    assert {(r.code, r.field) for r in reasons} == {
        ("boundary_out_of_range", "plan.boundaries.data_subjects_cap"),
        ("duration_too_long", "plan.duration_months"),
    }
    # Missing values (objectives, the commitment, other boundaries) are no refusal of a draft save.
    assert filing_steps.value_reasons(case, PACK, {"boundaries": {"data_volume_gb": 10}}) == []


def test_the_submission_reasons_are_the_submit_guards() -> None:
    complete = draft(**GENERAL_PLAN)
    assert [r.field for r in filing_steps.submission_reasons(complete, PACK)] == [
        "plan.commitment_accepted_by"
    ]
    complete.commitment_accepted_by_id = 1
    assert filing_steps.submission_reasons(complete, PACK) == []
