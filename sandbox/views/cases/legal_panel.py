"""What the case page shows of the case's disputes and exemption requests.

The case's dispute and exemption events lead to their dedicated pages rather than to generic event
forms: raising a dispute or applying for an exemption opens the new-record form, resolving or deciding
opens the record holding the case. Timeline entries link to the record they created or closed. Only
what the user may see is listed or linked (a legal partner sees its own organisation's records). Once
the exit certificate is revoked, the enterprise and the office see the revocation and its review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from sandbox.labels.legal import DISPUTE_KIND_LABELS, EXEMPTION_STAGE_LABELS, stage_text
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case, CaseEvent
from sandbox.services.legal import disputes, exemptions
from sandbox.services.trust import reviews as certificate_reviews
from sandbox.services.trust.reviews import ReviewState
from sandbox.views.legal.dispute_page import DISPUTE_ROLES
from workflows.states import CaseState, Event, RecordEvent

DISPUTE_EVENTS = frozenset({Event.RAISE_DISPUTE.value, Event.RESOLVE_DISPUTE.value})
EXEMPTION_EVENTS = frozenset(
    {
        Event.APPLY_EXEMPTION.value,
        Event.DECIDE_EXEMPTION.value,
        RecordEvent.PROPOSE_EXEMPTION_DECISION.value,
        RecordEvent.DECLINE_EXEMPTION_DECISION.value,
        RecordEvent.WITHDRAW_EXEMPTION_DECISION.value,
    }
)
REVIEW_EVENTS = frozenset(
    {RecordEvent.REQUEST_CERTIFICATE_REVIEW.value, RecordEvent.RESOLVE_CERTIFICATE_REVIEW.value}
)
# The steps of a two-person certificate status change link to the certificate they concern.
CERTIFICATE_STEPS = frozenset(
    {
        RecordEvent.PROPOSE_CERTIFICATE_STATUS.value,
        RecordEvent.CONFIRM_CERTIFICATE_STATUS.value,
        RecordEvent.DECLINE_CERTIFICATE_STATUS.value,
        RecordEvent.WITHDRAW_CERTIFICATE_STATUS.value,
    }
)


CERTIFICATE_ROLES = (Role.APPLICANT, Role.REGULATOR)


@dataclass(frozen=True)
class RecordLink:
    label: Any
    url: str


def case_legal_context(session: Session, user: User, case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    """The case page's disputes, exemption requests, action links and timeline links for `user`."""
    empty: dict[str, Any] = {
        "certificate_review": None,
        "case_disputes": [],
        "case_exemptions": [],
        "action_links": {},
        "record_links": {},
    }
    if user.role not in DISPUTE_ROLES:
        return empty
    dispute_rows = [
        row
        for row, _ in disputes.list_disputes(session, actor=user, case_id=case.id, page=1, per_page=100).rows
    ]
    request_rows = [
        row
        for row, _ in exemptions.list_requests(
            session, actor=user, case_id=case.id, page=1, per_page=100
        ).rows
    ]
    links = {
        Event.RAISE_DISPUTE: url_for("disputes.new_dispute", case_id=case.id),
        Event.APPLY_EXEMPTION: url_for("exemptions.new_exemption", case_id=case.id),
    }
    holding = next((row for row in dispute_rows if row.outcome is None), None)
    if holding is not None:
        links[Event.RESOLVE_DISPUTE] = url_for("disputes.dispute_detail", dispute_id=holding.id)
    pending = next((row for row in request_rows if row.decided_at is None), None)
    if pending is not None:
        links[Event.DECIDE_EXEMPTION] = url_for("exemptions.exemption_detail", request_id=pending.id)
    return {
        "certificate_review": _certificate_review(session, user, case),
        "case_disputes": dispute_rows,
        "case_exemptions": request_rows,
        "action_links": links,
        "record_links": _timeline_links(
            user, events, {row.id for row in dispute_rows}, {row.id for row in request_rows}
        ),
        "dispute_kind_labels": DISPUTE_KIND_LABELS,
        "dispute_stage_text": stage_text,
        "exemption_stage_labels": EXEMPTION_STAGE_LABELS,
    }


def _certificate_review(session: Session, user: User, case: Case) -> ReviewState | None:
    """The revocation of the case's exit certificate and its review, for the enterprise and the office."""
    if case.state is not CaseState.EXITED or user.role not in (Role.APPLICANT, Role.REGULATOR):
        return None
    state = certificate_reviews.review_state(session, actor=user, case=case)
    return state if state.revocation is not None else None


def _timeline_links(
    user: User, events: list[CaseEvent], dispute_ids: set[int | None], request_ids: set[int | None]
) -> dict[int, list[RecordLink]]:
    links: dict[int, list[RecordLink]] = {}
    for event in events:
        payload = event.payload or {}
        found = []
        if event.event in DISPUTE_EVENTS | REVIEW_EVENTS and payload.get("disputeId") in dispute_ids:
            url = url_for("disputes.dispute_detail", dispute_id=payload["disputeId"])
            found.append(RecordLink(_l("View the dispute"), url))
        if event.event in EXEMPTION_EVENTS and payload.get("exemptionRequestId") in request_ids:
            url = url_for("exemptions.exemption_detail", request_id=payload["exemptionRequestId"])
            found.append(RecordLink(_l("View the exemption request"), url))
        certificate = payload.get("certificateId") if event.event == Event.DECIDE_EXEMPTION.value else None
        if certificate and user.role in (Role.APPLICANT, Role.REGULATOR):
            url = url_for("certificates.certificate_detail", cert_id=certificate)
            found.append(RecordLink(_l("The signed decision"), url))
        step_of = payload.get("certificateId") if event.event in CERTIFICATE_STEPS else None
        if step_of and user.role in CERTIFICATE_ROLES:
            url = url_for("certificates.certificate_detail", cert_id=step_of)
            found.append(RecordLink(_l("View the certificate"), url))
        if found:
            links[event.id] = found  # type: ignore[index]
    return links
