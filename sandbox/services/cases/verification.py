"""The testing lab's technical verification conclusion: a result, the findings and the report file.

The lab assigned to the case (chosen when the filing is accepted) submits it while the case is in
technical verification: the report is stored as a technical-verification document (checked by content
and size like every upload), the conclusion is kept append-only (the newest decides), the submission is
a record-only event in the case's hash chain, and the case officer (every regulator while none is
assigned) is told at once. A "failed" conclusion stops `pass_verification` (its guard reads it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from sandbox.errors import N_, Conflict, Message, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.cases import VerificationConclusion, VerificationResult
from sandbox.models.documents import DocumentKind
from sandbox.services.case_events.record_only import record_event
from sandbox.services.cases.cases import get_case
from sandbox.services.cases.documents import upload_document
from sandbox.services.common.notifications import case_people, notify
from workflows.errors import InvalidTransition
from workflows.records import check_recorded
from workflows.states import RecordEvent

NOT_NOW = N_("A verification conclusion can only be submitted during technical verification.")
MAX_FINDINGS = 50
MAX_FINDING_CHARS = 500

# What the case officer is told, per result (the notification's text is translated when shown).
TOLD = {
    VerificationResult.PASSED: N_("The testing laboratory's verification of “%(title)s” passed."),
    VerificationResult.PASSED_WITH_CONDITIONS: N_(
        "The testing laboratory's verification of “%(title)s” passed with conditions."
    ),
    VerificationResult.FAILED: N_("The testing laboratory's verification of “%(title)s” failed."),
}


def latest_conclusion(session: Session, case_id: int) -> VerificationConclusion | None:
    """The newest conclusion on the case (None: none submitted)."""
    statement = (
        select(VerificationConclusion)
        .where(VerificationConclusion.case_id == case_id)
        .order_by(col(VerificationConclusion.id).desc())
    )
    return session.exec(statement).first()


def list_conclusions(session: Session, *, actor: User, case_id: int) -> list[VerificationConclusion]:
    """Every conclusion on a case the actor may see, oldest first."""
    get_case(session, actor=actor, case_id=case_id)
    statement = (
        select(VerificationConclusion)
        .where(VerificationConclusion.case_id == case_id)
        .order_by(col(VerificationConclusion.id))
    )
    return list(session.exec(statement).all())


def _findings(raw: Any) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else raw if isinstance(raw, list) else None
    if lines is None or not all(isinstance(line, str) for line in lines):
        raise ValidationFailed.single("findings", N_("List the findings, one per line."))
    findings = [line.strip() for line in lines if line.strip()]
    if len(findings) > MAX_FINDINGS:
        raise ValidationFailed.single("findings", N_("List at most 50 findings."))
    if any(len(line) > MAX_FINDING_CHARS for line in findings):
        raise ValidationFailed.single("findings", N_("Keep each finding under 500 characters."))
    return findings


def _checked(data: dict[str, Any], filename: str | None) -> tuple[VerificationResult, list[str], str]:
    problems: dict[str, list[Message]] = {}
    result, findings = None, []
    try:
        result = VerificationResult(str(data.get("result") or ""))
    except ValueError:
        problems["result"] = [Message(N_("Choose the verification result."))]
    try:
        findings = _findings(data.get("findings") or [])
    except ValidationFailed as error:
        problems.update(error.errors)  # type: ignore[arg-type]
    summary = str(data.get("summary") or "").strip()
    if len(summary) > 5000:
        problems["summary"] = [Message(N_("Keep the summary under 5,000 characters."))]
    if not filename:
        problems["file"] = [Message(N_("Attach the verification report."))]
    if problems or result is None:
        raise ValidationFailed(problems)
    if result is VerificationResult.FAILED and not findings:
        raise ValidationFailed.single("findings", N_("A failed verification must list its findings."))
    return result, findings, summary


def submit_conclusion(
    session: Session,
    *,
    actor: User,
    case_id: int,
    data: dict[str, Any],
    filename: str | None,
    content: bytes,
    storage: Path,
    expected_version: int | None = None,
) -> VerificationConclusion:
    """Store the lab's conclusion and its report, record it in the history and tell the case officer."""
    case = get_case(session, actor=actor, case_id=case_id)
    if actor.role is not Role.ASSESSOR or actor.organisation_id != case.assessor_org_id:
        raise PermissionDenied()
    result, findings, summary = _checked(data, filename)
    try:
        check_recorded(case.state, RecordEvent.SUBMIT_VERIFICATION_CONCLUSION)
    except InvalidTransition:
        raise Conflict(NOT_NOW) from None
    document = upload_document(
        session,
        actor=actor,
        case_id=case_id,
        kind=DocumentKind.TECHNICAL_VERIFICATION_REPORT.value,
        filename=filename or "",
        data=content,
        storage=storage,
    )
    conclusion = VerificationConclusion(
        case_id=case_id,
        result=result,
        findings=findings,
        summary=summary,
        document_id=document.id,  # type: ignore[arg-type]
        submitted_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(conclusion)
    session.flush()
    record_event(  # claims the case's version: 409 when stale
        session, case=case, actor=actor, event=RecordEvent.SUBMIT_VERIFICATION_CONCLUSION,
        payload={"result": result.value, "conclusionId": conclusion.id, "documentId": document.id},
        expected_version=expected_version,
    )  # fmt: skip
    notify(
        session,
        recipients=case_people(session, case, Role.REGULATOR),
        kind="verification_conclusion",
        msgid=TOLD[result],
        params={"title": case.title},
        case=case,
    )
    return conclusion
