"""What the case page's timeline says about record-only events: each assignment as "from → to" with the
names of the people and organisations (never raw ids), and each step of a two-person decision with the
decision it concerns. The two-person proposals still waiting on the case are listed for regulators."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from sandbox.errors import Message
from sandbox.i18n import translate
from sandbox.labels.decisions import ACTION_LABELS
from sandbox.labels.enterprise_size import size_name, support_programme
from sandbox.labels.legal import FINAL_OUTCOME_LABELS
from sandbox.labels.vouchers import voucher_text
from sandbox.models.accounts import Organisation, Role, User
from sandbox.models.cases import Case, CaseEvent
from sandbox.models.two_person import DecisionProposal
from sandbox.models.vouchers import RefusalCode
from sandbox.services.decisions import proposals
from sandbox.services.vouchers.vouchers import REFUSAL_MESSAGES, yuan
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
        elif (text := support_text(event.event, payload)) is not None:
            texts[event.id] = text
    return texts


def support_text(name: str, payload: dict[str, Any]) -> str | None:
    """The timeline's line for other support (从高从优不重复) and for the voucher decision at exit."""
    if name == RecordEvent.DECLARE_OTHER_SUPPORT:
        return _support_line(payload)
    if name == RecordEvent.CORRECT_OTHER_SUPPORT:
        before, after = payload.get("before") or {}, payload.get("after") or {}
        return f"{_support_line(before)} → {_support_line(after)}"
    if name == RecordEvent.FORGO_OTHER_SUPPORT:
        forgone = "; ".join(_support_line(item) for item in payload.get("forgone", []))
        return gettext("Forgone for the voucher of %(amount)s: %(support)s",
                       amount=yuan(int(payload.get("amountFen", 0))), support=forgone)  # fmt: skip
    voucher = payload.get("voucher") if name == Event.APPROVE_EXIT else None
    if isinstance(voucher, dict):
        line = gettext("Voucher: %(status)s", status=voucher_text(str(voucher.get("status"))))
        if voucher.get("enterpriseSize"):
            line += " · " + size_name(str(voucher["enterpriseSize"]))
        if voucher.get("refusalCode") in REFUSAL_MESSAGES:
            code = RefusalCode(voucher["refusalCode"])
            line += " · " + translate(Message(REFUSAL_MESSAGES[code], voucher.get("refusalParams") or {}))
        return line
    return None


def _support_line(item: dict[str, Any]) -> str:
    amount = yuan(int(item.get("amountFen", 0)))
    line = f"{support_programme(str(item.get('programme', '')))} {amount}"
    if item.get("approvalNumber"):
        line += f" ({item['approvalNumber']})"
    return line + (" — " + gettext("withdrawn") if item.get("withdrawn") else "")


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
