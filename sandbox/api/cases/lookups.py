"""API twins of what the pages show beside a record: the lists forms choose from, the regulator's queues,
a case's certificate, a certificate's status history and voucher, a dispute's possible handlers, and
the voucher policy's versions."""

from __future__ import annotations

from sandbox.api.admin import schemas
from sandbox.api.routing import actor, respond, route
from sandbox.api.trust.schemas import CertificateListItem
from sandbox.api.vouchers import schemas as voucher_schemas
from sandbox.api.vouchers.vouchers import refusal_text
from sandbox.db import get_session
from sandbox.errors import NotFound
from sandbox.models.accounts import Role, User
from sandbox.services.accounts import directory
from sandbox.services.cases import cases
from sandbox.services.trust import certificates
from sandbox.services.vouchers import ledger as voucher_ledger
from sandbox.services.vouchers import policy as voucher_policy
from sandbox.services.vouchers import vouchers as voucher_service

STAFF = (Role.APPLICANT, Role.REGULATOR)


def _person(user: User) -> schemas.PersonPublic:
    return schemas.PersonPublic(id=user.id, display_name=user.display_name, role=user.role)


def _entries(rows: list) -> list[schemas.OrganisationEntry]:
    return [schemas.OrganisationEntry.model_validate(row, from_attributes=True) for row in rows]


@route("/directory", "GET", roles=tuple(directory.DIRECTORY_ROLES),
       summary="What forms choose from: legal partners; labs, case officers and providers for regulators",
       tags=("cases",), responses={200: schemas.Directory})  # fmt: skip
def get_directory():
    session, user = get_session(), actor()
    legal = _entries(directory.legal_organisations(session, actor=user))
    counterparties = (
        _entries(directory.contract_counterparties(session, actor=user))
        if user.role in directory.DISPUTE_RAISERS
        else []
    )
    if user.role is not Role.REGULATOR:
        return respond(
            schemas.Directory(
                legal_organisations=legal, testing_labs=[], case_officers=[], provider_organisations=[],
                contract_counterparties=counterparties,
            )  # fmt: skip
        )
    return respond(
        schemas.Directory(
            legal_organisations=legal,
            testing_labs=_entries(directory.testing_labs(session, actor=user)),
            case_officers=[_person(officer) for officer in directory.case_officers(session, actor=user)],
            provider_organisations=_entries(directory.provider_organisations(session, actor=user)),
            contract_counterparties=counterparties,
        )
    )


@route("/case-queues", "GET", roles=(Role.REGULATOR,),
       summary="How many filed cases wait in each stage, and how many are overdue (regulators)",
       tags=("cases",), responses={200: schemas.CaseQueues})  # fmt: skip
def case_queues():
    session = get_session()
    return respond(
        schemas.CaseQueues(states=cases.count_cases_by_state(session), overdue=cases.count_overdue(session))
    )


@route("/cases/<int:case_id>/certificate", "GET", roles=STAFF,
       summary="The case's exit certificate (id, number, status); 404 before one is issued",
       tags=("certificates",), responses={200: CertificateListItem})  # fmt: skip
def case_certificate(case_id: int):
    session, user = get_session(), actor()
    cases.get_case(session, actor=user, case_id=case_id)
    cert = certificates.certificate_for_case(session, case_id)
    if cert is None or not certificates.can_view_private(user, cert):
        raise NotFound()
    return respond(CertificateListItem(id=cert.id, number=cert.number, status=cert.status.value,
                                       kind=cert.kind.value))  # fmt: skip


@route("/certificates/<cert_id>/history", "GET", roles=STAFF,
       summary="Every status change of a certificate with its reason (the enterprise's own, or regulators)",
       tags=("certificates",), responses={200: list[schemas.StatusChangePublic]})  # fmt: skip
def certificate_history(cert_id: str):
    session, user = get_session(), actor()
    cert = certificates.get_certificate(session, cert_id)
    if not certificates.can_view_private(user, cert):
        raise NotFound()
    return [
        schemas.StatusChangePublic.model_validate(row, from_attributes=True).model_dump(mode="json")
        for row in certificates.status_history(session, cert)
    ]


@route("/certificates/<cert_id>/voucher", "GET", roles=STAFF,
       summary="The voucher issued (or refused) with a certificate, with its ledger",
       tags=("vouchers",), responses={200: voucher_schemas.VoucherDetail})  # fmt: skip
def certificate_voucher(cert_id: str):
    session = get_session()
    voucher = voucher_service.voucher_for_certificate(session, actor=actor(), certificate_id=cert_id)
    ledger = [voucher_schemas.ledger_public(e) for e in voucher_ledger.entries(session, voucher.id)]  # type: ignore[arg-type]
    return respond(
        voucher_schemas.VoucherDetail(
            **voucher_schemas.voucher_public(voucher, refusal_text(voucher)), ledger=ledger
        )
    )


@route("/disputes/<int:dispute_id>/colleagues", "GET", roles=(Role.LEGAL_PARTNER,),
       summary="Whom the dispute can be assigned to: the handling organisation's legal partners",
       tags=("disputes",), responses={200: list[schemas.PersonPublic]})  # fmt: skip
def dispute_colleagues(dispute_id: int):
    rows = directory.dispute_colleagues(get_session(), actor=actor(), dispute_id=dispute_id)
    return [_person(user).model_dump(mode="json") for user in rows]


@route("/voucher-policy/versions", "GET", roles=(Role.ADMIN,),
       summary="Every saved version of the voucher policy, newest first (admins)",
       tags=("vouchers",), responses={200: list[schemas.PolicyVersionPublic]})  # fmt: skip
def voucher_policy_versions():
    rows = voucher_policy.list_versions(get_session())
    return [schemas.PolicyVersionPublic.model_validate(row, from_attributes=True).model_dump(mode="json")
            for row in rows]  # fmt: skip
