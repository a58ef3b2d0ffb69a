"""Demo vouchers: the data-annotation firm in the approved provider pool and one redemption awaiting
the regulator's approval. The vouchers themselves come from the demo exits (issued with each
certificate). Idempotent: an existing pool entry or redemption is left as it is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from sandbox.models.accounts import Organisation, User
from sandbox.models.vouchers import ApprovedProvider, Redemption, Voucher, VoucherStatus
from sandbox.services import accounts, providers, redemptions
from sandbox.validators import uscc_check_character

PROVIDER = "亦庄数据标注服务有限公司"
PROVIDER_USCC_BODY = "91110302MA09BX5K3"
CATEGORIES = ["data_annotation", "model_training", "compliance_assessment", "testing"]
INVOICE = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def seed_vouchers(session: Session, *, storage: Path, today: date) -> None:
    """Put the demo provider in the pool and leave one pending redemption for the regulator."""
    organisation = session.exec(select(Organisation).where(Organisation.name == PROVIDER)).first()
    regulator = accounts.find_user_by_email(session, "regulator@demo.sandbox")
    provider_user = accounts.find_user_by_email(session, "provider@demo.sandbox")
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
    applicant = accounts.find_user_by_email(session, "applicant@demo.sandbox")
    voucher = _first_active(session, applicant)
    if voucher is None or voucher.code is None:
        return
    redemptions.request_redemption(
        session,
        actor=provider_user,
        invoice=INVOICE,
        invoice_name="增值税电子普通发票.pdf",
        storage=storage / "invoices",
        max_bytes=15 * 2**20,
        today=today,
        data={
            "code": voucher.code,
            "contract_number": f"YZBZ-{today.year}-0017",
            "contract_fee_fen": 36_000_000,
            "amount_fen": 18_000_000,
            "category": "data_annotation",
        },
    )


def _first_active(session: Session, applicant: User | None) -> Voucher | None:
    if applicant is None or applicant.enterprise_id is None:
        return None
    statement = select(Voucher).where(
        Voucher.enterprise_id == applicant.enterprise_id, Voucher.status == VoucherStatus.ACTIVE
    )
    return session.exec(statement.order_by(col(Voucher.id))).first()
