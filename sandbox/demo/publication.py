"""Demo publication consents: what each demo enterprise agreed to show in the public registry.

Most consent to the enterprise name, project title, objectives, data categories and trial period; the
medical imaging company declines to publish its name. The demo cases are driven through the workflow
before this runs, so the consents are written with `record_consent` (no state check) and dated at the
case's submission, as if given then. Idempotent: a case with any consent row is skipped; drafts get
none (their applicants decide on the case page).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from sandbox.models.cases import Case, CaseEvent
from sandbox.models.publication import PublicationConsent
from sandbox.services.publication.consent import record_consent
from workflows.states import CaseState, Event

USUAL = ("enterprise_name", "title", "objectives", "data_categories", "trial_period")
BY_SECTOR: dict[str, tuple[str, ...]] = {
    "autonomous_driving": (*USUAL, "trial_boundaries", "risk_level"),
    "healthcare": ("title", "objectives", "data_categories", "trial_period"),  # declines its name
    "consumer_finance": (*USUAL, "uscc"),
}


def seed_publication_consents(session: Session) -> int:
    """Give every submitted demo case its consent; return how many were recorded."""
    consented = set(session.exec(select(PublicationConsent.case_id)).all())
    submissions: dict[int, CaseEvent] = {}
    statement = select(CaseEvent).where(CaseEvent.event == Event.SUBMIT.value).order_by(col(CaseEvent.seq))
    for event in session.exec(statement):
        submissions.setdefault(event.case_id, event)  # the first submission
    created = 0
    for case in session.exec(select(Case).where(Case.state != CaseState.DRAFT).order_by(col(Case.id))):
        submitted = submissions.get(case.id)  # type: ignore[arg-type]
        if case.id in consented or submitted is None:
            continue
        record_consent(
            session,
            case=case,
            fields=BY_SECTOR.get(case.sector, USUAL),
            given_by_id=submitted.actor_id or case.created_by_id,
            given_at=submitted.created_at,
        )
        created += 1
    return created
