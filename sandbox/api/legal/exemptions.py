"""API: liability-exemption requests — apply, the legal opinion (issue 7). The decision is proposed by
one regulator and confirmed by another (`sandbox.api.decisions.proposals`).

A granted decision is a signed credential served like a certificate (`/api/v1/certificates/{id}`).
"""

from __future__ import annotations

from typing import Any

from flask import request
from sqlmodel import Session

from sandbox.api import examples
from sandbox.api.cases.cases import expected_version as case_version
from sandbox.api.legal import schemas
from sandbox.api.legal.disputes import ERRORS, PAGING, PENDING, _paging, _tagged, _texts, _version
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, ValidationFailed
from sandbox.models.accounts import Organisation
from sandbox.models.cases import Case, TrialReport
from sandbox.models.disputes import ExemptionRequest
from sandbox.services.cases.cases import get_case
from sandbox.services.legal import exemptions

# --- liability exemption --------------------------------------------------------------------------


def _exemption_out(session: Session, request_row: ExemptionRequest, case: Case) -> schemas.ExemptionPublic:
    incident = session.get(TrialReport, request_row.incident_id)
    organisation = session.get(Organisation, request_row.organisation_id)
    assert incident is not None and organisation is not None
    return schemas.exemption_public(request_row, case, incident=incident, organisation=organisation)


def _exemption_response(request_row: ExemptionRequest, status: int = 200) -> Any:
    session = get_session()
    found, case = exemptions.get_request(session, actor=actor(), request_id=request_row.id)  # type: ignore[arg-type]
    response = respond(_exemption_out(session, found, case), status)
    if status == 201:
        response.headers["Location"] = f"/api/v1/exemptions/{found.id}"
    return _tagged(response, found.version)


@route("/cases/<int:case_id>/exemptions", "POST",
       summary="Apply for a trial-and-error liability exemption for an incident (applicants)",
       tags=("exemptions",), body=schemas.ExemptionCreate, responses={201: schemas.ExemptionPublic},
       errors=ERRORS, examples={"incident": examples.EXEMPTION_CREATE})  # fmt: skip
def apply_exemption(case_id: int):
    session, body = get_session(), json_body()
    _texts(body, "note", visible=lambda: get_case(session, actor=actor(), case_id=case_id))
    version = case_version(body)
    data = {key: value for key, value in body.items() if key != "expected_version"}
    found = exemptions.apply(
        session, actor=actor(), case_id=case_id, data=data, expected_version=version,
    )  # fmt: skip
    session.commit()
    return _exemption_response(found, 201)


@route("/exemptions", "GET", summary="The exemption requests you may see, newest first (paginated)",
       tags=("exemptions",), responses={200: schemas.ExemptionList}, errors=(422,),
       parameters=PENDING + PAGING)  # fmt: skip
def list_exemptions():
    session, raw = get_session(), request.args.get("pending", "").lower()
    if raw not in ("", "true", "false"):
        raise ValidationFailed.single("pending", N_("Choose yes or no."))
    page, per_page = _paging()
    found = exemptions.list_requests(
        session, actor=actor(), pending={"true": True, "false": False}.get(raw), page=page, per_page=per_page
    )
    items = [_exemption_out(session, row, case) for row, case in found.rows]
    return respond(schemas.ExemptionList(items=items, total=found.total, page=page, per_page=per_page))


@route("/exemptions/<int:request_id>", "GET", summary="One exemption request with its record and decision",
       tags=("exemptions",), responses={200: schemas.ExemptionPublic}, errors=(404,))  # fmt: skip
def get_exemption(request_id: int):
    session = get_session()
    found, case = exemptions.get_request(session, actor=actor(), request_id=request_id)
    return _tagged(respond(_exemption_out(session, found, case)), found.version)


@route("/exemptions/<int:request_id>/opinion", "POST", summary="Give the legal opinion (legal partners)",
       tags=("exemptions",), body=schemas.ExemptionOpinionRequest, responses={200: schemas.ExemptionPublic},
       errors=ERRORS)  # fmt: skip
def give_exemption_opinion(request_id: int):
    session, body = get_session(), json_body()
    data: dict[str, Any] = {key: body[key] for key in ("opinion", "recommendation") if key in body}
    found = exemptions.give_opinion(
        session, actor=actor(), request_id=request_id, data=data, expected_version=_version(body)
    )
    session.commit()
    return _exemption_response(found)
