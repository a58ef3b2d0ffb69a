"""The mediation agreement page of a contract dispute: the mediator records the agreed terms, each party
confirms them with one button, and the parties and the mediator download the agreement as a PDF.

Routes are added to `disputes.bp`. The service decides who may see the agreement (the two parties and
the mediation organisation; 403 for a regulator, 404 for anyone else); a refused form shows the page again
with the reasons beside the fields and what was typed kept.
"""

from __future__ import annotations

import io
from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from sqlmodel import Session, col, select

from sandbox.db import get_session
from sandbox.errors import Conflict, ValidationFailed
from sandbox.labels.legal import FINAL_OUTCOME_LABELS
from sandbox.models.accounts import Organisation, Role, User
from sandbox.security import roles_required, signed_in_user
from sandbox.services.legal import agreements
from sandbox.services.legal.disputes import DEFAULT_COURT
from sandbox.validators import whole_number_or_none
from sandbox.views.legal.dispute_page import refusal
from sandbox.views.legal.disputes import bp

AGREEMENT_ROLES = (Role.APPLICANT, Role.SERVICE_PROVIDER, Role.LEGAL_PARTNER, Role.REGULATOR)


def _names(session: Session, ids: list[int | None]) -> dict[int, str]:
    wanted = [user_id for user_id in ids if user_id is not None]
    rows = session.exec(select(User).where(col(User.id).in_(wanted))).all() if wanted else []
    return {user.id: user.display_name for user in rows}  # type: ignore[misc]


def render_agreement_page(
    session: Session,
    user: User,
    dispute_id: int,
    *,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    view = agreements.get_agreement(session, actor=user, dispute_id=dispute_id)
    agreement = view.agreement
    confirmed = bool(agreement and (agreement.enterprise_confirmed_at or agreement.counterparty_confirmed_at))
    context = {
        "view": view,
        "dispute": view.dispute,
        "case": view.case,
        "agreement": agreement,
        "parties": agreements.party_names(session, view),
        "organisation": session.get(Organisation, view.dispute.organisation_id),
        "names": _names(
            session,
            [
                agreement.mediator_id,
                agreement.enterprise_confirmed_by_id,
                agreement.counterparty_confirmed_by_id,
            ]
            if agreement
            else [],
        ),
        "ready": agreements.is_ready(agreement),
        "can_record": view.side == agreements.MEDIATOR
        and view.dispute.outcome in agreements.AGREED_OUTCOMES
        and not confirmed,
        "outcome_label": FINAL_OUTCOME_LABELS.get(view.dispute.outcome or "", ""),
        "court": DEFAULT_COURT,
        "errors": errors or {},
        "values": values or {},
    }
    return render_template("disputes/agreement.html", **context), status


@bp.get("/disputes/<int:dispute_id>/agreement")
@roles_required(*AGREEMENT_ROLES)
def agreement_detail(dispute_id: int):
    return render_agreement_page(get_session(), signed_in_user(), dispute_id)


def _refused(dispute_id: int, error: Exception):
    session = get_session()
    session.rollback()
    errors, status = refusal(error)
    return render_agreement_page(
        session, signed_in_user(), dispute_id, errors=errors, values=request.form.to_dict(), status=status
    )


@bp.post("/disputes/<int:dispute_id>/agreement")
@roles_required(*AGREEMENT_ROLES)
def record_agreement(dispute_id: int):
    session = get_session()
    data = {"items": request.form.get("items", ""), "terms": request.form.get("terms", "")}
    try:
        agreements.record_terms(
            session, actor=signed_in_user(), dispute_id=dispute_id, data=data,
            expected_version=whole_number_or_none(request.form.get("expected_version", "")),
        )  # fmt: skip
    except (ValidationFailed, Conflict) as error:
        return _refused(dispute_id, error)
    session.commit()
    flash(gettext("The agreement's terms were recorded; both parties have been asked to confirm."), "success")
    return redirect(url_for("disputes.agreement_detail", dispute_id=dispute_id))


@bp.post("/disputes/<int:dispute_id>/agreement/confirm")
@roles_required(*AGREEMENT_ROLES)
def confirm_agreement(dispute_id: int):
    session = get_session()
    try:
        agreements.confirm(session, actor=signed_in_user(), dispute_id=dispute_id)
    except Conflict as error:
        return _refused(dispute_id, error)
    session.commit()
    flash(gettext("You confirmed the mediation agreement."), "success")
    return redirect(url_for("disputes.agreement_detail", dispute_id=dispute_id))


@bp.get("/disputes/<int:dispute_id>/agreement.pdf")
@roles_required(*AGREEMENT_ROLES)
def agreement_pdf(dispute_id: int):
    filename, data = agreements.agreement_pdf(get_session(), actor=signed_in_user(), dispute_id=dispute_id)
    response = send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=filename
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
