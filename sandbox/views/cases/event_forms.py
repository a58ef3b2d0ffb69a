"""The form behind each workflow event on the case page: which fields it asks for, and reading them.

A field spec names the key the event's data uses (see `workflows.guards`), how it is entered and
whether it is required here (the guard has the last word). Destructive events need a ticked
confirmation box; the page has no script, so confirmation is part of the form itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from workflows.sectors import ParamType, SectorPack
from workflows.states import Event


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # text | textarea | date | lines | select | fields | checklist | boundaries | risk_level
    label: Any
    required: bool = False
    options: str | None = None  # the name of a choice list the view supplies (e.g. "legal_orgs")


NOTE = FieldSpec("note", "textarea", _l("Reason or remarks"))
NOTE_REQUIRED = FieldSpec("note", "textarea", _l("Reason"), required=True)

EVENT_FIELDS: dict[Event, tuple[FieldSpec, ...]] = {
    Event.SUBMIT: (NOTE,),
    Event.REQUEST_AMENDMENT: (
        NOTE_REQUIRED,
        FieldSpec("fields", "fields", _l("Fields to amend"), options="plan_fields"),
    ),
    Event.RESUBMIT: (NOTE,),
    Event.ACCEPT_FILING: (NOTE,),
    Event.REJECT: (NOTE_REQUIRED,),
    Event.COMPLETE_RISK_ASSESSMENT: (
        FieldSpec("answers", "checklist", _l("Risk checklist"), required=True),
        FieldSpec("risk_level", "risk_level", _l("Risk level"), required=True),
        FieldSpec("risk_level_reason", "textarea", _l("Reason for raising the risk level")),
        FieldSpec("conditions", "lines", _l("Conditions (one per line)")),
        FieldSpec("trial_boundaries", "boundaries", _l("Trial boundaries"), required=True),
        NOTE,
    ),
    Event.PASS_VERIFICATION: (
        FieldSpec("trial_start", "date", _l("Trial start"), required=True),
        FieldSpec("trial_end", "date", _l("Trial end"), required=True),
        NOTE,
    ),
    Event.EXTEND_TRIAL: (FieldSpec("new_end", "date", _l("New end date"), required=True), NOTE_REQUIRED),
    Event.SUSPEND: (
        NOTE_REQUIRED,
        FieldSpec("mitigation_order", "textarea", _l("Mitigation order"), required=True),
    ),
    Event.RESUME: (NOTE_REQUIRED,),
    Event.REQUEST_EXIT: (NOTE,),
    Event.RETURN_TO_TESTING: (NOTE_REQUIRED,),
    Event.APPROVE_EXIT: (NOTE,),
    Event.FAIL_EXIT: (NOTE_REQUIRED,),
    Event.TERMINATE: (
        NOTE_REQUIRED,
        FieldSpec("wind_down_order", "textarea", _l("Wind-down order"), required=True),
    ),
    Event.WITHDRAW: (NOTE,),
    Event.RAISE_DISPUTE: (
        FieldSpec("legal_partner_org_id", "select", _l("Legal partner"), required=True, options="legal_orgs"),
        FieldSpec("claim", "textarea", _l("Claim and requested remedy"), required=True),
        NOTE,
    ),
    Event.RESOLVE_DISPUTE: (
        FieldSpec("outcome", "select", _l("Outcome"), required=True, options="outcomes"),
        NOTE,
    ),
    Event.APPLY_EXEMPTION: (
        FieldSpec("incident_id", "select", _l("Incident"), required=True, options="incidents"),
        FieldSpec(
            "good_faith_explanation", "textarea", _l("How the plan and guidance were followed"), required=True
        ),
        FieldSpec("legal_partner_org_id", "select", _l("Legal partner"), required=True, options="legal_orgs"),
        NOTE,
    ),
    Event.DECIDE_EXEMPTION: (
        FieldSpec("decision", "select", _l("Decision"), required=True, options="decisions"),
        NOTE,
    ),
}

# Events that end or set back a case: the form asks for an explicit confirmation.
CONFIRM_EVENTS = frozenset({Event.REJECT, Event.FAIL_EXIT, Event.TERMINATE, Event.WITHDRAW})
# Events shown as the primary (not the cautionary) button.
PRIMARY_EVENTS = frozenset(
    {
        Event.SUBMIT,
        Event.RESUBMIT,
        Event.ACCEPT_FILING,
        Event.COMPLETE_RISK_ASSESSMENT,
        Event.PASS_VERIFICATION,
        Event.REQUEST_EXIT,
        Event.APPROVE_EXIT,
        Event.RESUME,
        Event.DECIDE_EXEMPTION,
        Event.RESOLVE_DISPUTE,
    }
)


def read_event_form(event: Event, form: MultiDict[str, str], pack: SectorPack) -> tuple[str, dict[str, Any]]:
    """Return (note, data) from a posted event form, typed as the guards expect."""
    data: dict[str, Any] = {}
    note = ""
    for spec in EVENT_FIELDS.get(event, ()):
        if spec.name == "note":
            note = form.get("note", "").strip()
        elif spec.kind == "checklist":
            data["answers"] = {
                item.id: form[f"answers.{item.id}"]
                for item in pack.risk_items
                if form.get(f"answers.{item.id}")
            }
        elif spec.kind == "boundaries":
            data[spec.name] = read_boundaries(form, pack, prefix=spec.name)
        elif spec.kind == "lines":
            data[spec.name] = [line.strip() for line in form.get(spec.name, "").splitlines() if line.strip()]
        elif spec.kind == "fields":
            data[spec.name] = form.getlist(spec.name)
        elif form.get(spec.name, "").strip():
            data[spec.name] = form[spec.name].strip()
    return note, data


def read_boundaries(form: MultiDict[str, str], pack: SectorPack, *, prefix: str) -> dict[str, Any]:
    """Read a sector pack's boundary fields: whole numbers, yes/no, choices and text."""
    values: dict[str, Any] = {}
    for param in pack.boundaries:
        raw = form.get(f"{prefix}.{param.id}", "").strip()
        if param.type is ParamType.BOOL:
            if raw in ("yes", "no"):
                values[param.id] = raw == "yes"
        elif param.type is ParamType.INT:
            if raw:
                values[param.id] = (
                    int(raw) if raw.lstrip("-").isascii() and raw.lstrip("-").isdigit() else raw
                )  # the guard names a bad value
        elif raw:
            values[param.id] = raw
    return values
