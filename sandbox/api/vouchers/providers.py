"""API: the approved provider pool (regulators), enterprises' related parties (applicants) and the
voucher policy (read by anyone signed in; new versions by admins)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from sandbox.api import examples
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.api.vouchers import schemas
from sandbox.db import get_session
from sandbox.models.accounts import Role
from sandbox.services.vouchers import policy as voucher_policy
from sandbox.services.vouchers import providers


def _provider_public(row: Any, organisation: Any) -> schemas.ProviderPublic:
    return schemas.ProviderPublic(
        **row.model_dump(include=set(schemas.ProviderPublic.model_fields)),
        organisation_name=organisation.name,
    )


@route(
    "/providers",
    "GET",
    roles=(Role.REGULATOR,),
    summary="The approved provider pool",
    tags=("vouchers",),
    responses={200: list[schemas.ProviderPublic]},
)
def list_providers():
    rows = providers.list_providers(get_session())
    return jsonify([_provider_public(row, org).model_dump(mode="json") for row, org in rows])


@route(
    "/providers",
    "PUT",
    roles=(Role.REGULATOR,),
    summary="Add or change a pool entry (regulators)",
    tags=("vouchers",),
    body=schemas.ProviderBody,
    responses={200: schemas.ProviderPublic},
    errors=(422,),
)
def save_provider():
    session = get_session()
    row = providers.save_provider(session, actor=actor(), data=json_body())
    session.commit()
    organisation = next(org for r, org in providers.list_providers(session) if r.id == row.id)
    return respond(_provider_public(row, organisation))


@route(
    "/related-parties",
    "GET",
    roles=(Role.APPLICANT,),
    summary="The enterprise's declared related parties",
    tags=("vouchers",),
    responses={200: list[schemas.RelatedPartyPublic]},
)
def list_related_parties():
    rows = providers.related_parties(get_session(), actor=actor())
    return jsonify([schemas.RelatedPartyPublic(**r.model_dump()).model_dump(mode="json") for r in rows])


@route(
    "/related-parties",
    "POST",
    roles=(Role.APPLICANT,),
    summary="Declare a related party",
    tags=("vouchers",),
    body=schemas.RelatedPartyBody,
    responses={201: schemas.RelatedPartyPublic},
    errors=(422,),
    examples={"controlling_shareholder": examples.RELATED_PARTY},
)
def declare_related_party():
    session = get_session()
    row = providers.declare_related_party(session, actor=actor(), data=json_body())
    session.commit()
    return respond(schemas.RelatedPartyPublic(**row.model_dump()), 201)


@route(
    "/voucher-policy",
    "GET",
    summary="The voucher policy in force and its version",
    tags=("vouchers",),
    responses={200: schemas.PolicyPublic},
)
def get_voucher_policy():
    version, policy = voucher_policy.current_policy(get_session())
    return respond(schemas.PolicyPublic(version=version, document=policy.as_json()))


@route(
    "/voucher-policy",
    "PUT",
    roles=(Role.ADMIN,),
    summary="Save a new version of the policy (admins)",
    tags=("vouchers",),
    body=schemas.PolicyBody,
    responses={200: schemas.PolicyPublic},
    errors=(422,),
)
def put_voucher_policy():
    session, body = get_session(), json_body()
    row = voucher_policy.save_version(
        session, actor=actor(), data=body.get("document"), note=str(body.get("note") or "")
    )
    session.commit()
    return respond(schemas.PolicyPublic(version=row.version, document=row.document))
