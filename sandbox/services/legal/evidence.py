"""Dispute evidence and messages, and the court-ready evidence package.

Every file and every written statement is stored content-addressed (SHA-256 of its bytes) and stamped
with who added it and when; nothing is ever replaced or deleted. A withdrawn piece stays in the record
and in the package, marked withdrawn with who withdrew it, when and why. The package is built by
`certificates.package` and signed with the platform's package key (published in the JWKS).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Field, Session, SQLModel, col, select

from certificates.keys import KeyUse
from certificates.package import PackageFile, build_evidence_package
from sandbox.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute, DisputeMessage, EvidenceItem, EvidenceKind
from sandbox.models.documents import Document
from sandbox.services.case_events.history import canonical_event, case_history
from sandbox.services.cases.cases import nfc
from sandbox.services.cases.documents import checked_content_type, clean_filename, store_blob
from sandbox.services.common.settings import settings_of
from sandbox.services.common.validation import validate
from sandbox.services.legal.disputes import get_dispute, messages, tell
from sandbox.services.legal.exhibit_list import exhibit_list_file
from sandbox.services.trust import signing_keys
from workflows.disputes import FINISHED_STAGES

PARTIES = frozenset({Role.APPLICANT, Role.REGULATOR, Role.LEGAL_PARTNER})
REFUSED_TYPE = N_("Only PDF, PNG, JPEG, Office documents and ZIP archives are accepted.")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _party(actor: User, dispute: Dispute) -> None:
    if actor.role not in PARTIES:
        raise PermissionDenied()
    if dispute.stage in FINISHED_STAGES:
        raise Conflict(N_("This dispute is finished; nothing more can be added."))


def _store(
    session: Session,
    dispute: Dispute,
    actor: User,
    *,
    kind: EvidenceKind,
    title: str,
    filename: str,
    data: bytes,
    storage: Path,
    message_id: int | None = None,
) -> EvidenceItem:
    if kind is EvidenceKind.STATEMENT:
        content_type = "text/plain; charset=utf-8"
    else:
        max_bytes = settings_of(session).upload_max_bytes
        content_type = checked_content_type(
            data, field="file", max_bytes=max_bytes, refused=REFUSED_TYPE, filename=filename
        )
    item = EvidenceItem(
        dispute_id=dispute.id,  # type: ignore[arg-type]
        message_id=message_id,
        kind=kind,
        title=title,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=store_blob(storage, data),
        added_by_id=actor.id,  # type: ignore[arg-type]
        added_by_role=actor.role.value,
    )
    session.add(item)
    session.flush()
    return item


class EvidenceInput(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    statement: str = Field(default="", max_length=20000)


def add_evidence(
    session: Session,
    *,
    actor: User,
    dispute_id: int,
    data: dict,
    upload: Upload | None,
    storage: Path,
) -> EvidenceItem:
    """Add one file or one written statement to the dispute's evidence."""
    dispute, case = get_dispute(session, actor=actor, dispute_id=dispute_id)
    _party(actor, dispute)
    given = validate(EvidenceInput, nfc(dict(data)))
    statement = given.statement.strip()
    if (upload is None) == (not statement):
        raise ValidationFailed.single("file", N_("Attach one file or write a statement, not both."))
    if upload is not None:
        item = _store(session, dispute, actor, kind=EvidenceKind.FILE, title=given.title.strip(),
                      filename=clean_filename(upload.filename), data=upload.data,
                      storage=storage)  # fmt: skip
    else:
        item = _store(session, dispute, actor, kind=EvidenceKind.STATEMENT, title=given.title.strip(),
                      filename=f"statement-{utcnow():%Y%m%dT%H%M%S}.txt", data=statement.encode("utf-8"),
                      storage=storage)  # fmt: skip
    tell(session, dispute, case, actor, N_("New evidence was added to the dispute on “%(title)s”."))
    return item


class MessageInput(SQLModel):
    body: str = Field(min_length=1, max_length=10000)


def post_message(
    session: Session,
    *,
    actor: User,
    dispute_id: int,
    body: str,
    attachments: Sequence[Upload] = (),
    storage: Path,
) -> DisputeMessage:
    """Post a message to the parties; each attachment becomes an evidence item of the dispute."""
    dispute, case = get_dispute(session, actor=actor, dispute_id=dispute_id)
    _party(actor, dispute)
    text = validate(MessageInput, {"body": nfc((body or "").strip())}).body
    message = DisputeMessage(
        dispute_id=dispute.id, author_id=actor.id, author_role=actor.role.value, body=text  # type: ignore[arg-type]
    )
    session.add(message)
    session.flush()
    for upload in attachments:
        name = clean_filename(upload.filename)
        _store(session, dispute, actor, kind=EvidenceKind.FILE, title=name, filename=name, data=upload.data,
               storage=storage, message_id=message.id)  # fmt: skip
    tell(session, dispute, case, actor, N_("New message in the dispute on “%(title)s”."))
    return message


