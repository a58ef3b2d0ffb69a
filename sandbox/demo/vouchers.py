"""Demo vouchers: the data-annotation firm in the approved provider pool and its redemptions of the
demo applicant's voucher, one in each state a redemption reaches in the first days of a voucher:
awaiting the holder's confirmation, confirmed and awaiting the office, approved, settled, declined by
the holder, withdrawn by the provider and rejected by the office (a lapsed one needs an expired voucher,
which a fresh demo does not have). The vouchers themselves come from the demo exits. Every step goes
through the real services. Idempotent: an existing pool entry or any redemption is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from sandbox.demo.driver import PDF
from sandbox.models.accounts import Organisation, User
from sandbox.models.vouchers import ApprovedProvider, Redemption, Voucher, VoucherStatus
from sandbox.services.accounts import accounts
from sandbox.services.vouchers import providers, redemption_steps, redemptions
from sandbox.validators import uscc_check_character

PROVIDER = "亦庄数据标注服务有限公司"
PROVIDER_USCC_BODY = "91110302MA09BX5K3"
CATEGORIES = ["data_annotation", "model_training", "compliance_assessment", "testing"]
INVOICE = PDF
HOLDER, OFFICE, FIRM = "applicant@demo.sandbox", "regulator@demo.sandbox", "provider@demo.sandbox"
# (contract serial, fee and amount in fen, category, signed days ago, steps after the request)
REDEMPTIONS: tuple[tuple[str, int, int, str, int, tuple[tuple[str, str, str], ...]], ...] = (
    ("0005", 3_000_000, 1_500_000, "compliance_assessment", 40,
     ((HOLDER, "confirm", ""), (OFFICE, "approve", ""), (OFFICE, "settle", ""))),
    ("0009", 4_000_000, 2_000_000, "testing", 30, ((HOLDER, "confirm", ""), (OFFICE, "approve", ""))),
    ("0011", 5_000_000, 2_500_000, "model_training", 25,
     ((HOLDER, "confirm", ""), (OFFICE, "reject", "发票开具日期早于合同签订日期，请核实后重新申请。"))),
    ("0012", 2_000_000, 1_000_000, "data_annotation", 20,
     ((HOLDER, "decline", "本企业未与该服务商签订此合同。"),)),
    ("0013", 1_600_000, 800_000, "data_annotation", 15,
     ((FIRM, "withdraw", "合同金额有误，更正后重新申请。"),)),
    ("0017", 36_000_000, 18_000_000, "data_annotation", 10, ((HOLDER, "confirm", ""),)),
    ("0021", 6_000_000, 3_000_000, "model_training", 3, ()),
)  # fmt: skip


def seed_vouchers(session: Session, *, storage: Path, today: date) -> None:
    """Put the demo provider in the pool and its redemptions (one per state) on the applicant's voucher."""
    organisation = session.exec(select(Organisation).where(Organisation.name == PROVIDER)).first()
    regulator = accounts.find_user_by_email(session, OFFICE)
    provider_user = accounts.find_user_by_email(session, FIRM)
    if organisation is None or regulator is None or provider_user is None:
        return
    entry = session.exec(
        select(ApprovedProvider).where(ApprovedProvider.organisation_id == organisation.id)
    ).first()
    if entry is None:
        providers.save_provider(
            session,
            actor=regulator,
            data={
                "organisation_id": organisation.id,
                "uscc": PROVIDER_USCC_BODY + uscc_check_character(PROVIDER_USCC_BODY),
                "categories": CATEGORIES,
                "active_from": date(today.year, 1, 1).isoformat(),
            },
        )
    if session.exec(select(Redemption.id)).first() is not None:
        return
    holder = accounts.find_user_by_email(session, HOLDER)
    voucher = _first_active(session, holder)
    if voucher is None or voucher.code is None:
        return
    people = {HOLDER: holder, OFFICE: regulator, FIRM: provider_user}
    for serial, fee, amount, category, days, steps in REDEMPTIONS:
        redemption = redemptions.request_redemption(
            session,
            actor=provider_user,
            invoice=INVOICE,
            invoice_name="增值税电子普通发票.pdf",
            storage=storage / "invoices",
            today=today,
            data={
                "code": voucher.code,
                "contract_number": f"YZBZ-{today.year}-{serial}",
                "contract_fee_fen": fee,
                "contract_signed_on": (today - timedelta(days=days)).isoformat(),
                "amount_fen": amount,
                "category": category,
            },
        )
        for who, action, reason in steps:
            redemption_steps.act(
                session, actor=people[who], redemption_id=redemption.id, action=action, reason=reason,  # type: ignore[arg-type]
                today=today,
            )  # fmt: skip


def _first_active(session: Session, applicant: User | None) -> Voucher | None:
    if applicant is None or applicant.enterprise_id is None:
        return None
    statement = select(Voucher).where(
        Voucher.enterprise_id == applicant.enterprise_id, Voucher.status == VoucherStatus.ACTIVE
    )
    return session.exec(statement.order_by(col(Voucher.id))).first()
