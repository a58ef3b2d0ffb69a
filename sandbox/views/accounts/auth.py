"""Sign-in, sign-out, applicant registration, password change and the account page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale, gettext
from flask_login import current_user, login_user, logout_user

from sandbox.db import get_session
from sandbox.errors import ValidationFailed
from sandbox.models.accounts import Enterprise
from sandbox.security import login_required, registration_attempts, sign_in_attempts, signed_in_user
from sandbox.services.accounts import accounts
from sandbox.services.accounts.accounts import LoginOutcome
from sandbox.views.forms import field_errors, nested, safe_next

bp = Blueprint("auth", __name__)

DECLARATIONS = (
    "enterprise.in_zone",
    "enterprise.no_major_penalty",
    "enterprise.no_criminal_record",
    "enterprise.not_seriously_dishonest",
)


@bp.route("/login", methods=["GET", "POST"])
@sign_in_attempts
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    if request.method == "GET":
        return render_template("auth/login.html", email="")
    session = get_session()
    email = request.form.get("email", "")
    result = accounts.authenticate(
        session,
        email=email,
        password=request.form.get("password", ""),
        address=request.remote_addr or "",
    )
    session.commit()  # failure counters and lockouts are kept even though the login is refused
    if result.outcome is LoginOutcome.LOCKED:
        message = gettext(
            "Too many failed sign-ins from your address. Signing in to this account from it is blocked "
            "until %(time)s.",
            time=format_datetime(result.locked_until, "short"),
        )
        return render_template("auth/login.html", email=email, error=message), 429
    if result.outcome is LoginOutcome.WRONG or result.user is None:
        message = gettext("Wrong e-mail address or password.")
        return render_template("auth/login.html", email=email, error=message), 401
    login_user(result.user)
    flash(gettext("Welcome, %(name)s.", name=result.user.display_name), "success")
    return redirect(safe_next(request.args.get("next")))


@bp.post("/logout")
def logout():
    if not current_user.is_authenticated:
        return redirect(url_for("main.index"))
    # Server-side: a copy of this browser's login cookie must not keep the session alive.
    session = get_session()
    accounts.end_browser_sessions(session, user=signed_in_user())
    session.commit()
    logout_user()
    flash(gettext("You have signed out. This account is signed out in other browsers too."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@registration_attempts
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    if request.method == "GET":
        return render_template("auth/register.html", values={}, errors={})
    data = nested(request.form, checkboxes=DECLARATIONS)
    data["enterprise"] = data.get("enterprise", {})
    values = request.form.to_dict()
    if data.get("password") != data.pop("password_confirm", None):
        errors = {"password_confirm": [gettext("The two passwords do not match.")]}
        return render_template("auth/register.html", values=values, errors=errors), 422
    data["locale"] = str(get_locale())
    session = get_session()
    try:
        user = accounts.register_applicant(session, data=data)
    except ValidationFailed as error:
        return render_template("auth/register.html", values=values, errors=field_errors(error)), 422
    session.commit()
    login_user(user)
    flash(gettext("Your enterprise is registered. You can now file a sandbox project."), "success")
    return redirect(url_for("main.dashboard"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    if request.method == "GET":
        return render_template("auth/password.html", errors={})
    session = get_session()
    try:
        user = accounts.change_password(session, user=signed_in_user(), data=nested(request.form))
    except ValidationFailed as error:
        return render_template("auth/password.html", errors=field_errors(error)), 422
    session.commit()
    login_user(user)  # the session identity changed with the password; keep this browser signed in
    message = gettext(
        "Your password was changed. Other sessions have been signed out and API tokens revoked."
    )
    flash(message, "success")
    return redirect(url_for("auth.account"))


@bp.get("/account")
@login_required
def account():
    enterprise = None
    if current_user.enterprise_id is not None:
        enterprise = get_session().get(Enterprise, current_user.enterprise_id)
    return render_template("auth/account.html", enterprise=enterprise)
