"""Admin pages: accounts of every role, partner organisations, the working-day calendar and the
office's two-person policy (who may not approve a case's exit)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from sandbox.db import get_session
from sandbox.errors import N_, Conflict, ValidationFailed
from sandbox.i18n import translate
from sandbox.models.accounts import OrganisationKind, Role, User
from sandbox.security import roles_required, signed_in_user
from sandbox.services.accounts import accounts, organisations
from sandbox.services.cases import calendar
from sandbox.services.common import outbox
from sandbox.services.decisions import policy as two_person_policy
from sandbox.views.forms import Pagination, field_errors, nested, page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")

STAFF_ROLES = [role for role in Role if role is not Role.APPLICANT]


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    query = request.args.get("q", "")
    page = page_number()
    per_page = current_app.config["PAGE_SIZE"]
    db = get_session()
    rows, total = accounts.list_users(db, actor=signed_in_user(), query=query, page=page, per_page=per_page)
    return render_template(
        "admin/users.html", rows=rows, query=query, pagination=Pagination(page, per_page, total),
        undelivered=outbox.dead_count(db),
    )  # fmt: skip


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    db = get_session()
    context = {
        "roles": STAFF_ROLES,
        "organisations": organisations.list_organisations(db, actor=signed_in_user()),
    }
    if request.method == "GET":
        return render_template("admin/user_new.html", values={}, errors={}, **context)
    try:
        user = accounts.create_user(db, actor=signed_in_user(), data=nested(request.form))
    except ValidationFailed as error:
        values = request.form.to_dict()
        return render_template(
            "admin/user_new.html", values=values, errors=field_errors(error), **context
        ), 422
    db.commit()
    flash(gettext("Account %(email)s created.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@roles_required(Role.ADMIN)
def set_active(user_id: int):
    db = get_session()
    active = request.form.get("active") == "1"
    if request.form.get("confirm") != "yes":
        user = accounts.get_user(db, actor=signed_in_user(), user_id=user_id)
        return render_template("admin/confirm_active.html", user=user, active=active)
    try:
        user = accounts.set_user_active(db, actor=signed_in_user(), user_id=user_id, active=active)
    except ValidationFailed as error:
        flash(" ".join(message for messages in field_errors(error).values() for message in messages), "error")
        return redirect(url_for("admin.users"))
    db.commit()
    if active:
        flash(gettext("Account %(email)s reactivated.", email=user.email), "success")
    else:
        flash(gettext("Account %(email)s deactivated.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int):
    db = get_session()
    user = accounts.get_user(db, actor=signed_in_user(), user_id=user_id)
    if request.method == "GET":
        return render_template("admin/user_password.html", user=user, errors={})
    if request.form.get("new_password") != request.form.get("new_password_confirm"):
        errors = {"new_password_confirm": [gettext("The two passwords do not match.")]}
        return render_template("admin/user_password.html", user=user, errors=errors), 422
    try:
        accounts.reset_password(
            db,
            actor=signed_in_user(),
            user_id=user_id,
            data={"new_password": request.form.get("new_password")},
        )
    except ValidationFailed as error:
        return render_template("admin/user_password.html", user=user, errors=field_errors(error)), 422
    db.commit()
    flash(gettext("The password of %(email)s was reset. Its sessions and API tokens have ended.",
                  email=user.email), "success")  # fmt: skip
    return redirect(url_for("admin.users"))


@bp.route("/organisations", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organisation_list():
    db = get_session()
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            organisation = organisations.create_organisation(
                db, actor=signed_in_user(), data=nested(request.form)
            )
        except ValidationFailed as error:
            errors, values, status = field_errors(error), request.form.to_dict(), 422
        else:
            db.commit()
            flash(gettext("Organisation %(name)s created.", name=organisation.name), "success")
            return redirect(url_for("admin.organisation_list"))
    rows = organisations.list_organisations(db, actor=signed_in_user())
    return (
        render_template(
            "admin/organisations.html", rows=rows, kinds=list(OrganisationKind), values=values, errors=errors
        ),
        status,
    )


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def calendar_years():
    db = get_session()
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        text = (
            upload.read(64 * 1024).decode("utf-8", errors="replace")
            if upload
            else request.form.get("toml", "")
        )
        try:
            row = calendar.import_arrangement(
                db, actor=signed_in_user(), text=text, source=(upload.filename if upload else "") or ""
            )
        except ValidationFailed as error:
            errors, status = field_errors(error), 422
        else:
            db.commit()
            flash(gettext("The arrangement for %(year)s was saved.", year=row.year), "success")
            return redirect(url_for("admin.calendar_years"))
    return render_template("admin/calendar.html", rows=calendar.list_arrangements(db), errors=errors), status


@bp.route("/two-person-policy", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def two_person_rules():
    """Which earlier roles on a case bar a regulator from approving its exit; saving adds a version."""
    db = get_session()
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        data: dict[str, object] = {flag: flag in request.form for flag in two_person_policy.FLAGS}
        data["note"] = request.form.get("note", "")
        try:
            if request.form.get("confirm") != "yes":
                raise ValidationFailed.single("confirm", N_("Tick the box to confirm this step."))
            row = two_person_policy.save_version(db, actor=signed_in_user(), data=data)
        except ValidationFailed as error:
            errors, status = field_errors(error), 422
        except Conflict as error:
            errors, status = {"__root__": [translate(error.message)]}, 409
        else:
            db.commit()
            text = gettext("Two-person policy version %(version)s is in force.", version=row.version)
            flash(text, "success")
            return redirect(url_for("admin.two_person_rules"))
    version, policy = two_person_policy.current_policy(db)
    rows = two_person_policy.list_versions(db)
    people = {row.created_by_id: db.get(User, row.created_by_id) for row in rows}
    context = {"version": version, "policy": policy, "rows": rows, "people": people, "errors": errors}
    return render_template("admin/two_person_policy.html", **context), status
