"""API twins of the admin pages: accounts (list, read, deactivate, reset a password), partner
organisations, the enterprise register, and the signing keys (list, rotate, revoke a retired key).

Who may do what is decided by the services (`accounts`, `organisations`, `enterprises`, `signing_keys`);
the route's `roles` only spares a database round trip for the obvious refusals.
"""

from __future__ import annotations

from typing import Any

from flask import request
from sqlmodel import Session

from certificates.keys import KeyAlgorithm
from sandbox.api import examples
from sandbox.api.accounts.accounts import user_public
from sandbox.api.admin import schemas
from sandbox.api.params import paging
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, NotFound, ValidationFailed
from sandbox.models.accounts import EnterprisePublic, OrganisationPublic, PasswordReset, Role, User
from sandbox.services.accounts import accounts, enterprises, organisations
from sandbox.services.accounts.organisations import OrganisationCreate
from sandbox.services.trust import signing_keys

ADMIN = (Role.ADMIN,)
SEARCH = (
    {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
    {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
)  # fmt: skip


def _account(session: Session, user: User) -> schemas.AccountPublic:
    return schemas.AccountPublic(
        **user_public(session, user).model_dump(),
        active=user.active, created_at=user.created_at, last_login_at=user.last_login_at,
    )  # fmt: skip


def _query() -> str:
    return request.args.get("q", "").strip()[:200]


# --- accounts ------------------------------------------------------------------------------------------


@route("/users", "GET", roles=ADMIN, summary="Accounts of every role, searchable by e-mail or name (admins)",
       tags=("admin",), responses={200: schemas.AccountList}, parameters=SEARCH)  # fmt: skip
def list_users():
    session, (page, per_page) = get_session(), paging()
    rows, total = accounts.list_users(session, actor=actor(), query=_query(), page=page, per_page=per_page)
    items = [_account(session, row) for row in rows]
    return respond(schemas.AccountList(items=items, page=page, per_page=per_page, total=total))


@route("/users/<int:user_id>", "GET", roles=ADMIN, summary="One account (admins)", tags=("admin",),
       responses={200: schemas.AccountPublic})  # fmt: skip
def get_user(user_id: int):
    session = get_session()
    return respond(_account(session, accounts.get_user(session, actor=actor(), user_id=user_id)))


@route("/users/<int:user_id>/active", "PUT", roles=ADMIN,
       summary="Deactivate or reactivate an account (admins)",
       description=("Deactivating ends every browser session of the account and revokes every bearer "
                    "token for good; reactivating revives none of them: the user signs in afresh."),
       tags=("admin",), body=schemas.ActiveRequest, responses={200: schemas.AccountPublic}, errors=(422,),
       examples={"deactivate": {"active": False}, "reactivate": {"active": True}})  # fmt: skip
def set_user_active(user_id: int):
    session, body = get_session(), json_body()
    if not isinstance(body.get("active"), bool):
        accounts.get_user(session, actor=actor(), user_id=user_id)  # an unknown account is 404 first
        raise ValidationFailed.single("active", N_("Choose yes or no."))
    user = accounts.set_user_active(session, actor=actor(), user_id=user_id, active=body["active"])
    session.commit()
    return respond(_account(session, user))


@route("/users/<int:user_id>/password", "PUT", roles=ADMIN,
       summary="Reset another account's password (admins)",
       description=("Sets a new password for the account. Every browser session of the account ends and "
                    "every bearer token is revoked for good. A weak or common password is refused (422 on "
                    "`new_password`) with the reasons; your own password is changed with "
                    "`POST /api/v1/me/password`."),
       tags=("admin",), body=PasswordReset, responses={204: None}, errors=(422,),
       examples={"reset": {"new_password": "亦庄沙盒-Reset-2026-检测"}})  # fmt: skip
def reset_user_password(user_id: int):
    session = get_session()
    accounts.reset_password(session, actor=actor(), user_id=user_id, data=json_body())
    session.commit()
    return "", 204


# --- organisations and enterprises -----------------------------------------------------------------


@route("/organisations", "GET", roles=ADMIN, summary="Partner organisations, by name (admins)",
       tags=("admin",), responses={200: list[OrganisationPublic]})  # fmt: skip
def list_organisations():
    rows = organisations.list_organisations(get_session(), actor=actor())
    return [
        OrganisationPublic.model_validate(row, from_attributes=True).model_dump(mode="json") for row in rows
    ]


@route("/organisations", "POST", roles=ADMIN, summary="Add a partner organisation (admins)", tags=("admin",),
       body=OrganisationCreate, responses={201: OrganisationPublic}, errors=(422,),
       examples={"law_firm": examples.ORGANISATION_CREATE})  # fmt: skip
def create_organisation():
    session = get_session()
    row = organisations.create_organisation(session, actor=actor(), data=json_body())
    session.commit()
    return respond(OrganisationPublic.model_validate(row, from_attributes=True), 201)


@route("/enterprises", "GET", roles=(Role.REGULATOR, Role.ADMIN),
       summary="Registered enterprises, searchable by name or USCC (regulators, admins)", tags=("accounts",),
       responses={200: schemas.EnterpriseList}, parameters=SEARCH)  # fmt: skip
def list_enterprises():
    page, per_page = paging()
    rows, total = enterprises.list_enterprises(
        get_session(), actor=actor(), query=_query(), page=page, per_page=per_page
    )
    items = [EnterprisePublic.model_validate(row, from_attributes=True) for row in rows]
    return respond(schemas.EnterpriseList(items=items, page=page, per_page=per_page, total=total))


@route("/enterprises/<int:enterprise_id>/declaration", "GET",
       summary="The enterprise's latest eligibility declaration (your own, or any for regulators)",
       tags=("accounts",), responses={200: schemas.DeclarationPublic})  # fmt: skip
def get_declaration(enterprise_id: int):
    session = get_session()
    enterprise = enterprises.get_enterprise(session, actor=actor(), enterprise_id=enterprise_id)
    declaration = enterprises.latest_declaration(session, enterprise_id=enterprise.id)  # type: ignore[arg-type]
    if declaration is None:
        raise NotFound()
    return respond(schemas.DeclarationPublic.model_validate(declaration, from_attributes=True))


# --- signing keys ----------------------------------------------------------------------------------


def _key(row: Any) -> schemas.KeyPublic:
    return schemas.KeyPublic.model_validate(row, from_attributes=True)


@route("/keys", "GET", roles=ADMIN, summary="Every signing key ever used, with its lifecycle (admins)",
       tags=("admin",), responses={200: schemas.KeyList})  # fmt: skip
def list_keys():
    session = get_session()
    signing_keys.ensure_keys(session)
    session.commit()  # keys are created on first use
    return respond(
        schemas.KeyList(
            root_fingerprint=signing_keys.root_key_fingerprint(session),
            sm2_root_fingerprint=signing_keys.root_key_fingerprint(session, KeyAlgorithm.SM2),
            rotatable_uses=list(signing_keys.ROTATABLE_USES),
            keys=[_key(row) for row in signing_keys.key_rows(session)],
        )
    )


@route("/keys/rotate", "POST", roles=ADMIN,
       summary="Retire the active key of a use and activate a new one; both are logged (admins)",
       tags=("admin",), body=schemas.RotateRequest, responses={201: schemas.KeyPublic}, errors=(422,),
       examples={"rotate_assertion_key": {"use": "assertion"}})  # fmt: skip
def rotate_key():
    session = get_session()
    body = json_body()
    use, algorithm = body.get("use"), body.get("algorithm", KeyAlgorithm.ED25519.value)
    row = signing_keys.rotate_key(session, actor=actor(), use=use if isinstance(use, str) else "",
                                  algorithm=algorithm if isinstance(algorithm, str) else "")  # fmt: skip
    session.commit()
    return respond(_key(row), 201)


@route("/keys/<kid>/revocation", "POST", roles=ADMIN,
       summary="Declare a retired key compromised: what it signed counts only if logged before now (admins)",
       tags=("admin",), body=schemas.RevokeRequest, responses={200: schemas.KeyPublic}, errors=(422,),
       examples={"compromised": {"reason": "密钥文件所在服务器疑遭入侵，按应急预案吊销。"}})  # fmt: skip
def revoke_key(kid: str):
    session = get_session()
    reason = json_body().get("reason")
    row = signing_keys.revoke_key(
        session, actor=actor(), kid=kid, reason=reason if isinstance(reason, str) else ""
    )
    session.commit()
    return respond(_key(row))
