"""办件进度查询: the query code a case gets at acceptance, the public progress view, the acceptance receipt.

The code is 8 characters of Crockford's base32 (digits and letters without I, L, O, U), 32**8 = 2**40
codes, printed as two groups of four (``7KQ2-XM4D``); what is typed is read leniently: lower case, spaces
and hyphens are ignored, O is read as 0 and I or L as 1. It must match the filing number it was issued
for, and lookups are rate-limited per address as well. Only its SHA-256 is kept, like API tokens.

The clear code goes once into the acceptance receipt, which is rendered at that moment and stored
content-addressed with the generated PDFs: the enterprise and the office can download that receipt again;
the database never holds the code. Issuing a new code (the enterprise's applicants) replaces both, so
the old code and the old receipt stop counting.

The public view holds only the title, the stages reached with their dates and the next deadline: no
names, no documents, nothing about the enterprise.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from sqlmodel import Session, col, select

from certificates._internal.encoding import b64url_encode, nfc
from certificates.jcs import canonicalize
from certificates.keys import KeyUse
from certificates.pdf.fonts import find_cjk_font
from certificates.pdf.seal import Seal, seal_binding
from sandbox.errors import N_, NotFound, PermissionDenied
from sandbox.models.accounts import Enterprise, Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case, CaseEvent
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.cases.cases import get_case
from sandbox.services.cases.documents import blob_at, store_blob
from sandbox.services.cases.receipt_pdf import OFFICE, ReceiptFacts, receipt_payload, render_receipt
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import signing_keys
from workflows.calendar import STAGE_DEADLINE_DAYS
from workflows.states import CaseState

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: 5 bits a character
CODE_LENGTH = 8
LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Stages whose time limits the receipt states, in the order a case meets them.
RECEIPT_STAGES = (
    CaseState.RISK_ASSESSMENT, CaseState.TECHNICAL_VERIFICATION, CaseState.EXIT_EVALUATION,
)  # fmt: skip


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise_code(text: str) -> str:
    """Return the code as issued from what was typed: case, spaces, hyphens and look-alikes forgiven."""
    return "".join(text.split()).replace("-", "").upper().translate(LOOK_ALIKES)


def new_code() -> str:
    """Return a new code as printed: two groups of four characters."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def progress_url(base_url: str, filing_number: str) -> str:
    """The progress page with the filing number filled in (never the code)."""
    return f"{base_url.rstrip('/')}/progress?number={quote(filing_number)}"


def issue_progress_code(session: Session, *, case: Case, today: date | None = None) -> str:
    """Give the accepted case a new query code and the receipt that prints it; return the clear code.

    `today` is the acceptance's Beijing date when the code comes with it; a new code later keeps the
    acceptance date from the history.
    """
    code = new_code()
    case.progress_code_hash = _digest(normalise_code(code))
    case.progress_code_issued_at = utcnow()
    settings = settings_of(session)
    facts = receipt_facts(session, case, query_code=code, accepted_on=today)
    pdf = render_receipt(facts, font=find_cjk_font(settings.font_path))
    case.receipt_sha256 = store_blob(settings.trust.pdf_storage, pdf)
    session.add(case)
    session.flush()
    return code


def reissue_progress_code(session: Session, *, actor: User, case_id: int) -> str:
    """Replace the case's query code (its enterprise's applicants); the old code stops working."""
    case = get_case(session, actor=actor, case_id=case_id)
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied(N_("Only the enterprise's applicants can issue a new query code."))
    if case.filing_number is None:
        raise NotFound()
    return issue_progress_code(session, case=case)


