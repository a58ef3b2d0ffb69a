"""Certificate status changes: revoking, suspending and reinstating, always with a reason.

A change is proposed by one regulator and confirmed by another (`services.proposals`); only the
confirmation reaches `apply_status_change`, the one place a status actually changes — anything that
must follow every change hooks in there. It takes the log lock, appends a `status` entry (digests, ids
and codes only; the reason stays in the database, since it may name people), records who confirmed it
and when, re-signs the status list, freezes or thaws the voucher, and tells the holder
(`services.certificate_notices`: the reason and, for a revocation, how to ask for a review).
"""

from __future__ import annotations

import unicodedata

from sqlmodel import Session, select

from certificates.status import StatusPurpose
from sandbox.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.certificates import Certificate, CertificateStatus, CertificateStatusChange
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import notices as certificate_notices
from sandbox.services.trust import signing_keys, status_lists, transparency
from sandbox.services.vouchers import vouchers

ACTIONS = {
    # action: (allowed from, new status, list, bit value)
    "revoke": ({CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED}, CertificateStatus.REVOKED,
               StatusPurpose.REVOCATION, True),
    "suspend": ({CertificateStatus.ACTIVE}, CertificateStatus.SUSPENDED, StatusPurpose.SUSPENSION, True),
    "reinstate": ({CertificateStatus.SUSPENDED}, CertificateStatus.ACTIVE, StatusPurpose.SUSPENSION, False),
}  # fmt: skip
MAX_REASON = 2000


def check_change(cert: Certificate, action: str, reason: str) -> str:
    """Refuse an unknown action, a missing or overlong reason, or a change the status does not allow;
    return the reason as stored (trimmed, NFC)."""
    if action not in ACTIONS:
        raise ValidationFailed.single("action", N_("Choose one of the listed options."))
    reason = unicodedata.normalize("NFC", (reason or "").strip())
    if not reason:
        raise ValidationFailed.single("reason", N_("Give the reason; it is recorded with the change."))
    if len(reason) > MAX_REASON:
        raise ValidationFailed.single("reason", N_("At most %(count)s characters."), count=MAX_REASON)
    if cert.status not in ACTIONS[action][0]:
        raise Conflict(N_("This change is not possible for a certificate that is %(status)s."),
                       status=cert.status.value)  # fmt: skip
    return reason


def apply_status_change(
    session: Session,
    *,
    actor: User,
    certificate_id: str,
    action: str,
    reason: str,
) -> Certificate:
    """Carry out a confirmed revocation, suspension or reinstatement: log, status list, voucher, notices.

    `actor` is the regulator who confirmed the change; the caller has checked that a different
    regulator proposed it. The holder is told, and of a revocation how long it may ask for a review.
    """
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    settings = settings_of(session).trust
    transparency.lock_log(session)
    signing_keys.ensure_keys(session, settings)
    cert = session.exec(
        select(Certificate).where(Certificate.id == certificate_id).execution_options(populate_existing=True)
    ).first()
    if cert is None:
        raise NotFound()
    reason = check_change(cert, action, reason)
    _, new_status, purpose, value = ACTIONS[action]
    at = signing_keys.now_seconds()
    index = cert.revocation_index if purpose is StatusPurpose.REVOCATION else cert.suspension_index
    log_key = signing_keys.log_signers(session, settings)
    log_index = transparency.append(
        session, "status", at=at, log_key=log_key, origin=settings.log_origin, certId=cert.id,
        credentialSha256=cert.credential_sha256, status=new_status.value, purpose=purpose.value,
        statusIndex=index, event=action,
    )  # fmt: skip
    change = CertificateStatusChange(
        certificate_id=cert.id, purpose=purpose, status_index=index, value=value, reason=reason,
        actor_id=actor.id, actor_role=actor.role.value, at=at, log_index=log_index,
    )  # fmt: skip
    session.add(change)
    cert.status = new_status
    session.flush()
    status_lists.sign_list(session, purpose, at=at)
    vouchers.follow_certificate(
        session, certificate=cert, action=action, reason=reason, today=beijing_today()
    )
    certificate_notices.notify_status_change(session, cert, change)
    return cert
