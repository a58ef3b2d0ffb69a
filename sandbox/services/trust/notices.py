"""Telling the holder of a certificate that its status changed: why, and what it can do next.

`notify_status_change` is called once, where a status change is applied (`services.certificate_status`),
so a change that never takes effect tells nobody. Every active applicant of the certificate's enterprise
gets an in-app notification and an e-mail (queued on the session, sent after the commit). A revocation
states the reason and the review route: a review (复核) by the sandbox office, requested on the case page
until the deadline of `workflows.certificate_review`, then administrative reconsideration (行政复议) and
an administrative lawsuit (行政诉讼) within their statutory periods. A suspension states the reason and
how it ends; a reinstatement that the certificate is valid again.
"""

from __future__ import annotations

from sqlmodel import Session

from certificates.status import StatusPurpose
from sandbox.errors import N_
from sandbox.models.accounts import Role
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate, CertificateKind, CertificateStatusChange
from sandbox.models.notifications import Notification
from sandbox.services.cases.calendar import BEIJING
from sandbox.services.common.notifications import case_people, notify
from sandbox.services.common.settings import settings_of
from workflows.certificate_review import LAWSUIT_MONTHS, RECONSIDERATION_DAYS, review_deadline

# (purpose, value) of the change → (notification kind, message per certificate kind).
MESSAGES: dict[tuple[StatusPurpose, bool], tuple[str, dict[CertificateKind, str]]] = {
    (StatusPurpose.REVOCATION, True): ("certificate_revoked", {
        CertificateKind.EXIT: N_(
            "Exit certificate %(number)s was revoked on %(date)s. Reason: %(reason)s. If you disagree, you "
            "may ask the sandbox office for a review on the case page until %(deadline)s; you may also apply "
            "for administrative reconsideration within %(reconsideration_days)s days, or bring an "
            "administrative lawsuit within %(lawsuit_months)s months, of learning of this decision."
        ),
        CertificateKind.EXEMPTION: N_(
            "Liability exemption decision %(number)s was revoked on %(date)s. Reason: %(reason)s. If you "
            "disagree, you may apply for administrative reconsideration within %(reconsideration_days)s "
            "days, or bring an administrative lawsuit within %(lawsuit_months)s months, of learning of this "
            "decision."
        ),
    }),
    (StatusPurpose.SUSPENSION, True): ("certificate_suspended", {
        CertificateKind.EXIT: N_(
            "Exit certificate %(number)s was suspended on %(date)s. Reason: %(reason)s. Until it is "
            "reinstated, verifiers see it as not valid. Put right what the reason names and report it to "
            "the sandbox office; the office reinstates the certificate once the matter is resolved."
        ),
        CertificateKind.EXEMPTION: N_(
            "Liability exemption decision %(number)s was suspended on %(date)s. Reason: %(reason)s. Until "
            "it is reinstated, verifiers see it as not valid. Put right what the reason names and report it "
            "to the sandbox office; the office reinstates the decision once the matter is resolved."
        ),
    }),
    (StatusPurpose.SUSPENSION, False): ("certificate_reinstated", {
        CertificateKind.EXIT: N_(
            "Exit certificate %(number)s was reinstated on %(date)s and is valid again."
        ),
        CertificateKind.EXEMPTION: N_(
            "Liability exemption decision %(number)s was reinstated on %(date)s and is valid again."
        ),
    }),
}  # fmt: skip


def notify_status_change(
    session: Session,
    certificate: Certificate,
    change: CertificateStatusChange,
) -> list[Notification]:
    """Tell every applicant of the certificate's enterprise about `change` (once per change)."""
    kind, texts = MESSAGES[(change.purpose, change.value)]
    case = session.get(Case, certificate.case_id)
    assert case is not None
    changed_on = change.at.astimezone(BEIJING).date()
    params: dict[str, object] = {
        "number": certificate.number, "date": changed_on.isoformat(), "reason": change.reason
    }
    if kind == "certificate_revoked":
        params |= {
            "deadline": review_deadline(changed_on, settings_of(session).review_days).isoformat(),
            "reconsideration_days": RECONSIDERATION_DAYS,
            "lawsuit_months": LAWSUIT_MONTHS,
        }
    return notify(
        session,
        recipients=case_people(session, case, Role.APPLICANT),
        kind=kind,
        msgid=texts[certificate.kind],
        params=params,
        case=case,
        dedupe_key=f"certificate-status:{change.id}",
    )
