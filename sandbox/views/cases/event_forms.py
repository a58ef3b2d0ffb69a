"""The form behind each workflow event on the case page: its fields, translated, and reading them back.

Which fields an event asks for, whether it needs a ticked confirmation and whether it is the primary
step are entries of the case event table (`services.case_events.table`); this module only renders
them for the page (labels translated) and reads a posted form back into the event's data. Destructive
events need a ticked confirmation box; the page has no script, so confirmation is part of the form.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from werkzeug.datastructures import MultiDict

from sandbox.errors import Message
from sandbox.i18n import translate
from sandbox.services.case_events.table import EVENTS, FieldSpec
from workflows.sectors import ParamType, SectorPack
from workflows.states import Event

# Events that end or set back a case: the form asks for an explicit confirmation.
CONFIRM_EVENTS = frozenset(event for event, entry in EVENTS.items() if entry.confirm)
# Events shown as the primary (not the cautionary) button.
PRIMARY_EVENTS = frozenset(event for event, entry in EVENTS.items() if entry.primary)


def event_fields(events: list[Event]) -> dict[Event, tuple[FieldSpec, ...]]:
    """Return the form fields of `events`, their labels in the current language."""
    return {
        event: tuple(replace(spec, label=translate(Message(spec.label))) for spec in EVENTS[event].fields)
        for event in events
    }


def read_event_form(event: Event, form: MultiDict[str, str], pack: SectorPack) -> tuple[str, dict[str, Any]]:
    """Return (note, data) from a posted event form, typed as the guards expect."""
    data: dict[str, Any] = {}
    note = ""
    for spec in EVENTS[event].fields:
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
