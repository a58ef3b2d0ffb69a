"""What the case page's timeline says about record-only events: each assignment as "from → to" with the
names of the people and organisations (never raw ids), and each step of a two-person decision with the
decision it concerns. The two-person proposals still waiting on the case are listed for regulators."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from sandbox.labels.decisions import ACTION_LABELS
from sandbox.labels.legal import FINAL_OUTCOME_LABELS
from sandbox.models.accounts import Organisation, Role, User
from sandbox.models.cases import Case, CaseEvent
from sandbox.models.two_person import DecisionProposal
from sandbox.services.decisions import proposals
from sandbox.views.decisions.page import people_of
from workflows.states import Event, RecordEvent

ASSIGNED = {
    "case_officer_id": _l("Case officer"),
    "assessor_org_id": _l("Testing laboratory"),
    "legal_org_id": _l("Legal organisation"),
}
PEOPLE_FIELDS = frozenset({"case_officer_id"})
ASSIGNMENTS = frozenset(
    {RecordEvent.ASSIGN_CASE_OFFICER, RecordEvent.ASSIGN_TESTING_LAB, RecordEvent.ASSIGN_LEGAL_ORGANISATION}
)


def record_texts(session: Session, events: list[CaseEvent]) -> dict[int, str]:
    """Event id → the line the timeline shows under a record-only event."""
    assignments = [event for event in events if event.event in ASSIGNMENTS]
    names = _names(session, assignments)
    texts: dict[int, str] = {}
    for event in events:
        payload = event.payload or {}
        if event.id is None:
            continue
        if event.event in ASSIGNMENTS:
            field = payload.get("field", "")
            kind = "user" if field in PEOPLE_FIELDS else "organisation"
            texts[event.id] = gettext(
                "%(what)s: %(before)s → %(after)s",
                what=str(ASSIGNED.get(field, field)),
                before=names.get((kind, payload.get("from")), "—"),
                after=names.get((kind, payload.get("to")), "—"),
            )
        elif event.event == Event.RESOLVE_DISPUTE and payload.get("outcome") in FINAL_OUTCOME_LABELS:
            outcome = FINAL_OUTCOME_LABELS[payload["outcome"]]
            texts[event.id] = gettext("Outcome: %(outcome)s", outcome=outcome)
        elif "proposalId" in payload and payload.get("action") in ACTION_LABELS:
            texts[event.id] = str(ACTION_LABELS[payload["action"]])
    return texts


def _names(session: Session, events: list[CaseEvent]) -> dict[tuple[str, Any], str]:
    users: set[int] = set()
    organisations: set[int] = set()
    for event in events:
        payload = event.payload or {}
        target = users if payload.get("field") in PEOPLE_FIELDS else organisations
        target.update(value for value in (payload.get("from"), payload.get("to")) if isinstance(value, int))
    names: dict[tuple[str, Any], str] = {}
    if users:
        for user in session.exec(select(User).where(col(User.id).in_(users))).all():
            names[("user", user.id)] = user.display_name
    if organisations:
        for organisation in session.exec(select(Organisation).where(col(Organisation.id).in_(organisations))):
            names[("organisation", organisation.id)] = organisation.name
    return names


def pending_proposals(session: Session, user: User, case: Case) -> dict[str, Any]:
    """The case's proposals waiting for a second regulator (regulators only), with their proposers."""
    if user.role is not Role.REGULATOR or case.id is None:
        return {"case_proposals": [], "proposal_people": {}}
    rows: list[DecisionProposal] = proposals.list_proposals(
        session, actor=user, pending=True, case_id=case.id, per_page=100
    ).rows
    return {
        "case_proposals": rows,
        "proposal_people": people_of(session, rows),
        "proposal_actions": ACTION_LABELS,
    }