def withdraw_evidence(
    session: Session, *, actor: User, dispute_id: int, item_id: int, reason: str
) -> EvidenceItem:
    """Mark a piece withdrawn (it stays in the record); only the side that added it may withdraw it."""
    dispute, case = get_dispute(session, actor=actor, dispute_id=dispute_id)
    item = session.get(EvidenceItem, item_id)
    if item is None or item.dispute_id != dispute.id:
        raise NotFound()
    _party(actor, dispute)
    adder = session.get(User, item.added_by_id)
    same_side = adder is not None and (
        adder.id == actor.id
        or (
            actor.role is Role.APPLICANT
            and adder.role is Role.APPLICANT
            and adder.enterprise_id == actor.enterprise_id
        )
    )
    if not same_side:
        raise PermissionDenied()
    if item.withdrawn_at is not None:
        raise Conflict(N_("This piece of evidence was already withdrawn."))
    if not (reason or "").strip():
        raise ValidationFailed.single("reason", N_("This field is required."))
    item.withdrawn_at, item.withdrawn_by_id = utcnow(), actor.id
    item.withdrawal_reason = nfc(reason.strip())[:2000]
    session.add(item)
    session.flush()
    return item


def list_evidence(session: Session, dispute: Dispute) -> list[EvidenceItem]:
    statement = select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id)
    return list(session.exec(statement.order_by(col(EvidenceItem.id))).all())


def get_evidence(session: Session, *, actor: User, dispute_id: int, item_id: int) -> EvidenceItem:
    dispute, _ = get_dispute(session, actor=actor, dispute_id=dispute_id)
    item = session.get(EvidenceItem, item_id)
    if item is None or item.dispute_id != dispute.id:
        raise NotFound()
    return item


def blob(storage: Path, sha256: str) -> Path:
    return storage / sha256[:2] / sha256


def _who(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return f"{user.role.value}:{user.display_name or user.email}" if user else "platform"


def evidence_package(session: Session, *, actor: User, dispute_id: int, storage: Path) -> tuple[str, bytes]:
    """Build the signed evidence package of a dispute; return its file name and bytes."""
    dispute, case = get_dispute(session, actor=actor, dispute_id=dispute_id)
    if actor.role not in PARTIES:
        raise PermissionDenied()
    settings = settings_of(session).trust
    signing_keys.ensure_keys(session, settings)
    files = [_evidence_file(session, item, storage) for item in list_evidence(session, dispute)]
    files += [_document_file(session, doc, storage) for doc in _case_documents(session, case)]
    files.append(_messages_file(session, dispute))
    created = signing_keys.now_seconds()
    # The readable exhibit list goes first, under files/ like every other file, so the manifest and its
    # signature cover it and any verifier of the package format checks it unchanged.
    files.insert(0, exhibit_list_file(session, dispute, case, list_evidence(session, dispute), created))
    # Each entry is the event as its hash covers it, plus the chain links: hash = SHA-256(prev_hash ‖
    # JCS(entry without prev_hash and hash)), so anyone can recompute the chain from this file alone.
    history = case_history(session, case.id)  # type: ignore[arg-type]
    timeline = [
        {**canonical_event(event), "prev_hash": event.prev_hash, "hash": event.hash} for event in history
    ]
    data = build_evidence_package(
        files=files,
        timeline=timeline,
        case_ref=_case_ref(case, dispute),
        signing_key=signing_keys.signing_key(session, KeyUse.PACKAGE, settings),
        created_at=created,
        issuer=settings.issuer["id"],  # type: ignore[arg-type]
    )
    return f"evidence-{case.filing_number or case.id}-dispute-{dispute.id}.zip", data


def _case_ref(case: Case, dispute: Dispute) -> dict:
    return {"caseId": case.id, "filingNumber": case.filing_number or "", "title": case.title,
            "disputeId": dispute.id, "disputeKind": dispute.kind.value, "stage": dispute.stage.value,
            "historyHead": case.history_head}  # fmt: skip


def _evidence_file(session: Session, item: EvidenceItem, storage: Path) -> PackageFile:
    return PackageFile(
        name=item.filename,
        content=blob(storage, item.sha256).read_bytes(),
        added_by=_who(session, item.added_by_id),
        added_at=item.added_at,
        withdrawn=item.withdrawn_at is not None,
        kind="statement" if item.kind is EvidenceKind.STATEMENT else "evidence",
    )


def _case_documents(session: Session, case: Case) -> list[Document]:
    statement = select(Document).where(Document.case_id == case.id).order_by(col(Document.id))
    return list(session.exec(statement).all())


def _document_file(session: Session, document: Document, storage: Path) -> PackageFile:
    return PackageFile(
        name=f"case-{document.kind.value}-v{document.version}-{document.filename}",
        content=blob(storage, document.sha256).read_bytes(),
        added_by=_who(session, document.uploaded_by_id),
        added_at=document.uploaded_at,
        kind="case_document",
    )


def _messages_file(session: Session, dispute: Dispute) -> PackageFile:
    """The messages and the withdrawals as one JSON transcript (statements of record, not evidence)."""
    thread = messages(session, dispute)
    rows = [{"id": m.id, "author": _who(session, m.author_id), "at": _iso(m.created_at), "body": m.body}
            for m in thread]  # fmt: skip
    withdrawals = [{"evidenceId": i.id, "file": i.filename, "by": _who(session, i.withdrawn_by_id),
                    "at": _iso(i.withdrawn_at), "reason": i.withdrawal_reason}
                   for i in list_evidence(session, dispute) if i.withdrawn_at]  # fmt: skip
    content = json.dumps({"messages": rows, "withdrawals": withdrawals}, ensure_ascii=False, indent=2)
    latest = max([dispute.created_at, *[message.created_at for message in thread]])
    return PackageFile(name="messages.json", content=content.encode("utf-8"), added_by="platform",
                       added_at=latest, kind="messages")  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
