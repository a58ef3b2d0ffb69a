"""Guards: the data conditions an event needs beyond being allowed in the current state.

Owns the registry `GUARDS` (event → guard), the simple guards (a reason, an order, a dispute or an
exemption), and `check_guard(event, ctx)`, which `fire` calls before anything changes. Each guard is a
pure function over plain keyword values (the ctx given to `workflows.fire`) returning the bilingual
`Reason`s for refusing (empty: allowed) and documents the keys it reads; keys a guard does not read are
ignored, missing keys are refusals. The review-stage guards live in `workflows.review_guards`.
`GUARDS` is the pure column of the application's case event table, whose entries add who may fire each
event, where its guard's keys come from, what it records and its form. Imports the standard library only.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from .errors import Reason
from .guard_checks import need_text, on_file, one_of
from .reasons import reason
from .review_guards import (
    guard_approve_exit,
    guard_complete_risk_assessment,
    guard_extend_trial,
    guard_pass_verification,
    guard_request_exit,
    guard_submit,
)
from .states import Event
from .two_person import second_person_reasons

# A dispute about an office decision is decided: the decision is upheld or overturned. A contract dispute
# (the firm and its counter-party) is mediated: settled, partially settled or not settled; it overturns
# nothing. "withdrawn": the party that raised either kind withdrew it; like "upheld", the case goes back.
DECISION_OUTCOMES = ("upheld", "overturned")
CONTRACT_OUTCOMES = ("settled", "partially_settled", "not_settled")
WITHDRAWN = "withdrawn"
DISPUTE_OUTCOMES = (*DECISION_OUTCOMES, *CONTRACT_OUTCOMES, WITHDRAWN)
CONTRACT_KIND = "contract"
EXEMPTION_DECISIONS = ("granted", "partly_granted", "denied")


def guard_note(*, note: str | None = None) -> list[Reason]:
    """Require a reason. ctx: `note` — non-empty text (request_amendment, reject, resume, …)."""
    return need_text("note", note)


def guard_accept_filing(*, testing_lab_id: Any = None) -> list[Reason]:
    """Require the testing lab that will verify the project, chosen when the filing is accepted.

    ctx: `testing_lab_id` — the testing laboratory's organisation id (the one chosen now, or already
    assigned).
    """
    return [] if testing_lab_id not in (None, "") else [reason("required", "testing_lab_id")]


def guard_suspend(*, note: str | None = None, mitigation_order: str | None = None) -> list[Reason]:
    """Require a reason and a mitigation order. ctx: `note`, `mitigation_order` — non-empty text."""
    return need_text("note", note) + need_text("mitigation_order", mitigation_order)


def guard_terminate(*, note: str | None = None, wind_down_order: str | None = None) -> list[Reason]:
    """Require a reason and a wind-down order. ctx: `note`, `wind_down_order` — non-empty text."""
    return need_text("note", note) + need_text("wind_down_order", wind_down_order)


def guard_raise_dispute(*, legal_partner_org_id: Any = None, claim: str | None = None) -> list[Reason]:
    """Require the assigned legal-partner organisation and the claim. ctx: `legal_partner_org_id`, `claim`."""
    missing = [] if legal_partner_org_id not in (None, "") else [reason("required", "legal_partner_org_id")]
    return missing + need_text("claim", claim)


def dispute_outcomes(kind: str | None) -> tuple[str, ...]:
    """The outcomes that fit a dispute of `kind` (a contract dispute is mediated, others decided)."""
    return (*(CONTRACT_OUTCOMES if kind == CONTRACT_KIND else DECISION_OUTCOMES), WITHDRAWN)


def guard_resolve_dispute(
    *, outcome: str | None = None, actor_role: str | None = None, dispute_kind: str | None = None
) -> list[Reason]:
    """Require an outcome that fits the dispute's kind; an applicant may only withdraw.

    ctx: `outcome` — for a decision dispute "upheld" (decision stands) or "overturned", for a contract
    dispute "settled", "partially_settled" or "not_settled"; "withdrawn" for either; `actor_role`;
    `dispute_kind` — the pending dispute's kind (None: no dispute record, decision outcomes apply).
    """
    if actor_role == "applicant" and outcome not in (None, "", WITHDRAWN):
        return [reason("applicant_withdraws_only", "outcome")]
    fitting = dispute_outcomes(dispute_kind)
    if outcome in DISPUTE_OUTCOMES and outcome not in fitting:
        code = "contract_outcome_only" if dispute_kind == CONTRACT_KIND else "decision_outcome_only"
        return [reason(code, "outcome", value=outcome, choices=fitting)]
    return one_of("outcome", outcome, fitting)


def guard_apply_exemption(
    *, incident_id: Any = None, good_faith_explanation: str | None = None
) -> list[Reason]:
    """Require the incident and the good-faith explanation. ctx: `incident_id`, `good_faith_explanation`."""
    missing = [] if incident_id not in (None, "") else [reason("required", "incident_id")]
    return missing + need_text("good_faith_explanation", good_faith_explanation)


def guard_decide_exemption(
    *,
    legal_opinion_on_file: bool | None = None,
    decision: str | None = None,
    proposer_id: Any = None,
    approver_id: Any = None,
) -> list[Reason]:
    """Require the legal partner's opinion and a decision proposed by one regulator, confirmed by another.

    ctx: `legal_opinion_on_file` — True when on file; `decision` — "granted", "partly_granted" or
    "denied"; `proposer_id` — who proposed the decision (None: nobody has); `approver_id` — who confirms
    it now, the actor of `decide_exemption` (two-person rule: not the proposer).
    """
    return exemption_decision_reasons(
        legal_opinion_on_file=legal_opinion_on_file, decision=decision
    ) + second_person_reasons(proposer_id, approver_id)


def exemption_decision_reasons(*, legal_opinion_on_file: bool | None, decision: str | None) -> list[Reason]:
    """What a decision needs whoever takes it: the opinion on file and a known decision (checked when
    proposing too, so that a proposal nobody could confirm is refused at once)."""
    return on_file("legal_opinion_on_file", legal_opinion_on_file) + one_of(
        "decision", decision, EXEMPTION_DECISIONS
    )


GUARDS: dict[Event, Callable[..., list[Reason]]] = {
    Event.SUBMIT: guard_submit,
    # An amended filing is checked like the first one: the amendment may have emptied a required field.
    Event.RESUBMIT: guard_submit,
    Event.REQUEST_AMENDMENT: guard_note,
    Event.ACCEPT_FILING: guard_accept_filing,
    Event.REJECT: guard_note,
    Event.COMPLETE_RISK_ASSESSMENT: guard_complete_risk_assessment,
    Event.PASS_VERIFICATION: guard_pass_verification,
    Event.EXTEND_TRIAL: guard_extend_trial,
    Event.SUSPEND: guard_suspend,
    Event.RESUME: guard_note,
    Event.REQUEST_EXIT: guard_request_exit,
    Event.RETURN_TO_TESTING: guard_note,
    Event.APPROVE_EXIT: guard_approve_exit,
    Event.FAIL_EXIT: guard_note,
    Event.TERMINATE: guard_terminate,
    Event.RAISE_DISPUTE: guard_raise_dispute,
    Event.RESOLVE_DISPUTE: guard_resolve_dispute,
    Event.APPLY_EXEMPTION: guard_apply_exemption,
    Event.DECIDE_EXEMPTION: guard_decide_exemption,
}


def guard_keys(event: Event) -> tuple[str, ...]:
    """Return the ctx keys the guard of `event` reads (empty for unguarded events)."""
    guard = GUARDS.get(Event(event))
    return tuple(inspect.signature(guard).parameters) if guard else ()


def check_guard(event: Event | str, ctx: Mapping[str, Any]) -> list[Reason]:
    """Return why `event` is refused for `ctx` (empty: allowed); keys the guard does not read are ignored."""
    event = Event(event)
    guard = GUARDS.get(event)
    if guard is None:
        return []
    return guard(**{key: ctx[key] for key in guard_keys(event) if key in ctx})
