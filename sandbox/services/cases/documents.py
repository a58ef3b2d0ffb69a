"""Case documents: uploads checked by content and size, stored content-addressed, versioned by name.

The bytes live under `<uploads>/<first two hex>/<sha256>`, written to a temporary file and renamed, so
a half-written file never carries a real digest's name. The type is decided from the first bytes, not
from the name or the browser's claim; downloads are always attachments, never shown inline.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_, NotFound, PermissionDenied, StorageUnavailable, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.documents import Document, DocumentKind
from sandbox.private_files import make_private_dirs
from sandbox.services.cases.cases import get_case
from sandbox.services.common.archives import OFFICE_ZIP_TYPES, ZIP_MAGIC, UnsafeArchive, zip_media_type
from sandbox.services.common.settings import settings_of
from workflows.sectors import sector_pack
from workflows.states import FINAL_STATES

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX, XLSX, PPTX = OFFICE_ZIP_TYPES.values()
# The name endings each accepted type may carry, and the label used when they disagree. A name ending in
# anything else (".html" on a PDF) is refused: a downloaded copy would be opened by that ending.
ENDINGS: dict[str, tuple[str, frozenset[str]]] = {
    "application/pdf": ("PDF", frozenset({"pdf"})),
    "image/png": ("PNG", frozenset({"png"})),
    "image/jpeg": ("JPEG", frozenset({"jpg", "jpeg", "jpe", "jfif"})),
    "application/x-ole-storage": (
        "DOC/XLS/PPT",
        frozenset({"doc", "dot", "xls", "xlt", "ppt", "pot", "wps", "et", "dps"}),
    ),
    DOCX: ("DOCX", frozenset({"docx", "docm", "dotx", "dotm", "wps", "zip"})),
    XLSX: ("XLSX", frozenset({"xlsx", "xlsm", "xltx", "xltm", "et", "zip"})),
    PPTX: ("PPTX", frozenset({"pptx", "pptm", "potx", "ppsx", "dps", "zip"})),
    "application/zip": ("ZIP", frozenset({"zip", "ofd"})),
}

# Which role may upload which kind of document.
UPLOAD_ROLES: dict[DocumentKind, frozenset[Role]] = {
    DocumentKind.PLAN: frozenset({Role.APPLICANT}),
    DocumentKind.COMMITMENT: frozenset({Role.APPLICANT}),
    DocumentKind.SELF_ASSESSMENT: frozenset({Role.APPLICANT}),
    DocumentKind.PERIODIC_REPORT: frozenset({Role.APPLICANT}),
    DocumentKind.INCIDENT_REPORT: frozenset({Role.APPLICANT}),
    DocumentKind.TECHNICAL_VERIFICATION_REPORT: frozenset({Role.ASSESSOR, Role.REGULATOR}),
    DocumentKind.LEGAL_OPINION: frozenset({Role.LEGAL_PARTNER}),
    DocumentKind.EVIDENCE: frozenset({Role.APPLICANT, Role.REGULATOR, Role.ASSESSOR, Role.LEGAL_PARTNER}),
    DocumentKind.FILING_MATERIAL: frozenset({Role.APPLICANT}),
    DocumentKind.OTHER: frozenset({Role.APPLICANT, Role.REGULATOR, Role.ASSESSOR, Role.LEGAL_PARTNER}),
}


def sniff_content_type(data: bytes) -> str | None:
    """Return the media type the bytes really are, for the types we accept; None otherwise."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(OLE2):
        return "application/x-ole-storage"  # .doc / .xls / .ppt
    if data.startswith(ZIP_MAGIC):
        return zip_media_type(data)  # raises UnsafeArchive for a zip bomb
    return None


def checked_content_type(
    data: bytes,
    *,
    field: str,
    max_bytes: int,
    refused: str,
    allowed: frozenset[str] | None = None,
    empty: str = N_("The file is empty."),
    filename: str | None = None,
) -> str:
    """Return the real media type of an upload, or refuse it: empty, too large, of a refused type, an
    archive too large when expanded, or named with an ending that contradicts its content."""
    if not data:
        raise ValidationFailed.single(field, empty)
    if len(data) > max_bytes:
        limit = max_bytes // 2**20
        raise ValidationFailed.single(field, N_("The file is larger than %(limit)s MB."), limit=limit)
    try:
        content_type = sniff_content_type(data)
    except UnsafeArchive as error:
        raise ValidationFailed({field: [error.message]}) from None
    if content_type is None or (allowed is not None and content_type not in allowed):
        raise ValidationFailed.single(field, refused)
    name = clean_filename(filename or "")
    ending = name.rpartition(".")[2].lower() if "." in name else ""
    label, endings = ENDINGS[content_type]
    if ending and ending not in endings:
        raise ValidationFailed.single(
            field,
            N_("The file name ends in .%(ending)s, but the file is %(kind)s."),
            ending=ending[:20],
            kind=label,
        )
    return content_type


