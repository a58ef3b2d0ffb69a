"""The workspace's list of dispute, exemption and two-person work waiting for the signed-in user.

Legal partners: disputes to acknowledge, mediations to finish (with their deadlines), judgments to record
or disputes to close, opinions to write. Regulators: exemption decisions to propose, and other
regulators' proposals (certificate status changes, exemption decisions) to confirm or decline. Nearest
deadline first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from sandbox.labels.decisions import ACTION_LABELS
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.disputes import ExemptionStage
from sandbox.models.two_person import DecisionProposal
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.decisions import proposals
from sandbox.services.legal import disputes, exemptions
from sandbox.views.decisions.page import subject_url
from sandbox.views.legal.dispute_page import due_date
from workflows.disputes import DisputeStage

DISPUTE_TASKS = {
    DisputeStage.OPENED: _l("Acknowledge the dispute"),
    DisputeStage.MEDIATION: _l("Mediate and record the outcome"),
    DisputeStage.REFERRED: _l("Record the court's judgment"),
    DisputeStage.JUDGMENT: _l("Close the dispute"),
}
LIMIT = 50


@dataclass(frozen=True)
class LegalTask:
    title: str
    filing_number: str | None
    task: str
    url: str
    due: date | None
    overdue: bool


def legal_work(session: Session, user: User) -> list[LegalTask]:
    """What waits for `user` on disputes and exemption requests (empty for other roles)."""
    today = beijing_today()
    tasks: list[LegalTask] = []
    if user.role is Role.LEGAL_PARTNER:
        for dispute, case in disputes.list_disputes(session, actor=user, page=1, per_page=LIMIT).rows:
            if dispute.stage not in DISPUTE_TASKS:
                continue
            due = due_date(dispute)
            url = url_for("disputes.dispute_detail", dispute_id=dispute.id)
            tasks.append(
                LegalTask(
                    case.title,
                    case.filing_number,
                    str(DISPUTE_TASKS[dispute.stage]),
                    url,
                    due,
                    due is not None and due < today,
                )
            )
    waiting_for = {
        Role.LEGAL_PARTNER: ExemptionStage.AWAITING_OPINION,
        Role.REGULATOR: ExemptionStage.AWAITING_DECISION,
    }
    waiting = (
        proposals.list_proposals(session, actor=user, pending=True, per_page=LIMIT).rows
        if user.role is Role.REGULATOR
        else []
    )
    if user.role in waiting_for:
        task = (
            _l("Write the legal opinion")
            if user.role is Role.LEGAL_PARTNER
            else _l("Decide on the exemption")
        )
        # Once proposed, a decision waits for a second regulator (listed below), not for a proposal.
        proposed = {row.exemption_request_id for row in waiting}
        for request, case in exemptions.list_requests(session, actor=user, pending=True, per_page=LIMIT).rows:
            if request.stage is waiting_for[user.role] and request.id not in proposed:
                url = url_for("exemptions.exemption_detail", request_id=request.id)
                tasks.append(LegalTask(case.title, case.filing_number, str(task), url, None, False))
    tasks += _second_regulator_work(session, user, waiting)
    return sorted(tasks, key=lambda item: item.due or date.max)


def _second_regulator_work(session: Session, user: User, waiting: list[DecisionProposal]) -> list[LegalTask]:
    """Other regulators' proposals this regulator may confirm or decline (a proposal's own page says how)."""
    mine = [row for row in waiting if row.proposed_by_id != user.id]
    ids = {row.case_id for row in mine}
    found = session.exec(select(Case).where(col(Case.id).in_(ids))).all() if ids else []
    cases = {case.id: case for case in found}
    tasks = []
    for row in mine:
        case = cases.get(row.case_id)
        if case is None:
            continue
        action = str(ACTION_LABELS.get(row.action, row.action))
        task = gettext("Confirm or decline the proposal: %(action)s", action=action)
        tasks.append(LegalTask(case.title, case.filing_number, task, subject_url(row), None, False))
    return tasks
