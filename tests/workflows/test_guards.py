"""Guards: each refusal reason, bilingual, and a refused event changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tests.workflows.builders import (
    PACK,
    TODAY,
    TRIAL_END,
    TRIAL_START,
    all_answers,
    make_case,
    passing_scores,
    valid_ctx,
    valid_plan,
)
from workflows import GUARDS, CaseState, Event, GuardFailed, WorkflowError, check_guard, fire, guard_keys

S = CaseState


def refusals(event: Event, **overrides: Any) -> set[tuple[str, str | None]]:
    return {(r.code, r.field) for r in check_guard(event, valid_ctx(event, **overrides))}


@pytest.mark.parametrize("event", list(GUARDS))
def test_the_valid_ctx_passes_every_guard(event: Event) -> None:
    assert check_guard(event, valid_ctx(event)) == []


@pytest.mark.parametrize("event", list(GUARDS))
def test_an_empty_ctx_is_refused_with_bilingual_reasons(event: Event) -> None:
    reasons = check_guard(event, {})
    assert reasons
    for r in reasons:
        assert r.zh and r.en and r.code and "{" not in r.zh + r.en


def test_a_refused_event_changes_nothing() -> None:
    case = make_case(S.DISPUTE, hold_return_state=S.TERMINATED, decision_state=S.TESTING)
    with pytest.raises(GuardFailed) as caught:
        fire(case, Event.RESOLVE_DISPUTE, outcome="maybe")
    assert isinstance(caught.value, WorkflowError)
    assert [r.code for r in caught.value.reasons] == ["invalid_choice"]
    assert (case.state, case.hold_return_state, case.decision_state) == (S.DISPUTE, S.TERMINATED, S.TESTING)


def test_keys_a_guard_does_not_read_are_ignored() -> None:
    assert check_guard(Event.REJECT, {"note": "材料不全", "actor": "regulator-1"}) == []
    assert guard_keys(Event.REJECT) == ("note",)
    assert guard_keys(Event.ACCEPT_FILING) == ("testing_lab_id",)
    assert guard_keys(Event.WITHDRAW) == ()


@pytest.mark.parametrize(
    "event", [Event.REQUEST_AMENDMENT, Event.REJECT, Event.RETURN_TO_TESTING, Event.FAIL_EXIT, Event.RESUME]
)
@pytest.mark.parametrize("note", [None, "", "   ", 5])
def test_a_reason_is_required(event: Event, note: Any) -> None:
    assert refusals(event, note=note) == {("required", "note")}


def test_suspend_and_terminate_need_their_orders() -> None:
    assert refusals(Event.SUSPEND, mitigation_order="") == {("required", "mitigation_order")}
    assert refusals(Event.TERMINATE, wind_down_order=None) == {("required", "wind_down_order")}


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (valid_plan(title=" "), {("required", "plan.title")}),
        (valid_plan(data_categories=[]), {("empty", "plan.data_categories")}),
        (valid_plan(objectives=None), {("required", "plan.objectives")}),
        (valid_plan(risk_controls=[]), {("required", "plan.risk_controls")}),
        (valid_plan(exit_plan=""), {("required", "plan.exit_plan")}),
        (valid_plan(consumer_protection=None), {("required", "plan.consumer_protection")}),
        (
            valid_plan(commitment_accepted_by=None),
            {("commitment_not_accepted", "plan.commitment_accepted_by")},
        ),
        (valid_plan(duration_months=25), {("duration_too_long", "plan.duration_months")}),
        (valid_plan(duration_months=6.5), {("wrong_type", "plan.duration_months")}),
        (valid_plan(duration_months=None), {("required", "plan.duration_months")}),
        (valid_plan(boundaries=None), {("required", "plan.boundaries")}),
        (
            valid_plan(boundaries={"vehicle_count": 500, "road_type": "moon"}),
            {
                ("boundary_missing", "plan.boundaries.test_area_km2"),
                ("boundary_missing", "plan.boundaries.safety_driver_required"),
                ("boundary_missing", "plan.boundaries.max_speed_kmh"),
                ("boundary_out_of_range", "plan.boundaries.vehicle_count"),
                ("boundary_choice", "plan.boundaries.road_type"),
            },
        ),
        (None, {("required", "plan")}),
    ],
)
def test_submit_needs_a_complete_plan(plan: Any, expected: set) -> None:
    assert refusals(Event.SUBMIT, plan=plan) == expected


def test_submit_explains_limits_in_both_languages() -> None:
    plan = valid_plan(duration_months=30)
    (reason,) = check_guard(Event.SUBMIT, {"plan": plan, "pack": PACK})
    assert "30" in reason.zh and "24" in reason.zh and "24 months" in reason.en


def test_risk_assessment_needs_every_checklist_item() -> None:
    answers = all_answers()
    del answers["cross_border"]
    answers["ota_updates"] = "maybe"
    answers["invented"] = "no"
    assert refusals(Event.COMPLETE_RISK_ASSESSMENT, answers=answers) == {
        ("checklist_unanswered", "answers.cross_border"),
        ("checklist_invalid_answer", "answers.ota_updates"),
        ("checklist_unknown_item", "answers.invented"),
    }


def test_the_risk_level_may_be_raised_with_a_reason_but_never_lowered() -> None:
    risky = all_answers("yes")  # every risk present: derived level is high
    assert refusals(Event.COMPLETE_RISK_ASSESSMENT, answers=risky, risk_level="medium") == {
        ("risk_level_lowered", "risk_level")
    }
    assert refusals(Event.COMPLETE_RISK_ASSESSMENT, risk_level="high") == {
        ("risk_level_raise_reason", "risk_level_reason")
    }
    assert (
        refusals(Event.COMPLETE_RISK_ASSESSMENT, risk_level="high", risk_level_reason="涉及高精地图") == set()
    )
    assert refusals(Event.COMPLETE_RISK_ASSESSMENT, risk_level="extreme") == {
        ("invalid_choice", "risk_level")
    }


def test_risk_assessment_needs_conditions_and_boundaries() -> None:
    assert refusals(Event.COMPLETE_RISK_ASSESSMENT, conditions=[]) == set()
    assert refusals(Event.COMPLETE_RISK_ASSESSMENT, conditions=None) == {("required", "conditions")}
    assert refusals(
        Event.COMPLETE_RISK_ASSESSMENT,
        boundaries={**valid_ctx(Event.COMPLETE_RISK_ASSESSMENT)["boundaries"], "max_speed_kmh": 120},
    ) == {("boundary_out_of_range", "boundaries.max_speed_kmh")}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"verification_report_on_file": False}, {("not_on_file", "verification_report_on_file")}),
        ({"trial_start": date(2026, 3, 1)}, {("in_past", "trial_start")}),
        ({"trial_end": TRIAL_START}, {("not_after", "trial_end")}),
        ({"trial_end": date(2028, 3, 10)}, {("trial_too_long", "trial_end")}),
        ({"trial_start": datetime(2026, 3, 9, 8, 0)}, {("wrong_type", "trial_start")}),
        ({"today": None}, {("required", "today")}),
    ],
)
def test_pass_verification(overrides: dict, expected: set) -> None:
    assert refusals(Event.PASS_VERIFICATION, **overrides) == expected


def test_the_trial_may_last_exactly_the_maximum() -> None:
    assert refusals(Event.PASS_VERIFICATION, trial_start=TODAY, trial_end=date(2028, 3, 2)) == set()
    assert refusals(Event.PASS_VERIFICATION, trial_start=TODAY, trial_end=date(2028, 3, 3)) == {
        ("trial_too_long", "trial_end")
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"new_end": TRIAL_END}, {("not_after", "new_end")}),
        ({"new_end": date(2028, 3, 10)}, {("trial_too_long", "new_end")}),
        ({"note": ""}, {("required", "note")}),
        ({"trial_end": None}, {("required", "trial_end")}),
    ],
)
def test_extend_trial(overrides: dict, expected: set) -> None:
    assert refusals(Event.EXTEND_TRIAL, **overrides) == expected


def test_request_exit_by_role_and_date() -> None:
    assert refusals(Event.REQUEST_EXIT, self_assessment_on_file=None) == {
        ("not_on_file", "self_assessment_on_file")
    }
    regulator = {"actor_role": "regulator", "trial_end": TRIAL_END}
    assert refusals(Event.REQUEST_EXIT, today=TRIAL_END, **regulator) == {("exit_before_end", "actor_role")}
    assert refusals(Event.REQUEST_EXIT, today=date(2026, 9, 9), **regulator) == set()
    assert refusals(Event.REQUEST_EXIT, actor_role="regulator", today=None) == {
        ("required", "today"),
        ("required", "trial_end"),
    }
    assert refusals(Event.REQUEST_EXIT, actor_role="assessor") == {("exit_role", "actor_role")}


def test_approve_exit_needs_a_complete_passing_evaluation_and_four_eyes() -> None:
    scores = passing_scores()
    del scores["service_quality"]
    assert refusals(Event.APPROVE_EXIT, scores=scores) == {("score_missing", "scores.service_quality")}
    assert refusals(Event.APPROVE_EXIT, scores=passing_scores(risk_control=6)) == {
        ("score_invalid", "scores.risk_control")
    }
    assert refusals(Event.APPROVE_EXIT, scores=passing_scores(data_security=3, commitment_fulfilment=3)) == {
        ("score_below_pass", "scores.data_security"),
        ("score_below_pass", "scores.commitment_fulfilment"),
    }
    assert refusals(Event.APPROVE_EXIT, approver_id=7) == {("four_eyes", "approver_id")}
    assert refusals(Event.APPROVE_EXIT, evaluator_id=None) == {("required", "evaluator_id")}


def test_dispute_and_exemption_guards() -> None:
    assert refusals(Event.RAISE_DISPUTE, legal_partner_org_id=None, claim=" ") == {
        ("required", "legal_partner_org_id"),
        ("required", "claim"),
    }
    assert refusals(Event.RESOLVE_DISPUTE, outcome=None) == {("required", "outcome")}
    assert refusals(Event.APPLY_EXEMPTION, incident_id="", good_faith_explanation=None) == {
        ("required", "incident_id"),
        ("required", "good_faith_explanation"),
    }
    assert refusals(Event.DECIDE_EXEMPTION, legal_opinion_on_file=False, decision="pardoned") == {
        ("not_on_file", "legal_opinion_on_file"),
        ("invalid_choice", "decision"),
    }
    assert refusals(Event.DECIDE_EXEMPTION, decision="partly_granted") == set()


def test_fire_raises_guard_failed_with_every_reason() -> None:
    case = make_case(S.TESTING)
    with pytest.raises(GuardFailed) as caught:
        fire(case, Event.TERMINATE)
    assert [r.field for r in caught.value.reasons] == ["note", "wind_down_order"]
    assert caught.value.reasons[0].as_dict()["zh"] == "说明理由为必填项"
    assert case.state is S.TESTING and case.decision_state is None