def clean_filename(name: str) -> str:
    """Keep the last path component, NFC, without control characters, at most 200 characters with its
    ending kept; never empty."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    base = "".join(char for char in base if unicodedata.category(char)[0] != "C")
    # Windows drops trailing dots and spaces ("a.html." opens as a.html); "." and ".." name no file.
    base = base.rstrip(". ")
    stem, dot, ending = base.rpartition(".")
    if len(base) > 200 and dot and len(ending) <= 20:
        base = stem[: 199 - len(ending)] + dot + ending
    return base[:200] or "document"


def store_blob(storage: Path, data: bytes) -> str:
    """Write the bytes content-addressed (idempotent) and return their SHA-256.

    Raises `StorageUnavailable` (503) when the folder cannot be written: missing, read-only, full, or
    not a folder at all.
    """
    digest = hashlib.sha256(data).hexdigest()
    folder = storage / digest[:2]
    target = folder / digest
    temporary: str | None = None
    try:
        if target.exists():
            return digest
        make_private_dirs(folder)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:  # created 0600
            temporary = handle.name
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        # Callers add their row only after this returns and the request rolls back on the error, so a
        # failed write leaves no row pointing at a missing file.
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise StorageUnavailable() from error
    return digest


def upload_document(
    session: Session,
    *,
    actor: User,
    case_id: int,
    kind: str,
    filename: str,
    data: bytes,
    storage: Path,
    material: str | None = None,
) -> Document:
    """Check and store an upload; a second upload under the same name becomes its next version.

    `material` names the sector pack's required document the upload provides (kind filing_material,
    which is also the kind when none is given).
    """
    case = get_case(session, actor=actor, case_id=case_id)
    if material and not kind:
        kind = DocumentKind.FILING_MATERIAL.value
    try:
        document_kind = DocumentKind(kind)
    except ValueError:
        raise ValidationFailed.single("kind", N_("Choose one of the listed options.")) from None
    if actor.role not in UPLOAD_ROLES[document_kind]:
        raise PermissionDenied()
    material_id = _material_of(case.sector, document_kind, material)
    if case.state in FINAL_STATES and document_kind is not DocumentKind.EVIDENCE:
        raise ValidationFailed.single("file", N_("This case is closed; only evidence can still be added."))
    content_type = checked_content_type(
        data,
        field="file",
        max_bytes=settings_of(session).upload_max_bytes,
        refused=N_("Only PDF, PNG, JPEG, Office documents and ZIP archives are accepted."),
        filename=filename,
    )
    name = clean_filename(filename)
    digest = store_blob(storage, data)
    previous = session.exec(
        select(func.max(Document.version)).where(
            Document.case_id == case.id, Document.kind == document_kind, Document.filename == name
        )
    ).one()
    document = Document(
        case_id=case.id,  # type: ignore[arg-type]
        kind=document_kind,
        filename=name,
        version=(previous or 0) + 1,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by_id=actor.id,  # type: ignore[arg-type]
        material_id=material_id,
    )
    session.add(document)
    session.flush()
    return document


def _material_of(sector: str, kind: DocumentKind, material: str | None) -> str | None:
    """Return the material id an upload is tagged with: required for filing materials, else refused."""
    if kind is not DocumentKind.FILING_MATERIAL:
        if material:
            raise ValidationFailed.single("material", N_("Only a filing material names a material item."))
        return None
    if not material or sector_pack(sector).document(material) is None:
        raise ValidationFailed.single("material", N_("Choose one of the materials this sector requires."))
    return material


def list_documents(session: Session, *, actor: User, case_id: int) -> list[Document]:
    get_case(session, actor=actor, case_id=case_id)
    statement = select(Document).where(Document.case_id == case_id).order_by(col(Document.id))
    return list(session.exec(statement).all())


def get_document(session: Session, *, actor: User, case_id: int, document_id: int) -> Document:
    get_case(session, actor=actor, case_id=case_id)
    document = session.get(Document, document_id)
    if document is None or document.case_id != case_id:
        raise NotFound()
    return document


def has_document(session: Session, *, case_id: int, kind: DocumentKind) -> bool:
    statement = select(Document.id).where(Document.case_id == case_id, Document.kind == kind)
    return session.exec(statement).first() is not None


def blob_at(storage: Path, sha256: str) -> Path:
    """Where `store_blob` keeps the bytes whose SHA-256 is `sha256`."""
    return storage / sha256[:2] / sha256
