"""API: the review (复核) of an exit certificate's revocation — where it stands, and requesting it.

Twins of the case page's revocation card and the request form (`views.certificate_review`). The request
answers with the new dispute (`certificate_review` kind), handled through the dispute routes; its
If-Match / `expected_version` is the case's version, as for raising a dispute.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from sandbox.api import examples
from sandbox.api.cases.cases import expected_version as case_version
from sandbox.api.legal.disputes import dispute_response
from sandbox.api.legal.schemas import DisputePublic
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.i18n import translate
from sandbox.models.accounts import Role
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import reviews as certificate_reviews
from workflows.certificate_review import LAWSUIT_MONTHS, RECONSIDERATION_DAYS


class CertificateReviewCreate(BaseModel):
    """Ask the office to review the revocation; a legal partner of the chosen organisation hears it."""

    legal_partner_org_id: int = Field(description="The mediation centre, court liaison or law firm.")
    claim: str = Field(min_length=1, max_length=10000, description="Why the revocation should be reviewed.")
    remedy: str = Field(default="", max_length=5000)
    expected_version: int | None = Field(default=None, description="The case's version (or If-Match).")


class Remedies(BaseModel):
    reconsideration_days: int = Field(description="Administrative reconsideration (行政复议): days")
    lawsuit_months: int = Field(description="Administrative lawsuit (行政诉讼): months")


class CertificateReviewDocument(BaseModel):
    """The case's exit certificate as to a review: its revocation, the deadline, the review if requested."""

    case_id: int
    certificate_id: str | None
    certificate_number: str | None
    certificate_status: str | None = Field(description="active | suspended | revoked")
    revoked_at: datetime | None
    reason: str | None = Field(description="The reason given for the revocation")
    review_deadline: date | None = Field(description="The last day a review may be requested")
    review_days: int = Field(description="Calendar days after the revocation in which to request it")
    dispute_id: int | None = Field(description="The review requested for this revocation")
    can_request: bool = Field(description="Whether you may request a review now")
    refusal: str | None = Field(description="Why no review can be requested now")
    remedies: Remedies


@route("/cases/<int:case_id>/certificate-review", "GET", roles=(Role.APPLICANT, Role.REGULATOR),
       summary="The revocation of the case's exit certificate and its review (the enterprise, the office)",
       tags=("disputes",), responses={200: CertificateReviewDocument}, errors=(404,))  # fmt: skip
def get_certificate_review(case_id: int):
    session = get_session()
    state = certificate_reviews.get_review_state(session, actor=actor(), case_id=case_id)
    cert, revocation = state.certificate, state.revocation
    return respond(
        CertificateReviewDocument(
            case_id=case_id,
            certificate_id=cert.id if cert else None,
            certificate_number=cert.number if cert else None,
            certificate_status=cert.status.value if cert else None,
            revoked_at=revocation.at if revocation else None,
            reason=revocation.reason if revocation else None,
            review_deadline=state.deadline,
            review_days=settings_of(session).review_days,
            dispute_id=state.review.id if state.review else None,
            can_request=state.can_request,
            refusal=translate(state.refusal) if state.refusal else None,
            remedies=Remedies(reconsideration_days=RECONSIDERATION_DAYS, lawsuit_months=LAWSUIT_MONTHS),
        )
    )


@route("/cases/<int:case_id>/certificate-review", "POST", roles=(Role.APPLICANT,),
       summary="Request a review of the revocation of the case's exit certificate (its enterprise)",
       tags=("disputes",), body=CertificateReviewCreate, responses={201: DisputePublic},
       errors=(404, 409, 422), examples={"review": examples.CERTIFICATE_REVIEW})  # fmt: skip
def request_certificate_review(case_id: int):
    session, body = get_session(), json_body()
    version = case_version(body)
    dispute = certificate_reviews.request_review(
        session, actor=actor(), case_id=case_id, expected_version=version,
        data={key: body.get(key) for key in ("legal_partner_org_id", "claim", "remedy")},
    )  # fmt: skip
    session.commit()
    return dispute_response(dispute, 201)
