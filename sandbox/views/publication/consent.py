"""The enterprise's publication consent on the case page and in the commitment step of the filing form.

The card (`registry/_consent.html`) gets its data from `publication_consent_panel(case)`, a template
global, so the case page's own view needs no change; its form posts here. The filing form's commitment
step carries the same checkboxes, saved with that step through `save_from_filing_form`.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from sandbox.db import get_session
from sandbox.errors import Conflict, ValidationFailed
from sandbox.i18n import translate
from sandbox.labels.publication import CONSENT_FIELD_LABELS
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.publication import PUBLISHABLE_FIELDS
from sandbox.security import roles_required, signed_in_user
from sandbox.services.publication import consent as publication
from sandbox.views.cases.cases import bp
from sandbox.views.cases.page import render_case_page
from sandbox.views.forms import field_errors

FORM_MARKER = "publication_consent"  # present when the form carried the checkboxes
FIELD_NAME = "publication_fields"


@bp.app_template_global()
def publication_consent_panel(case: Case) -> dict[str, Any]:
    """What the consent card and fieldset show for the signed-in user."""
    state = publication.consent_state(get_session(), actor=signed_in_user(), case_id=case.id)  # type: ignore[arg-type]
    return {
        "state": state,
        "latest": state.history[-1] if state.history else None,
        "choices": [(name, str(CONSENT_FIELD_LABELS[name])) for name in PUBLISHABLE_FIELDS],
        "labels": {name: str(label) for name, label in CONSENT_FIELD_LABELS.items()},
        "marker": FORM_MARKER,
        "field_name": FIELD_NAME,
    }


def save_from_filing_form(session: Session, *, actor: User, case_id: int, form: MultiDict[str, str]) -> None:
    """Save the consent ticked in the filing form's commitment step, if the step carried it."""
    if form.get(FORM_MARKER) == "1":
        publication.set_consent(session, actor=actor, case_id=case_id, fields=form.getlist(FIELD_NAME))


@bp.post("/<int:case_id>/publication-consent")
@roles_required(Role.APPLICANT)
def publication_consent(case_id: int):
    session, user = get_session(), signed_in_user()
    ticked = request.form.getlist(FIELD_NAME)
    try:
        publication.set_consent(session, actor=user, case_id=case_id, fields=ticked)
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        invalid = isinstance(error, ValidationFailed)
        errors = field_errors(error) if invalid else {"__root__": [translate(error.message)]}  # type: ignore[arg-type]
        return render_case_page(
            session, user, case_id, errors=errors, values={FIELD_NAME: ticked},
            open_form="publication-consent", status=422 if invalid else 409,
        )  # fmt: skip
    session.commit()
    flash(gettext("Publication consent saved."), "success")
    return redirect(url_for("cases.case_detail", case_id=case_id) + "#publication-consent")
