"""API twins of the account pages: the signed-in user's language, password and own certificates."""

from __future__ import annotations

from sandbox.api import examples
from sandbox.api.accounts.accounts import user_public
from sandbox.api.admin import schemas
from sandbox.api.params import paging
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.api.trust.schemas import CertificateList, CertificateListItem
from sandbox.api.vouchers.schemas import ProviderPublic
from sandbox.db import get_session
from sandbox.errors import N_, NotFound, ValidationFailed
from sandbox.models.accounts import Locale, Organisation, PasswordChange, Role, UserPublic
from sandbox.services.accounts import accounts
from sandbox.services.trust import certificates
from sandbox.services.vouchers import providers


@route("/me", "PATCH", summary="Change your settings: the interface and e-mail language",
       tags=("accounts",), body=schemas.AccountSettings, responses={200: UserPublic}, errors=(422,),
       examples={"english": {"locale": "en"}, "chinese": {"locale": "zh"}})  # fmt: skip
def update_me():
    session, user, body = get_session(), actor(), json_body()
    locale = body.get("locale")
    if locale is not None:
        if not isinstance(locale, str) or locale not in {item.value for item in Locale}:
            raise ValidationFailed.single("locale", N_("Choose one of the listed options."))
        accounts.set_locale(session, user=user, locale=locale)
        session.commit()
    return respond(user_public(session, user))


@route("/me/password", "POST", summary="Change your password",
       description=("Changing the password revokes every bearer token of the account for good, the one "
                    "of this request included, and ends every browser session: sign in again with the new "
                    "password. A weak or common password is refused (422 on `new_password`) with the "
                    "reasons."),
       tags=("accounts",), body=PasswordChange, responses={204: None}, errors=(422,),
       examples={"change": examples.PASSWORD_CHANGE})  # fmt: skip
def change_password():
    session = get_session()
    accounts.change_password(session, user=actor(), data=json_body())
    session.commit()
    return "", 204


@route("/me/certificates", "GET", roles=(Role.APPLICANT, Role.REGULATOR),
       summary="The certificates you manage: your enterprise's, or all for regulators (paginated)",
       tags=("certificates",), responses={200: CertificateList},
       parameters=tuple({"name": n, "in": "query", "required": False, "schema": {"type": "integer"}}
                        for n in ("page", "per_page")))  # fmt: skip
def my_certificates():
    page, per_page = paging()
    result = certificates.list_for(get_session(), actor=actor(), page=page, per_page=per_page)
    items = [
        CertificateListItem(id=c.id, number=c.number, status=c.status.value, kind=c.kind.value)
        for c in result.rows
    ]
    return respond(CertificateList(items=items, page=page, per_page=per_page, total=result.total))


@route("/me/provider", "GET", roles=(Role.SERVICE_PROVIDER,),
       summary="Your organisation's entry in the approved provider pool: its service categories and dates",
       tags=("vouchers",), responses={200: ProviderPublic})  # fmt: skip
def my_provider_entry():
    session = get_session()
    row = providers.provider_of(session, actor())
    if row is None:
        raise NotFound(
            N_("Your organisation is not in the approved provider pool. The sandbox office manages the pool.")
        )
    organisation = session.get(Organisation, row.organisation_id)
    assert organisation is not None
    fields = row.model_dump(include=set(ProviderPublic.model_fields))
    return respond(ProviderPublic(**fields, organisation_name=organisation.name))
