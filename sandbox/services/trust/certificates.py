"""Exit certificates: issuing one when an exit is approved, and reading it back.

`issue_signed` is the one path that signs, logs and renders a credential; exemption decisions
(`sandbox.services.legal.exemption_records`) go through it too, with their own subject and number.

`issue_certificate` runs inside `approve_exit`'s transaction, under the log lock: number, credential,
status-list indexes, proof, log entry, checkpoint, inclusion proof and PDF. Any failure raises and the
caller's rollback leaves no certificate, no log entry and the case where it was (the PDF file, stored
content-addressed before the commit, is then merely unreferenced). The PDF is signed itself (PAdES, by
the credential's key under the root key, `certificates.pdf.sign`), so a changed page is detected. It
issues no voucher: the exit (`services.case_events.records`) issues the certificate, then the voucher.
Status changes (revoke, suspend, reinstate) live in `sandbox.services.trust.status`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from certificates.credentials import (
    ExitCertificateSubject,
    TestedBoundary,
    build_exit_certificate,
    sign_credential,
)
from certificates.jcs import digest_hex
from certificates.keys import KeyUse
from certificates.pdf.fonts import find_cjk_font
from certificates.pdf.sign import render_signed_pdf
from certificates.status import StatusPurpose, status_list_entry
from sandbox.errors import N_, Conflict, NotFound, PermissionDenied
from sandbox.labels.wording import boundary_texts
from sandbox.models.accounts import Enterprise, Role, User
from sandbox.models.cases import Case
from sandbox.models.certificates import (
    Certificate,
    CertificateKind,
    CertificateSequence,
    CertificateStatusChange,
)
from sandbox.services.cases.documents import store_blob
from sandbox.services.common.filing import take_next
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import signing_keys, status_lists, transparency
from sandbox.services.trust.settings import TrustSettings
from workflows.sectors import ParamType, sector_pack

PREFIX = "YZCC"


def next_certificate_number(session: Session, *, year: int) -> str:
    """Take the next certificate number of `year`: unique, consecutive, gap-free (like filing numbers)."""
    return f"{PREFIX}-{year}-{take_next(session, CertificateSequence, year=year):04d}"


def _boundaries(case: Case) -> dict[str, TestedBoundary]:
    pack = sector_pack(case.sector)
    tested: dict[str, TestedBoundary] = {}
    for param_id, value in case.trial_boundaries.items():
        param = pack.boundary(param_id)
        if param is None:
            tested[param_id] = TestedBoundary(str(value), "")
            continue
        name = f"{param.zh} ({param.en})"
        if param.type is ParamType.INT and isinstance(value, int) and not isinstance(value, bool):
            tested[name] = TestedBoundary(value, param.unit)
        elif param.type in (ParamType.BOOL, ParamType.CHOICE):
            zh, en = boundary_texts(param, value)
            tested[name] = TestedBoundary(zh if zh == en else f"{zh} {en}", "")  # an unknown choice: once
        else:
            tested[name] = TestedBoundary(str(value), param.unit or "")
    return tested


def build_subject(session: Session, case: Case, *, number: str, exit_date: date) -> ExitCertificateSubject:
    """State what the certificate says about the case, from the case as it stands at approval.

    `exit_date` is the approval day in Beijing; `approve_exit` is refused before the trial's start, so it
    is never earlier than the start (the subject refuses it otherwise rather than print another date).
    """
    enterprise = session.get(Enterprise, case.enterprise_id)
    assert enterprise is not None
    pack = sector_pack(case.sector)
    start = case.trial_start or exit_date
    return ExitCertificateSubject(
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        project_title=case.title,
        sector=f"{pack.zh} {pack.en}",
        filing_number=case.filing_number or "—",
        trial_start=start,
        trial_end=max(case.trial_end or exit_date, start),
        exit_date=exit_date,
        outcome="passed_with_conditions" if case.conditions else "passed",
        certificate_number=number,
        tested_boundaries=_boundaries(case),
        conditions=tuple(case.conditions),
    )


def make_bundle(
    session: Session, cert: Certificate, settings: TrustSettings, size: int | None = None
) -> dict:
    """The bundle (DESIGN.md §9) with an inclusion proof against the checkpoint of `size` (default latest)."""
    checkpoint = (
        transparency.checkpoint_at(session, size) if size else transparency.latest_checkpoint(session)
    )
    if checkpoint is None:
        raise NotFound()
    entry = transparency.entry_at(session, cert.log_index)
    assert entry is not None
    proof = transparency.inclusion_proof(session, cert.log_index, checkpoint.size)
    return {
        "credential": cert.credential,
        "transparency": {
            "origin": settings.log_origin,
            "entry": entry.entry,
            "leafIndex": cert.log_index,
            "treeSize": checkpoint.size,
            "inclusionProof": transparency.b64(proof),
            "checkpoint": checkpoint.note,
        },
    }


def issue_certificate(session: Session, *, case: Case, today: date) -> Certificate:
    """Issue the exit certificate of `case` (called by approve_exit, in its transaction)."""
    settings = settings_of(session).trust
    transparency.lock_log(session)
    if certificate_for_case(session, case.id) is not None:  # type: ignore[arg-type]
        raise Conflict(N_("This case already has a certificate."))
    number = next_certificate_number(session, year=today.year)

    def build(statuses: list[dict], at: datetime, credential_id: str) -> dict:
        subject = build_subject(session, case, number=number, exit_date=today)
        return build_exit_certificate(subject, issuer=settings.issuer, valid_from=at,
                                      credential_id=credential_id, statuses=statuses)  # fmt: skip

    return issue_signed(session, case=case, kind=CertificateKind.EXIT, number=number, build=build)


def issue_signed(
    session: Session,
    *,
    case: Case,
    kind: CertificateKind,
    number: str,
    build: Callable[[list[dict], datetime, str], dict],
) -> Certificate:
    """Sign, log, store and render one credential built by `build(statuses, valid_from, id)`.

    Runs under the log lock (taken here if the caller has not), so log indexes and checkpoints stay
    in order; any failure raises and the caller's rollback removes every row written here.
    """
    settings = settings_of(session).trust
    transparency.lock_log(session)
    signing_keys.ensure_keys(session, settings)
    at = signing_keys.now_seconds()
    cert_id = uuid.uuid4().hex
    revocation = status_lists.allocate_index(session, StatusPurpose.REVOCATION)
    suspension = status_lists.allocate_index(session, StatusPurpose.SUSPENSION)
    statuses = [
        status_list_entry(
            settings.status_list_url(StatusPurpose.REVOCATION), revocation, StatusPurpose.REVOCATION
        ),
        status_list_entry(
            settings.status_list_url(StatusPurpose.SUSPENSION), suspension, StatusPurpose.SUSPENSION
        ),
    ]
    unsigned = build(statuses, at, f"urn:uuid:{uuid.UUID(cert_id)}")
    key = signing_keys.signing_key(session, KeyUse.ASSERTION, settings)
    national = signing_keys.sm2_signing_key(session, KeyUse.ASSERTION, settings)
    credential = sign_credential(unsigned, key, created=at, sm2_key=national)
    digest = digest_hex(credential)
    log_key = signing_keys.log_signers(session, settings)
    index = transparency.append(session, "issue", at=at, log_key=log_key, origin=settings.log_origin,
                                certId=cert_id, credentialSha256=digest, kid=key.kid)  # fmt: skip
    cert = Certificate(
        id=cert_id, kind=kind, number=number, case_id=case.id, enterprise_id=case.enterprise_id,  # type: ignore[arg-type]
        credential=credential, credential_sha256=digest, kid=key.kid, revocation_index=revocation,
        suspension_index=suspension, log_index=index, issued_at=at, pdf_sha256="", pdf_size=0,
    )  # fmt: skip
    session.add(cert)
    session.flush()
    pdf = render_pdf(session, cert, settings)
    cert.pdf_sha256, cert.pdf_size = store_blob(settings.pdf_storage, pdf), len(pdf)
    session.flush()
    return cert


def render_pdf(session: Session, cert: Certificate, settings: TrustSettings) -> bytes:
    """The certificate's page, signed (PAdES) by the key that signed its credential, at its issue time."""
    bundle = make_bundle(session, cert, settings, size=cert.log_index + 1)
    font = find_cjk_font(settings_of(session).font_path)
    keys = signing_keys.pdf_signing_keys(session, kid=cert.kid, at=cert.issued_at, settings=settings)
    return render_signed_pdf(bundle, keys, verify_base_url=settings.base, font=font, cert_id=cert.id,
                             seal_number=settings.seal_number)  # fmt: skip


