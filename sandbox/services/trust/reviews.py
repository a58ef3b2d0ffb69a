"""A review (复核) of an exit certificate's revocation, asked for by the enterprise, heard by a legal partner.

The case has exited and stays exited: the review is a dispute record of its own kind
(`DisputeKind.CERTIFICATE_REVIEW`) with the usual stages, messages and evidence, outside the case state
machine; the request and its outcome are recorded in the case history as record-only events
(`workflows.records`). An applicant of the enterprise may ask once per revocation, within the configured
calendar days (`workflows.certificate_review`). The certificate stays revoked whatever the outcome; an
overturned revocation is put before the sandbox office, which decides how the certificate is restored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from certificates.status import StatusPurpose
from sandbox.errors import N_, Conflict, Message, NotFound, PermissionDenied
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate, CertificateStatusChange
from sandbox.models.disputes import Dispute, DisputeKind
from sandbox.policies import can_record
from sandbox.services.case_events.inputs import check_legal_organisation
from sandbox.services.case_events.record_only import record_event
from sandbox.services.cases import calendar as calendar_service
from sandbox.services.cases.calendar import BEIJING
from sandbox.services.cases.cases import get_case, nfc
from sandbox.services.common.notifications import case_people, notify
from sandbox.services.common.settings import settings_of
from sandbox.services.common.validation import validate
from sandbox.services.legal import dispute_records
from sandbox.services.trust.certificates import certificate_for_case
from workflows.certificate_review import REVIEWABLE_STATUSES, review_deadline
from workflows.states import RecordEvent

REQUEST = RecordEvent.REQUEST_CERTIFICATE_REVIEW
NOT_REVOKED = N_("The exit certificate of this project is not revoked: there is nothing to review.")
ALREADY_REQUESTED = N_("A review of this revocation was already requested.")
PERIOD_OVER = N_(
    "A review could be requested until %(date)s. Administrative reconsideration and an administrative "
    "lawsuit remain open within their statutory periods."
)


@dataclass(frozen=True)
class ReviewState:
    """Where a case's exit certificate stands as to a review, for `actor`."""

    certificate: Certificate | None
    revocation: CertificateStatusChange | None  # the revocation in force
    revoked_on: date | None  # Beijing date
    deadline: date | None  # the last day a review may be requested
    review: Dispute | None  # the review requested for this revocation
    refusal: Message | None  # why no review can be requested now (None: it can)
    may_request: bool  # the actor is one who may request it (an applicant of the enterprise)

    @property
    def can_request(self) -> bool:
        return self.may_request and self.refusal is None


def _revocation(session: Session, cert: Certificate) -> CertificateStatusChange | None:
    statement = (
        select(CertificateStatusChange)
        .where(
            CertificateStatusChange.certificate_id == cert.id,
            CertificateStatusChange.purpose == StatusPurpose.REVOCATION,
            col(CertificateStatusChange.value),
        )
        .order_by(col(CertificateStatusChange.id).desc())
    )
    return session.exec(statement).first()


def _review(session: Session, case: Case, revocation: CertificateStatusChange) -> Dispute | None:
    statement = (
        select(Dispute)
        .where(
            Dispute.case_id == case.id,
            Dispute.kind == DisputeKind.CERTIFICATE_REVIEW,
            col(Dispute.created_at) >= revocation.at,
        )
        .order_by(col(Dispute.id).desc())
    )
    return session.exec(statement).first()


def review_state(session: Session, *, actor: User, case: Case, today: date | None = None) -> ReviewState:
    """Return the case's exit certificate, its revocation, the deadline and any review requested."""
    today = today or calendar_service.beijing_today()
    may_request = can_record(actor, case, REQUEST)
    cert = certificate_for_case(session, case.id)  # type: ignore[arg-type]
    revocation = _revocation(session, cert) if cert is not None else None
    if cert is None or revocation is None or cert.status.value not in REVIEWABLE_STATUSES:
        return ReviewState(cert, None, None, None, None, Message(NOT_REVOKED), may_request)
    revoked_on = revocation.at.astimezone(BEIJING).date()
    deadline = review_deadline(revoked_on, settings_of(session).review_days)
    review = _review(session, case, revocation)
    refusal = None
    if review is not None:
        refusal = Message(ALREADY_REQUESTED)
    elif today > deadline:
        refusal = Message(PERIOD_OVER, {"date": deadline.isoformat()})
    return ReviewState(cert, revocation, revoked_on, deadline, review, refusal, may_request)


