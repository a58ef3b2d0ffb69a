"""Case page forms that hand a case to the next person: the testing lab's verification conclusion, and
sending the exit decision to a second regulator for review (提交复核)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext

from sandbox.db import get_session
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases import exit_review, verification
from sandbox.uploads import request_file, uploads_folder
from sandbox.validators import whole_number_or_none
from sandbox.views.cases.actions import form_version, run_form
from sandbox.views.cases.cases import bp


@bp.post("/<int:case_id>/verification-conclusions")
@roles_required(Role.ASSESSOR)
def submit_conclusion(case_id: int):
    session = get_session()
    filename, content = request_file(session)
    data = {key: request.form.get(key, "") for key in ("result", "findings", "summary")}
    return run_form(
        case_id,
        "verification",
        lambda s: verification.submit_conclusion(
            s, actor=signed_in_user(), case_id=case_id, data=data, filename=filename, content=content,
            storage=uploads_folder(), expected_version=form_version(),
        ),  # fmt: skip
        gettext("The verification conclusion was submitted; the case officer has been told."),
        "verification",
    )


@bp.post("/<int:case_id>/exit-review")
@roles_required(Role.REGULATOR)
def send_for_review(case_id: int):
    reviewer_id = whole_number_or_none(request.form.get("reviewer_id", ""))
    return run_form(
        case_id,
        "exit-review",
        lambda s: exit_review.submit_for_review(
            s, actor=signed_in_user(), case_id=case_id, reviewer_id=reviewer_id,
            note=request.form.get("note", ""), expected_version=form_version(),
        ),  # fmt: skip
        lambda reviewer: gettext(
            "Sent to %(name)s for review; they have been told.", name=reviewer.display_name
        ),
        "actions",
    )
