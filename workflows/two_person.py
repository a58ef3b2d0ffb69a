"""Two-person rules: who may not take a decision because of what they did on the case before.

Owns the office's policy as a value (`TwoPersonPolicy`: which earlier roles bar an exit approver) and
the pure checks the guards use: `approver_reasons` for `approve_exit` (the approver is not the evaluator,
never was the case's officer, never scored its exit evaluation and, when the office says so, did not
accept its filing) and `second_person_reasons` for decisions proposed by one regulator and confirmed by
another. The checks read sets of user ids collected from the case's history, so reassigning the case
opens no way around them, and they fail closed: a set the policy needs but the caller did not give is a
refusal. Imports the standard library only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from .errors import Reason
from .reasons import reason


@dataclass(frozen=True)
class TwoPersonPolicy:
    """Which earlier roles on a case bar a regulator from approving its exit (the office's data)."""

    # Anyone who was ever the case officer, not only the current one.
    bar_former_officers: bool = True
    # Anyone who ever scored an exit evaluation of the case, not only the latest evaluator.
    bar_evaluators: bool = True
    # The regulator who accepted the filing.
    bar_filing_acceptor: bool = False


DEFAULT_POLICY = TwoPersonPolicy()

# Refusals that mean "not you", whatever the data: the sandbox answers them with 403, not 422.
TWO_PERSON_CODES = frozenset(
    {"four_eyes", "four_eyes_officer", "former_officer", "former_evaluator", "filing_acceptor", "same_person"}
)


def approver_reasons(
    approver_id: Any,
    *,
    evaluator_id: Any,
    case_officer_id: Any,
    officer_ids: Collection[Any] | None,
    evaluator_ids: Collection[Any] | None,
    filing_acceptor_ids: Collection[Any] | None,
    policy: TwoPersonPolicy | None,
) -> list[Reason]:
    """Return why `approver_id` may not approve the exit (empty: independent of the case)."""
    policy = policy if isinstance(policy, TwoPersonPolicy) else DEFAULT_POLICY
    needed = {
        "officer_ids": (policy.bar_former_officers, officer_ids),
        "evaluator_ids": (policy.bar_evaluators, evaluator_ids),
        "filing_acceptor_ids": (policy.bar_filing_acceptor, filing_acceptor_ids),
    }
    missing = [reason("required", name) for name, (used, ids) in needed.items() if used and ids is None]
    if missing or approver_id is None:
        return missing
    if evaluator_id is not None and evaluator_id == approver_id:
        return [reason("four_eyes", "approver_id")]
    if case_officer_id is not None and case_officer_id == approver_id:
        return [reason("four_eyes_officer", "approver_id")]
    checks = (
        (policy.bar_former_officers, officer_ids, "former_officer"),
        (policy.bar_evaluators, evaluator_ids, "former_evaluator"),
        (policy.bar_filing_acceptor, filing_acceptor_ids, "filing_acceptor"),
    )
    barred = [code for used, ids, code in checks if used and ids and approver_id in ids]
    return [reason(barred[0], "approver_id")] if barred else []


def second_person_reasons(proposer_id: Any, confirmer_id: Any) -> list[Reason]:
    """Require a proposal by someone, confirmed by someone else."""
    if proposer_id is None:
        return [reason("proposal_required", "proposer_id")]
    if confirmer_id is None:
        return [reason("required", "approver_id")]
    if proposer_id == confirmer_id:
        return [reason("same_person", "approver_id")]
    return []
