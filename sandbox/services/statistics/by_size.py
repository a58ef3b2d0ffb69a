"""Participation by enterprise size: the figure measure 3 is judged on (how many 中小微企业 filed, passed,
got and used vouchers).

A case counts under its enterprise's newest size declaration (never declared: `undeclared`); a voucher
under the size its exit decision used (`Voucher.enterprise_size`). Counts are aggregated in SQL. Imports
no flask.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_
from sandbox.models.cases import Case
from sandbox.models.enterprise_size import SizeDeclaration
from sandbox.models.vouchers import Voucher, VoucherStatus
from sandbox.services.statistics.model import Chart, Filters, Series
from workflows.enterprise_size import EnterpriseSize
from workflows.states import CaseState

UNDECLARED = "undeclared"
SIZES = [*(size.value for size in EnterpriseSize), UNDECLARED]
ISSUED = (VoucherStatus.ACTIVE, VoucherStatus.FROZEN, VoucherStatus.EXPIRED, VoucherStatus.AWAITING_FORGO)


def _latest_sizes():
    """Subquery: each enterprise's newest declared size."""
    newest = (
        select(SizeDeclaration.enterprise_id, func.max(SizeDeclaration.version).label("version"))
        .group_by(col(SizeDeclaration.enterprise_id))
        .subquery()
    )
    return (
        select(SizeDeclaration.enterprise_id, SizeDeclaration.size)
        .join(
            newest,
            (newest.c.enterprise_id == SizeDeclaration.enterprise_id)
            & (newest.c.version == SizeDeclaration.version),
        )
        .subquery()
    )


def participation_by_size(session: Session, filters: Filters, cohort) -> Chart:
    """Cases filed and exited, vouchers issued, refused for size and used, per enterprise size."""
    sizes = _latest_sizes()
    size_of_case = func.coalesce(sizes.c.size, UNDECLARED)
    statement = cohort(
        select(size_of_case, Case.state, func.count()).outerjoin(
            sizes, sizes.c.enterprise_id == Case.enterprise_id
        ),
        filters,
    ).group_by(size_of_case, Case.state)
    filed: dict[str, int] = {}
    exited: dict[str, int] = {}
    for size, state, count in session.exec(statement).all():
        key = str(getattr(size, "value", size))
        filed[key] = filed.get(key, 0) + count
        if CaseState(state) is CaseState.EXITED:
            exited[key] = exited.get(key, 0) + count
    size_of_voucher = func.coalesce(Voucher.enterprise_size, UNDECLARED)
    vouchers = select(size_of_voucher, Voucher.status, Voucher.amount_fen, Voucher.balance_fen)
    if filters.year is not None:
        vouchers = vouchers.where(Voucher.year == filters.year)
    if filters.sector:
        vouchers = vouchers.where(Voucher.sector == filters.sector)
    issued: dict[str, int] = {}
    used: dict[str, int] = {}
    withheld: dict[str, int] = {}
    for size, status, amount, balance in session.exec(vouchers).all():
        if status in ISSUED:
            issued[size] = issued.get(size, 0) + 1
            if status is not VoucherStatus.AWAITING_FORGO and balance < amount:
                used[size] = used.get(size, 0) + 1
        else:
            withheld[size] = withheld.get(size, 0) + 1
    return Chart(
        "participation_by_size",
        N_("Participation by enterprise size"),
        "bar",
        "size",
        "measure",
        "cases",
        SIZES,
        [
            Series("filed", N_("Cases filed"), [filed.get(s, 0) for s in SIZES]),
            Series("exited", N_("Cases exited (passed)"), [exited.get(s, 0) for s in SIZES]),
            Series("vouchers_issued", N_("Vouchers issued"), [issued.get(s, 0) for s in SIZES]),
            Series("vouchers_used", N_("Vouchers used"), [used.get(s, 0) for s in SIZES]),
            Series("vouchers_withheld", N_("Vouchers not issued"), [withheld.get(s, 0) for s in SIZES],
                   drawn=False),
        ],  # fmt: skip
        note=N_(
            "Size per 《中小企业划型标准规定》 from the enterprise's newest declaration (vouchers: the "
            "declaration used at exit); used: some of the voucher was redeemed or is held."
        ),
    )
