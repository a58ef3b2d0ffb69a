"""API: one redemption after its request — its whole file and invoice (provider, holder, office), the
holder's confirmation or refusal, the provider's withdrawal, and the office's decision. Only a request
the voucher's holder confirmed reaches the office."""

from __future__ import annotations

from typing import Any

from flask import url_for

from sandbox.api import examples
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.api.vouchers import schemas
from sandbox.db import get_session
from sandbox.errors import N_, ValidationFailed
from sandbox.models.accounts import Role
from sandbox.models.vouchers import Voucher
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.vouchers import redemption_steps
from sandbox.services.vouchers import reports as voucher_reports
from sandbox.uploads import send_invoice
from workflows.redemptions import Party, available_actions

PARTIES = (Role.SERVICE_PROVIDER, Role.APPLICANT, Role.REGULATOR)
STEP_ERRORS = (404, 409, 422)


@route(
    "/redemptions/<int:redemption_id>",
    "GET",
    roles=PARTIES,
    summary="One redemption with its enterprise, provider, voucher, contract, steps and invoice link",
    tags=("vouchers",),
    responses={200: schemas.RedemptionDetail},
    errors=(404,),
)
def get_redemption(redemption_id: int):
    session, user = get_session(), actor()
    file = voucher_reports.redemption_file(session, actor=user, redemption_id=redemption_id)
    red, voucher, enterprise = file.redemption, file.voucher, file.enterprise
    party = redemption_steps.party_of(session, user, red)
    detail = schemas.RedemptionDetail(
        **schemas.redemption_public(red, voucher.balance_fen).model_dump(),
        enterprise=schemas.PartyPublic(id=enterprise.id, name=enterprise.name, uscc=enterprise.uscc),
        provider=schemas.PartyPublic(id=file.provider.id, name=file.provider_name, uscc=file.provider.uscc),
        voucher=schemas.RedemptionVoucher.model_validate(voucher, from_attributes=True),
        steps=[schemas.step_public(step) for step in file.steps],
        invoice_url=url_for("api.redemption_invoice", redemption_id=red.id),
        actions=[a.value for a in available_actions(red.status, party)] if party else [],
    )
    return respond(detail)


@route(
    "/redemptions/<int:redemption_id>/invoice",
    "GET",
    roles=PARTIES,
    summary="The invoice of a redemption (its provider, the voucher's enterprise and the office only)",
    tags=("vouchers",),
    responses={200: None},
    errors=(404,),
)
def redemption_invoice(redemption_id: int):
    found = voucher_reports.get_redemption(get_session(), actor=actor(), redemption_id=redemption_id)
    return send_invoice(found)


def _step(redemption_id: int, party: Party, action: Any, reason: Any) -> Any:
    session = get_session()
    if not isinstance(action, str) or not isinstance(reason, str):
        raise ValidationFailed.single("action", N_("Choose one of the listed options."))
    found = redemption_steps.act(
        session, actor=actor(), redemption_id=redemption_id, action=action, reason=reason,
        today=beijing_today(), party=party,
    )  # fmt: skip
    voucher = session.get(Voucher, found.voucher_id)
    session.commit()
    return respond(schemas.redemption_public(found, voucher.balance_fen if voucher else None))


@route(
    "/redemptions/<int:redemption_id>/holder-decision",
    "POST",
    roles=(Role.APPLICANT,),
    summary="Confirm (it goes to the office) or decline (the amount is given back) a request on a voucher",
    tags=("vouchers",),
    body=schemas.HolderDecisionBody,
    responses={200: schemas.RedemptionPublic},
    errors=STEP_ERRORS,
    examples=examples.HOLDER_DECISIONS,
)
def holder_decision(redemption_id: int):
    body = json_body()
    return _step(redemption_id, Party.HOLDER, body.get("action", ""), body.get("reason", ""))


@route(
    "/redemptions/<int:redemption_id>/withdrawal",
    "POST",
    roles=(Role.SERVICE_PROVIDER,),
    summary="Withdraw your request before the office decides (the amount is given back)",
    tags=("vouchers",),
    body=schemas.WithdrawalBody,
    responses={200: schemas.RedemptionPublic},
    errors=STEP_ERRORS,
    examples={"wrong_amount": examples.WITHDRAWAL},
)
def withdraw_redemption(redemption_id: int):
    return _step(redemption_id, Party.PROVIDER, "withdraw", json_body().get("reason", ""))


@route(
    "/redemptions/<int:redemption_id>/decision",
    "POST",
    roles=(Role.REGULATOR,),
    summary="Approve, reject (with a reason) or settle a request its holder confirmed (regulators)",
    tags=("vouchers",),
    body=schemas.DecisionBody,
    responses={200: schemas.RedemptionPublic},
    errors=STEP_ERRORS,
    examples=examples.REDEMPTION_DECISIONS,
)
def decide_redemption(redemption_id: int):
    body = json_body()
    return _step(redemption_id, Party.OFFICE, body.get("action", ""), body.get("reason", ""))
