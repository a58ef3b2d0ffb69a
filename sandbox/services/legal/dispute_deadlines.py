"""Dispute deadlines: a reminder to the legal partner a working day before each one, and an overdue
notice (to the partner and the case's regulators) once it has passed. Run by `flask sla-sweep`.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from sandbox.errors import N_
from sandbox.models.accounts import Role
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute
from sandbox.services.cases import calendar as calendar_service
from sandbox.services.common.notifications import notify
from sandbox.services.legal.disputes import parties
from workflows.disputes import OPEN_STAGES, DisputeStage


def sweep_deadlines(session: Session, *, today: date) -> int:
    """Remind the legal partner a working day before a dispute's deadline and flag it once overdue.

    Idempotent: each reminder and each overdue notice is sent once per dispute, stage and due date.
    """
    calendar = calendar_service.office_calendar(session)
    tomorrow = calendar.add_working_days(today, 1)
    sent = 0
    open_disputes = session.exec(select(Dispute).where(col(Dispute.stage).in_(OPEN_STAGES))).all()
    for dispute in open_disputes:
        due = dispute.acknowledge_due if dispute.stage is DisputeStage.OPENED else dispute.mediation_due
        if due is None or dispute.stage is DisputeStage.REFERRED or due > tomorrow:
            continue
        case = session.get(Case, dispute.case_id)
        assert case is not None
        overdue = due < today
        partners = [user for user in parties(session, dispute, case) if user.role is Role.LEGAL_PARTNER]
        if dispute.assignee_id is not None:
            partners = [user for user in partners if user.id == dispute.assignee_id] or partners
        recipients = partners + (
            [user for user in parties(session, dispute, case) if user.role is Role.REGULATOR]
            if overdue
            else []
        )
        msgid = (
            N_("The dispute on “%(title)s” is overdue: it was due on %(due)s.")
            if overdue
            else N_("Reminder: the dispute on “%(title)s” is due on %(due)s.")
        )
        key = f"dispute:{dispute.id}:{dispute.stage.value}:{due.isoformat()}:{'late' if overdue else 'soon'}"
        sent += len(notify(
            session, recipients=recipients, kind="dispute_overdue" if overdue else "dispute_reminder",
            msgid=msgid, params={"title": case.title, "due": due.isoformat(), "dispute": dispute.id},
            case=case, dedupe_key=key,
        ))  # fmt: skip
    return sent
