"""API: 办件进度查询 (public, rate-limited per address) and the acceptance receipt of a case.

The twin of the `/progress` page and the case page's receipt link: the same service, the same single
answer for a wrong number or a wrong code.
"""

from __future__ import annotations

from datetime import date

from flask import Response
from pydantic import BaseModel

from sandbox.api.publication.registry_schemas import LocalisedText
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, NotFound, ValidationFailed
from sandbox.extensions import limiter, progress_limited, progress_rate_limit
from sandbox.services.cases import cases, progress
from workflows.states import CaseState, state_label


class ProgressQuery(BaseModel):
    filing_number: str
    query_code: str


class QueryCodeDocument(BaseModel):
    filing_number: str
    query_code: str  # shown this once; only its hash is kept


class StageDocument(BaseModel):
    state: CaseState
    label: LocalisedText
    reached_on: date


class ProgressDocument(BaseModel):
    filing_number: str
    title: str
    state: CaseState
    state_label: LocalisedText
    stages: list[StageDocument]
    stage_due: date | None


def _label(state: CaseState) -> LocalisedText:
    return LocalisedText(zh=state_label(state, "zh"), en=state_label(state, "en"))


@route("/progress", "POST", auth=False,
       summary="A filing's progress for its filing number and query code (public, limited per address)",
       tags=("cases",), body=ProgressQuery, responses={200: ProgressDocument},
       errors=(404, 422, 429))  # fmt: skip
@limiter.limit(progress_rate_limit, error_message=progress_limited)
def check_progress():
    body = json_body()
    number, code = body.get("filing_number"), body.get("query_code")
    if not isinstance(number, str) or not number.strip():
        raise ValidationFailed.single("filing_number", N_("Type the filing number, e.g. YZSB-2026-0013."))
    if not isinstance(code, str) or not code.strip():
        raise ValidationFailed.single(
            "query_code", N_("Type the query code printed on the acceptance receipt.")
        )
    found = progress.find_progress(get_session(), filing_number=number, query_code=code)
    if found is None:
        raise NotFound(N_("No case matches this filing number and query code. Check both and try again."))
    return respond(ProgressDocument(
        filing_number=found.filing_number, title=found.title, state=found.state,
        state_label=_label(found.state),
        stages=[StageDocument(state=s.state, label=_label(s.state), reached_on=s.on) for s in found.stages],
        stage_due=found.stage_due,
    ))  # fmt: skip


@route("/cases/<int:case_id>/receipt", "GET",
       summary="The acceptance receipt (PDF) of an accepted filing", tags=("cases",),
       responses={200: None}, errors=(404,))  # fmt: skip
def case_receipt(case_id: int):
    case, pdf = progress.receipt_pdf(get_session(), actor=actor(), case_id=case_id)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="receipt-{case.filing_number}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@route("/cases/<int:case_id>/query-code", "POST",
       summary="A new query code for an accepted filing (its applicants); the old one stops working",
       tags=("cases",), responses={201: QueryCodeDocument}, errors=(403, 404))  # fmt: skip
def reissue_query_code(case_id: int):
    session = get_session()
    code = progress.reissue_progress_code(session, actor=actor(), case_id=case_id)
    case = cases.get_case(session, actor=actor(), case_id=case_id)
    session.commit()
    response = respond(QueryCodeDocument(filing_number=case.filing_number or "", query_code=code), 201)
    response.headers["Cache-Control"] = "no-store"
    return response
