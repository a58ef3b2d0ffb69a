"""API: tokens, the current user, applicant self-registration, enterprises, staff accounts."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import format_datetime
from sqlmodel import Session

from sandbox.api import examples, spec
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, SandboxError, TooManyAttempts
from sandbox.models.accounts import (
    AccountCreate,
    Enterprise,
    EnterprisePublic,
    Organisation,
    OrganisationPublic,
    Role,
    TokenPublic,
    TokenRequest,
    User,
    UserCreate,
    UserPublic,
)
from sandbox.security import registration_attempts, sign_in_attempts
from sandbox.services.accounts import accounts, enterprises, tokens
from sandbox.services.accounts.accounts import LoginOutcome
from sandbox.services.common.validation import validate


class Unauthenticated(SandboxError):
    status = 401
    default = N_("Wrong e-mail address or password.")


def user_public(session: Session, user: User) -> UserPublic:
    """Shape a user for the API, with the enterprise or organisation it belongs to."""
    enterprise = session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return UserPublic(
        id=user.id,  # type: ignore[arg-type]
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        locale=user.locale,
        enterprise=EnterprisePublic.model_validate(enterprise, from_attributes=True) if enterprise else None,
        organisation=OrganisationPublic.model_validate(organisation, from_attributes=True)
        if organisation
        else None,
    )


@route(
    "/tokens",
    "POST",
    auth=False,
    summary="Exchange e-mail and password for a bearer token",
    description=(
        "A token lasts `API_TOKEN_HOURS` (12 hours by default) and ends earlier, for good: when it is "
        "revoked with `DELETE /api/v1/tokens` (logout); when the account's password is changed "
        "(`POST /api/v1/me/password`, the account page or an admin's reset), which revokes every token of "
        "the account; and when the account is deactivated, which revokes every token too — reactivating "
        "the account revives none of them. Wrong passwords are counted per account and client address: "
        "`LOGIN_MAX_FAILURES` (5) of them within `LOGIN_LOCKOUT_MINUTES` (15) block that address from the "
        "account for that time (429), without locking the owner out elsewhere."
    ),
    tags=("accounts",),
    body=TokenRequest,
    responses={201: TokenPublic},
    errors=(401, 422, 429),
    examples={"demo_applicant": examples.TOKEN_REQUEST},
    response_examples={201: examples.TOKEN},
)
@sign_in_attempts
def create_token():
    credentials = validate(TokenRequest, json_body())
    session = get_session()
    result = accounts.authenticate(
        session,
        email=credentials.email,
        password=credentials.password,
        address=request.remote_addr or "",
    )
    session.commit()  # keep failure counters and lockouts
    if result.outcome is LoginOutcome.LOCKED:
        raise TooManyAttempts(
            N_(
                "Too many failed sign-ins from your address. Signing in to this account from it is blocked "
                "until %(time)s."
            ),
            time=format_datetime(result.locked_until, "short"),
        )
    if result.user is None:
        raise Unauthenticated()
    token, row = tokens.issue_token(session, user=result.user)
    session.commit()
    return respond(TokenPublic(token=token, expires_at=row.expires_at), 201)


@route(
    "/tokens",
    "DELETE",
    summary="Revoke the bearer token of this request (sign out)",
    description="The token is revoked for good; the account's other tokens and browser sessions go on.",
    tags=("accounts",),
    responses={204: None},
)
def revoke_token():
    session = get_session()
    tokens.revoke_token(session, request.headers["Authorization"].partition(" ")[2].strip())
    session.commit()
    return "", 204


@route("/me", "GET", summary="The signed-in user", tags=("accounts",), responses={200: UserPublic},
       response_examples={200: examples.USER})  # fmt: skip
def me():
    return respond(user_public(get_session(), actor()))


@route(
    "/accounts",
    "POST",
    auth=False,
    summary="Register an enterprise and its first applicant account",
    description=(
        "An e-mail address that already has an account is refused plainly (422 on `email`), so attempts "
        "are limited per client address (`REGISTER_RATE_LIMIT`, 429). A weak or common password is "
        "refused (422 on `password`) with the reasons."
    ),
    tags=("accounts",),
    body=AccountCreate,
    responses={201: UserPublic},
    errors=(409, 422, 429),
    examples={"robotics_enterprise": examples.ACCOUNT_CREATE},
)
@registration_attempts
def register():
    session = get_session()
    user = accounts.register_applicant(session, data=json_body())
    session.commit()
    return respond(user_public(session, user), 201)


@route(
    "/enterprises/<int:enterprise_id>",
    "GET",
    summary="One enterprise (your own, or any for regulators)",
    tags=("accounts",),
    responses={200: EnterprisePublic},
    errors=(404,),
)
def get_enterprise(enterprise_id: int):
    enterprise = enterprises.get_enterprise(get_session(), actor=actor(), enterprise_id=enterprise_id)
    return respond(EnterprisePublic.model_validate(enterprise, from_attributes=True))


@route(
    "/users",
    "POST",
    roles=(Role.ADMIN,),
    summary="Create an account of a non-applicant role (admins)",
    description="A weak or common password is refused (422 on `password`) with the reasons.",
    tags=("admin",),
    body=UserCreate,
    responses={201: UserPublic},
    errors=(422,),
    examples={"testing_lab_assessor": examples.USER_CREATE},
)
def create_user():
    session = get_session()
    user = accounts.create_user(session, actor=actor(), data=json_body())
    session.commit()
    return respond(user_public(session, user), 201)


@route("/openapi.json", "GET", auth=False, summary="This document", tags=("meta",), responses={200: None})
def openapi():
    return jsonify(spec.openapi_document(title="Sandbox API", version="1"))
