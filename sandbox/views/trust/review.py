"""Requesting a review (复核) of an exit certificate's revocation, from the case page.

The route is added to `disputes.bp`: the request becomes a dispute of its own kind, shown on the
dispute pages. The page states the revocation, the reason, the deadline and the statutory remedies;
the form chooses the legal organisation and states the claim. A refusal re-renders the form with the
reasons beside its fields; a request that is no longer possible (not revoked, already requested, the
period over) is a 409.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from sandbox.db import get_session
from sandbox.errors import Conflict, ValidationFailed
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases import cases
from sandbox.services.trust import reviews as certificate_reviews
from sandbox.services.trust.reviews import ReviewState
from sandbox.validators import whole_number_or_none
from sandbox.views.legal.dispute_page import legal_organisations, refusal, typed
from sandbox.views.legal.disputes import bp
from workflows.errors import WorkflowError

FIELDS = ("legal_partner_org_id", "claim", "remedy")


def _state(case_id: int) -> ReviewState:
    return certificate_reviews.get_review_state(
        get_session(), actor=signed_in_user(), case_id=case_id,
    )  # fmt: skip


def _page(case_id: int, values: dict[str, Any], errors: dict[str, list[str]], status: int = 200):
    state = _state(case_id)
    if state.refusal is not None:
        raise Conflict(state.refusal.msgid, **state.refusal.params)
    page = render_template(
        "disputes/review_new.html",
        case=cases.get_case(get_session(), actor=signed_in_user(), case_id=case_id),
        review=state,
        organisations=legal_organisations(get_session()),
        values=values,
        errors=errors,
    )
    return page, status


@bp.route("/cases/<int:case_id>/certificate-review", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def request_review(case_id: int):
    if request.method == "GET":
        return _page(case_id, {}, {})
    session = get_session()
    values = {key: request.form.get(key, "").strip() for key in FIELDS}
    try:
        dispute = certificate_reviews.request_review(
            session, actor=signed_in_user(), case_id=case_id, data=typed(values),
            expected_version=whole_number_or_none(request.form.get("expected_version", "")),
        )  # fmt: skip
    except (ValidationFailed, Conflict, WorkflowError) as error:
        session.rollback()
        errors, status = refusal(error)
        return _page(case_id, values, errors, status)
    session.commit()
    flash(gettext("The review was requested; the legal partner and the sandbox office have been notified."),
          "success")  # fmt: skip
    return redirect(url_for("disputes.dispute_detail", dispute_id=dispute.id))
