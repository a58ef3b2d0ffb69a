"""Vouchers for the tests: pool providers, vouchers issued for stand-in certificates, redemption requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlmodel import Session

from sandbox.models.accounts import Role, User
from tests.factories.accounts import make_uscc, make_user, next_serial
from tests.factories.cases import make_case


def make_provider(
    session: Session, *, categories: list[str] | None = None, uscc: str | None = None, active_from: Any = None
) -> tuple[User, Any]:
    """A service-provider user whose organisation is in the approved pool; commit; (user, pool entry)."""
    from datetime import timedelta

    from sandbox.services.cases.calendar import beijing_today
    from sandbox.services.vouchers import providers

    user = make_user(session, "service_provider")
    regulator = User(id=None, email="r@x", password_hash="", display_name="r", role=Role.REGULATOR)
    entry = providers.save_provider(
        session,
        actor=regulator,
        data={
            "organisation_id": user.organisation_id,
            "uscc": uscc or make_uscc(),
            "categories": categories or ["data_annotation", "model_training"],
            "active_from": (active_from or beijing_today() - timedelta(days=1)).isoformat(),
        },
    )
    session.commit()
    return user, entry


def make_voucher(
    session: Session,
    applicant: User,
    *,
    sector: str = "general_data",
    risk_level: str = "low",
    today: Any = None,
) -> Any:
    """Issue a voucher through `issue_voucher` for a new case of the applicant's enterprise, with a stand-in
    certificate row (no signing: the voucher rules do not read the credential); commit."""
    import uuid

    from sandbox.models.base import utcnow
    from sandbox.models.certificates import Certificate
    from sandbox.services.cases.calendar import beijing_today
    from sandbox.services.vouchers.vouchers import issue_voucher

    case = make_case(session, applicant, sector=sector)
    case.risk_level = risk_level  # type: ignore[assignment]
    serial = next_serial()
    cert = Certificate(
        id=uuid.uuid4().hex,
        number=f"TEST-{serial:06d}",
        case_id=case.id,
        enterprise_id=case.enterprise_id,
        credential={},
        credential_sha256=uuid.uuid4().hex,
        kid="test",
        revocation_index=10**6 + serial,
        suspension_index=10**6 + serial,
        log_index=10**6 + serial,
        issued_at=utcnow(),
        pdf_sha256="",
        pdf_size=0,
    )
    session.add_all([case, cert])
    session.flush()
    voucher = issue_voucher(session, certificate=cert, case=case, today=today or beijing_today())
    session.commit()
    return voucher


def make_redemption(session: Session, app: Flask, voucher: Any, **data: Any) -> Any:
    """A pool provider's request on `voucher`, through the service, awaiting the holder; commit."""
    from datetime import timedelta

    from sandbox.services.cases.calendar import beijing_today
    from sandbox.services.vouchers.redemptions import request_redemption

    provider, _ = make_provider(session)
    fields = {
        "code": voucher.code,
        "contract_number": f"HT-{next_serial():06d}",
        "contract_fee_fen": 2_000_000,
        "contract_signed_on": (beijing_today() - timedelta(days=3)).isoformat(),
        "amount_fen": 1_000_000,
        "category": "data_annotation",
    }
    redemption = request_redemption(
        session,
        actor=provider,
        data=fields | data,
        invoice=b"%PDF-1.4\n%%EOF\n",
        invoice_name="发票.pdf",
        storage=Path(app.instance_path) / "uploads" / "invoices",
        today=beijing_today(),
    )
    session.commit()
    return redemption
