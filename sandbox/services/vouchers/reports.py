"""What regulators, holders and providers read about vouchers: redemption lists and one redemption's
whole file (parties, voucher, contract, steps, invoice), budget use by sector and year, and the finance
CSV (UTF-8 with a byte-order mark, so Excel shows the Chinese correctly).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import NotFound, PermissionDenied
from sandbox.models.accounts import Enterprise, Organisation, Role, User
from sandbox.models.vouchers import (
    ApprovedProvider,
    Redemption,
    RedemptionStatus,
    RedemptionStep,
    Voucher,
    VoucherStatus,
)
from sandbox.services.vouchers import policy as voucher_policy
from sandbox.services.vouchers.providers import provider_of
from sandbox.services.vouchers.vouchers import yuan
from workflows.redemptions import HOLDING


def _scoped(session: Session, actor: User):
    statement = select(Redemption)
    if actor.role is Role.SERVICE_PROVIDER:
        provider = provider_of(session, actor)
        return statement.where(Redemption.provider_id == (provider.id if provider else -1))
    if actor.role is Role.APPLICANT and actor.enterprise_id is not None:
        return statement.join(Voucher, col(Voucher.id) == Redemption.voucher_id).where(
            Voucher.enterprise_id == actor.enterprise_id
        )
    if actor.role is Role.REGULATOR:
        return statement
    raise PermissionDenied()


def list_redemptions(
    session: Session,
    *,
    actor: User,
    page: int,
    per_page: int,
    status: str | None = None,
    voucher_id: int | None = None,
) -> tuple[list[Redemption], int]:
    """Redemptions the actor may see (provider: its own; applicant: on its vouchers; regulator: all)."""
    statement = _scoped(session, actor)
    if status in {s.value for s in RedemptionStatus}:
        statement = statement.where(Redemption.status == RedemptionStatus(status))
    if voucher_id is not None:
        statement = statement.where(Redemption.voucher_id == voucher_id)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(Redemption.id).desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows.all()), total


def get_redemption(session: Session, *, actor: User, redemption_id: int) -> Redemption:
    """A redemption the actor may see (its provider, its voucher's enterprise, regulators); else 404."""
    found = session.exec(_scoped(session, actor).where(Redemption.id == redemption_id)).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class RedemptionFile:
    """What the pages show of one redemption: who asked whom for what, against which contract, and how
    it went. The office decides from this page, so it names the enterprise, the provider, the voucher
    and the contract, and links the invoice."""

    redemption: Redemption
    voucher: Voucher
    enterprise: Enterprise
    provider: ApprovedProvider
    provider_name: str
    steps: list[RedemptionStep]


def redemption_file(session: Session, *, actor: User, redemption_id: int) -> RedemptionFile:
    """The whole file of a redemption the actor may see (404 otherwise)."""
    found = get_redemption(session, actor=actor, redemption_id=redemption_id)
    voucher = session.get(Voucher, found.voucher_id)
    provider = session.get(ApprovedProvider, found.provider_id)
    assert voucher is not None and provider is not None
    enterprise = session.get(Enterprise, voucher.enterprise_id)
    organisation = session.get(Organisation, provider.organisation_id)
    assert enterprise is not None and organisation is not None
    steps = session.exec(
        select(RedemptionStep)
        .where(RedemptionStep.redemption_id == found.id)
        .order_by(col(RedemptionStep.id))
    ).all()
    return RedemptionFile(found, voucher, enterprise, provider, organisation.name, list(steps))


def parties(session: Session, rows: list[Redemption]) -> dict[int, tuple[str, str]]:
    """Redemption id → (the voucher's enterprise, the provider), for the lists, in one query."""
    if not rows:
        return {}
    statement = (
        select(Redemption.id, Enterprise.name, Organisation.name)
        .join(Voucher, col(Voucher.id) == Redemption.voucher_id)
        .join(Enterprise, col(Enterprise.id) == Voucher.enterprise_id)
        .join(ApprovedProvider, col(ApprovedProvider.id) == Redemption.provider_id)
        .join(Organisation, col(Organisation.id) == ApprovedProvider.organisation_id)
        .where(col(Redemption.id).in_([row.id for row in rows]))
    )
    return {rid: (enterprise, provider) for rid, enterprise, provider in session.exec(statement).all()}  # type: ignore[misc]


@dataclass
class BudgetRow:
    year: int
    sector: str
    vouchers: int = 0
    refused: int = 0
    issued_fen: int = 0
    awaiting_holder_fen: int = 0
    requested_fen: int = 0
    approved_fen: int = 0
    settled_fen: int = 0


@dataclass
class BudgetYear:
    year: int
    budget_fen: int
    issued_fen: int = 0
    rows: list[BudgetRow] = field(default_factory=list)


def budget_use(session: Session, *, actor: User) -> list[BudgetYear]:
    """Issued and redeemed amounts by year and sector, against each year's budget (regulators)."""
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    _, policy = voucher_policy.current_policy(session)
    rows: dict[tuple[int, str], BudgetRow] = {}
    issued = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types select() for up to four columns
            Voucher.year, Voucher.sector, Voucher.status, func.count(), func.sum(Voucher.amount_fen)
        ).group_by(Voucher.year, Voucher.sector, Voucher.status)
    ).all()
    for year, sector, status, count, amount in issued:
        row = rows.setdefault((year, sector), BudgetRow(year, sector))
        if status == VoucherStatus.REFUSED:
            row.refused += count
        else:
            row.vouchers, row.issued_fen = row.vouchers + count, row.issued_fen + (amount or 0)
    redeemed = session.exec(
        select(Voucher.year, Voucher.sector, Redemption.status, func.sum(Redemption.amount_fen))
        .join(Voucher, col(Voucher.id) == Redemption.voucher_id)
        .group_by(col(Voucher.year), col(Voucher.sector), col(Redemption.status))
    ).all()
    for year, sector, status, amount in redeemed:
        row = rows.setdefault((year, sector), BudgetRow(year, sector))
        if status in HOLDING:  # what was given back (declined, rejected …) is no budget use
            name = f"{RedemptionStatus(status).value}_fen"
            setattr(row, name, getattr(row, name) + (amount or 0))
    years = {year for year, _ in rows} | {int(year) for year in policy.annual_budget_fen}
    result = []
    for year in sorted(years, reverse=True):
        entry = BudgetYear(year, policy.budget_for(year))
        entry.rows = sorted((r for (y, _), r in rows.items() if y == year), key=lambda r: r.sector)
        entry.issued_fen = sum(r.issued_fen for r in entry.rows)
        result.append(entry)
    return result


