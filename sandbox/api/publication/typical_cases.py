"""API: typical cases (典型标杆案例). Public: the published cases (only what may be shown) and the PDF
collection of a sector and year. Signed in: regulators propose, revise, publish and withdraw; the
enterprise's applicants approve or decline one version of the text. Applicants of another enterprise get
404, other roles 403; a stale version or a step out of order gets 409.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request

from sandbox.api.legal.disputes import PAGING, _paging, _query, _version
from sandbox.api.publication import typical_case_schemas as schemas
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, ValidationFailed
from sandbox.models.publication import TypicalCase, TypicalCaseStatus
from sandbox.services.common.settings import settings_of
from sandbox.services.publication import typical_cases, typical_public
from sandbox.validators import read_year
from workflows.sectors import default_sector_packs

ERRORS = (404, 409, 422)
PUBLIC_FILTERS = (
    _query("sector", {"type": "string", "enum": sorted(default_sector_packs())}, "Only this sector."),
    _query("year", {"type": "integer"}, "Only the cases published in this year (Beijing time)."),
    _query("q", {"type": "string"}, "Search the published text (never the hidden facts)."),
)
RECORD_FILTERS = (
    _query("status", {"type": "string", "enum": [s.value for s in TypicalCaseStatus]}, "Only this status."),
    _query("q", {"type": "string"}, "Search the title, project title and filing number."),
)


def _base() -> str:
    return settings_of(get_session()).trust.base


def _public_filters() -> tuple[str | None, int | None, str]:
    sector, year = request.args.get("sector") or None, request.args.get("year", "")
    if sector is not None and sector not in default_sector_packs():
        raise ValidationFailed.single("sector", N_("Choose one of the listed options."))
    number = read_year(year) if year else None
    if year and number is None:
        raise ValidationFailed.single("year", N_("Enter a year such as 2026."))
    return sector, number, request.args.get("q", "").strip()[:100]


@route("/typical-cases", "GET", auth=False, summary="Published typical cases, newest first (paginated)",
       tags=("typical cases",), responses={200: schemas.TypicalCaseList}, errors=(422,),
       parameters=PUBLIC_FILTERS + PAGING)  # fmt: skip
def list_typical_cases():
    sector, year, query = _public_filters()
    page, per_page = _paging()
    found = typical_public.list_published(get_session(), sector=sector, year=year, query=query, page=page,
                                          per_page=per_page, base_url=_base())  # fmt: skip
    return respond(schemas.TypicalCaseList(items=found.rows, total=found.total, page=page, per_page=per_page))


@route("/typical-cases/<int:typical_id>", "GET", auth=False, summary="One published typical case",
       tags=("typical cases",), responses={200: typical_public.TypicalCasePublic}, errors=(404,))  # fmt: skip
def get_typical_case(typical_id: int):
    view = typical_public.get_published(get_session(), typical_id, base_url=_base())
    return respond(view)


@route("/typical-cases/collections/<sector>/<year:year>", "GET", auth=False,
       summary="The PDF collection of a sector's typical cases published in a year",
       tags=("typical cases",), responses={200: None}, errors=(404,))  # fmt: skip
def typical_case_collection(sector: str, year: int):
    pdf = typical_public.collection_pdf(get_session(), sector=sector, year=year)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="typical-cases-{sector}-{year}.pdf"'
    return response


# --- the office and the enterprise ----------------------------------------------------------------


def _record_response(tc: TypicalCase, status: int = 200) -> Any:
    session = get_session()
    found, case = typical_cases.get_record(session, actor=actor(), typical_id=tc.id)  # type: ignore[arg-type]
    preview = typical_public.public_view(session, found, case, base_url=_base())
    response = respond(schemas.record_out(found, case, preview), status)
    response.headers["ETag"] = f'"{found.version}"'
    if status == 201:
        response.headers["Location"] = f"/api/v1/typical-case-proposals/{found.id}"
    return response


@route("/typical-case-proposals", "GET",
       summary="The typical cases you may work on (regulators: all; applicants: your enterprise's)",
       tags=("typical cases",), responses={200: schemas.TypicalCaseRecordList}, errors=(422,),
       parameters=RECORD_FILTERS + PAGING)  # fmt: skip
def list_typical_case_proposals():
    session, status = get_session(), request.args.get("status") or None
    if status is not None and status not in {s.value for s in TypicalCaseStatus}:
        raise ValidationFailed.single("status", N_("Choose one of the listed options."))
    page, per_page = _paging()
    found = typical_cases.list_records(session, actor=actor(), status=status, query=request.args.get("q", ""),
                                       page=page, per_page=per_page)  # fmt: skip
    items = [
        schemas.record_out(tc, case, typical_public.public_view(session, tc, case, base_url=_base()))
        for tc, case in found.rows
    ]
    return respond(
        schemas.TypicalCaseRecordList(items=items, total=found.total, page=page, per_page=per_page)
    )


@route("/typical-case-proposals/<int:typical_id>", "GET",
       summary="One typical case with its status, version, history and public preview",
       tags=("typical cases",), responses={200: schemas.TypicalCaseRecord}, errors=(404,))  # fmt: skip
def get_typical_case_proposal(typical_id: int):
    found, _ = typical_cases.get_record(get_session(), actor=actor(), typical_id=typical_id)
    return _record_response(found)


@route("/cases/<int:case_id>/typical-case-proposal", "POST",
       summary="Propose an exited case as a typical case (regulators); the enterprise is asked to approve",
       tags=("typical cases",), body=schemas.TypicalCaseCreate, responses={201: schemas.TypicalCaseRecord},
       errors=ERRORS)  # fmt: skip
def propose_typical_case(case_id: int):
    session, body = get_session(), json_body()
    created = typical_cases.propose(session, actor=actor(), case_id=case_id, data=body)
    session.commit()
    return _record_response(created, 201)


@route("/typical-case-proposals/<int:typical_id>", "PUT",
       summary="Revise the text and what it hides (regulators); it goes back to the enterprise",
       tags=("typical cases",), body=schemas.TypicalCaseUpdate, responses={200: schemas.TypicalCaseRecord},
       errors=ERRORS)  # fmt: skip
def revise_typical_case(typical_id: int):
    session, body = get_session(), json_body()
    data = {key: value for key, value in body.items() if key != "expected_version"}
    found = typical_cases.revise(session, actor=actor(), typical_id=typical_id, data=data,
                                 expected_version=_version(body))  # fmt: skip
    session.commit()
    return _record_response(found)


@route("/typical-case-proposals/<int:typical_id>/decision", "POST",
       summary="Approve or decline one version of the text (the enterprise's applicants)",
       tags=("typical cases",), body=schemas.TypicalCaseDecisionRequest,
       responses={200: schemas.TypicalCaseRecord}, errors=ERRORS)  # fmt: skip
def decide_typical_case(typical_id: int):
    session, body = get_session(), json_body()
    data: dict[str, Any] = {key: body[key] for key in ("decision", "note") if key in body}
    found = typical_cases.decide(session, actor=actor(), typical_id=typical_id, data=data,
                                 expected_version=_version(body))  # fmt: skip
    session.commit()
    return _record_response(found)


@route("/typical-case-proposals/<int:typical_id>/publication", "POST",
       summary="Publish a typical case the enterprise approved (regulators)", tags=("typical cases",),
       body=schemas.TypicalCasePublishRequest, responses={200: schemas.TypicalCaseRecord},
       errors=ERRORS)  # fmt: skip
def publish_typical_case(typical_id: int):
    session, body = get_session(), json_body()
    found = typical_cases.publish(
        session, actor=actor(), typical_id=typical_id, expected_version=_version(body)
    )
    session.commit()
    return _record_response(found)


@route("/typical-case-proposals/<int:typical_id>/withdrawal", "POST",
       summary="Withdraw a typical case from publication, or drop a proposal (regulators)",
       tags=("typical cases",), body=schemas.TypicalCaseWithdrawRequest,
       responses={200: schemas.TypicalCaseRecord}, errors=ERRORS)  # fmt: skip
def withdraw_typical_case(typical_id: int):
    session, body = get_session(), json_body()
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise ValidationFailed.single("reason", N_("Enter text."))
    found = typical_cases.withdraw(session, actor=actor(), typical_id=typical_id, reason=reason or "",
                                   expected_version=_version(body))  # fmt: skip
    session.commit()
    return _record_response(found)
