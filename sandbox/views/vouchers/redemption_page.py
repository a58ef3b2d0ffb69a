"""One redemption's page and its steps: everyone concerned (its provider, the voucher's enterprise, the
office) sees the enterprise, the provider, the voucher, the contract, the invoice and what happened so
far; each may take only its own steps — the holder confirms or declines, the provider withdraws, the
office approves, rejects or settles — and every step asks for confirmation on a page of its own that
repeats what is being decided. Routes are added to the vouchers blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext

from sandbox.db import get_session
from sandbox.errors import Conflict, ValidationFailed
from sandbox.i18n import translate
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.vouchers import redemption_steps
from sandbox.services.vouchers import reports as voucher_reports
from sandbox.uploads import send_invoice
from sandbox.views.forms import field_errors
from sandbox.views.vouchers.vouchers import STATUS_LABELS, bp, category_labels
from workflows.redemptions import REDEMPTION_STEPS, Party, RedemptionAction, available_actions

A = RedemptionAction
PARTIES = (Role.SERVICE_PROVIDER, Role.APPLICANT, Role.REGULATOR)
ACTION_LABELS = {
    A.CONFIRM: lazy_gettext("Confirm"),
    A.DECLINE: lazy_gettext("Decline"),
    A.WITHDRAW: lazy_gettext("Withdraw"),
    A.APPROVE: lazy_gettext("Approve"),
    A.REJECT: lazy_gettext("Reject"),
    A.SETTLE: lazy_gettext("Mark settled"),
    A.LAPSE: lazy_gettext("Lapsed"),
}
# What the confirmation page says will follow.
ACTION_NOTES = {
    A.CONFIRM: lazy_gettext(
        "Confirm only if your enterprise signed this contract with this provider and received the "
        "service. The request then goes to the sandbox office; the amount stays held until it decides."
    ),
    A.DECLINE: lazy_gettext("The amount goes back to your voucher and the provider is told."),
    A.WITHDRAW: lazy_gettext("The amount goes back to the voucher and its holder is told."),
    A.APPROVE: lazy_gettext(
        "Check the enterprise, the provider, the contract and the invoice. Approving spends the amount "
        "from the voucher; it is then settled with the provider."
    ),
    A.REJECT: lazy_gettext("The amount goes back to the voucher; the provider and the holder are told why."),
    A.SETTLE: lazy_gettext("Mark it settled once the amount has been paid to the provider."),
    A.LAPSE: lazy_gettext("The voucher expired; the amount was released."),
}


@bp.get("/vouchers/redemptions/<int:redemption_id>")
@roles_required(*PARTIES)
def redemption_detail(redemption_id: int):
    session, user = get_session(), signed_in_user()
    file = voucher_reports.redemption_file(session, actor=user, redemption_id=redemption_id)
    party = redemption_steps.party_of(session, user, file.redemption)
    return render_template(
        "vouchers/redemption.html",
        file=file,
        actions=available_actions(file.redemption.status, party) if party else [],
        **_labels(),
    )


@bp.get("/vouchers/redemptions/<int:redemption_id>/invoice")
@roles_required(*PARTIES)
def redemption_invoice(redemption_id: int):
    return send_invoice(
        voucher_reports.get_redemption(get_session(), actor=signed_in_user(), redemption_id=redemption_id)
    )


@bp.post("/vouchers/redemptions/<int:redemption_id>/holder-decision")
@roles_required(Role.APPLICANT)
def holder_decision(redemption_id: int):
    return _take(redemption_id, Party.HOLDER, request.form.get("action", ""))


@bp.post("/vouchers/redemptions/<int:redemption_id>/withdrawal")
@roles_required(Role.SERVICE_PROVIDER)
def withdraw(redemption_id: int):
    return _take(redemption_id, Party.PROVIDER, A.WITHDRAW.value)


@bp.post("/vouchers/redemptions/<int:redemption_id>/decision")
@roles_required(Role.REGULATOR)
def decide(redemption_id: int):
    return _take(redemption_id, Party.OFFICE, request.form.get("action", ""))


def _take(redemption_id: int, party: Party, action: str):
    """Show the confirmation page, or — once confirmed — take the step and go back to the redemption."""
    session, user = get_session(), signed_in_user()
    file = voucher_reports.redemption_file(session, actor=user, redemption_id=redemption_id)
    if action not in {a.value for a, step in REDEMPTION_STEPS.items() if step.party is party}:
        abort(422)  # no such step for this party (the buttons send one)
    chosen, reason = RedemptionAction(action), request.form.get("reason", "").strip()
    back = url_for("vouchers.redemption_detail", redemption_id=redemption_id)
    if request.form.get("confirm") != "yes":
        return _confirm_page(file, chosen, reason, {})
    try:
        found = redemption_steps.act(
            session, actor=user, redemption_id=redemption_id, action=action, reason=reason,
            today=beijing_today(), party=party,
        )  # fmt: skip
    except ValidationFailed as error:
        return _confirm_page(file, chosen, reason, field_errors(error), 422)
    except Conflict as error:
        flash(translate(error.message), "error")
        return redirect(back)
    session.commit()
    flash(
        gettext(
            "Redemption of contract %(contract)s is now %(status)s.",
            contract=found.contract_number,
            status=str(STATUS_LABELS[found.status.value]),
        ),
        "success",
    )
    return redirect(back)


def _confirm_page(file, action: RedemptionAction, reason: str, errors: dict, status: int = 200):
    page = render_template(
        "vouchers/confirm_redemption.html",
        file=file,
        action=action,
        reason=reason,
        errors=errors,
        reason_required=REDEMPTION_STEPS[action].reason_required,
        asks_reason=action in (A.DECLINE, A.WITHDRAW, A.REJECT),
        endpoint={Party.HOLDER: "vouchers.holder_decision", Party.PROVIDER: "vouchers.withdraw"}.get(
            REDEMPTION_STEPS[action].party, "vouchers.decide"
        ),
        **_labels(),
    )
    return page, status


def _labels() -> dict[str, object]:
    return {
        "statuses": STATUS_LABELS,
        "action_labels": ACTION_LABELS,
        "action_notes": ACTION_NOTES,
        "categories": category_labels(),
    }
