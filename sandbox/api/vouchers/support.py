"""API: enterprise size declarations (中小企业划型), other support declared per case and the office's
corrections, and the enterprise forgoing lower other support for its voucher (从高从优不重复).

Who may do what is decided by the services (`size_declarations`, `other_support`); the route's `roles`
only spares a database round trip for the obvious refusals.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import jsonify
from pydantic import BaseModel, Field

from sandbox.api.cases.cases import expected_version
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.api.vouchers import schemas
from sandbox.api.vouchers.vouchers import refusal_text
from sandbox.db import get_session
from sandbox.errors import NotFound, PermissionDenied
from sandbox.models.accounts import Role
from sandbox.models.enterprise_size import (
    SizeDeclarationCreate,
    SizeDeclarationPublic,
    SupportStatus,
)
from sandbox.services.accounts import size_declarations
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.cases.cases import get_case
from sandbox.services.vouchers import other_support
from sandbox.services.vouchers.other_support import OtherSupportCorrection, OtherSupportCreate
from workflows.enterprise_size import INDUSTRIES

SIZE_EXAMPLE = {"year": 2025, "industry": "software", "employees": 8, "operating_revenue_fen": 300_000_000}
SUPPORT_EXAMPLE = {
    "programme": "compute_voucher", "amount_fen": 50_000_000, "status": "received",
    "granted_on": "2026-03-01", "approval_number": "京开算力券〔2026〕12号",
}  # fmt: skip


class SizeDeclarationList(BaseModel):
    items: list[SizeDeclarationPublic]
    renewal_due: bool = Field(description="No declaration yet, or the newest is 12 months old")


class IndustryRowPublic(BaseModel):
    key: str
    zh: str
    en: str
    sections: str
    indicators: list[str]
    large: list[int]
    medium: list[int]
    small: list[int]


class OtherSupportPublic(BaseModel):
    id: int
    case_id: int
    enterprise_id: int
    programme: str
    amount_fen: int
    status: SupportStatus
    granted_on: date | None
    approval_number: str
    withdrawn: bool
    declared_by_id: int
    declared_at: datetime
    corrected_by_id: int | None
    corrected_at: datetime | None
    correction_reason: str


def _support(row: object) -> OtherSupportPublic:
    return OtherSupportPublic.model_validate(row, from_attributes=True)


@route("/size-standard", "GET", auth=False,
       summary="The industry rows of 《中小企业划型标准规定》 (2011) and their lower bounds (万元, persons)",
       tags=("accounts",), responses={200: list[IndustryRowPublic]})  # fmt: skip
def size_standard():
    rows = [
        IndustryRowPublic(
            key=row.key, zh=row.zh, en=row.en, sections=row.sections,
            indicators=[i.value for i in row.indicators],
            large=list(row.large), medium=list(row.medium), small=list(row.small),
        ).model_dump(mode="json")
        for row in INDUSTRIES
    ]  # fmt: skip
    return jsonify(rows)


@route("/enterprises/<int:enterprise_id>/size-declarations", "GET",
       roles=(Role.APPLICANT, Role.REGULATOR, Role.ADMIN),
       summary="The enterprise's size declarations, newest first (your own, or any for regulators)",
       tags=("accounts",), responses={200: SizeDeclarationList})  # fmt: skip
def list_size_declarations(enterprise_id: int):
    rows = size_declarations.list_declarations(get_session(), actor=actor(), enterprise_id=enterprise_id)
    items = [SizeDeclarationPublic.model_validate(row, from_attributes=True) for row in rows]
    due = size_declarations.renewal_due(rows[0] if rows else None, today=beijing_today())
    return respond(SizeDeclarationList(items=items, renewal_due=due))


@route("/enterprises/<int:enterprise_id>/size-declarations", "POST", roles=(Role.APPLICANT,),
       summary="Declare last year's figures; the size is derived from them (the enterprise's applicants)",
       tags=("accounts",), body=SizeDeclarationCreate, responses={201: SizeDeclarationPublic},
       errors=(422,), examples={"micro_software": SIZE_EXAMPLE})  # fmt: skip
def declare_size(enterprise_id: int):
    session, user = get_session(), actor()
    if user.enterprise_id != enterprise_id:
        raise NotFound()
    row = size_declarations.declare_size(session, actor=user, data=json_body())
    session.commit()
    return respond(SizeDeclarationPublic.model_validate(row, from_attributes=True), 201)


@route("/cases/<int:case_id>/other-support", "GET", roles=(Role.APPLICANT, Role.REGULATOR),
       summary="Other E-Town support declared for the same project (从高从优不重复)", tags=("vouchers",),
       responses={200: list[OtherSupportPublic]})  # fmt: skip
def list_other_support(case_id: int):
    session = get_session()
    case = get_case(session, actor=actor(), case_id=case_id)
    rows = other_support.list_for_case(session, actor=actor(), case=case)
    return jsonify([_support(row).model_dump(mode="json") for row in rows])


@route("/cases/<int:case_id>/other-support", "POST", roles=(Role.APPLICANT,),
       summary="Declare other support received or applied for, for the same project (applicants)",
       tags=("vouchers",), body=OtherSupportCreate, responses={201: OtherSupportPublic},
       errors=(409, 422), examples={"compute_voucher": SUPPORT_EXAMPLE})  # fmt: skip
def declare_other_support(case_id: int):
    session, body = get_session(), json_body()
    case = get_case(session, actor=actor(), case_id=case_id)
    row = other_support.declare(
        session, actor=actor(), case=case, data=body, expected_version=expected_version(body)
    )
    session.commit()
    return respond(_support(row), 201)


@route("/cases/<int:case_id>/other-support/<int:support_id>", "PUT", roles=(Role.REGULATOR,),
       summary="Correct a declaration of other support, with a reason (regulators)", tags=("vouchers",),
       body=OtherSupportCorrection, responses={200: OtherSupportPublic}, errors=(409, 422),
       examples={"corrected": {**SUPPORT_EXAMPLE, "amount_fen": 80_000_000,
                               "reason": "按批复文件更正金额"}})  # fmt: skip
def correct_other_support(case_id: int, support_id: int):
    session, body = get_session(), json_body()
    case = get_case(session, actor=actor(), case_id=case_id)
    row = other_support.correct(
        session, actor=actor(), case=case, support_id=support_id, data=body,
        expected_version=expected_version(body),
    )  # fmt: skip
    session.commit()
    return respond(_support(row))


@route("/vouchers/<int:voucher_id>/forgo-other-support", "POST", roles=(Role.APPLICANT,),
       summary="Confirm the enterprise forgoes the lower other support, making the voucher usable",
       tags=("vouchers",), responses={200: schemas.VoucherPublic}, errors=(409, 422))  # fmt: skip
def forgo_other_support(voucher_id: int):
    session, user = get_session(), actor()
    if user.role is not Role.APPLICANT:
        raise PermissionDenied()
    voucher = other_support.forgo(session, actor=user, voucher_id=voucher_id)
    session.commit()
    return respond(schemas.VoucherPublic(**schemas.voucher_public(voucher, refusal_text(voucher))))
