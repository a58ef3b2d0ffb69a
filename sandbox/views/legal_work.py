"""The workspace's list of dispute and exemption work waiting for the signed-in user.

Legal partners: disputes to acknowledge, mediations to finish (with their deadlines), judgments to record
or disputes to close, opinions to write. Regulators: exemption decisions to make. Nearest deadline first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from sandbox.models.accounts import Role, User
from sandbox.models.disputes import ExemptionStage
from sandbox.services import disputes, exemptions
from sandbox.services.calendar import beijing_today
from sandbox.views.dispute_page import due_date
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
    if user.role in waiting_for:
        task = (
            _l("Write the legal opinion")
            if user.role is Role.LEGAL_PARTNER
            else _l("Decide on the exemption")
        )
        for request, case in exemptions.list_requests(session, actor=user, pending=True, per_page=LIMIT).rows:
            if request.stage is waiting_for[user.role]:
                url = url_for("exemptions.exemption_detail", request_id=request.id)
                tasks.append(LegalTask(case.title, case.filing_number, str(task), url, None, False))
    return sorted(tasks, key=lambda item: item.due or date.max)
