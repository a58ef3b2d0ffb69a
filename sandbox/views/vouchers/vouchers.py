"""Voucher pages: enterprises see their vouchers, balance, history and expiry; providers redeem; the
redemption lists (providers: their own; enterprises: those on their vouchers, waiting for their
confirmation first; regulators: confirmed ones awaiting approval first). One redemption's page and its
steps are in `redemption_page`; office pages (budget, CSV, provider pool, related parties, policy) in
`voucher_office`."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from sandbox.db import get_session
from sandbox.errors import N_, Message, ValidationFailed
from sandbox.i18n import bilingual, translate
from sandbox.labels.enterprise_size import size_name, support_programme
from sandbox.labels.vouchers import STATUS_LABELS
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.vouchers import ledger as voucher_ledger
from sandbox.services.vouchers import policy as voucher_policy
from sandbox.services.vouchers import providers, redemptions
from sandbox.services.vouchers import reports as voucher_reports
from sandbox.services.vouchers import vouchers as voucher_service
from sandbox.uploads import invoices_folder
from sandbox.views.forms import Pagination, field_errors, page_number

bp = Blueprint("vouchers", __name__)
# The list a role opens first: what waits for it.
FIRST_FILTER = {Role.REGULATOR: "requested", Role.APPLICANT: "awaiting_holder"}


@bp.app_template_filter("yuan")
def yuan_filter(fen: int | None) -> str:
    return "—" if fen is None else "¥" + voucher_service.yuan(fen)


def category_labels() -> dict[str, str]:
    _, policy = voucher_policy.current_policy(get_session())
    return {c.id: bilingual(c) for c in policy.categories}


def refusal_reason(voucher: voucher_service.Voucher) -> str | None:
    if voucher.refusal_code is None:
        return None
    return translate(Message(voucher_service.REFUSAL_MESSAGES[voucher.refusal_code], voucher.refusal_params))


@bp.get("/vouchers")
@roles_required(Role.APPLICANT, Role.REGULATOR)
def voucher_list():
    page, per_page, status = (
        page_number(),
        current_app.config["PAGE_SIZE"],
        request.args.get("status") or None,
    )
    rows, total = voucher_service.list_vouchers(
        get_session(), actor=signed_in_user(), page=page, per_page=per_page, status=status
    )
    return render_template(
        "vouchers/list.html",
        rows=rows,
        pagination=Pagination(page, per_page, total),
        status=status,
        statuses=STATUS_LABELS,
        reason=refusal_reason,
    )


@bp.get("/vouchers/<int:voucher_id>")
@roles_required(Role.APPLICANT, Role.REGULATOR)
def voucher_detail(voucher_id: int):
    session, user = get_session(), signed_in_user()
    voucher = voucher_service.get_voucher(session, actor=user, voucher_id=voucher_id)
    claims, _ = voucher_reports.list_redemptions(
        session, actor=user, page=1, per_page=100, voucher_id=voucher.id
    )
    return render_template(
        "vouchers/detail.html",
        voucher=voucher,
        ledger=voucher_ledger.entries(session, voucher.id),  # type: ignore[arg-type]
        redemptions=claims,
        statuses=STATUS_LABELS,
        reason=refusal_reason(voucher),
        categories=category_labels(),
        size_name=size_name,
        support_programme=support_programme,
    )


@bp.get("/certificates/<cert_id>/voucher")
@roles_required(Role.APPLICANT, Role.REGULATOR)
def certificate_voucher(cert_id: str):
    """The voucher (or refusal) of a certificate, for a link on the certificate page."""
    voucher = voucher_service.voucher_for_certificate(
        get_session(), actor=signed_in_user(), certificate_id=cert_id
    )
    return redirect(url_for("vouchers.voucher_detail", voucher_id=voucher.id))


def _redeem_page(values: dict, errors: dict, status: int = 200):
    provider = providers.provider_of(get_session(), signed_in_user())
    labels = category_labels()
    allowed = {c: labels.get(c, c) for c in (provider.categories if provider else [])}
    page = render_template(
        "vouchers/redeem.html", values=values, errors=errors, categories=allowed, provider=provider
    )
    return page, status


@bp.get("/vouchers/redeem")
@roles_required(Role.SERVICE_PROVIDER)
def redeem():
    return _redeem_page({}, {})


@bp.post("/vouchers/redeem")
@roles_required(Role.SERVICE_PROVIDER)
def redeem_post():
    session = get_session()
    values = {
        k: request.form.get(k, "").strip()
        for k in ("code", "contract_number", "contract_fee", "contract_signed_on", "amount", "category")
    }
    upload = request.files.get("invoice")
    try:
        data = {
            "code": values["code"],
            "contract_number": values["contract_number"],
            "contract_fee_fen": _fen(values["contract_fee"], "contract_fee_fen"),
            "contract_signed_on": values["contract_signed_on"] or None,
            "amount_fen": _fen(values["amount"], "amount_fen"),
            "category": values["category"],
        }
        redemption = redemptions.request_redemption(
            session,
            actor=signed_in_user(),
            data=data,
            invoice=upload.read() if upload else b"",
            invoice_name=upload.filename or "" if upload else "",
            today=beijing_today(),
            storage=invoices_folder(),
        )
    except ValidationFailed as error:
        errors = field_errors(error)
        errors = {
            {"contract_fee_fen": "contract_fee", "amount_fen": "amount"}.get(k, k): v
            for k, v in errors.items()
        }
        return _redeem_page(values, errors, 422)
    session.commit()
    flash(
        gettext(
            "Redemption of %(amount)s requested; the voucher's holder is asked to confirm it before it "
            "goes to the sandbox office.",
            amount=yuan_filter(redemption.amount_fen),
        ),
        "success",
    )
    return redirect(url_for("vouchers.redemption_list"))


def _fen(text: str, field: str) -> int | str:
    """Read yuan as typed ("1234.5") into integer fen without floats; leave nonsense for the service."""
    whole, dot, cents = text.replace(",", "").replace("，", "").partition(".")
    if (
        whole.isascii()
        and whole.isdigit()
        and (not dot or (cents.isascii() and cents.isdigit() and len(cents) <= 2))
    ):
        return int(whole) * 100 + int((cents + "00")[:2] if dot else 0)
    raise ValidationFailed.single(
        field, N_("Enter an amount in yuan with at most two decimals, e.g. 1234.50.")
    )


@bp.get("/vouchers/redemptions")
@roles_required(Role.SERVICE_PROVIDER, Role.REGULATOR, Role.APPLICANT)
def redemption_list():
    session, user = get_session(), signed_in_user()
    status = request.args.get("status", FIRST_FILTER.get(user.role)) or None
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    rows, total = voucher_reports.list_redemptions(
        session, actor=user, page=page, per_page=per_page, status=status
    )
    return render_template(
        "vouchers/redemptions.html",
        rows=rows,
        parties=voucher_reports.parties(session, rows),
        pagination=Pagination(page, per_page, total),
        status=status,
        statuses=STATUS_LABELS,
        categories=category_labels(),
        is_regulator=user.role is Role.REGULATOR,
    )
