"""API: sandbox projects — create, list, read, edit, fire events, history, available events."""

from __future__ import annotations

import re
from typing import Any

from flask import request

from sandbox.api import examples
from sandbox.api.cases.schemas import (
    AvailableEvent,
    AvailableEvents,
    CaseEventPublic,
    CaseList,
    EventRequest,
    EventResponse,
    History,
)
from sandbox.api.params import whole_number
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.downloads import xlsx_response
from sandbox.errors import N_, ValidationFailed
from sandbox.i18n import lang
from sandbox.models.accounts import User
from sandbox.models.cases import Case, CaseEvent
from sandbox.services.case_events import history
from sandbox.services.case_events.fire import apply_event
from sandbox.services.case_events.table import allowed_events
from sandbox.services.cases import cases
from sandbox.services.cases import export as case_export
from sandbox.services.cases.cases import CaseCreate, CaseFilter, CasePublic, CaseUpdate
from sandbox.services.common.spreadsheets import MEDIA_TYPE
from sandbox.services.common.validation import validate
from workflows.assessment import RiskLevel
from workflows.states import CaseState, event_label, history_label, is_record_only

CASE_ERRORS = (404, 409, 422)


def case_public(case: Case) -> CasePublic:
    return CasePublic.model_validate(case, from_attributes=True)


def event_public(row: CaseEvent) -> CaseEventPublic:
    """A history row with its label in both languages (assignments and two-person steps included)."""
    return CaseEventPublic.model_validate(row, from_attributes=True).model_copy(
        update={
            "label_zh": history_label(row.event, "zh"),
            "label_en": history_label(row.event, "en"),
            "record_only": is_record_only(row.event),
        }
    )


def with_etag(response: Any, case: Case) -> Any:
    response.headers["ETag"] = f'"{case.version}"'
    return response


def expected_version(body: dict[str, Any] | None = None) -> int | None:
    """Read the version the client saw: If-Match ("3" or W/"3") first, else `expected_version`."""
    header = request.headers.get("If-Match")
    if header:
        match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', header)
        if match is None:
            raise ValidationFailed.single("If-Match", N_('Send the case version as If-Match, e.g. "3".'))
        return int(match[1])
    value = (body or {}).get("expected_version")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationFailed.single("expected_version", N_("Enter a whole number."))
    return value


LIST_PARAMETERS = tuple(
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        (
            "state",
            {"type": "string", "enum": [state.value for state in CaseState]},
            "Only cases in this state.",
        ),
        ("sector", {"type": "string"}, "Only cases of this sector code."),
        ("risk_level", {"type": "string", "enum": [level.value for level in RiskLevel]}, "Only this risk."),
        ("overdue", {"type": "boolean"}, "Only overdue (true) or on-time (false) cases."),
        ("assignee", {"type": "string"}, "`me` or a regulator's user id: cases with that case officer."),
        ("q", {"type": "string"}, "Search title, filing number, enterprise name or USCC."),
        ("cursor", {"type": "integer"}, "The `next_cursor` of the previous page."),
        ("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "Page size (default 20)."),
    )
)


@route("/cases", "POST", summary="Start a draft sandbox project (applicants)", tags=("cases",),
       body=CaseCreate, responses={201: CasePublic}, errors=(422,),
       examples={"autonomous_driving": examples.CASE_CREATE},
       response_examples={201: examples.CASE | {"state": "draft", "version": 1}})  # fmt: skip
def create_case():
    session = get_session()
    case = cases.create_case(session, actor=actor(), data=json_body())
    session.commit()
    return with_etag(respond(case_public(case), 201), case)


@route("/cases", "GET", summary="List the cases you may see, newest first (keyset pagination)",
       tags=("cases",), responses={200: CaseList}, errors=(422,), parameters=LIST_PARAMETERS)  # fmt: skip
def list_cases():
    args, user = request.args, actor()
    filters = _filters(user, args)
    cursor = args.get("cursor", "")
    limit = args.get("limit", "20")
    rows, next_cursor = cases.list_cases(
        get_session(),
        actor=user,
        filters=filters,
        before_id=whole_number(cursor, "cursor") if cursor else None,
        limit=whole_number(limit, "limit", minimum=1, maximum=100),
    )
    return respond(CaseList(items=[case_public(case) for case in rows], next_cursor=next_cursor))


