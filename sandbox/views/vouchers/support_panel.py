"""What the case page shows of other support for the project (从高从优不重复) and of the voucher decision
at exit, for the enterprise and the office."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from sandbox.errors import Message
from sandbox.i18n import translate
from sandbox.labels.enterprise_size import size_name, support_programme
from sandbox.labels.vouchers import voucher_text
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.models.vouchers import Voucher
from sandbox.services.accounts import size_declarations
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.vouchers import other_support
from sandbox.services.vouchers.vouchers import REFUSAL_MESSAGES


def other_support_context(session: Session, user: User, case: Case) -> dict[str, Any]:
    """What the case page shows of other support and of the voucher decision (enterprise and office)."""
    if user.role not in (Role.APPLICANT, Role.REGULATOR):
        return {"other_support": None}
    voucher = session.exec(select(Voucher).where(Voucher.case_id == case.id)).first()
    # The filing asks for a renewal when the enterprise's size declaration is missing or a year old.
    size_due = user.role is Role.APPLICANT and size_declarations.renewal_due(
        size_declarations.latest_size(session, enterprise_id=case.enterprise_id), today=beijing_today()
    )
    return {
        "other_support": other_support.list_for_case(session, actor=user, case=case),
        "support_measures": {key: support_programme(key) for key in other_support.MEASURES},
        "support_programme": support_programme,
        "case_voucher": voucher,
        "case_voucher_reason": (
            translate(Message(REFUSAL_MESSAGES[voucher.refusal_code], voucher.refusal_params))
            if voucher is not None and voucher.refusal_code is not None
            else None
        ),
        "size_name": size_name,
        "voucher_text": voucher_text,
        "size_due": size_due,
    }
