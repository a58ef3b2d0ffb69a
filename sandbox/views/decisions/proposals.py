"""Pages for the second step of a two-person decision: confirm, decline or withdraw a proposal.

Each step opens a confirmation dialog first (declining asks for the reason); the step itself goes
through `services.proposals`, and the regulator returns to the certificate or exemption request the
proposal is about. A refused step shows the dialog again with the reason and the matching status (403 for
the proposer confirming their own proposal, 409 when it was settled meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from sandbox.db import get_session
from sandbox.errors import Conflict, PermissionDenied, SandboxError, ValidationFailed
from sandbox.i18n import translate
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.decisions import proposals
from sandbox.validators import whole_number_or_none
from sandbox.views.decisions.page import render_dialog, subject_url
from sandbox.views.forms import field_errors
from workflows.errors import GuardFailed, WorkflowError

bp = Blueprint("proposals", __name__, url_prefix="/proposals")
STEPS: dict[str, Callable[..., Any]] = {
    "confirm": proposals.confirm, "decline": proposals.decline, "withdraw": proposals.withdraw
}
DONE = {
    "confirm": _l("The proposal was confirmed and carried out."),
    "decline": _l("The proposal was declined; the proposer has been told."),
    "withdraw": _l("Your proposal was withdrawn."),
}


def _refusal(error: Exception) -> tuple[dict[str, list[str]], int]:
    if isinstance(error, GuardFailed):
        error = ValidationFailed.from_reasons(error.reasons)
    if isinstance(error, ValidationFailed):
        return field_errors(error), 422
    if isinstance(error, SandboxError):
        return {"__root__": [translate(error.message)]}, error.status
    return {"__root__": [gettext("This action is not possible in the case's current stage.")]}, 409


@bp.post("/<int:proposal_id>/<step>")
@roles_required(Role.REGULATOR)
def act(proposal_id: int, step: str):
    if step not in STEPS:
        abort(404)
    session, user = get_session(), signed_in_user()
    proposal = proposals.get_proposal(session, actor=user, proposal_id=proposal_id)
    note = request.form.get("note", "").strip()
    if request.form.get("confirm") != "yes":
        return render_dialog(session, proposal, step, note=note)
    try:
        STEPS[step](
            session, actor=user, proposal_id=proposal_id, note=note,
            expected_version=whole_number_or_none(request.form.get("expected_version", "")),
        )  # fmt: skip
    except (ValidationFailed, Conflict, PermissionDenied, WorkflowError) as error:
        session.rollback()
        errors, status = _refusal(error)
        proposal = proposals.get_proposal(session, actor=user, proposal_id=proposal_id)
        return render_dialog(session, proposal, step, note=note, errors=errors, status=status)
    session.commit()
    flash(str(DONE[step]), "success")
    return redirect(subject_url(proposal))
