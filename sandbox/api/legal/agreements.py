"""API: the mediation agreement (调解协议书) of a contract dispute — reading it, the mediator recording its
terms, each party confirming it, and the agreement as a PDF. The twin of the agreement page.

`sandbox.services.legal.agreements` decides who may see and do what: the two parties and the mediation
organisation see it, a regulator gets 403, anyone else 404.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from flask import send_file
from pydantic import BaseModel, Field
from sqlmodel import Session

from sandbox.api.legal.disputes import _version
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.models.disputes import MediationAgreement
from sandbox.services.legal import agreements
from sandbox.services.legal.agreements import AgreementInput

ERRORS = (404, 409, 422)


class AgreementRecord(AgreementInput):
    """The agreed items (a list, or one text with one item per line) and further terms."""

    expected_version: int | None = Field(default=None, description="The agreement version you saw.")


class Confirmation(BaseModel):
    confirmed_by_id: int | None
    confirmed_at: datetime | None


class AgreementPublic(BaseModel):
    dispute_id: int
    outcome: str | None
    enterprise: str
    counterparty: str
    recorded: bool = Field(description="False until the mediator records the terms.")
    items: list[str]
    terms: str
    mediator_id: int | None
    recorded_at: datetime | None
    enterprise_confirmation: Confirmation
    counterparty_confirmation: Confirmation
    ready_for_judicial_confirmation: bool = Field(description="Both parties confirmed.")
    your_side: str = Field(description="`enterprise`, `counterparty` or `mediator`.")
    version: int | None
    pdf: str


def _out(session: Session, view: agreements.AgreementView) -> AgreementPublic:
    agreement: MediationAgreement | None = view.agreement
    names = agreements.party_names(session, view)
    dispute_id = view.dispute.id
    assert dispute_id is not None
    return AgreementPublic(
        dispute_id=dispute_id,
        outcome=view.dispute.outcome,
        enterprise=names[agreements.ENTERPRISE],
        counterparty=names[agreements.COUNTERPARTY],
        recorded=agreement is not None,
        items=list(agreement.items) if agreement else [],
        terms=agreement.terms if agreement else "",
        mediator_id=agreement.mediator_id if agreement else None,
        recorded_at=agreement.recorded_at if agreement else None,
        enterprise_confirmation=Confirmation(
            confirmed_by_id=agreement.enterprise_confirmed_by_id if agreement else None,
            confirmed_at=agreement.enterprise_confirmed_at if agreement else None,
        ),
        counterparty_confirmation=Confirmation(
            confirmed_by_id=agreement.counterparty_confirmed_by_id if agreement else None,
            confirmed_at=agreement.counterparty_confirmed_at if agreement else None,
        ),
        ready_for_judicial_confirmation=agreements.is_ready(agreement),
        your_side=view.side,
        version=agreement.version if agreement else None,
        pdf=f"/api/v1/disputes/{dispute_id}/agreement/pdf",
    )


@route("/disputes/<int:dispute_id>/agreement", "GET",
       summary="The mediation agreement of a contract dispute, with both parties' confirmations",
       tags=("disputes",), responses={200: AgreementPublic}, errors=(404,))  # fmt: skip
def get_agreement(dispute_id: int):
    session = get_session()
    return respond(_out(session, agreements.get_agreement(session, actor=actor(), dispute_id=dispute_id)))


@route("/disputes/<int:dispute_id>/agreement", "PUT",
       summary="Record the agreed terms (the mediator; until a party has confirmed)", tags=("disputes",),
       body=AgreementRecord, responses={200: AgreementPublic}, errors=ERRORS)  # fmt: skip
def record_agreement(dispute_id: int):
    session, body, user = get_session(), json_body(), actor()
    data: dict[str, Any] = {key: body[key] for key in ("items", "terms") if key in body}
    agreements.record_terms(
        session, actor=user, dispute_id=dispute_id, data=data, expected_version=_version(body)
    )
    session.commit()
    return respond(_out(session, agreements.get_agreement(session, actor=user, dispute_id=dispute_id)))


@route("/disputes/<int:dispute_id>/agreement/confirmations", "POST",
       summary="Confirm the agreement for your side (idempotent)", tags=("disputes",),
       responses={200: AgreementPublic}, errors=(404, 409))  # fmt: skip
def confirm_agreement(dispute_id: int):
    session, user = get_session(), actor()
    agreements.confirm(session, actor=user, dispute_id=dispute_id)
    session.commit()
    return respond(_out(session, agreements.get_agreement(session, actor=user, dispute_id=dispute_id)))


@route("/disputes/<int:dispute_id>/agreement/pdf", "GET", summary="The mediation agreement as a PDF",
       tags=("disputes",), responses={200: None}, errors=(404, 409),
       media_types=("application/pdf",))  # fmt: skip
def agreement_pdf(dispute_id: int):
    name, data = agreements.agreement_pdf(get_session(), actor=actor(), dispute_id=dispute_id)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)