@route("/cases/export.xlsx", "GET", summary="The cases you may list that match the filters, as .xlsx",
       description="The filters of `GET /cases`, without pages; headers and labels follow Accept-Language.",
       tags=("cases",), responses={200: None}, errors=(422,), parameters=LIST_PARAMETERS[:-2],
       media_types=(MEDIA_TYPE,))  # fmt: skip
def export_cases():
    user = actor()
    data = case_export.case_list_workbook(
        get_session(), actor=user, filters=_filters(user, request.args), language=lang()
    )
    return xlsx_response(data, "sandbox-projects.xlsx")


def _filters(user: User, args: Any) -> CaseFilter:
    """Read the list's filters from the query string (refusing unknown states and risk levels)."""
    try:
        state = CaseState(args["state"]) if args.get("state") else None
    except ValueError:
        raise ValidationFailed.single("state", N_("Choose one of the listed options.")) from None
    try:
        risk_level = RiskLevel(args["risk_level"]) if args.get("risk_level") else None
    except ValueError:
        raise ValidationFailed.single("risk_level", N_("Choose one of the listed options.")) from None
    overdue = {"true": True, "false": False}.get(args.get("overdue", "").lower())
    assignee = args.get("assignee", "")
    return CaseFilter(
        state=state,
        sector=args.get("sector") or None,
        overdue=overdue,
        risk_level=risk_level,
        assignee_id=user.id if assignee == "me" else whole_number(assignee, "assignee") if assignee else None,
        query=args.get("q", ""),
    )


@route("/cases/<int:case_id>", "GET", summary="One case", tags=("cases",),
       responses={200: CasePublic}, errors=(404,), response_examples={200: examples.CASE})  # fmt: skip
def get_case(case_id: int):
    case = cases.get_case(get_session(), actor=actor(), case_id=case_id)
    return with_etag(respond(case_public(case)), case)


@route("/cases/<int:case_id>", "PATCH", summary="Edit the plan (applicants) or assign people (regulators)",
       tags=("cases",), body=CaseUpdate, responses={200: CasePublic}, errors=CASE_ERRORS,
       examples=examples.CASE_UPDATES)  # fmt: skip
def patch_case(case_id: int):
    session = get_session()
    body = json_body()
    version = expected_version(body)
    body.pop("expected_version", None)
    case = cases.update_case(session, actor=actor(), case_id=case_id, data=body, expected_version=version)
    session.commit()
    return with_etag(respond(case_public(case)), case)


@route("/cases/<int:case_id>/events", "POST", summary="Fire a workflow event on the case",
       tags=("cases",), body=EventRequest, responses={200: EventResponse}, errors=CASE_ERRORS,
       examples=examples.EVENTS, response_examples={200: examples.EVENT_RESPONSE})  # fmt: skip
def fire_event(case_id: int):
    session = get_session()
    body = json_body()
    request_data = validate(EventRequest, body)
    result = apply_event(
        session,
        actor=actor(),
        case_id=case_id,
        event=request_data.event,
        note=request_data.note,
        data=request_data.data,
        expected_version=expected_version(body),
    )
    session.commit()
    body_out = EventResponse(
        case=case_public(result.case),
        event=event_public(result.event),
    )
    return with_etag(respond(body_out), result.case)


@route("/cases/<int:case_id>/events", "GET", summary="The case's hash-chained history",
       tags=("cases",), responses={200: History}, errors=(404,))  # fmt: skip
def list_events(case_id: int):
    session = get_session()
    case = cases.get_case(session, actor=actor(), case_id=case_id)
    events = history.case_history(session, case_id)
    broken = history.verify_chain(case, events)
    return respond(
        History(
            intact=broken is None,
            broken_at_seq=broken.seq if broken else None,
            problem=broken.problem if broken else None,
            events=[event_public(event) for event in events],
        )
    )


@route("/cases/<int:case_id>/available-events", "GET", summary="The events you may fire on the case now",
       tags=("cases",), responses={200: AvailableEvents}, errors=(404,))  # fmt: skip
def case_available_events(case_id: int):
    user = actor()
    case = cases.get_case(get_session(), actor=user, case_id=case_id)
    events = [
        AvailableEvent(
            event=event.value, label_zh=event_label(event, "zh"), label_en=event_label(event, "en")
        )
        for event in allowed_events(user, case)
    ]
    return respond(AvailableEvents(state=case.state, version=case.version, events=events))
