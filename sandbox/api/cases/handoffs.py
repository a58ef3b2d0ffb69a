"""API: hand-offs between people on a case — the testing lab's verification conclusion, and sending the
exit decision to a second regulator for review (提交复核). The twins of the case page's forms."""

from __future__ import annotations

from datetime import datetime

from flask import request
from pydantic import BaseModel

from sandbox.api.cases.cases import expected_version
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, ValidationFailed
from sandbox.models.accounts import Role
from sandbox.models.cases import VerificationConclusion, VerificationResult
from sandbox.services.cases import exit_review, verification
from sandbox.uploads import request_file, uploads_folder
from sandbox.validators import whole_number_or_none


class ConclusionPublic(BaseModel):
    id: int
    case_id: int
    result: VerificationResult
    findings: list[str]
    summary: str
    document_id: int
    submitted_by_id: int
    submitted_at: datetime


class ExitReviewRequest(BaseModel):
    reviewer_id: int | None = None  # None: the office's rule picks
    note: str = ""
    expected_version: int | None = None


class ExitReviewPublic(BaseModel):
    case_id: int
    reviewer_id: int
    reviewer_name: str


def _public(row: VerificationConclusion) -> ConclusionPublic:
    return ConclusionPublic.model_validate(row, from_attributes=True)


@route("/cases/<int:case_id>/verification-conclusions", "POST", roles=(Role.ASSESSOR,),
       summary="Submit the testing lab's verification conclusion (multipart: result, findings — one per "
               "line, summary, file, expected_version); the case officer is notified",
       tags=("cases",), responses={201: ConclusionPublic}, errors=(403, 404, 409, 413, 422))  # fmt: skip
def submit_conclusion(case_id: int):
    session = get_session()
    filename, content = request_file(session)
    conclusion = verification.submit_conclusion(
        session, actor=actor(), case_id=case_id,
        data={key: request.form.get(key, "") for key in ("result", "findings", "summary")},
        filename=filename, content=content, storage=uploads_folder(),
        expected_version=whole_number_or_none(request.form.get("expected_version", "")),
    )  # fmt: skip
    session.commit()
    return respond(_public(conclusion), 201)


@route("/cases/<int:case_id>/verification-conclusions", "GET",
       summary="The testing lab's verification conclusions on the case, oldest first (the last decides)",
       tags=("cases",), responses={200: list[ConclusionPublic]}, errors=(404,))  # fmt: skip
def list_conclusions(case_id: int):
    rows = verification.list_conclusions(get_session(), actor=actor(), case_id=case_id)
    return [_public(row).model_dump(mode="json") for row in rows]


@route("/cases/<int:case_id>/exit-review", "POST", roles=(Role.REGULATOR,),
       summary="Send a passed exit evaluation to a second regulator for approval (提交复核); without "
               "reviewer_id the office's rule picks the independent regulator with the fewest reviews "
               "waiting",
       tags=("cases",), body=ExitReviewRequest, responses={200: ExitReviewPublic},
       errors=(403, 404, 409, 422))  # fmt: skip
def send_for_review(case_id: int):
    session = get_session()
    body = json_body()
    reviewer_id = body.get("reviewer_id")
    if reviewer_id is not None and (isinstance(reviewer_id, bool) or not isinstance(reviewer_id, int)):
        raise ValidationFailed.single("reviewer_id", N_("Enter a whole number."))
    reviewer = exit_review.submit_for_review(
        session, actor=actor(), case_id=case_id, reviewer_id=reviewer_id,
        note=str(body.get("note") or ""), expected_version=expected_version(body),
    )  # fmt: skip
    session.commit()
    return respond(
        ExitReviewPublic(case_id=case_id, reviewer_id=reviewer.id or 0, reviewer_name=reviewer.display_name)
    )
