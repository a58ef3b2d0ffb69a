"""Statistics of how cases end and what they earn: exits, terminations, withdrawals and rejections per
sector; exit certificates per sector and status; voucher budget use per sector.

Decisions are counted by their events in the period (one per case and kind, so an appeal that repeats a
decision is not counted twice); certificates by their issue time; voucher money is taken from
`voucher_reports.budget_use`. Imports no flask.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_
from sandbox.models.accounts import User
from sandbox.models.cases import Case, CaseEvent
from sandbox.models.certificates import Certificate, CertificateKind, CertificateStatus
from sandbox.services.statistics.model import Chart, Filters, Number, Series, sector_order
from sandbox.services.vouchers import reports as voucher_reports

# Kind of ending → the events that decide it.
OUTCOME_EVENTS: dict[str, tuple[str, ...]] = {
    "exits": ("approve_exit",),
    "terminations": ("terminate", "fail_exit"),
    "withdrawals": ("withdraw",),
    "rejections": ("reject",),
}
OUTCOME_LABELS = {
    "exits": N_("Exits"),
    "terminations": N_("Terminations"),
    "withdrawals": N_("Withdrawals"),
    "rejections": N_("Rejections"),
}
STATUS_LABELS = {
    CertificateStatus.ACTIVE: N_("Valid"),
    CertificateStatus.SUSPENDED: N_("Suspended"),
    CertificateStatus.REVOKED: N_("Revoked"),
}
# Fields of voucher_reports.BudgetRow summed per sector; the held ones are off the vouchers' balances.
HELD_KEYS = ("awaiting_holder_fen", "requested_fen", "approved_fen", "settled_fen")
BUDGET_KEYS = ("vouchers", "issued_fen", *HELD_KEYS)


def _period(statement, moment, filters: Filters):
    if filters.sector:
        statement = statement.where(Case.sector == filters.sector)
    bounds = filters.bounds()
    if bounds:
        statement = statement.where(moment >= bounds[0], moment < bounds[1])
    return statement


def outcomes_chart(session: Session, filters: Filters) -> Chart:
    kind = sa.case(
        *((col(CaseEvent.event).in_(events), name) for name, events in OUTCOME_EVENTS.items()), else_=""
    )
    statement = (
        select(Case.sector, kind, func.count(sa.distinct(col(CaseEvent.case_id))))
        .join(Case, col(Case.id) == CaseEvent.case_id)
        .where(col(CaseEvent.event).in_([e for events in OUTCOME_EVENTS.values() for e in events]))
    )
    statement = _period(statement, CaseEvent.created_at, filters).group_by(Case.sector, kind)
    counts = {(sector, name): n for sector, name, n in session.exec(statement).all()}
    sectors = sector_order({sector for sector, _ in counts}, filters)
    series = [
        Series(name, OUTCOME_LABELS[name], [counts.get((sector, name), 0) for sector in sectors])
        for name in OUTCOME_EVENTS
    ]
    return Chart(
        "outcomes",
        N_("Exits, terminations, withdrawals and rejections"),
        "stacked",
        "sector",
        "measure",
        "cases",
        sectors,
        series,
        note=N_("Decisions taken in the period, one per case and kind."),
    )


def certificates_chart(session: Session, filters: Filters) -> Chart:
    statement = (
        select(Case.sector, Certificate.status, func.count())
        .join(Case, col(Case.id) == Certificate.case_id)
        .where(Certificate.kind == CertificateKind.EXIT)
    )
    statement = _period(statement, Certificate.issued_at, filters).group_by(Case.sector, Certificate.status)
    counts = {(sector, status): n for sector, status, n in session.exec(statement).all()}
    sectors = sector_order({sector for sector, _ in counts}, filters)
    series = [
        Series(status.value, label, [counts.get((sector, status), 0) for sector in sectors])
        for status, label in STATUS_LABELS.items()
    ]
    return Chart(
        "certificates",
        N_("Exit certificates issued"),
        "stacked",
        "sector",
        "measure",
        "certificates",
        sectors,
        series,
        note=N_("Certificates issued in the period, by their status today."),
    )


def voucher_budget(session: Session, filters: Filters, *, actor: User) -> tuple[Chart, int, int]:
    """Budget use per sector from `voucher_reports.budget_use`; also the budget and the amount issued."""
    years = [y for y in voucher_reports.budget_use(session, actor=actor) if filters.year in (None, y.year)]
    totals: dict[str, dict[str, int]] = {}
    for year in years:
        for row in year.rows:
            if filters.sector and row.sector != filters.sector:
                continue
            entry = totals.setdefault(row.sector, dict.fromkeys(BUDGET_KEYS, 0))
            for key in BUDGET_KEYS:
                entry[key] += getattr(row, key)
    sectors = sector_order(set(totals), filters) if totals else []
    rows = [totals.get(sector, dict.fromkeys(BUDGET_KEYS, 0)) for sector in sectors]
    unredeemed: list[Number | None] = [
        max(r["issued_fen"] - sum(r[key] for key in HELD_KEYS), 0) for r in rows
    ]
    chart = Chart(
        "voucher_budget",
        N_("Voucher budget use"),
        "stacked",
        "sector",
        "measure",
        "fen",
        sectors,
        [
            Series("settled_fen", N_("Settled"), [r["settled_fen"] for r in rows]),
            Series("approved_fen", N_("Approved"), [r["approved_fen"] for r in rows]),
            Series("requested_fen", N_("Awaiting approval"), [r["requested_fen"] for r in rows]),
            Series(
                "awaiting_holder_fen",
                N_("Awaiting the holder's confirmation"),
                [r["awaiting_holder_fen"] for r in rows],
            ),
            Series("unredeemed_fen", N_("Not yet redeemed"), unredeemed),
            Series("issued_fen", N_("Amount issued"), [r["issued_fen"] for r in rows], drawn=False),
            Series("vouchers", N_("Vouchers"), [r["vouchers"] for r in rows], drawn=False, unit="count"),
        ],
        note=N_(
            "Vouchers of the budget year by sector; the bar is the "
            "amount issued, split by how much was redeemed."
        ),
    )
    issued = sum(entry["issued_fen"] for entry in totals.values())
    return chart, sum(year.budget_fen for year in years), issued
