"""API: two-person decisions (propose → confirm, decline or withdraw) and the office's two-person policy.

Revoking, suspending or reinstating a certificate and deciding a liability exemption are proposed by one
regulator and confirmed by a different one; only the confirmation changes anything. The old one-step
routes (`POST /certificates/{id}/status`, `POST /exemptions/{id}/decision`) answer 409
`proposal_required` and name the route to use. If-Match carries the proposal's version on its own
routes and the exemption request's version when proposing a decision on it.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlmodel import Session, col, select

from sandbox.api.decisions import schemas
from sandbox.api.legal.disputes import PAGING, _texts, _version
from sandbox.api.params import paging, whole_number
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, NotFound, ProposalRequired, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.two_person import DecisionProposal
from sandbox.services.common.validation import validate
from sandbox.services.decisions import policy as two_person_policy
from sandbox.services.decisions import proposals
from sandbox.services.legal import exemptions
from sandbox.services.trust import certificates
from workflows.two_person import DEFAULT_POLICY

ERRORS = (404, 409, 422)
STAFF = (Role.APPLICANT, Role.REGULATOR)
EXEMPTION_ROLES = (Role.APPLICANT, Role.REGULATOR, Role.LEGAL_PARTNER)
STEP_EXAMPLES = {"with_a_note": {"note": "核查材料充分，同意。"}}
STATUS_EXAMPLE = {"action": "suspend", "reason": "企业涉嫌超出测试边界处理数据，待核查。"}
EXEMPTION_EXAMPLE = {"decision": "granted", "reasons": "企业善意履责并及时报告。"}


def _people(session: Session, rows: list[DecisionProposal]) -> dict[int, User]:
    ids = {row.proposed_by_id for row in rows} | {row.decided_by_id for row in rows if row.decided_by_id}
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {user.id: user for user in users if user.id is not None}


def _one(row: DecisionProposal, status: int = 200) -> Any:
    body = schemas.proposal_public(row, _people(get_session(), [row]))
    response = respond(body, status)
    response.headers["ETag"] = f'"{row.version}"'
    if status == 201:
        response.headers["Location"] = f"/api/v1/proposals/{row.id}"
    return response


def _many(rows: list[DecisionProposal]) -> Any:
    people = _people(get_session(), rows)
    return jsonify([schemas.proposal_public(row, people).model_dump(mode="json") for row in rows])


# --- proposing --------------------------------------------------------------------------------------------


@route("/certificates/<cert_id>/status-proposals", "POST", roles=(Role.REGULATOR,),
       summary="Propose revoking, suspending or reinstating a certificate; another regulator confirms",
       tags=("certificates",), body=schemas.StatusProposalRequest, responses={201: schemas.ProposalPublic},
       errors=ERRORS, examples={"suspend": STATUS_EXAMPLE})  # fmt: skip
def propose_certificate_status(cert_id: str):
    session = get_session()
    certificates.get_certificate(session, cert_id)
    given = validate(schemas.StatusProposalRequest, json_body())
    row = proposals.propose_status_change(
        session, actor=actor(), certificate_id=cert_id, action=given.action, reason=given.reason
    )
    session.commit()
    return _one(row, 201)


@route("/certificates/<cert_id>/status-proposals", "GET", roles=STAFF,
       summary="Every proposed status change of a certificate, both steps (its enterprise, or regulators)",
       tags=("certificates",), responses={200: list[schemas.ProposalPublic]})  # fmt: skip
def certificate_status_proposals(cert_id: str):
    session = get_session()
    cert = certificates.get_certificate(session, cert_id)
    if not certificates.can_view_private(actor(), cert):
        raise NotFound()
    return _many(proposals.for_certificate(session, cert))


@route("/exemptions/<int:request_id>/decision-proposals", "POST", roles=(Role.REGULATOR,),
       summary="Propose the decision on an exemption request; another regulator confirms it",
       tags=("exemptions",), body=schemas.ExemptionProposalRequest, responses={201: schemas.ProposalPublic},
       errors=ERRORS, examples={"granted": EXEMPTION_EXAMPLE})  # fmt: skip
def propose_exemption_decision(request_id: int):
    session, body = get_session(), json_body()
    fields = ("decision", "scope", "reasons")
    _texts(
        body, *fields, visible=lambda: exemptions.get_request(session, actor=actor(), request_id=request_id)
    )
    row = proposals.propose_exemption_decision(
        session, actor=actor(), request_id=request_id, data={key: body[key] for key in fields if key in body},
        expected_version=_version(body),
    )  # fmt: skip
    session.commit()
    return _one(row, 201)


@route("/exemptions/<int:request_id>/decision-proposals", "GET", roles=EXEMPTION_ROLES,
       summary="Every proposed decision on an exemption request, with both steps",
       tags=("exemptions",), responses={200: list[schemas.ProposalPublic]})  # fmt: skip
def exemption_decision_proposals(request_id: int):
    session = get_session()
    exemptions.get_request(session, actor=actor(), request_id=request_id)
    return _many(proposals.for_exemption_request(session, request_id))


# --- deciding on a proposal -------------------------------------------------------------------------------


@route("/proposals", "GET", roles=(Role.REGULATOR,),
       summary="Two-person proposals, newest first: those waiting for a second regulator with pending=true",
       tags=("proposals",), responses={200: schemas.ProposalList}, errors=(422,),
       parameters=(
           {"name": "pending", "in": "query", "required": False, "schema": {"type": "boolean"},
            "description": "Waiting (true) or settled (false) proposals only."},
           {"name": "case_id", "in": "query", "required": False, "schema": {"type": "integer"},
            "description": "Only the proposals of this case."},
           *PAGING,
       ))  # fmt: skip
def list_proposals():
    raw = request.args.get("pending", "").lower()
    if raw not in ("", "true", "false"):
        raise ValidationFailed.single("pending", N_("Choose yes or no."))
    case = request.args.get("case_id", "")
    page, per_page = paging()
    found = proposals.list_proposals(
        get_session(), actor=actor(), pending={"true": True, "false": False}.get(raw),
        case_id=whole_number(case, "case_id") if case else None, page=page, per_page=per_page,
    )  # fmt: skip
    people = _people(get_session(), found.rows)
    items = [schemas.proposal_public(row, people) for row in found.rows]
    return respond(schemas.ProposalList(items=items, total=found.total, page=page, per_page=per_page))


@route("/proposals/<int:proposal_id>", "GET", roles=(Role.REGULATOR,), summary="One two-person proposal",
       tags=("proposals",), responses={200: schemas.ProposalPublic})  # fmt: skip
def get_proposal(proposal_id: int):
    return _one(proposals.get_proposal(get_session(), actor=actor(), proposal_id=proposal_id))


def _step(proposal_id: int, step: Any) -> Any:
    session, body = get_session(), json_body()
    _texts(
        body, "note", visible=lambda: proposals.get_proposal(session, actor=actor(), proposal_id=proposal_id)
    )
    given = validate(schemas.ProposalStepRequest, body)
    row = step(session, actor=actor(), proposal_id=proposal_id, note=given.note,
               expected_version=_version(body))  # fmt: skip
    session.commit()
    return _one(row)


@route("/proposals/<int:proposal_id>/confirmation", "POST", roles=(Role.REGULATOR,),
       summary="Confirm another regulator's proposal: the decision is carried out now (403 for the proposer)",
       tags=("proposals",), body=schemas.ProposalStepRequest, responses={200: schemas.ProposalPublic},
       errors=ERRORS, examples=STEP_EXAMPLES)  # fmt: skip
def confirm_proposal(proposal_id: int):
    return _step(proposal_id, proposals.confirm)


@route("/proposals/<int:proposal_id>/declination", "POST", roles=(Role.REGULATOR,),
       summary="Decline another regulator's proposal, with a note; nothing is carried out",
       tags=("proposals",), body=schemas.ProposalStepRequest, responses={200: schemas.ProposalPublic},
       errors=ERRORS, examples={"declined": {"note": "现有证据不足以支持撤销。"}})  # fmt: skip
def decline_proposal(proposal_id: int):
    return _step(proposal_id, proposals.decline)


@route("/proposals/<int:proposal_id>/withdrawal", "POST", roles=(Role.REGULATOR,),
       summary="Withdraw your own proposal before it is decided", tags=("proposals",),
       body=schemas.ProposalStepRequest, responses={200: schemas.ProposalPublic}, errors=ERRORS)  # fmt: skip
def withdraw_proposal(proposal_id: int):
    return _step(proposal_id, proposals.withdraw)


# --- the old one-step routes ------------------------------------------------------------------------------


@route("/certificates/<cert_id>/status", "POST", roles=(Role.REGULATOR,),
       summary="Replaced: propose with POST /certificates/{cert_id}/status-proposals (answers 409)",
       tags=("certificates",), responses={}, errors=(404, 409))  # fmt: skip
def change_certificate_status(cert_id: str):
    certificates.get_certificate(get_session(), cert_id)
    raise ProposalRequired(
        N_("A status change needs two regulators: propose it with POST %(path)s; a different regulator "
           "confirms it."), path=f"/api/v1/certificates/{cert_id}/status-proposals",
    )  # fmt: skip


@route("/exemptions/<int:request_id>/decision", "POST", roles=(Role.REGULATOR,),
       summary="Replaced: propose with POST /exemptions/{request_id}/decision-proposals (answers 409)",
       tags=("exemptions",), responses={}, errors=(404, 409))  # fmt: skip
def decide_exemption(request_id: int):
    exemptions.get_request(get_session(), actor=actor(), request_id=request_id)
    raise ProposalRequired(
        N_("An exemption decision needs two regulators: propose it with POST %(path)s; a different "
           "regulator confirms it."), path=f"/api/v1/exemptions/{request_id}/decision-proposals",
    )  # fmt: skip


# --- the office's policy ----------------------------------------------------------------------------------


def _policy_out(session: Session, row: Any) -> schemas.TwoPersonPolicyPublic:
    creator = session.get(User, row.created_by_id) if row is not None else None
    return schemas.policy_public(row, creator, DEFAULT_POLICY)


@route("/two-person-policy", "GET", roles=(Role.REGULATOR, Role.ADMIN),
       summary="The two-person policy in force: who may not approve a case's exit",
       tags=("admin",), responses={200: schemas.TwoPersonPolicyPublic})  # fmt: skip
def get_two_person_policy():
    session = get_session()
    rows = two_person_policy.list_versions(session)
    return respond(_policy_out(session, rows[0] if rows else None))


@route("/two-person-policy", "PUT", roles=(Role.ADMIN,),
       summary="Save a new version of the two-person policy (admins); earlier versions are kept",
       tags=("admin",), body=schemas.TwoPersonPolicyBody, responses={200: schemas.TwoPersonPolicyPublic},
       errors=(409, 422), examples={"also_the_filing_acceptor": {
           "bar_former_officers": True, "bar_evaluators": True, "bar_filing_acceptor": True,
           "note": "办公室会议决定：予以备案的监管人员不得审批同一项目出盒。"}})  # fmt: skip
def put_two_person_policy():
    session = get_session()
    row = two_person_policy.save_version(session, actor=actor(), data=json_body())
    session.commit()
    return respond(_policy_out(session, row))


@route("/two-person-policy/versions", "GET", roles=(Role.ADMIN,),
       summary="Every saved version of the two-person policy, newest first, with who saved it (admins)",
       tags=("admin",), responses={200: list[schemas.TwoPersonPolicyPublic]})  # fmt: skip
def two_person_policy_versions():
    session = get_session()
    return jsonify([_policy_out(session, row).model_dump(mode="json")
                    for row in two_person_policy.list_versions(session)])  # fmt: skip