CSV_HEADER = (
    "redemption_id",
    "status",
    "requested_at",
    "decided_at",
    "settled_at",
    "voucher_code",
    "sector",
    "enterprise",
    "enterprise_uscc",
    "provider",
    "provider_uscc",
    "contract_number",
    "category",
    "contract_fee_yuan",
    "amount_yuan",
    "amount_fen",
    "invoice_sha256",
    "reason",
    "contract_signed_on",
    "confirmed_at",
)


def finance_csv(session: Session, *, actor: User) -> bytes:
    """Every redemption as CSV for finance (UTF-8 with BOM; amounts in yuan and in fen)."""
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    statement = (
        select(Redemption, Voucher, Enterprise, ApprovedProvider, Organisation)  # type: ignore[call-overload]
        .join(Voucher, col(Voucher.id) == Redemption.voucher_id)
        .join(Enterprise, col(Enterprise.id) == Voucher.enterprise_id)
        .join(ApprovedProvider, col(ApprovedProvider.id) == Redemption.provider_id)
        .join(Organisation, col(Organisation.id) == ApprovedProvider.organisation_id)
        .order_by(col(Redemption.id))
    )
    for red, voucher, enterprise, provider, organisation in session.exec(statement).all():
        writer.writerow(
            (
                red.id,
                red.status.value,
                _iso(red.created_at),
                _iso(red.decided_at),
                _iso(red.settled_at),
                voucher.code,
                voucher.sector,
                enterprise.name,
                enterprise.uscc,
                organisation.name,
                provider.uscc,
                _cell(red.contract_number),
                red.category,
                yuan(red.contract_fee_fen).replace(",", ""),
                yuan(red.amount_fen).replace(",", ""),
                red.amount_fen,
                red.invoice_sha256,
                _cell(red.reason or ""),
                _iso(red.contract_signed_on),
                _iso(red.confirmed_at),
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _cell(text: str) -> str:
    """Defuse spreadsheet formulas in free text (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
