"""Dispute messages and evidence on the dispute page: posting, adding a file or a statement, withdrawing a
piece (with a reason and a confirmation), downloading a piece and the signed evidence package.

Routes are added to `disputes.bp`. Every download is an attachment that no browser renders or sniffs.
"""

from __future__ import annotations

import hashlib
import io

from flask import flash, redirect, request, send_file, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from sandbox.db import get_session
from sandbox.errors import N_, Conflict, ValidationFailed
from sandbox.security import roles_required, signed_in_user
from sandbox.services.common.settings import settings_of
from sandbox.services.legal import evidence
from sandbox.services.legal.evidence import Upload
from sandbox.uploads import uploads_folder
from sandbox.views.legal.dispute_page import DISPUTE_ROLES
from sandbox.views.legal.disputes import bp, refused


def _back(dispute_id: int, anchor: str) -> Response:
    return redirect(url_for("disputes.dispute_detail", dispute_id=dispute_id) + f"#{anchor}")


def _limit() -> int:
    return settings_of(get_session()).upload_max_bytes


def _upload(file) -> Upload:
    # Read one byte past the limit, so an oversized file is refused without reading all of it.
    return Upload(file.filename or "file", file.read(_limit() + 1))


@bp.post("/disputes/<int:dispute_id>/messages")
@roles_required(*DISPUTE_ROLES)
def post_message(dispute_id: int):
    session = get_session()
    files = [_upload(file) for file in request.files.getlist("files") if file and file.filename]
    try:
        evidence.post_message(
            session,
            actor=signed_in_user(),
            dispute_id=dispute_id,
            body=request.form.get("body", ""),
            attachments=files,
            storage=uploads_folder(),
        )
    except (ValidationFailed, Conflict) as error:
        return refused(dispute_id, "message", error)
    session.commit()
    flash(gettext("Your message was posted."), "success")
    return _back(dispute_id, "messages")


@bp.post("/disputes/<int:dispute_id>/evidence")
@roles_required(*DISPUTE_ROLES)
def add_evidence(dispute_id: int):
    session = get_session()
    file = request.files.get("file")
    data = {key: request.form.get(key, "").strip() for key in ("title", "statement")}
    try:
        evidence.add_evidence(
            session,
            actor=signed_in_user(),
            dispute_id=dispute_id,
            data={key: value for key, value in data.items() if value},
            upload=_upload(file) if file and file.filename else None,
            storage=uploads_folder(),
        )
    except (ValidationFailed, Conflict) as error:
        return refused(dispute_id, "evidence", error)
    session.commit()
    flash(gettext("The evidence was added and time-stamped."), "success")
    return _back(dispute_id, "evidence")


@bp.post("/disputes/<int:dispute_id>/evidence/<int:item_id>/withdraw")
@roles_required(*DISPUTE_ROLES)
def withdraw_evidence(dispute_id: int, item_id: int):
    session, user = get_session(), signed_in_user()
    form_name = f"withdraw-{item_id}"
    evidence.get_evidence(session, actor=user, dispute_id=dispute_id, item_id=item_id)  # 404 first
    if request.form.get("confirm") != "yes":
        error = ValidationFailed.single("confirm", N_("Tick the box to confirm this step."))
        return refused(dispute_id, form_name, error)
    try:
        evidence.withdraw_evidence(
            session, actor=user, dispute_id=dispute_id, item_id=item_id, reason=request.form.get("reason", "")
        )
    except (ValidationFailed, Conflict) as error:
        return refused(dispute_id, form_name, error)
    session.commit()
    flash(gettext("The piece of evidence was marked withdrawn; it stays in the record."), "success")
    return _back(dispute_id, "evidence")


@bp.get("/disputes/<int:dispute_id>/evidence/<int:item_id>")
@roles_required(*DISPUTE_ROLES)
def download_evidence(dispute_id: int, item_id: int):
    item = evidence.get_evidence(
        get_session(), actor=signed_in_user(), dispute_id=dispute_id, item_id=item_id
    )
    response = send_file(
        evidence.blob(uploads_folder(), item.sha256),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=item.filename,
        etag=item.sha256,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Evidence-SHA256"] = item.sha256
    return response


@bp.get("/disputes/<int:dispute_id>/evidence-package")
@roles_required(*DISPUTE_ROLES)
def evidence_package(dispute_id: int):
    session = get_session()
    filename, data = evidence.evidence_package(
        session, actor=signed_in_user(), dispute_id=dispute_id, storage=uploads_folder()
    )
    session.commit()  # the first package creates the platform's package key; keep it
    response = send_file(
        io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=filename
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Package-SHA256"] = hashlib.sha256(data).hexdigest()
    return response
