"""Request-side handling of stored files (case documents, voucher invoices), shared by the pages and the
API: where they live and how they are sent (always as attachments no browser renders)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, request, send_file
from sqlmodel import Session

from sandbox.models.accounts import User
from sandbox.models.documents import Document
from sandbox.models.vouchers import Redemption
from sandbox.services.cases import documents
from sandbox.services.common.settings import settings_of


def uploads_folder() -> Path:
    return Path(current_app.instance_path) / "uploads"


def invoices_folder() -> Path:
    return uploads_folder() / "invoices"


def request_file(session: Session) -> tuple[str | None, bytes]:
    """The request's `file`: its name (None when no file came) and its bytes, read one byte past the
    upload limit so that an oversized file is refused without reading all of it."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, b""
    return upload.filename, upload.read(settings_of(session).upload_max_bytes + 1)


def upload_from_request(
    session: Session, *, actor: User, case_id: int, material: str | None = None
) -> Document:
    """Store the request's `file` as a document of kind `kind`, for the filing material `material`
    (from the form when not given); the service checks everything."""
    filename, data = request_file(session)
    return documents.upload_document(
        session,
        actor=actor,
        case_id=case_id,
        kind=request.form.get("kind", ""),
        filename=filename or "document",
        data=data,
        storage=uploads_folder(),
        material=material or request.form.get("material") or None,
    )


def send_document(document: Document) -> Response:
    """Send a stored document as an attachment that no browser will render or sniff."""
    return send_stored(uploads_folder(), document.sha256, document.filename)


def send_invoice(redemption: Redemption) -> Response:
    """Send a redemption's invoice (its reader was checked by whoever found the redemption)."""
    return send_stored(invoices_folder(), redemption.invoice_sha256, redemption.invoice_filename)


def send_stored(folder: Path, sha256: str, filename: str) -> Response:
    """Send a content-addressed file as an attachment that no browser will render or sniff."""
    response = send_file(
        documents.blob_at(folder, sha256),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=filename,
        etag=sha256,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Document-SHA256"] = sha256
    return response
