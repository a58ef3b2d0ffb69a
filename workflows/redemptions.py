"""The steps of a voucher redemption: a provider asks, the voucher's holder confirms or declines, and
only then does the sandbox office approve or reject (and later settle) it (DESIGN.md §5).

Owns `RedemptionStatus`, `RedemptionAction`, the party each action belongs to and the step table
`REDEMPTION_STEPS`: which statuses an action leaves, where it leads and whether it gives the held
amount back to the voucher. A request holds its amount from the moment it is made; a declined,
withdrawn, rejected or lapsed (the voucher expired) request releases it. The redemption row moves only
through `next_status`. Imports the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidTransition


class RedemptionStatus(StrEnum):
    AWAITING_HOLDER = "awaiting_holder"  # the provider asked; the voucher's holder has not answered yet
    REQUESTED = "requested"  # the holder confirmed it: it waits for the sandbox office
    APPROVED = "approved"
    SETTLED = "settled"
    DECLINED = "declined"  # the holder said no
    WITHDRAWN = "withdrawn"  # the provider took it back before the office decided
    REJECTED = "rejected"  # the office said no
    LAPSED = "lapsed"  # the voucher expired while the request was still open


class RedemptionAction(StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    REJECT = "reject"
    SETTLE = "settle"
    LAPSE = "lapse"


class Party(StrEnum):
    """Who acts: the voucher's enterprise, the provider that asked, the office, or the daily expiry run."""

    HOLDER = "holder"
    PROVIDER = "provider"
    OFFICE = "office"
    SYSTEM = "system"


@dataclass(frozen=True)
class Step:
    sources: frozenset[RedemptionStatus]
    target: RedemptionStatus
    party: Party
    releases: bool  # gives the held amount back to the voucher
    reason_required: bool = False


S, A = RedemptionStatus, RedemptionAction
OPEN: frozenset[RedemptionStatus] = frozenset({S.AWAITING_HOLDER, S.REQUESTED})
REDEMPTION_STEPS: dict[RedemptionAction, Step] = {
    A.CONFIRM: Step(frozenset({S.AWAITING_HOLDER}), S.REQUESTED, Party.HOLDER, releases=False),
    A.DECLINE: Step(frozenset({S.AWAITING_HOLDER}), S.DECLINED, Party.HOLDER, releases=True),
    A.WITHDRAW: Step(OPEN, S.WITHDRAWN, Party.PROVIDER, releases=True),
    A.APPROVE: Step(frozenset({S.REQUESTED}), S.APPROVED, Party.OFFICE, releases=False),
    A.REJECT: Step(frozenset({S.REQUESTED}), S.REJECTED, Party.OFFICE, releases=True, reason_required=True),
    A.SETTLE: Step(frozenset({S.APPROVED}), S.SETTLED, Party.OFFICE, releases=False),
    A.LAPSE: Step(OPEN, S.LAPSED, Party.SYSTEM, releases=True),
}
# Statuses whose amount is given back: the contract may be claimed again.
RELEASED: frozenset[RedemptionStatus] = frozenset(
    step.target for step in REDEMPTION_STEPS.values() if step.releases
)
# Statuses whose amount is off the voucher's balance (held, or spent).
HOLDING: frozenset[RedemptionStatus] = frozenset(RedemptionStatus) - RELEASED


def next_status(status: RedemptionStatus | str, action: RedemptionAction | str) -> RedemptionStatus:
    """Return the status `action` leads to from `status`, or raise InvalidTransition."""
    try:
        chosen = RedemptionAction(action)
    except ValueError:
        raise InvalidTransition(status, action, "unknown redemption action") from None
    step = REDEMPTION_STEPS[chosen]
    if RedemptionStatus(status) not in step.sources:
        raise InvalidTransition(status, chosen)
    return step.target


def available_actions(status: RedemptionStatus | str, party: Party) -> list[RedemptionAction]:
    """The actions `party` may take in `status`, in table order."""
    return [
        action
        for action, step in REDEMPTION_STEPS.items()
        if step.party is party and RedemptionStatus(status) in step.sources
    ]
