"""API: disputes (raise, handle through their stages, messages, evidence, the court-ready evidence
package) and liability-exemption requests (apply, the legal opinion, the decision).

Who may see and do what is decided by `sandbox.services.legal.disputes`, `.evidence` and `.exemptions`: anyone
who may not see a dispute or request gets 404, a party who may see it but not act gets 403. If-Match
carries the dispute's (or request's) version on its own routes and the case's version where a case
event starts the record (raising a dispute, applying for an exemption).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from typing import Any

from flask import request, send_file
from sqlmodel import Session

from sandbox.api import examples
from sandbox.api.cases.cases import expected_version as case_version
from sandbox.api.legal import schemas
from sandbox.api.params import paging, whole_number
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, Message, ValidationFailed
from sandbox.models.accounts import Organisation, Role, User
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute
from sandbox.services.common.settings import settings_of
from sandbox.services.legal import disputes, evidence
from sandbox.uploads import uploads_folder
from workflows.disputes import DisputeStage

ERRORS = (404, 409, 422)
UPLOAD_ERRORS = (404, 409, 413, 422, 503)
STAGE_FILTERS = ("open", "finished", *(stage.value for stage in DisputeStage))


def _query(name: str, schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": text}


PAGING = (
    _query("page", {"type": "integer", "minimum": 1}, "Page number (default 1)."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Page size (default 20)."),
)
DISPUTE_FILTERS = (
    _query("stage", {"type": "string", "enum": list(STAGE_FILTERS)}, "`open`, `finished` or one stage."),
    _query("case_id", {"type": "integer"}, "Only the disputes of this case."),
    _query("q", {"type": "string"}, "Search the claim, case title and filing number."),
)
PENDING = (_query("pending", {"type": "boolean"}, "Undecided (true) or decided (false) requests only."),)


def _paging() -> tuple[int, int]:
    return paging()


def _version(body: dict[str, Any] | None = None) -> int | None:
    """The record version the client saw: If-Match ("3" or W/"3") first, else `expected_version`."""
    header = request.headers.get("If-Match")
    if header:
        match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', header)
        if match is None:
            raise ValidationFailed.single("If-Match", N_("This value is not valid."))
        return int(match[1])
    value = (body or {}).get("expected_version")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationFailed.single("expected_version", N_("Enter a whole number."))
    return value


def _texts(body: dict[str, Any], *keys: str, visible: Callable[[], object]) -> None:
    """Refuse (422) fields sent as something other than text, once `visible()` has had its say (404)."""
    wrong = [key for key in keys if body.get(key) is not None and not isinstance(body[key], str)]
    if wrong:
        visible()
        raise ValidationFailed({key: [Message(N_("Enter text."))] for key in wrong})


def _tagged(response: Any, version: int) -> Any:
    response.headers["ETag"] = f'"{version}"'
    return response


def _is_multipart() -> bool:
    return request.mimetype == "multipart/form-data"


def _uploads(name: str) -> list[evidence.Upload]:
    # Read one byte past the limit, so an oversized file is refused without reading all of it.
    limit = settings_of(get_session()).upload_max_bytes
    # A form part without a file name is a file input left empty, not an empty file.
    return [evidence.Upload(f.filename, f.read(limit + 1)) for f in request.files.getlist(name) if f.filename]


def _dispute_out(session: Session, user: User, dispute: Dispute, case: Case) -> schemas.DisputePublic:
    organisation = session.get(Organisation, dispute.organisation_id)
    assert organisation is not None
    return schemas.dispute_public(
        dispute, case, organisation=organisation,
        assignee=session.get(User, dispute.assignee_id) if dispute.assignee_id else None,
        actions=disputes.actions_for(user, dispute, case),
        show_contact=user.role in (Role.REGULATOR, Role.LEGAL_PARTNER),
    )  # fmt: skip


def dispute_response(dispute: Dispute, status: int = 200) -> Any:
    session, user = get_session(), actor()
    dispute, case = disputes.get_dispute(session, actor=user, dispute_id=dispute.id)  # type: ignore[arg-type]
    response = respond(_dispute_out(session, user, dispute, case), status)
    if status == 201:
        response.headers["Location"] = f"/api/v1/disputes/{dispute.id}"
    return _tagged(response, dispute.version)


# --- disputes -------------------------------------------------------------------------------------


@route("/cases/<int:case_id>/disputes", "POST", summary="Raise a dispute on a case (applicants, regulators)",
       tags=("disputes",), body=schemas.DisputeCreate, responses={201: schemas.DisputePublic},
       errors=ERRORS, examples={"appeal": examples.DISPUTE_CREATE})  # fmt: skip
def raise_dispute(case_id: int):
    session, body = get_session(), json_body()
    version = case_version(body)
    data = {key: value for key, value in body.items() if key != "expected_version"}
    dispute = disputes.raise_dispute(
        session, actor=actor(), case_id=case_id, data=data, expected_version=version,
    )  # fmt: skip
    session.commit()
    return dispute_response(dispute, 201)


@route("/disputes", "GET", summary="The disputes you may see, newest first (paginated)", tags=("disputes",),
       responses={200: schemas.DisputeList}, errors=(422,), parameters=DISPUTE_FILTERS + PAGING)  # fmt: skip
def list_disputes():
    session, user, args = get_session(), actor(), request.args
    stage, case_id = args.get("stage") or None, args.get("case_id", "")
    if stage is not None and stage not in STAGE_FILTERS:
        raise ValidationFailed.single("stage", N_("Choose one of the listed options."))
    page, per_page = _paging()
    found = disputes.list_disputes(
        session, actor=user, stage=stage, case_id=whole_number(case_id, "case_id") if case_id else None,
        query=args.get("q", ""), page=page, per_page=per_page,
    )  # fmt: skip
    items = [_dispute_out(session, user, dispute, case) for dispute, case in found.rows]
    return respond(schemas.DisputeList(items=items, total=found.total, page=page, per_page=per_page))


@route("/disputes/<int:dispute_id>", "GET", summary="One dispute, with what you may do now (ETag: version)",
       tags=("disputes",), responses={200: schemas.DisputePublic}, errors=(404,))  # fmt: skip
def get_dispute(dispute_id: int):
    session, user = get_session(), actor()
    dispute, case = disputes.get_dispute(session, actor=user, dispute_id=dispute_id)
    return _tagged(respond(_dispute_out(session, user, dispute, case)), dispute.version)


@route("/disputes/<int:dispute_id>/actions", "POST",
       summary="Acknowledge, settle, refer, record the judgment, close or withdraw (If-Match: version)",
       tags=("disputes",), body=schemas.DisputeActionRequest, responses={200: schemas.DisputePublic},
       errors=ERRORS, examples=examples.DISPUTE_ACTIONS)  # fmt: skip
def act_on_dispute(dispute_id: int):
    session, body = get_session(), json_body()
    fields = ("outcome", "resolution", "court_name", "court_case_number")
    dispute = disputes.act(
        session, actor=actor(), dispute_id=dispute_id, action=str(body.get("action") or ""),
        data={key: body[key] for key in fields if body.get(key) is not None}, expected_version=_version(body),
    )  # fmt: skip
    session.commit()
    return dispute_response(dispute)


@route("/disputes/<int:dispute_id>/assignee", "PUT",
       summary="Name who handles the dispute at the legal-partner organisation", tags=("disputes",),
       body=schemas.DisputeAssigneeRequest, responses={200: schemas.DisputePublic},
       errors=ERRORS)  # fmt: skip
def assign_dispute(dispute_id: int):
    session, body = get_session(), json_body()
    assignee = body.get("assignee_id")
    # Not a user id: 0 matches nobody, so the service still answers 404 and 403 before refusing it (422).
    chosen = assignee if isinstance(assignee, int) and not isinstance(assignee, bool) else 0
    dispute = disputes.assign(session, actor=actor(), dispute_id=dispute_id, assignee_id=chosen)
    session.commit()
    return dispute_response(dispute)


# --- messages and evidence ------------------------------------------------------------------------


@route("/disputes/<int:dispute_id>/messages", "GET", summary="The messages between the parties, oldest first",
       tags=("disputes",), responses={200: list[schemas.DisputeMessagePublic]}, errors=(404,))  # fmt: skip
def list_dispute_messages(dispute_id: int):
    session = get_session()
    dispute, _ = disputes.get_dispute(session, actor=actor(), dispute_id=dispute_id)
    items = evidence.list_evidence(session, dispute)
    rows = []
    for message in disputes.messages(session, dispute):
        attached = [item for item in items if item.message_id == message.id]
        author = session.get(User, message.author_id)
        rows.append(schemas.message_public(message, author, attached).model_dump(mode="json"))
    return rows


@route("/disputes/<int:dispute_id>/messages", "POST",
       summary="Post a message: JSON {body}, or multipart with body and files (each file becomes evidence)",
       tags=("disputes",), body=schemas.DisputeMessageCreate, responses={201: schemas.DisputeMessagePublic},
       errors=UPLOAD_ERRORS, examples={"message": examples.DISPUTE_MESSAGE})  # fmt: skip
def post_dispute_message(dispute_id: int):
    session, user = get_session(), actor()
    if _is_multipart():
        text, attachments = request.form.get("body", ""), _uploads("files")
    else:
        body = json_body()
        _texts(body, "body", visible=lambda: disputes.get_dispute(session, actor=user, dispute_id=dispute_id))
        text, attachments = body.get("body") or "", []
    message = evidence.post_message(
        session, actor=user, dispute_id=dispute_id, body=text, attachments=attachments,
        storage=uploads_folder(),
    )  # fmt: skip
    dispute, _ = disputes.get_dispute(session, actor=user, dispute_id=dispute_id)
    added = [item for item in evidence.list_evidence(session, dispute) if item.message_id == message.id]
    session.commit()
    return respond(schemas.message_public(message, user, added), 201)


@route("/disputes/<int:dispute_id>/evidence", "GET", summary="The evidence, withdrawn pieces included",
       tags=("evidence",), responses={200: list[schemas.EvidencePublic]}, errors=(404,))  # fmt: skip
def list_dispute_evidence(dispute_id: int):
    session = get_session()
    dispute, _ = disputes.get_dispute(session, actor=actor(), dispute_id=dispute_id)
    return [
        schemas.evidence_public(item).model_dump(mode="json")
        for item in evidence.list_evidence(session, dispute)
    ]


@route("/disputes/<int:dispute_id>/evidence", "POST",
       summary="Add evidence: multipart title + file, or JSON {title, statement}", tags=("evidence",),
       body=schemas.EvidenceCreate, responses={201: schemas.EvidencePublic},
       errors=UPLOAD_ERRORS, examples={"statement": examples.EVIDENCE_CREATE})  # fmt: skip
def add_dispute_evidence(dispute_id: int):
    session = get_session()
    fields = ("title", "statement")
    if _is_multipart():
        data, upload = {key: request.form.get(key, "") for key in fields}, next(iter(_uploads("file")), None)
    else:
        body = json_body()
        data, upload = {key: body[key] for key in fields if body.get(key) is not None}, None
    item = evidence.add_evidence(
        session, actor=actor(), dispute_id=dispute_id, data=data, upload=upload, storage=uploads_folder()
    )
    session.commit()
    return respond(schemas.evidence_public(item), 201)


@route("/disputes/<int:dispute_id>/evidence/<int:item_id>", "GET",
       summary="Download a piece of evidence (always as an attachment; X-Content-SHA256)", tags=("evidence",),
       responses={200: None}, errors=(404,))  # fmt: skip
def download_evidence(dispute_id: int, item_id: int):
    item = evidence.get_evidence(get_session(), actor=actor(), dispute_id=dispute_id, item_id=item_id)
    response = send_file(
        evidence.blob(uploads_folder(), item.sha256), mimetype="application/octet-stream", as_attachment=True,
        download_name=item.filename, etag=item.sha256,
    )  # fmt: skip
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-SHA256"] = item.sha256
    return response


@route("/disputes/<int:dispute_id>/evidence/<int:item_id>/withdrawal", "POST",
       summary="Withdraw a piece of evidence (it stays in the record, marked withdrawn)", tags=("evidence",),
       body=schemas.EvidenceWithdrawal, responses={200: schemas.EvidencePublic}, errors=ERRORS)  # fmt: skip
def withdraw_evidence(dispute_id: int, item_id: int):
    session, body, user = get_session(), json_body(), actor()
    find: dict[str, Any] = {"actor": user, "dispute_id": dispute_id, "item_id": item_id}
    _texts(body, "reason", visible=lambda: evidence.get_evidence(session, **find))
    item = evidence.withdraw_evidence(session, **find, reason=body.get("reason") or "")
    session.commit()
    return respond(schemas.evidence_public(item))


@route("/disputes/<int:dispute_id>/evidence-package", "GET",
       summary="The signed evidence package (ZIP: files, manifest, signature, case timeline)",
       tags=("evidence",), responses={200: None}, errors=(404,))  # fmt: skip
def evidence_package(dispute_id: int):
    session = get_session()
    name, data = evidence.evidence_package(
        session, actor=actor(), dispute_id=dispute_id, storage=uploads_folder()
    )
    session.commit()  # the package key may have been created on first use
    digest = hashlib.sha256(data).hexdigest()
    response = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name,
                         etag=digest)  # fmt: skip
    response.headers["X-Content-SHA256"] = digest
    return response
