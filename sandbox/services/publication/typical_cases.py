"""Typical cases (典型标杆案例): a regulator proposes an exited case's write-up, the enterprise consents to
that exact text, the regulator publishes it; what is public is in
`sandbox.services.publication.typical_public`.

Consent is to one version of the text and of its redactions: every change of either counts up `version`,
an edit after the enterprise approved sends the case back to `proposed`, and a decision, edit or
publication naming an older version is refused (409). Regulators see and act on every typical case;
applicants see and decide their own enterprise's (anyone else's is 404); other roles may do nothing here
(403).

Statuses: proposed → approved | declined (the enterprise); proposed, declined, approved, withdrawn →
proposed (the regulator revises); approved → declined (the enterprise changes its mind before
publication); approved → published; any but withdrawn → withdrawn (the regulator).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate, CertificateStatus
from sandbox.models.publication import TypicalCase, TypicalCaseStatus
from sandbox.services.cases.cases import get_case, nfc
from sandbox.services.common.notifications import case_people, notify
from sandbox.services.common.text_search import text_matches
from sandbox.services.common.validation import validate
from sandbox.services.publication import typical_redaction
from sandbox.services.trust.certificates import certificate_for_case
from workflows.states import CaseState

S = TypicalCaseStatus


def _regulator(actor: User) -> None:
    if not actor.active or actor.role is not Role.REGULATOR:
        raise PermissionDenied()


def _active_certificate(session: Session, case: Case) -> Certificate:
    if case.state is not CaseState.EXITED:
        raise Conflict(N_("Only a case that has exited the sandbox can become a typical case."))
    cert = certificate_for_case(session, case.id)  # type: ignore[arg-type]
    if cert is None or cert.status is not CertificateStatus.ACTIVE:
        raise Conflict(N_("The case's exit certificate is not in force, so it cannot be a typical case."))
    return cert


def _record(tc: TypicalCase, actor: User, action: str, note: str = "") -> None:
    entry = {"action": action, "by": actor.id, "at": utcnow().isoformat(), "version": tc.version,
             "note": note}  # fmt: skip
    tc.extra = {**tc.extra, "history": [*tc.extra.get("history", []), entry]}


def _claim(session: Session, tc: TypicalCase, expected: int | None, *, new_text: bool = False) -> None:
    """Refuse (409) if the text changed since `expected` or someone else is changing the record now.

    `version` counts the texts (it goes up only with `new_text`); the guarded UPDATE also matches the
    status, so two concurrent decisions or a decision racing an edit cannot both succeed.
    """
    stale = Conflict(N_("This typical case was changed by someone else; reload it and try again."))
    if expected is not None and expected != tc.version:
        raise stale
    result = session.execute(
        update(TypicalCase)
        .where(
            col(TypicalCase.id) == tc.id,
            col(TypicalCase.version) == tc.version,
            col(TypicalCase.status) == tc.status,
        )
        .values(version=tc.version + (1 if new_text else 0))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise stale
    if new_text:
        tc.version += 1


def _apply_text(tc: TypicalCase, given: typical_redaction.TypicalCaseInput, hidden: list[str]) -> None:
    for name in typical_redaction.TEXT_FIELDS:
        setattr(tc, name, getattr(given, name))
    tc.redacted_fields = hidden


def _ask_enterprise(session: Session, tc: TypicalCase, case: Case) -> None:
    notify(
        session, recipients=case_people(session, case, Role.APPLICANT), kind="typical_case_proposed",
        msgid=N_("A typical case about “%(title)s” awaits your enterprise's decision."),
        params={"title": case.title}, case=case,
    )  # fmt: skip


def propose(session: Session, *, actor: User, case_id: int, data: dict[str, Any]) -> TypicalCase:
    """Propose an exited case with an active certificate as a typical case (regulators)."""
    _regulator(actor)
    case = get_case(session, actor=actor, case_id=case_id)
    _active_certificate(session, case)
    if session.exec(select(TypicalCase.id).where(TypicalCase.case_id == case.id)).first() is not None:
        raise Conflict(N_("This case already has a typical case; open it to revise it."))
    given = typical_redaction.parse_input(data)
    hidden = typical_redaction.effective_redactions(given.redacted_fields)
    typical_redaction.check_no_leak(session, case, given, hidden)
    tc = TypicalCase(case_id=case.id, sector=case.sector, proposed_by_id=actor.id, title="", background="",  # type: ignore[arg-type]
                     tested="", boundaries="", results="", lessons="")  # fmt: skip
    _apply_text(tc, given, hidden)
    _record(tc, actor, "proposed")
    try:
        with session.begin_nested():  # two officers proposing the same case at once: one gets 409
            session.add(tc)
            session.flush()
    except IntegrityError:
        raise Conflict(N_("This case already has a typical case; open it to revise it.")) from None
    _ask_enterprise(session, tc, case)
    return tc


def get_record(session: Session, *, actor: User, typical_id: int) -> tuple[TypicalCase, Case]:
    """The typical case and its case for a regulator or the enterprise's applicant; 404 for anyone else's."""
    if not actor.active or actor.role not in (Role.REGULATOR, Role.APPLICANT):
        raise PermissionDenied()
    tc = session.get(TypicalCase, typical_id)
    case = session.get(Case, tc.case_id) if tc else None
    if tc is None or case is None:
        raise NotFound()
    if actor.role is Role.APPLICANT and actor.enterprise_id != case.enterprise_id:
        raise NotFound()
    return tc, case


def revise(
    session: Session, *, actor: User, typical_id: int, data: dict[str, Any], expected_version: int | None
) -> TypicalCase:
    """Change the text or redactions (regulators); it goes (back) to the enterprise for its consent."""
    _regulator(actor)
    tc, case = get_record(session, actor=actor, typical_id=typical_id)
    if tc.status is S.PUBLISHED:
        raise Conflict(N_("A published typical case cannot be edited; withdraw it first."))
    if tc.status is S.WITHDRAWN:
        _active_certificate(session, case)
    given = typical_redaction.parse_input(data)
    hidden = typical_redaction.effective_redactions(given.redacted_fields)
    typical_redaction.check_no_leak(session, case, given, hidden)
    _claim(session, tc, expected_version, new_text=True)
    _apply_text(tc, given, hidden)
    tc.status = S.PROPOSED
    tc.enterprise_decision_by_id = tc.enterprise_decision_at = None
    tc.enterprise_note = ""
    _record(tc, actor, "revised")
    session.add(tc)
    session.flush()
    _ask_enterprise(session, tc, case)
    return tc


class DecisionInput(SQLModel):
    decision: Literal["approve", "decline"]
    note: str = Field(default="", max_length=5000)


def decide(
    session: Session, *, actor: User, typical_id: int, data: dict[str, Any], expected_version: int | None
) -> TypicalCase:
    """The enterprise approves or declines the text of `expected_version` (its applicants only)."""
    tc, case = get_record(session, actor=actor, typical_id=typical_id)
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied()
    given = validate(
        DecisionInput, nfc({key: value for key, value in data.items() if value not in (None, "")})
    )
    if given.decision == "decline" and not given.note.strip():
        raise ValidationFailed.single("note", N_("Say why, so the sandbox office can revise the text."))
    if expected_version is None:
        raise ValidationFailed.single("version", N_("State the version of the text you decide on."))
    allowed = (S.PROPOSED,) if given.decision == "approve" else (S.PROPOSED, S.APPROVED)
    if tc.status not in allowed:
        raise Conflict(N_("This typical case is not waiting for your decision."))
    _claim(session, tc, expected_version)
    tc.status = S.APPROVED if given.decision == "approve" else S.DECLINED
    tc.enterprise_decision_by_id, tc.enterprise_decision_at = actor.id, utcnow()
    tc.enterprise_note = given.note.strip()
    _record(tc, actor, "approved" if given.decision == "approve" else "declined", tc.enterprise_note)
    tc.extra = {**tc.extra, "approved_version": tc.version if given.decision == "approve" else None}
    session.add(tc)
    session.flush()
    notify(
        session, recipients=case_people(session, case, Role.REGULATOR), kind="typical_case_decided",
        msgid=N_("The enterprise approved the typical case “%(title)s”.") if given.decision == "approve"
        else N_("The enterprise declined the typical case “%(title)s”."),
        params={"title": tc.title}, case=case,
    )  # fmt: skip
    return tc


def publish(session: Session, *, actor: User, typical_id: int, expected_version: int | None) -> TypicalCase:
    """Publish a typical case the enterprise approved (regulators), while its certificate is in force."""
    _regulator(actor)
    tc, case = get_record(session, actor=actor, typical_id=typical_id)
    if tc.status is not S.APPROVED:
        raise Conflict(N_("Only a typical case the enterprise has approved can be published."))
    _active_certificate(session, case)
    _claim(session, tc, expected_version)
    tc.status, tc.published_by_id, tc.published_at = S.PUBLISHED, actor.id, utcnow()
    _record(tc, actor, "published")
    session.add(tc)
    session.flush()
    notify(
        session, recipients=case_people(session, case, Role.APPLICANT), kind="typical_case_published",
        msgid=N_("The typical case “%(title)s” has been published."), params={"title": tc.title}, case=case,
    )  # fmt: skip
    return tc


def withdraw(
    session: Session, *, actor: User, typical_id: int, reason: str, expected_version: int | None
) -> TypicalCase:
    """Take a typical case down, or drop it before publication (regulators), with a reason."""
    _regulator(actor)
    tc, case = get_record(session, actor=actor, typical_id=typical_id)
    reason = nfc((reason or "").strip())
    if not reason:
        raise ValidationFailed.single("reason", N_("Give the reason; it is recorded with the change."))
    if len(reason) > 2000:
        raise ValidationFailed.single("reason", N_("At most %(count)s characters."), count=2000)
    if tc.status is S.WITHDRAWN:
        raise Conflict(N_("This typical case has already been withdrawn."))
    _claim(session, tc, expected_version)
    was_public = tc.status is S.PUBLISHED
    tc.status = S.WITHDRAWN
    _record(tc, actor, "withdrawn", reason)
    session.add(tc)
    session.flush()
    notify(
        session, recipients=case_people(session, case, Role.APPLICANT), kind="typical_case_withdrawn",
        msgid=N_("The typical case “%(title)s” has been withdrawn from publication.") if was_public
        else N_("The sandbox office dropped its proposal of the typical case “%(title)s”."),
        params={"title": tc.title}, case=case,
    )  # fmt: skip
    return tc


@dataclass(frozen=True)
class Page:
    rows: list[tuple[TypicalCase, Case]]
    total: int


def list_records(
    session: Session, *, actor: User, status: str | None = None, query: str = "", page: int = 1,
    per_page: int = 20,
) -> Page:  # fmt: skip
    """The typical cases `actor` may see (regulators all, applicants their enterprise's), newest first."""
    if not actor.active or actor.role not in (Role.REGULATOR, Role.APPLICANT):
        raise PermissionDenied()
    conditions: list[Any] = [col(TypicalCase.case_id) == col(Case.id)]
    if actor.role is Role.APPLICANT:
        conditions.append(col(Case.enterprise_id) == actor.enterprise_id)
    if status:
        conditions.append(col(TypicalCase.status) == S(status))
    if query.strip():
        conditions.append(text_matches(query, TypicalCase.title, Case.title, Case.filing_number))
    statement = select(TypicalCase, Case).where(*conditions)
    total = session.exec(select(func.count()).select_from(TypicalCase).join(Case).where(*conditions)).one()
    rows = session.exec(
        statement.order_by(col(TypicalCase.proposed_at).desc(), col(TypicalCase.id).desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()  # fmt: skip
    return Page([(tc, case) for tc, case in rows], total)


def record_for_case(session: Session, *, actor: User, case_id: int) -> TypicalCase | None:
    """The typical case of a case the actor sees, if there is one (for links from the case page)."""
    case = get_case(session, actor=actor, case_id=case_id)
    return session.exec(select(TypicalCase).where(TypicalCase.case_id == case.id)).first()


def draft_from_case(session: Session, *, actor: User, case_id: int) -> dict[str, Any]:
    """A starting text for the proposal form, from the case's plan and certificate (regulators)."""
    _regulator(actor)
    case = get_case(session, actor=actor, case_id=case_id)
    cert = _active_certificate(session, case)
    subject = cert.credential.get("credentialSubject", {})
    boundaries = subject.get("testedBoundaries") or {}
    items = boundaries.items() if isinstance(boundaries, dict) else [(b.get("name"), b) for b in boundaries]
    lines = [f"{name}：{value.get('value')} {value.get('unit') or ''}".rstrip() for name, value in items]
    conditions = subject.get("conditions") or case.conditions
    return {
        "title": "",
        "background": str(case.plan.get("objectives") or ""),
        "tested": f"数据类别：{'、'.join(case.data_categories)}。" if case.data_categories else "",
        "boundaries": "\n".join(lines),
        "results": "\n".join(["通过出盒评估。", *conditions]),
        "lessons": "",
        "redacted_fields": [],
    }