def get_review_state(
    session: Session, *, actor: User, case_id: int, today: date | None = None
) -> ReviewState:
    """The review state of a case the actor may see, for its enterprise's applicants and regulators."""
    case = get_case(session, actor=actor, case_id=case_id)
    if actor.role not in (Role.APPLICANT, Role.REGULATOR):
        raise NotFound()
    return review_state(session, actor=actor, case=case, today=today)


def request_review(
    session: Session,
    *,
    actor: User,
    case_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """Open the review of the case's certificate revocation, assigned to the chosen legal organisation."""
    case = get_case(session, actor=actor, case_id=case_id, for_update=True)
    today = today or calendar_service.beijing_today()
    state = review_state(session, actor=actor, case=case, today=today)
    if not state.may_request:
        raise PermissionDenied()
    if state.refusal is not None:
        raise Conflict(state.refusal.msgid, **state.refusal.params)
    data = nfc(dict(data))
    organisation_id = data.get("legal_partner_org_id")
    check_legal_organisation(session, organisation_id, required=True)
    given = validate(dispute_records.DisputeInput, {
        "kind": DisputeKind.CERTIFICATE_REVIEW, "claim": str(data.get("claim") or "").strip(),
        "remedy": str(data.get("remedy") or "").strip(),
    })  # fmt: skip
    assert state.certificate is not None
    dispute = dispute_records.open_record(
        session, case=case, actor=actor, from_state=case.state, data={"claim": given.claim},
        organisation_id=int(organisation_id), calendar=calendar_service.office_calendar(session),  # type: ignore[arg-type]
        today=today, acknowledge_days=settings_of(session).dispute_days["acknowledge"], given=given,
    )  # fmt: skip
    case.legal_org_id = dispute.organisation_id
    record_event(
        session, case=case, actor=actor, event=REQUEST, note=given.claim, expected_version=expected_version,
        payload={"disputeId": dispute.id, "kind": dispute.kind.value, "legalPartnerOrgId": case.legal_org_id,
                 "certificateId": state.certificate.id, "certificateNumber": state.certificate.number},
    )  # fmt: skip
    notify(
        session,
        recipients=[
            user
            for user in case_people(session, case, Role.APPLICANT, Role.REGULATOR, Role.LEGAL_PARTNER)
            if user.id != actor.id
        ],
        kind="certificate_review_requested",
        msgid=N_("A review of the revocation of exit certificate %(number)s was requested on “%(title)s”."),
        params={"number": state.certificate.number, "title": case.title, "dispute": dispute.id},
        case=case,
    )
    return dispute


def conclude_review(
    session: Session, *, actor: User, dispute: Dispute, case: Case, outcome: str, note: str
) -> None:
    """Record a review's outcome (upheld, overturned, withdrawn); the office hears of an overturned one."""
    dispute_records.close_record(session, dispute, outcome=outcome, note=note)
    cert = certificate_for_case(session, case.id)  # type: ignore[arg-type]
    record_event(
        session, case=case, actor=actor, event=RecordEvent.RESOLVE_CERTIFICATE_REVIEW, note=note,
        payload={"disputeId": dispute.id, "outcome": outcome, "certificateId": cert.id if cert else None},
    )  # fmt: skip
    if outcome == "overturned" and cert is not None:
        notify(
            session,
            recipients=case_people(session, case, Role.REGULATOR),
            kind="certificate_review_overturned",
            msgid=N_(
                "The review found the revocation of exit certificate %(number)s unjustified; the certificate "
                "stays revoked until the sandbox office decides how it is restored."
            ),
            params={"number": cert.number, "dispute": dispute.id},
            case=case,
        )
