"""Voucher office pages: budget use by sector and year, the finance CSV and
the voucher books as an Excel workbook (regulators), the approved
provider pool (regulators), related parties (applicants) and the policy versions (admins)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from sandbox.db import get_session
from sandbox.downloads import xlsx_response
from sandbox.errors import ValidationFailed
from sandbox.i18n import lang
from sandbox.labels.vouchers import voucher_text
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.vouchers import export as voucher_export
from sandbox.services.vouchers import policy as voucher_policy
from sandbox.services.vouchers import providers
from sandbox.services.vouchers import reports as voucher_reports
from sandbox.views.forms import field_errors
from sandbox.views.vouchers.vouchers import bp, category_labels


@bp.get("/vouchers/budget")
@roles_required(Role.REGULATOR)
def budget():
    years = voucher_reports.budget_use(get_session(), actor=signed_in_user())
    return render_template("vouchers/budget.html", years=years)


@bp.get("/vouchers/export.csv")
@roles_required(Role.REGULATOR)
def export_csv():
    data = voucher_reports.finance_csv(get_session(), actor=signed_in_user())
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=voucher-redemptions.csv"},
    )


@bp.get("/vouchers/export.xlsx")
@roles_required(Role.REGULATOR)
def export_xlsx():
    data = voucher_export.voucher_books_workbook(
        get_session(), actor=signed_in_user(), language=lang(), text=voucher_text
    )
    return xlsx_response(data, "voucher-books.xlsx")


def _providers_page(values: dict, errors: dict, status: int = 200):
    session = get_session()
    page = render_template(
        "vouchers/providers.html",
        rows=providers.list_providers(session),
        values=values,
        errors=errors,
        organisations=providers.provider_organisations(session),
        categories=category_labels(),
    )
    return page, status


@bp.get("/vouchers/providers")
@roles_required(Role.REGULATOR)
def provider_pool():
    return _providers_page({}, {})


@bp.post("/vouchers/providers")
@roles_required(Role.REGULATOR)
def save_provider():
    session = get_session()
    values = {
        k: request.form.get(k, "").strip() for k in ("organisation_id", "uscc", "active_from", "active_to")
    }
    data = {k: v for k, v in values.items() if v} | {"categories": request.form.getlist("categories")}
    try:
        providers.save_provider(session, actor=signed_in_user(), data=data)
    except ValidationFailed as error:
        return _providers_page(values | {"categories": data["categories"]}, field_errors(error), 422)
    session.commit()
    flash(gettext("The provider pool was updated."), "success")
    return redirect(url_for("vouchers.provider_pool"))


def _parties_page(values: dict, errors: dict, status: int = 200):
    rows = providers.related_parties(get_session(), actor=signed_in_user())
    return render_template("vouchers/related_parties.html", rows=rows, values=values, errors=errors), status


@bp.get("/vouchers/related-parties")
@roles_required(Role.APPLICANT)
def related_parties():
    return _parties_page({}, {})


@bp.post("/vouchers/related-parties")
@roles_required(Role.APPLICANT)
def declare_related_party():
    session = get_session()
    values = {k: request.form.get(k, "").strip() for k in ("name", "uscc", "relation")}
    try:
        providers.declare_related_party(session, actor=signed_in_user(), data=values)
    except ValidationFailed as error:
        return _parties_page(values, field_errors(error), 422)
    session.commit()
    flash(gettext("The related party was recorded."), "success")
    return redirect(url_for("vouchers.related_parties"))


def _policy_page(text: str | None, errors: dict, status: int = 200):
    session = get_session()
    version, policy = voucher_policy.current_policy(session)
    page = render_template(
        "vouchers/policy.html",
        version=version,
        text=text or voucher_policy.to_toml(policy),
        errors=errors,
        versions=voucher_policy.list_versions(session),
    )
    return page, status


@bp.get("/admin/voucher-policy")
@roles_required(Role.ADMIN)
def policy():
    return _policy_page(None, {})


@bp.post("/admin/voucher-policy")
@roles_required(Role.ADMIN)
def save_policy():
    session = get_session()
    text = request.form.get("document", "")
    try:
        data = voucher_policy.parse_toml(text)
        row = voucher_policy.save_version(
            session, actor=signed_in_user(), data=data, note=request.form.get("note", "")
        )
    except ValidationFailed as error:
        return _policy_page(text, field_errors(error), 422)
    session.commit()
    flash(gettext("Voucher policy version %(version)s is now in force.", version=row.version), "success")
    return redirect(url_for("vouchers.policy"))
