"""Demo enterprise sizes (中小企业划型) and other support: a large, a medium, small and micro enterprises,
and one project whose other E-Town support is higher than its voucher (从高从优不重复).

The figures are the last year's as the applicant declares them; the size is derived, never typed.
"""

from __future__ import annotations

from sqlmodel import Session

from sandbox.models.accounts import User
from sandbox.models.cases import Case
from sandbox.services.accounts import size_declarations
from sandbox.services.vouchers import other_support

WAN = 1_000_000  # fen in 10,000 yuan
FIGURES_YEAR = 2025

# By the demo enterprise's e-mail: industry row, employees, revenue and assets (万元).
SIZES: dict[str, tuple[str, int, int, int | None]] = {
    "applicant@demo.sandbox": ("software", 60, 3000, None),  # small
    "applicant2@demo.sandbox": ("software", 180, 8000, None),  # medium
    "sector1@demo.sandbox": ("industry", 420, 9000, None),  # embodied AI: medium
    "sector2@demo.sandbox": ("software", 120, 2600, None),  # healthcare: medium
    "sector3@demo.sandbox": ("industry", 1500, 60000, None),  # aerospace: large
    "sector4@demo.sandbox": ("software", 8, 40, None),  # consumer finance: micro
    "sector5@demo.sandbox": ("industry", 1800, 52000, None),  # industrial manufacturing: large
    "sector6@demo.sandbox": ("leasing_business", 45, 900, 600),  # general data: small
}
# The general-data project's 算力券 is higher than its voucher: no voucher, the reason says so.
OTHER_SUPPORT = {
    "programme": "compute_voucher",
    "amount_fen": 500_000 * 100,
    "status": "received",
    "granted_on": "2026-03-16",
    "approval_number": "京开算力券〔2026〕18号",
}


def declare_demo_size(session: Session, user: User) -> None:
    """Declare the demo enterprise's size once (it is derived from the figures)."""
    figures = SIZES.get(user.email)
    if figures is None or user.enterprise_id is None:
        return
    if size_declarations.latest_size(session, enterprise_id=user.enterprise_id) is not None:
        return
    industry, employees, revenue, assets = figures
    size_declarations.declare_size(session, actor=user, data={
        "year": FIGURES_YEAR, "industry": industry, "employees": employees,
        "operating_revenue_fen": revenue * WAN, "total_assets_fen": assets * WAN if assets else None,
    })  # fmt: skip


def declare_demo_other_support(session: Session, user: User, case: Case) -> None:
    other_support.declare(session, actor=user, case=case, data=OTHER_SUPPORT)