def receipt_facts(
    session: Session, case: Case, *, query_code: str | None, accepted_on: date | None = None
) -> ReceiptFacts:
    settings = settings_of(session)
    enterprise = session.get(Enterprise, case.enterprise_id)
    accepted = accepted_on or _accepted_on(session, case)
    facts = ReceiptFacts(
        filing_number=case.filing_number or "",
        title=case.title,
        enterprise=enterprise.name if enterprise else "",
        accepted_on=accepted,
        stage_days=tuple((s, settings.stage_days.get(s, STAGE_DEADLINE_DAYS[s])) for s in RECEIPT_STAGES),
        progress_url=progress_url(settings.trust.public_base_url, case.filing_number or ""),
        query_code=query_code,
    )
    # The office signs the receipt's facts with its SM2 assertion key; the seal shows that signature's digest.
    signing_keys.ensure_keys(session, settings.trust)
    key = signing_keys.sm2_signing_key(session, KeyUse.ASSERTION, settings.trust)
    if key is None:  # no SM2 key (a service as it was before them): the seal says there is no signature
        unbound = Seal(office=OFFICE, number=settings.trust.seal_number, binding=None)
        return dataclasses.replace(facts, seal=unbound)
    payload = receipt_payload(facts, str(settings.trust.issuer["id"]))
    signature = key.sign(canonicalize(nfc(payload)))
    return dataclasses.replace(
        facts,
        seal=Seal(office=OFFICE, number=settings.trust.seal_number, binding=seal_binding(signature)),
        sm2_signature=(key.kid, b64url_encode(signature)),
    )


def _accepted_on(session: Session, case: Case) -> date:
    statement = (
        select(CaseEvent.created_at)
        .where(CaseEvent.case_id == case.id, CaseEvent.event == "accept_filing")
        .order_by(col(CaseEvent.seq).desc())
    )
    at = session.exec(statement).first()
    return beijing_today(at) if at is not None else beijing_today()


def receipt_pdf(session: Session, *, actor: User, case_id: int) -> tuple[Case, bytes]:
    """Return the case's acceptance receipt for someone who may see the case; NotFound before acceptance."""
    case = get_case(session, actor=actor, case_id=case_id)
    if case.filing_number is None:
        raise NotFound()
    settings = settings_of(session)
    if case.receipt_sha256:
        path = blob_at(settings.trust.pdf_storage, case.receipt_sha256)
        if path.is_file():
            return case, path.read_bytes()
    # Accepted before receipts existed, or the stored copy is gone: a copy without the code.
    facts = receipt_facts(session, case, query_code=None)
    return case, render_receipt(facts, font=find_cjk_font(settings.font_path))


@dataclass(frozen=True)
class StageReached:
    state: CaseState
    on: date


@dataclass(frozen=True)
class Progress:
    filing_number: str
    title: str
    state: CaseState
    stages: tuple[StageReached, ...]
    stage_due: date | None


def find_progress(session: Session, *, filing_number: str, query_code: str) -> Progress | None:
    """Return the case's progress when number and code match; None for any mismatch, without saying which."""
    number, code = filing_number.strip().upper(), normalise_code(query_code)
    case = session.exec(select(Case).where(Case.filing_number == number)).first() if number else None
    # Compare against a dummy digest when the number is unknown, so both failures take the same time.
    stored = case.progress_code_hash if case is not None and case.progress_code_hash else "0" * 64
    if not hmac.compare_digest(stored, _digest(code)) or case is None:
        return None
    return progress_of(session, case)


def progress_of(session: Session, case: Case) -> Progress:
    """The stages the case reached with the Beijing date of each, from its history."""
    rows = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
    ).all()
    stages: list[StageReached] = []
    for row in rows:
        if row.to_state == row.from_state:
            continue
        if not stages and row.from_state is not CaseState.DRAFT:
            stages.append(StageReached(CaseState(row.from_state), beijing_today(case.created_at)))
        stages.append(StageReached(CaseState(row.to_state), beijing_today(row.created_at)))
    return Progress(
        filing_number=case.filing_number or "",
        title=case.title,
        state=case.state,
        stages=tuple(stages),
        stage_due=case.stage_due,
    )
