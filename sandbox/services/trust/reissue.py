"""Re-issuing a certificate signed before SM2 keys existed, so that it carries both proofs.

A holder whose exit certificate or exemption decision has the Ed25519 proof alone may ask for one that a
national-algorithm (国密) verifier accepts too. The office re-issues it: the very same unsigned document —
number, facts, status entries, validFrom — secured by a proof set of the current Ed25519 and SM2
assertion keys, logged as a second `issue` entry for the same certificate id (``event: "reissue"``,
``supersedes``: the digest of the credential it replaces), and printed again (new PDF with the seal's
SM2 binding). The certificate keeps its id, number, status bits and voucher, so a revocation covers both
forms; the superseded credential is kept (`CertificateReissue`) and a verifier that is shown it says
which credential replaced it. Only a regulator re-issues, only an active certificate, and only once.
"""

from __future__ import annotations

import unicodedata

from sqlmodel import Session, col, select

from certificates.credentials import sign_credential
from certificates.jcs import digest_hex
from certificates.keys import KeyUse
from certificates.proofs import proof_set
from sandbox.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate, CertificateReissue, CertificateStatus
from sandbox.services.cases.documents import store_blob
from sandbox.services.common.notifications import case_people, notify
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import certificates, signing_keys, transparency

MAX_REASON = 2000


def carries_sm2(cert: Certificate) -> bool:
    """Whether the certificate's credential already has an sm2-jcs-2026 proof."""
    return "sm2-jcs-2026" in proof_set(cert.credential)


def reissue(session: Session, *, actor: User, certificate_id: str, reason: str) -> Certificate:
    """Re-issue an Ed25519-only certificate with both proofs; the old credential is superseded."""
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    reason = unicodedata.normalize("NFC", (reason or "").strip())
    if not reason:
        raise ValidationFailed.single("reason", N_("Give the reason; it is recorded with the change."))
    if len(reason) > MAX_REASON:
        raise ValidationFailed.single("reason", N_("At most %(count)s characters."), count=MAX_REASON)
    settings = settings_of(session).trust
    transparency.lock_log(session)  # one re-issue at a time, and the entry's place in the log
    signing_keys.ensure_keys(session, settings)
    statement = select(Certificate).where(col(Certificate.id) == certificate_id)
    cert = session.exec(statement.execution_options(populate_existing=True)).first()
    if cert is None:
        raise NotFound()
    if carries_sm2(cert):
        raise Conflict(N_("This certificate already carries an SM2 signature."))
    if cert.status is not CertificateStatus.ACTIVE:
        raise Conflict(N_("This change is not possible for a certificate that is %(status)s."),
                       status=cert.status.value)  # fmt: skip
    at = signing_keys.now_seconds()
    old_credential, old_sha256, old_index = cert.credential, cert.credential_sha256, cert.log_index
    unsigned = {name: value for name, value in old_credential.items() if name != "proof"}
    key = signing_keys.signing_key(session, KeyUse.ASSERTION, settings)
    national = signing_keys.sm2_signing_key(session, KeyUse.ASSERTION, settings)
    credential = sign_credential(unsigned, key, created=at, sm2_key=national)
    digest = digest_hex(credential)
    index = transparency.append(
        session, "issue", at=at, log_key=signing_keys.log_signers(session, settings),
        origin=settings.log_origin, certId=cert.id, credentialSha256=digest, kid=key.kid,
        event="reissue", supersedes=old_sha256,
    )  # fmt: skip
    cert.credential, cert.credential_sha256, cert.kid, cert.log_index = credential, digest, key.kid, index
    session.add(CertificateReissue(
        certificate_id=cert.id, old_credential=old_credential, old_sha256=old_sha256, old_log_index=old_index,
        new_log_index=index, reason=reason, actor_id=actor.id, at=at,
    ))  # fmt: skip
    session.flush()
    pdf = certificates.render_pdf(session, cert, settings)
    cert.pdf_sha256, cert.pdf_size = store_blob(settings.pdf_storage, pdf), len(pdf)
    session.flush()
    case = session.get(Case, cert.case_id)
    assert case is not None
    notify(
        session, recipients=case_people(session, case, Role.APPLICANT), kind="certificate_reissued",
        msgid=N_("%(number)s has been re-issued with an SM2 signature beside the Ed25519 one; "
                 "download the new PDF."),
        params={"number": cert.number}, case=case,
    )  # fmt: skip
    return cert


def superseded(session: Session, sha256_hex: str) -> CertificateReissue | None:
    """The re-issue that replaced the credential with this digest, if one did."""
    return session.exec(select(CertificateReissue).where(CertificateReissue.old_sha256 == sha256_hex)).first()


def history(session: Session, cert: Certificate) -> list[CertificateReissue]:
    statement = select(CertificateReissue).where(CertificateReissue.certificate_id == cert.id)
    return list(session.exec(statement.order_by(col(CertificateReissue.id))).all())
