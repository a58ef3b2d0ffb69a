"""The case event table: one entry per event of the case workflow, saying all the application knows of it.

The pure part stays in `workflows`: the transition (`workflows.cases.TRANSITIONS`) and the guard
(`workflows.guards.GUARDS`, which `workflows.fire` runs); an entry here refers to that guard and adds:
- `roles`: who may fire the event (deny by default; data conditions such as four eyes are guards);
- `inputs`: what its guard reads beyond `inputs.common_inputs`, from the database and the request, and
  the input refused before firing (`inputs.py`);
- `carry_out`: what it writes besides its history row and what it sets off — the certificate and then
  the voucher on `approve_exit` — returning the row's payload (`records.py`);
- `fields`, `confirm`, `primary`: its form on the case page, as plain data; labels are msgids (`N_`)
  the view translates, so nothing here imports Flask.
Adding an event: a member of `workflows.states.Event`, its transition (and guard) in `workflows`, one
entry here. tests/sandbox/services/case_events/test_event_table.py fails while they disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.errors import N_
from sandbox.models.accounts import Role
from sandbox.policies import Actor, CaseLike, can_act_on_case
from sandbox.services.case_events import inputs, records
from sandbox.services.case_events.inputs import EventInput, common_inputs, no_inputs
from sandbox.services.case_events.records import Accepted, nothing
from workflows.cases import available_events
from workflows.errors import Reason
from workflows.guards import GUARDS, guard_keys
from workflows.states import CaseState, Event


@dataclass(frozen=True)
class FieldSpec:
    """One field of an event's form: the data key it fills (see `workflows.guards`) and how it is entered.

    `required` marks the field on the form; the guard has the last word. `options` names a choice list
    the view supplies (e.g. "legal_orgs").
    """

    name: str
    kind: str  # text | textarea | date | lines | select | fields | checklist | boundaries | risk_level
    label: str  # a msgid
    required: bool = False
    options: str | None = None


NOTE = FieldSpec("note", "textarea", N_("Reason or remarks"))
NOTE_REQUIRED = FieldSpec("note", "textarea", N_("Reason"), required=True)
LEGAL_PARTNER = FieldSpec(
    "legal_partner_org_id", "select", N_("Legal partner"), required=True, options="legal_orgs"
)


@dataclass(frozen=True)
class EventEntry:
    """Everything about one case event beside its transition and guard (see the module docstring)."""

    event: Event
    roles: frozenset[Role]
    fields: tuple[FieldSpec, ...] = (NOTE,)
    inputs: Callable[[EventInput], dict[str, Any]] = no_inputs
    carry_out: Callable[[Accepted], dict[str, Any]] = nothing
    confirm: bool = False  # ends or sets back the case: the form asks for an explicit confirmation
    primary: bool = False  # the step the stage is waiting for: shown as the primary button

    @property
    def guard(self) -> Callable[..., list[Reason]] | None:
        """The workflow's guard of the event (None: unguarded)."""
        return GUARDS.get(self.event)

    @property
    def guard_keys(self) -> tuple[str, ...]:
        """The ctx keys the guard reads."""
        return guard_keys(self.event)


APPLICANT = frozenset({Role.APPLICANT})
REGULATOR = frozenset({Role.REGULATOR})


def _table(*entries: EventEntry) -> dict[Event, EventEntry]:
    table = {entry.event: entry for entry in entries}
    if len(table) != len(entries):
        raise ValueError("an event has more than one entry in the case event table")
    return table


