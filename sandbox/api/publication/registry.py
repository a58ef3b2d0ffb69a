"""API: the enterprise's publication consent (per case) and the public registry (no token).

Registry entries are serialised from `services.registry` entries field by field: the optional facts
appear only when consented, and an unconsented key is left out of the JSON altogether.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request, url_for

from sandbox.api.params import MAX_PAGE
from sandbox.api.publication.registry_schemas import (
    BoundaryDocument,
    ConsentDocument,
    ConsentRecordDocument,
    ConsentUpdate,
    ExitDocument,
    LocalisedText,
    RegistryEntryDocument,
    RegistryList,
    TrialPeriodDocument,
)
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, ValidationFailed
from sandbox.models.publication import PUBLISHABLE_FIELDS
from sandbox.services.publication import consent as publication
from sandbox.services.publication import registry
from sandbox.services.publication.consent import ConsentState
from sandbox.services.publication.registry import BoundaryFact, RegistryEntry, TrialPeriod
from sandbox.validators import read_year, whole_number_or_none
from workflows.sectors import default_sector_packs
from workflows.states import CaseState, state_label


def consent_document(state: ConsentState) -> ConsentDocument:
    return ConsentDocument(
        case_id=state.case_id, fields=list(state.fields), changeable=state.changeable,
        can_change=state.can_change, publishable_fields=list(PUBLISHABLE_FIELDS),
        history=[ConsentRecordDocument(fields=list(r.fields), given_at=r.given_at, given_by_id=r.given_by_id,
                                       given_by_name=r.given_by_name) for r in state.history],
    )  # fmt: skip


@route("/cases/<int:case_id>/publication-consent", "GET",
       summary="The enterprise's consent to publish the project's facts in the registry, with its history",
       tags=("registry",), responses={200: ConsentDocument}, errors=(404,))  # fmt: skip
def get_publication_consent(case_id: int):
    return respond(consent_document(publication.consent_state(get_session(), actor=actor(), case_id=case_id)))


@route("/cases/<int:case_id>/publication-consent", "PUT",
       summary="Set the publication consent (the enterprise's applicants, until the filing is accepted)",
       tags=("registry",), body=ConsentUpdate, responses={200: ConsentDocument},
       errors=(404, 409, 422))  # fmt: skip
def put_publication_consent(case_id: int):
    session = get_session()
    fields = json_body().get("fields")
    state = publication.set_consent(session, actor=actor(), case_id=case_id, fields=fields)
    session.commit()
    return respond(consent_document(state))


def _localised(zh: str, en: str) -> LocalisedText:
    return LocalisedText(zh=zh, en=en)


def _published(name: str, value: Any) -> Any:
    if name == "trial_boundaries":
        return [
            BoundaryDocument(parameter=b.parameter, label=_localised(b.label_zh, b.label_en),
                             value=_localised(b.text_zh, b.text_en))
            for b in value if isinstance(b, BoundaryFact)
        ]  # fmt: skip
    if name == "trial_period" and isinstance(value, TrialPeriod):
        return TrialPeriodDocument(start=value.start, end=value.end, planned_months=value.planned_months)
    return value


def entry_json(entry: RegistryEntry) -> dict[str, Any]:
    """Serialise an entry; the consented facts only (unset keys are dropped, not nulled)."""
    pack = default_sector_packs().get(entry.sector)
    exit_document = None
    if entry.exit is not None:
        facts = entry.exit
        exit_document = ExitDocument(
            exited_on=facts.exited_on, certificate_status=facts.status.value,
            certificate_status_name=_localised(*registry.STATUS_NAMES[facts.status]),
        )  # fmt: skip
        if facts.certificate_id is not None:
            exit_document.certificate_id = facts.certificate_id
            exit_document.certificate_number = facts.certificate_number
            exit_document.verification_url = url_for(
                "verify.landing", cert_id=facts.certificate_id, _external=True
            )
        if facts.status_changed_on is not None:
            exit_document.status_changed_on = facts.status_changed_on
    document = RegistryEntryDocument(
        filing_number=entry.filing_number,
        sector=entry.sector,
        sector_name=_localised(pack.zh, pack.en) if pack else _localised(entry.sector, entry.sector),
        stage=entry.stage.value,
        stage_name=_localised(state_label(entry.stage, "zh"), state_label(entry.stage, "en")),
        filing_year=entry.filing_year,
        exit=exit_document,
        published_fields=list(entry.published),
        **{name: _published(name, value) for name, value in entry.published.items()},
    )
    return document.model_dump(mode="json", exclude_unset=True)


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    value = whole_number_or_none(raw, maximum=MAX_PAGE)
    if value is None or value < 1:
        raise ValidationFailed.single(name, N_("Enter a whole number."))
    return value


def _public(data: Any) -> Any:
    response = jsonify(data)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _filters() -> dict[str, Any]:
    """Read the list's filters; unlike the page, the API refuses values it does not know."""
    args = request.args
    sector, state, year = args.get("sector") or None, args.get("state") or None, args.get("year") or None
    if sector is not None and sector not in default_sector_packs():
        raise ValidationFailed.single("sector", N_("Choose one of the listed options."))
    if state is not None and state not in {s.value for s in registry.PUBLIC_STATES}:
        raise ValidationFailed.single("state", N_("Choose one of the listed options."))
    if year is not None and read_year(year) is None:
        raise ValidationFailed.single("year", N_("Enter a year such as 2026."))
    return {
        "sector": sector,
        "state": CaseState(state) if state else None,
        "year": int(year) if year else None,
        "query": args.get("q", "")[: registry.MAX_QUERY],
    }


LIST_PARAMETERS = tuple(
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("q", {"type": "string", "maxLength": 100}, "Search the published text and the filing number"),
        ("sector", {"type": "string"}, "Sector code"),
        ("state", {"type": "string", "enum": [s.value for s in registry.PUBLIC_STATES]}, "Current stage"),
        ("year", {"type": "integer"}, "Filing year"),
        ("page", {"type": "integer", "minimum": 1}, "Page number, from 1"),
        ("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Entries per page"),
    )
)


@route("/registry", "GET", auth=False,
       summary="The public registry of filed projects (paginated, searchable)", tags=("registry",),
       responses={200: RegistryList}, errors=(422,), parameters=LIST_PARAMETERS)  # fmt: skip
def list_registry():
    page = _int_arg("page", 1)
    per_page = min(_int_arg("per_page", current_app.config["PAGE_SIZE"]), 100)
    result = registry.registry_entries(get_session(), **_filters(), page=page, per_page=per_page)
    items = [entry_json(entry) for entry in result.entries]
    return _public({"items": items, "page": page, "per_page": per_page, "total": result.total})


@route("/registry/<filing_number>", "GET", auth=False, summary="One public registry entry",
       tags=("registry",), responses={200: RegistryEntryDocument}, errors=(404,))  # fmt: skip
def get_registry_entry(filing_number: str):
    return _public(entry_json(registry.registry_entry(get_session(), filing_number)))