def pdf_path(session: Session, cert: Certificate) -> Path:
    storage = settings_of(session).trust.pdf_storage
    return storage / cert.pdf_sha256[:2] / cert.pdf_sha256


def get_certificate(session: Session, certificate_id: str) -> Certificate:
    cert = session.get(Certificate, certificate_id) if certificate_id else None
    if cert is None:
        raise NotFound()
    return cert


def find_by_number(session: Session, number: str) -> Certificate:
    cert = session.exec(select(Certificate).where(Certificate.number == number.strip().upper())).first()
    if cert is None:
        raise NotFound(N_("No certificate has this number."))
    return cert


def can_manage(actor: User | None) -> bool:
    return actor is not None and actor.active and actor.role is Role.REGULATOR


def can_view_private(actor: User | None, cert: Certificate) -> bool:
    """The enterprise's applicants and regulators see a certificate's history and case link."""
    if actor is None or not actor.active:
        return False
    return actor.role is Role.REGULATOR or (
        actor.role is Role.APPLICANT and actor.enterprise_id == cert.enterprise_id
    )


@dataclass(frozen=True)
class Page:
    rows: list[Certificate]
    total: int


def list_certificates(
    session: Session, *, page: int, per_page: int, enterprise_id: int | None = None, where: Any = None
) -> Page:
    """Certificates, newest first; limited to one enterprise when `enterprise_id` is given, and to the
    rows matching the SQL condition `where` when one is given."""
    statement = select(Certificate)
    counter = select(func.count()).select_from(Certificate)
    if enterprise_id is not None:
        statement = statement.where(Certificate.enterprise_id == enterprise_id)
        counter = counter.where(Certificate.enterprise_id == enterprise_id)
    if where is not None:
        statement, counter = statement.where(where), counter.where(where)
    rows = session.exec(
        statement.order_by(col(Certificate.issued_at).desc(), col(Certificate.number).desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()  # fmt: skip
    return Page(list(rows), session.exec(counter).one())


def list_for(session: Session, *, actor: User, page: int, per_page: int) -> Page:
    """What a signed-in user may manage or download: their enterprise's, or all for regulators."""
    if actor.role is Role.REGULATOR:
        return list_certificates(session, page=page, per_page=per_page)
    if actor.role is Role.APPLICANT and actor.enterprise_id is not None:
        return list_certificates(session, page=page, per_page=per_page, enterprise_id=actor.enterprise_id)
    raise PermissionDenied()


def recent_exits(session: Session, *, actor: User, limit: int = 5) -> list[Certificate]:
    """The newest exit certificates of the applicant's enterprise (none for anyone else)."""
    if actor.role is not Role.APPLICANT or actor.enterprise_id is None:
        return []
    page = list_certificates(
        session, page=1, per_page=limit, enterprise_id=actor.enterprise_id,
        where=col(Certificate.kind) == CertificateKind.EXIT,
    )  # fmt: skip
    return list(page.rows)


def status_history(session: Session, cert: Certificate) -> list[CertificateStatusChange]:
    statement = (
        select(CertificateStatusChange)
        .where(CertificateStatusChange.certificate_id == cert.id)
        .order_by(col(CertificateStatusChange.id))
    )
    return list(session.exec(statement).all())


def certificate_for_case(session: Session, case_id: int) -> Certificate | None:
    """The case's exit certificate (exemption decisions are found through their request)."""
    statement = select(Certificate).where(
        Certificate.case_id == case_id, Certificate.kind == CertificateKind.EXIT
    )
    return session.exec(statement).first()


def summary(cert: Certificate) -> dict[str, Any]:
    subject = cert.credential.get("credentialSubject", {})
    incident = subject.get("incident", {})
    return {
        "enterprise": subject.get("enterprise", {}).get("name"),
        "project": subject.get("project", {}).get("title"),
        "exitDate": subject.get("exitDate"),
        # exemption decisions
        "incident": f"{incident.get('title', '—')} ({incident.get('occurredOn', '—')})" if incident else None,
        "decision": subject.get("decision"),
        "decisionDate": subject.get("decisionDate"),
        "liability": subject.get("liabilityScope", {}),
    }
