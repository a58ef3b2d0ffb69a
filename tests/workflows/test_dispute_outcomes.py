"""Which outcomes fit which dispute: a contract dispute is mediated (settled, partially settled, not
settled), a dispute about a decision is decided (upheld, overturned); either may be withdrawn. The guard
refuses an outcome of the other kind by name, and a contract outcome never reopens a decided stage."""

from __future__ import annotations

import pytest

from tests.workflows.builders import make_case, valid_ctx
from workflows import CaseState, Event, GuardFailed, fire
from workflows.guards import check_guard, dispute_outcomes

S = CaseState


def test_the_outcomes_depend_on_the_kind() -> None:
    assert dispute_outcomes("contract") == ("settled", "partially_settled", "not_settled", "withdrawn")
    for kind in ("appeal", "process_complaint", "third_party_complaint", None):
        assert dispute_outcomes(kind) == ("upheld", "overturned", "withdrawn")


@pytest.mark.parametrize("outcome", ["upheld", "overturned"])
def test_a_contract_dispute_refuses_a_decision_outcome(outcome: str) -> None:
    (refusal,) = check_guard(Event.RESOLVE_DISPUTE, {"outcome": outcome, "dispute_kind": "contract"})
    assert (refusal.code, refusal.field) == ("contract_outcome_only", "outcome")
    assert "合同纠纷" in refusal.zh and outcome in refusal.en


@pytest.mark.parametrize("outcome", ["settled", "partially_settled", "not_settled"])
def test_a_decision_dispute_refuses_a_contract_outcome(outcome: str) -> None:
    (refusal,) = check_guard(Event.RESOLVE_DISPUTE, {"outcome": outcome, "dispute_kind": "appeal"})
    assert refusal.code == "decision_outcome_only" and "维持" in refusal.zh


def test_unknown_outcomes_and_the_applicant_rule_are_unchanged() -> None:
    (unknown,) = check_guard(Event.RESOLVE_DISPUTE, {"outcome": "dismissed", "dispute_kind": "contract"})
    assert unknown.code == "invalid_choice"
    ctx = {"outcome": "settled", "dispute_kind": "contract", "actor_role": "applicant"}
    assert [reason.code for reason in check_guard(Event.RESOLVE_DISPUTE, ctx)] == ["applicant_withdraws_only"]
    for kind in ("contract", "appeal"):
        assert check_guard(Event.RESOLVE_DISPUTE, {"outcome": "withdrawn", "dispute_kind": kind}) == []


@pytest.mark.parametrize("outcome", ["settled", "partially_settled", "not_settled"])
def test_a_contract_outcome_leaves_a_rejection_standing(outcome: str) -> None:
    case = make_case(S.RISK_ASSESSMENT)
    fire(case, Event.REJECT, note="材料不全")
    fire(case, Event.RAISE_DISPUTE, **valid_ctx(Event.RAISE_DISPUTE))
    fire(case, Event.RESOLVE_DISPUTE, outcome=outcome, dispute_kind="contract")
    assert (case.state, case.decision_state) == (S.REJECTED, S.RISK_ASSESSMENT)


def test_fire_refuses_a_misfit_outcome_and_changes_nothing() -> None:
    case = make_case(S.TESTING)
    fire(case, Event.RAISE_DISPUTE, **valid_ctx(Event.RAISE_DISPUTE))
    with pytest.raises(GuardFailed):
        fire(case, Event.RESOLVE_DISPUTE, outcome="overturned", dispute_kind="contract")
    assert case.state is S.DISPUTE
