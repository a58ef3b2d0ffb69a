"""Typical cases, the office's workspace: regulators propose an exited case, revise its text and what it
hides, publish and withdraw it; the enterprise's applicants review the exact text and approve or decline.

Every page shows the public preview built by `typical_public.public_view`, the same projection the public
pages and the PDF use, so what is approved is exactly what is published. Routes live on `typical.bp`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from sandbox.db import get_session
from sandbox.errors import N_, Conflict, ValidationFailed
from sandbox.labels.enterprise_size import size_name
from sandbox.labels.publication import TYPICAL_HISTORY_LABELS, TYPICAL_LABELS, TYPICAL_STATUS_LABELS
from sandbox.models.accounts import Role, User
from sandbox.models.publication import TypicalCaseStatus
from sandbox.security import roles_required, signed_in_user
from sandbox.services.accounts import size_declarations
from sandbox.services.cases import cases
from sandbox.services.publication import typical_cases, typical_public
from sandbox.services.publication.typical_redaction import IMPLIED, REDACTABLE_FIELDS, TEXT_FIELDS
from sandbox.services.trust.certificates import certificate_for_case
from sandbox.validators import whole_number_or_none
from sandbox.views.forms import Pagination, page_number
from sandbox.views.legal.dispute_page import people, refusal
from sandbox.views.publication.typical_cases import bp

WORKSPACE_ROLES = (Role.REGULATOR, Role.APPLICANT)
TABS = {"": None, **{status.value: status for status in TypicalCaseStatus}}


def _version() -> int | None:
    raw = request.form.get("expected_version", "")
    return whole_number_or_none(raw)


def _text_values() -> dict[str, Any]:
    values: dict[str, Any] = {name: request.form.get(name, "") for name in TEXT_FIELDS}
    values["redacted_fields"] = [name for name in request.form.getlist("redacted_fields") if name]
    return values


def _confirmed() -> None:
    if request.form.get("confirm") != "yes":
        raise ValidationFailed.single("confirm", N_("Tick the box to confirm this step."))


@bp.get("/typical-cases/workspace")
@roles_required(*WORKSPACE_ROLES)
def workspace():
    status = request.args.get("status", "")
    status = status if status in TABS else ""
    query = request.args.get("q", "").strip()
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    result = typical_cases.list_records(
        get_session(),
        actor=signed_in_user(),
        status=status or None,
        query=query,
        page=page,
        per_page=per_page,
    )
    # Typical cases by enterprise size: how far the published lessons come from 中小微企业.
    sizes = size_declarations.latest_sizes(
        get_session(), enterprise_ids={case.enterprise_id for _, case in result.rows}
    )
    by_size = Counter(sizes.get(case.enterprise_id, "") for _, case in result.rows)
    return render_template(
        "typical/workspace.html", rows=result.rows, status=status, query=query, labels=TYPICAL_LABELS,
        sizes=sizes, by_size=by_size, size_name=size_name,
        tabs={key: TYPICAL_STATUS_LABELS[value] if value else gettext("All") for key, value in TABS.items()},
        pagination=Pagination(page, per_page, result.total),
    )  # fmt: skip


def _propose_page(case_id: int, values: dict[str, Any], errors: dict[str, list[str]], status: int = 200):
    session = get_session()
    case = cases.get_case(session, actor=signed_in_user(), case_id=case_id)
    page = render_template(
        "typical/propose.html", case=case, values=values, errors=errors, labels=TYPICAL_LABELS,
        redactable=REDACTABLE_FIELDS, implied=IMPLIED, cert=certificate_for_case(session, case_id),
    )  # fmt: skip
    return page, status


@bp.route("/cases/<int:case_id>/typical-case", methods=["GET", "POST"])
@roles_required(Role.REGULATOR)
def propose(case_id: int):
    session, actor = get_session(), signed_in_user()
    existing = typical_cases.record_for_case(session, actor=actor, case_id=case_id)
    if existing is not None:
        return redirect(url_for("typical.record", typical_id=existing.id))
    if request.method == "GET":
        return _propose_page(
            case_id, typical_cases.draft_from_case(session, actor=actor, case_id=case_id), {}
        )
    values = _text_values()
    try:
        created = typical_cases.propose(session, actor=actor, case_id=case_id, data=values)
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        errors, status = refusal(error)
        return _propose_page(case_id, values, errors, status)
    session.commit()
    flash(
        gettext("The typical case was proposed; the enterprise has been asked to approve the text."),
        "success",
    )
    return redirect(url_for("typical.record", typical_id=created.id))


def render_record(
    user: User, typical_id: int, *, errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None, open_form: str | None = None, status: int = 200,
) -> tuple[str, int]:  # fmt: skip
    """The typical case's page: the regulator's editing desk or the enterprise's review."""
    session = get_session()
    tc, case = typical_cases.get_record(session, actor=user, typical_id=typical_id)
    history = [entry | {"at": datetime.fromisoformat(entry["at"])} for entry in tc.extra.get("history", [])]
    context = {
        "tc": tc,
        "case": case,
        "preview": typical_public.public_view(session, tc, case),
        "cert": certificate_for_case(session, case.id),  # type: ignore[arg-type]
        "history": history,
        "people": people(session, {entry.get("by") for entry in history}),
        "labels": TYPICAL_LABELS,
        "redactable": REDACTABLE_FIELDS,
        "implied": IMPLIED,
        "values": {name: getattr(tc, name) for name in (*TEXT_FIELDS, "redacted_fields")} | (values or {}),
        "errors": errors or {},
        "open_form": open_form,
        "S": TypicalCaseStatus,
        "history_label": lambda action: str(TYPICAL_HISTORY_LABELS.get(action, action)),
    }
    return render_template("typical/record.html", **context), status