EVENTS: dict[Event, EventEntry] = _table(
    EventEntry(
        Event.SUBMIT,
        APPLICANT,
        inputs=inputs.plan_inputs,
        carry_out=records.freeze_plan_version,
        primary=True,
    ),
    EventEntry(
        Event.REQUEST_AMENDMENT,
        REGULATOR,
        carry_out=records.name_fields_to_amend,
        fields=(NOTE_REQUIRED, FieldSpec("fields", "fields", N_("Fields to amend"), options="plan_fields")),
    ),
    EventEntry(
        Event.RESUBMIT,
        APPLICANT,
        inputs=inputs.plan_inputs,
        carry_out=records.freeze_plan_version,
        primary=True,
    ),
    EventEntry(
        Event.ACCEPT_FILING,
        REGULATOR,
        inputs=inputs.acceptance_inputs,
        carry_out=records.assign_filing_number,
        fields=(
            FieldSpec("assessor_org_id", "select", N_("Testing laboratory"), required=True, options="labs"),
            NOTE,
        ),
        primary=True,
    ),
    EventEntry(Event.REJECT, REGULATOR, fields=(NOTE_REQUIRED,), confirm=True),
    EventEntry(
        Event.COMPLETE_RISK_ASSESSMENT,
        REGULATOR,
        inputs=inputs.risk_assessment_inputs,
        carry_out=records.set_risk_assessment,
        fields=(
            FieldSpec("answers", "checklist", N_("Risk checklist"), required=True),
            FieldSpec("risk_level", "risk_level", N_("Risk level"), required=True),
            FieldSpec("risk_level_reason", "textarea", N_("Reason for raising the risk level")),
            FieldSpec("conditions", "lines", N_("Conditions (one per line)")),
            FieldSpec("trial_boundaries", "boundaries", N_("Trial boundaries"), required=True),
            NOTE,
        ),
        primary=True,
    ),
    EventEntry(
        Event.PASS_VERIFICATION,
        REGULATOR,
        inputs=inputs.verification_inputs,
        carry_out=records.set_trial_period,
        fields=(
            FieldSpec("trial_start", "date", N_("Trial start"), required=True),
            FieldSpec("trial_end", "date", N_("Trial end"), required=True),
            NOTE,
        ),
        primary=True,
    ),
    EventEntry(
        Event.EXTEND_TRIAL,
        REGULATOR,
        inputs=inputs.extension_inputs,
        carry_out=records.extend_trial_end,
        fields=(FieldSpec("new_end", "date", N_("New end date"), required=True), NOTE_REQUIRED),
    ),
    EventEntry(
        Event.SUSPEND,
        REGULATOR,
        inputs=inputs.mitigation_inputs,
        carry_out=records.keep_mitigation_order,
        fields=(
            NOTE_REQUIRED,
            FieldSpec("mitigation_order", "textarea", N_("Mitigation order"), required=True),
        ),
    ),
    EventEntry(Event.RESUME, REGULATOR, fields=(NOTE_REQUIRED,), primary=True),
    # A regulator asks for exit only after the trial's end date (a guard in `workflows`).
    EventEntry(Event.REQUEST_EXIT, APPLICANT | REGULATOR, inputs=inputs.exit_request_inputs, primary=True),
    EventEntry(Event.RETURN_TO_TESTING, REGULATOR, fields=(NOTE_REQUIRED,)),
    EventEntry(
        Event.APPROVE_EXIT,
        REGULATOR,
        inputs=inputs.exit_approval_inputs,
        carry_out=records.issue_exit_certificate_and_voucher,
        primary=True,
    ),
    EventEntry(Event.FAIL_EXIT, REGULATOR, fields=(NOTE_REQUIRED,), confirm=True),
    EventEntry(
        Event.TERMINATE,
        REGULATOR,
        inputs=inputs.wind_down_inputs,
        carry_out=records.keep_wind_down_order,
        fields=(
            NOTE_REQUIRED,
            FieldSpec("wind_down_order", "textarea", N_("Wind-down order"), required=True),
        ),
        confirm=True,
    ),
    EventEntry(Event.WITHDRAW, APPLICANT, confirm=True),
    EventEntry(
        Event.RAISE_DISPUTE,
        APPLICANT | REGULATOR,
        inputs=inputs.dispute_inputs,
        carry_out=records.open_dispute,
        fields=(
            LEGAL_PARTNER,
            FieldSpec("claim", "textarea", N_("Claim and requested remedy"), required=True),
            NOTE,
        ),
    ),
    EventEntry(
        Event.RESOLVE_DISPUTE,
        # An applicant resolves only by withdrawing its own dispute (a guard in `workflows`).
        frozenset({Role.LEGAL_PARTNER, Role.REGULATOR, Role.APPLICANT}),
        inputs=inputs.dispute_outcome_inputs,
        carry_out=records.record_dispute_outcome,
        fields=(FieldSpec("outcome", "select", N_("Outcome"), required=True, options="outcomes"), NOTE),
        primary=True,
    ),
    EventEntry(
        Event.APPLY_EXEMPTION,
        APPLICANT,
        inputs=inputs.exemption_request_inputs,
        carry_out=records.open_exemption_request,
        fields=(
            FieldSpec("incident_id", "select", N_("Incident"), required=True, options="incidents"),
            FieldSpec(
                "good_faith_explanation",
                "textarea",
                N_("How the plan and guidance were followed"),
                required=True,
            ),
            LEGAL_PARTNER,
            NOTE,
        ),
    ),
    EventEntry(
        Event.DECIDE_EXEMPTION,
        REGULATOR,
        inputs=inputs.exemption_decision_inputs,
        carry_out=records.record_exemption_decision,
        fields=(FieldSpec("decision", "select", N_("Decision"), required=True, options="decisions"), NOTE),
        primary=True,
    ),
)


def event_names() -> list[str]:
    """The names of the case events, as the API accepts them."""
    return [event.value for event in EVENTS]


def can_fire(actor: Actor | None, case: CaseLike, event: Event) -> bool:
    """Return whether `actor` may fire `event` on `case` (its state and data are checked when firing)."""
    return can_act_on_case(actor, case, EVENTS[event].roles)


def allowed_events(actor: Actor | None, case: CaseLike) -> list[Event]:
    """List the events `actor` may fire on `case` now: allowed in its state, by the actor's role, on a
    case the actor sees. Data guards are not applied (the form or the call names what is missing)."""
    return [event for event in available_events(CaseState(case.state)) if can_fire(actor, case, event)]


def guard_context(asked: EventInput, event: Event) -> dict[str, Any]:
    """Collect the plain values the event's guard reads; refuse (422) input no guard could judge."""
    return {**common_inputs(asked), **EVENTS[event].inputs(asked)}


def write_event_effects(event: Event, done: Accepted) -> dict[str, Any]:
    """Write what the accepted event changes besides its history row, set off what it sets off (the
    exit certificate and its voucher), and return the history row's payload."""
    return EVENTS[event].carry_out(done)
