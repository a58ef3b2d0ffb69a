"""The redemption step table, without an app: who moves a redemption from where to where, and which
steps give the held amount back."""

from __future__ import annotations

import pytest

from workflows.errors import InvalidTransition
from workflows.redemptions import (
    HOLDING,
    OPEN,
    REDEMPTION_STEPS,
    RELEASED,
    Party,
    RedemptionAction,
    RedemptionStatus,
    available_actions,
    next_status,
)

S, A = RedemptionStatus, RedemptionAction


def test_only_the_holder_lets_a_request_reach_the_office() -> None:
    reaching = [action for action, step in REDEMPTION_STEPS.items() if step.target is S.REQUESTED]
    assert reaching == [A.CONFIRM] and REDEMPTION_STEPS[A.CONFIRM].party is Party.HOLDER
    assert available_actions(S.AWAITING_HOLDER, Party.OFFICE) == []
    assert available_actions(S.AWAITING_HOLDER, Party.HOLDER) == [A.CONFIRM, A.DECLINE]
    assert available_actions(S.REQUESTED, Party.OFFICE) == [A.APPROVE, A.REJECT]
    assert available_actions(S.APPROVED, Party.OFFICE) == [A.SETTLE]


def test_the_provider_may_withdraw_until_the_office_decides() -> None:
    assert available_actions(S.AWAITING_HOLDER, Party.PROVIDER) == [A.WITHDRAW]
    assert available_actions(S.REQUESTED, Party.PROVIDER) == [A.WITHDRAW]
    for decided in (S.APPROVED, S.SETTLED, S.REJECTED):
        assert available_actions(decided, Party.PROVIDER) == []
        with pytest.raises(InvalidTransition):
            next_status(decided, A.WITHDRAW)


def test_every_ending_without_payment_releases_and_nothing_leaves_it() -> None:
    assert {S.DECLINED, S.WITHDRAWN, S.REJECTED, S.LAPSED} == RELEASED
    assert {S.AWAITING_HOLDER, S.REQUESTED, S.APPROVED, S.SETTLED} == HOLDING
    assert OPEN < HOLDING
    for status in RELEASED | {S.SETTLED}:
        assert all(not available_actions(status, party) for party in Party), status
    assert all(step.releases == (step.target in RELEASED) for step in REDEMPTION_STEPS.values())


def test_expiry_lapses_only_what_is_still_open() -> None:
    assert next_status(S.AWAITING_HOLDER, A.LAPSE) is S.LAPSED
    assert next_status(S.REQUESTED, "lapse") is S.LAPSED
    with pytest.raises(InvalidTransition):
        next_status(S.APPROVED, A.LAPSE)  # approved money was spent before the voucher expired


def test_every_status_is_reachable_and_unknown_actions_are_refused() -> None:
    reached = {S.AWAITING_HOLDER} | {step.target for step in REDEMPTION_STEPS.values()}
    assert reached == set(RedemptionStatus)
    with pytest.raises(InvalidTransition):
        next_status(S.AWAITING_HOLDER, "approve_quickly")
    with pytest.raises(InvalidTransition):
        next_status(S.AWAITING_HOLDER, A.APPROVE)
    assert REDEMPTION_STEPS[A.REJECT].reason_required
