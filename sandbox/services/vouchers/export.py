"""The voucher office's books as one Excel workbook: vouchers, their ledger entries and redemptions.

A sheet per kind, for regulators only (the finance CSV's readers). Amounts are integer fen in storage
and yuan numbers in the workbook; dates are Excel dates, times Beijing time. Statuses and ledger kinds
are named by `text` (the caller's labels in the reader's language), never as codes.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, col, select

from sandbox.errors import PermissionDenied
from sandbox.models.accounts import Enterprise, Organisation, Role, User
from sandbox.models.vouchers import ApprovedProvider, Redemption, Voucher, VoucherLedgerEntry
from sandbox.services.common.spreadsheets import Column, Sheet, workbook_bytes
from sandbox.services.vouchers import policy as voucher_policy
from workflows.sectors import default_sector_packs

VOUCHER_COLUMNS = (
    ("券号", "Voucher code", 18, False),
    ("企业", "Enterprise", 32, False),
    ("统一社会信用代码", "USCC", 22, False),
    ("行业", "Sector", 14, False),
    ("年度", "Year", 8, False),
    ("状态", "Status", 14, False),
    ("面额（元）", "Amount (yuan)", 14, True),
    ("余额（元）", "Balance (yuan)", 14, True),
    ("发放日期", "Issued on", 12, False),
    ("有效期至", "Expires on", 12, False),
)
LEDGER_COLUMNS = (
    ("券号", "Voucher code", 18, False),
    ("序号", "No.", 6, False),
    ("类型", "Kind", 18, False),
    ("金额（元）", "Amount (yuan)", 14, True),
    ("变动后余额（元）", "Balance after (yuan)", 18, True),
    ("核销编号", "Redemption", 12, False),
    ("时间", "Time", 18, False),
)
REDEMPTION_COLUMNS = (
    ("核销编号", "Redemption", 12, False),
    ("状态", "Status", 20, False),
    ("券号", "Voucher code", 18, False),
    ("企业", "Enterprise", 32, False),
    ("服务机构", "Provider", 32, False),
    ("服务类别", "Category", 16, False),
    ("合同编号", "Contract number", 18, False),
    ("合同签订日期", "Contract signed on", 14, False),
    ("合同金额（元）", "Contract fee (yuan)", 16, True),
    ("核销金额（元）", "Amount (yuan)", 14, True),
    ("申请时间", "Requested at", 18, False),
    ("审核时间", "Decided at", 18, False),
    ("结算时间", "Settled at", 18, False),
    ("理由", "Reason", 30, False),
)
SHEET_TITLES = (("服务券", "Vouchers"), ("服务券台账", "Voucher ledger"), ("核销记录", "Redemptions"))


def _columns(spec: tuple[tuple[str, str, int, bool], ...], pick: int) -> list[Column]:
    return [Column(pair[pick], width, money) for *pair, width, money in spec]


def voucher_books_workbook(
    session: Session, *, actor: User, language: str, text: Callable[[str], str]
) -> bytes:
    """Write every voucher, ledger entry and redemption into one workbook (regulators only)."""
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    pick = 0 if language == "zh" else 1
    packs = default_sector_packs()
    _, policy = voucher_policy.current_policy(session)
    categories = {c.id: (c.zh, c.en)[pick] for c in policy.categories}
    vouchers_sheet, ledger_sheet, redemptions_sheet = (
        Sheet(SHEET_TITLES[0][pick], _columns(VOUCHER_COLUMNS, pick)),
        Sheet(SHEET_TITLES[1][pick], _columns(LEDGER_COLUMNS, pick)),
        Sheet(SHEET_TITLES[2][pick], _columns(REDEMPTION_COLUMNS, pick)),
    )
    codes: dict[int, str] = {}
    vouchers = session.exec(
        select(Voucher, Enterprise)
        .join(Enterprise, col(Enterprise.id) == Voucher.enterprise_id)
        .order_by(col(Voucher.id))
    ).all()
    for voucher, enterprise in vouchers:
        codes[voucher.id] = voucher.code or ""  # type: ignore[index]
        pack = packs.get(voucher.sector)
        vouchers_sheet.rows.append(
            (
                voucher.code or "",
                enterprise.name,
                enterprise.uscc,
                (pack.zh, pack.en)[pick] if pack else voucher.sector,
                voucher.year,
                text(voucher.status.value),
                voucher.amount_fen,
                voucher.balance_fen,
                voucher.issued_on,
                voucher.expires_on,
            )
        )
    entries = session.exec(
        select(VoucherLedgerEntry).order_by(col(VoucherLedgerEntry.voucher_id), col(VoucherLedgerEntry.seq))
    ).all()
    for entry in entries:
        ledger_sheet.rows.append(
            (
                codes.get(entry.voucher_id, ""),
                entry.seq,
                text(entry.kind.value),
                entry.amount_fen,
                entry.balance_after,
                entry.redemption_id,
                entry.at,
            )
        )
    redemptions = session.exec(
        select(Redemption, Enterprise, Organisation)
        .join(Voucher, col(Voucher.id) == Redemption.voucher_id)
        .join(Enterprise, col(Enterprise.id) == Voucher.enterprise_id)
        .join(ApprovedProvider, col(ApprovedProvider.id) == Redemption.provider_id)
        .join(Organisation, col(Organisation.id) == ApprovedProvider.organisation_id)
        .order_by(col(Redemption.id))
    ).all()
    for red, enterprise, organisation in redemptions:
        redemptions_sheet.rows.append(
            (
                red.id,
                text(red.status.value),
                codes.get(red.voucher_id, ""),
                enterprise.name,
                organisation.name,
                categories.get(red.category, red.category),
                red.contract_number,
                red.contract_signed_on,
                red.contract_fee_fen,
                red.amount_fen,
                red.created_at,
                red.decided_at,
                red.settled_at,
                red.reason or "",
            )
        )
    return workbook_bytes([vouchers_sheet, ledger_sheet, redemptions_sheet])