def _refused(typical_id: int, form: str, error: Exception, values: dict[str, Any] | None = None):
    get_session().rollback()
    errors, status = refusal(error)
    return render_record(signed_in_user(), typical_id, errors=errors, values=values, open_form=form,
                         status=status)  # fmt: skip


@bp.get("/typical-cases/workspace/<int:typical_id>")
@roles_required(*WORKSPACE_ROLES)
def record(typical_id: int):
    return render_record(signed_in_user(), typical_id)


@bp.post("/typical-cases/workspace/<int:typical_id>/edit")
@roles_required(Role.REGULATOR)
def revise(typical_id: int):
    session, values = get_session(), _text_values()
    try:
        typical_cases.revise(session, actor=signed_in_user(), typical_id=typical_id, data=values,
                             expected_version=_version())  # fmt: skip
    except (ValidationFailed, Conflict) as error:
        return _refused(typical_id, "edit", error, values)
    session.commit()
    flash(gettext("The text was saved and sent to the enterprise for its approval."), "success")
    return redirect(url_for("typical.record", typical_id=typical_id))


@bp.post("/typical-cases/workspace/<int:typical_id>/decision")
@roles_required(Role.APPLICANT)
def decide(typical_id: int):
    session = get_session()
    data = {key: request.form.get(key, "").strip() for key in ("decision", "note")}
    try:
        decided = typical_cases.decide(session, actor=signed_in_user(), typical_id=typical_id, data=data,
                                       expected_version=_version())  # fmt: skip
    except (ValidationFailed, Conflict) as error:
        return _refused(typical_id, "decision", error)
    session.commit()
    if decided.status is TypicalCaseStatus.APPROVED:
        flash(gettext("You approved the text; the sandbox office may now publish it."), "success")
    else:
        flash(gettext("You declined the text; the sandbox office has been told."), "success")
    return redirect(url_for("typical.record", typical_id=typical_id))


@bp.post("/typical-cases/workspace/<int:typical_id>/publish")
@roles_required(Role.REGULATOR)
def publish(typical_id: int):
    session = get_session()
    typical_cases.get_record(session, actor=signed_in_user(), typical_id=typical_id)  # 404 before 422
    try:
        _confirmed()
        typical_cases.publish(session, actor=signed_in_user(), typical_id=typical_id,
                              expected_version=_version())  # fmt: skip
    except (ValidationFailed, Conflict) as error:
        return _refused(typical_id, "publish", error)
    session.commit()
    flash(gettext("The typical case is published."), "success")
    return redirect(url_for("typical.record", typical_id=typical_id))


@bp.post("/typical-cases/workspace/<int:typical_id>/withdraw")
@roles_required(Role.REGULATOR)
def withdraw(typical_id: int):
    session = get_session()
    reason = request.form.get("reason", "")
    typical_cases.get_record(session, actor=signed_in_user(), typical_id=typical_id)  # 404 before 422
    try:
        _confirmed()
        typical_cases.withdraw(session, actor=signed_in_user(), typical_id=typical_id, reason=reason,
                               expected_version=_version())  # fmt: skip
    except (ValidationFailed, Conflict) as error:
        return _refused(typical_id, "withdraw", error, {"reason": reason})
    session.commit()
    flash(gettext("The typical case was withdrawn."), "success")
    return redirect(url_for("typical.record", typical_id=typical_id))
