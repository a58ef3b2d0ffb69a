"""API: vouchers (enterprises, regulators), redemption requests (providers, with an `Idempotency-Key`)
and lists, budget use and the finance CSV. What happens to one redemption after its request is in
`api.redemptions`; the provider pool, related parties and the policy in `api.voucher_admin`."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy.exc import IntegrityError

from sandbox.api import examples
from sandbox.api.params import paging, whole_number
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.api.vouchers import schemas
from sandbox.db import get_session
from sandbox.downloads import xlsx_response
from sandbox.errors import N_, Message, ValidationFailed
from sandbox.i18n import lang, translate
from sandbox.labels.vouchers import voucher_text
from sandbox.models.accounts import Role
from sandbox.models.vouchers import IdempotencyRecord, Voucher
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.common import idempotency
from sandbox.services.common.spreadsheets import MEDIA_TYPE
from sandbox.services.vouchers import export as voucher_export
from sandbox.services.vouchers import ledger as voucher_ledger
from sandbox.services.vouchers import redemptions
from sandbox.services.vouchers import reports as voucher_reports
from sandbox.services.vouchers import vouchers as voucher_service
from sandbox.uploads import invoices_folder

STAFF = (Role.APPLICANT, Role.REGULATOR)
PAGING = tuple(
    {"name": n, "in": "query", "required": False, "schema": {"type": "integer"}} for n in ("page", "per_page")
)
STATUS = ({"name": "status", "in": "query", "required": False, "schema": {"type": "string"}},)
VOUCHER = (
    {
        "name": "voucher_id",
        "in": "query",
        "required": False,
        "schema": {"type": "integer"},
        "description": "Only the redemptions of this voucher.",
    },
)


def _paging() -> tuple[int, int]:
    return paging()


def refusal_text(voucher: Voucher) -> str | None:
    if voucher.refusal_code is None:
        return None
    return translate(Message(voucher_service.REFUSAL_MESSAGES[voucher.refusal_code], voucher.refusal_params))


@route(
    "/vouchers",
    "GET",
    roles=STAFF,
    summary="Vouchers: the enterprise's own, or all for regulators",
    tags=("vouchers",),
    responses={200: schemas.VoucherList},
    parameters=PAGING + STATUS,
)
def list_vouchers():
    page, per_page = _paging()
    rows, total = voucher_service.list_vouchers(
        get_session(), actor=actor(), page=page, per_page=per_page, status=request.args.get("status")
    )
    items = [schemas.VoucherPublic(**schemas.voucher_public(v, refusal_text(v))) for v in rows]
    return respond(schemas.VoucherList(items=items, page=page, per_page=per_page, total=total))


@route(
    "/vouchers/<int:voucher_id>",
    "GET",
    roles=STAFF,
    summary="A voucher with its ledger",
    tags=("vouchers",),
    responses={200: schemas.VoucherDetail},
    errors=(404,),
)
def get_voucher(voucher_id: int):
    session = get_session()
    voucher = voucher_service.get_voucher(session, actor=actor(), voucher_id=voucher_id)
    ledger = [schemas.ledger_public(e) for e in voucher_ledger.entries(session, voucher.id)]  # type: ignore[arg-type]
    return respond(
        schemas.VoucherDetail(**schemas.voucher_public(voucher, refusal_text(voucher)), ledger=ledger)
    )


def _replay(record: IdempotencyRecord) -> Response:
    response = jsonify(record.response)
    response.status_code = record.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _invoice(body: dict[str, Any]) -> tuple[bytes, str]:
    invoice = body.get("invoice")
    if not isinstance(invoice, dict) or not isinstance(invoice.get("content_base64"), str):
        raise ValidationFailed.single("invoice", N_("Attach the invoice (PDF, PNG or JPEG)."))
    try:
        data = base64.b64decode(invoice["content_base64"], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed.single("invoice", N_("The invoice is not valid base64.")) from None
    return data, str(invoice.get("filename") or "invoice")


@route(
    "/redemptions",
    "POST",
    roles=(Role.SERVICE_PROVIDER,),
    summary="Redeem a voucher against a contract (send an Idempotency-Key header)",
    tags=("vouchers",),
    body=schemas.RedemptionBody,
    responses={201: schemas.RedemptionPublic},
    errors=(404, 409, 413, 422),
    examples={"data_annotation_contract": examples.REDEMPTION},
    parameters=(
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "maxLength": 200},
        },
    ),
)
def create_redemption():
    session, user, body = get_session(), actor(), json_body()
    key = idempotency.make_key(
        user_id=user.id,
        header=request.headers.get("Idempotency-Key"),
        method="POST",
        path=request.path,
        body=body,
    )
    if key is not None and (record := idempotency.find(session, key)) is not None:
        return _replay(record)
    invoice, name = _invoice(body)
    fields = ("code", "contract_number", "contract_fee_fen", "contract_signed_on", "amount_fen", "category")
    try:
        redemption = redemptions.request_redemption(
            session,
            actor=user,
            data={f: body.get(f) for f in fields},
            invoice=invoice,
            invoice_name=name,
            storage=invoices_folder(),
            today=beijing_today(),
            key=key,
        )
    except idempotency.Replay as replay:
        session.rollback()
        return _replay(replay.record)
    balance = session.get(Voucher, redemption.voucher_id).balance_fen
    payload = schemas.redemption_public(redemption, balance).model_dump(mode="json")
    if key is not None:
        idempotency.remember(session, key, status_code=201, response=payload)
    try:
        session.commit()
    except IntegrityError:
        # A twin with the same key committed first (on another voucher lock): answer as it did.
        session.rollback()
        record = idempotency.find(session, key) if key is not None else None
        if record is None:
            raise
        return _replay(record)
    return jsonify(payload), 201


@route(
    "/redemptions",
    "GET",
    roles=(Role.SERVICE_PROVIDER, Role.REGULATOR, Role.APPLICANT),
    summary="Redemptions: a provider's own, those on an enterprise's vouchers, or all (regulators)",
    tags=("vouchers",),
    responses={200: schemas.RedemptionList},
    errors=(422,),
    parameters=PAGING + STATUS + VOUCHER,
)
def list_redemptions():
    page, per_page = _paging()
    voucher = request.args.get("voucher_id", "")
    rows, total = voucher_reports.list_redemptions(
        get_session(), actor=actor(), page=page, per_page=per_page, status=request.args.get("status"),
        voucher_id=whole_number(voucher, "voucher_id") if voucher else None,
    )  # fmt: skip
    items = [schemas.redemption_public(r) for r in rows]
    return respond(schemas.RedemptionList(items=items, page=page, per_page=per_page, total=total))


@route(
    "/redemptions/export.csv",
    "GET",
    roles=(Role.REGULATOR,),
    summary="Every redemption as CSV for finance (UTF-8 with BOM)",
    tags=("vouchers",),
    responses={200: None},
)
def export_redemptions():
    data = voucher_reports.finance_csv(get_session(), actor=actor())
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=voucher-redemptions.csv"},
    )


@route(
    "/vouchers/export.xlsx",
    "GET",
    roles=(Role.REGULATOR,),
    summary="Vouchers, their ledger entries and redemptions as one Excel workbook (a sheet per kind)",
    description="Amounts in yuan as numbers, dates as Excel dates; labels follow Accept-Language.",
    tags=("vouchers",),
    responses={200: None},
    media_types=(MEDIA_TYPE,),
)
def export_voucher_books():
    data = voucher_export.voucher_books_workbook(
        get_session(), actor=actor(), language=lang(), text=voucher_text
    )
    return xlsx_response(data, "voucher-books.xlsx")


@route(
    "/voucher-budget",
    "GET",
    roles=(Role.REGULATOR,),
    summary="Budget use by year and sector",
    tags=("vouchers",),
    responses={200: schemas.BudgetDocument},
)
def voucher_budget():
    years = voucher_reports.budget_use(get_session(), actor=actor())
    return respond(
        schemas.BudgetDocument.model_validate(
            {"years": [y.__dict__ | {"rows": [r.__dict__ for r in y.rows]} for y in years]}
        )
    )
