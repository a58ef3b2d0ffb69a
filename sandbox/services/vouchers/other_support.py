"""Other E-Town support for the same project (从高从优不重复, the policy's 附则三), and weighing it at exit.

The enterprise declares, per case, support received or applied for elsewhere for the same matter; the
office may correct a declaration with a reason. At exit `weigh` compares the highest declared support
with the voucher: when the other support is as high or higher, no voucher is issued (ties go to the
support already granted or sought, so nothing is paid twice); when the voucher is higher, it is issued
awaiting the enterprise's confirmation that it forgoes the other support (`forgo`), and is usable only
then. Every declaration, correction and confirmation is a record-only event in the case history.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import Field
from sqlmodel import Session, SQLModel, col, select

from sandbox.errors import N_, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate, CertificateStatus
from sandbox.models.enterprise_size import OtherSupport, SupportStatus
from sandbox.models.vouchers import LedgerKind, Voucher, VoucherStatus
from sandbox.policies import can_view_case
from sandbox.services.case_events.record_only import record_event
from sandbox.services.common.validation import validate
from sandbox.services.vouchers import ledger as voucher_ledger
from workflows.states import RecordEvent

# The seed's own measures, offered as choices; any other programme is named in words.
MEASURES: dict[str, tuple[str, str]] = {
    "data_voucher": ("数据券", "Data voucher"),
    "compute_voucher": ("算力券", "Computing power voucher"),
    "model_voucher": ("模型券", "Model voucher"),
}


class OtherSupportCreate(SQLModel):
    programme: str = Field(min_length=1, max_length=100)
    amount_fen: int = Field(ge=0, le=10**17)
    status: SupportStatus
    granted_on: date | None = None
    approval_number: str = Field(default="", max_length=100)


class OtherSupportCorrection(OtherSupportCreate):
    withdrawn: bool = False
    reason: str = Field(min_length=2, max_length=2000)


@dataclass(frozen=True)
class Weighing:
    """The outcome at exit: the highest other support (if any) and whether it beats the voucher."""

    highest: OtherSupport | None
    other_wins: bool

    def payload(self) -> dict[str, Any]:
        if self.highest is None:
            return {}
        return {
            "otherSupportId": self.highest.id,
            "otherProgramme": self.highest.programme,
            "otherAmountFen": self.highest.amount_fen,
            "otherWins": self.other_wins,
        }


def programme_label(programme: str, lang: str = "zh") -> str:
    """The measure's name in `lang`, or the programme as the enterprise named it."""
    names = MEASURES.get(programme)
    return (names[1] if lang == "en" else names[0]) if names else programme


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def list_for_case(session: Session, *, actor: User | None, case: Case) -> list[OtherSupport]:
    """The other support declared for a case, oldest first (whoever may see the case)."""
    if not can_view_case(actor, case):
        raise NotFound()
    statement = select(OtherSupport).where(OtherSupport.case_id == case.id).order_by(col(OtherSupport.id))
    return list(session.exec(statement).all())


def declare(
    session: Session, *, actor: User, case: Case, data: dict[str, Any], expected_version: int | None = None
) -> OtherSupport:
    """Declare other support for the same project (the case's enterprise's applicants)."""
    if not can_view_case(actor, case):
        raise NotFound()
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied()
    declared = validate(OtherSupportCreate, data)
    if not _clean(declared.programme):
        raise ValidationFailed.single("programme", N_("This field is required."))
    row = OtherSupport(
        case_id=case.id,  # type: ignore[arg-type]
        enterprise_id=case.enterprise_id,
        programme=_clean(declared.programme),
        amount_fen=declared.amount_fen,
        status=declared.status,
        granted_on=declared.granted_on,
        approval_number=_clean(declared.approval_number),
        declared_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(row)
    session.flush()
    record_event(
        session, case=case, actor=actor, event=RecordEvent.DECLARE_OTHER_SUPPORT,
        payload=_describe(row), expected_version=expected_version,
    )  # fmt: skip
    return row


def get_for_case(session: Session, *, actor: User | None, case: Case, support_id: int) -> OtherSupport:
    """One declaration of the case's other support (whoever may see the case); NotFound otherwise."""
    row = session.get(OtherSupport, support_id)
    if row is None or row.case_id != case.id or not can_view_case(actor, case):
        raise NotFound()
    return row


def correct(
    session: Session, *, actor: User, case: Case, support_id: int, data: dict[str, Any],
    expected_version: int | None = None,
) -> OtherSupport:  # fmt: skip
    """Correct a declaration with a reason (regulators); the history keeps what it said before."""
    if not can_view_case(actor, case):
        raise NotFound()
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    row = get_for_case(session, actor=actor, case=case, support_id=support_id)
    fix = validate(OtherSupportCorrection, data)
    before = _describe(row)
    row.programme, row.amount_fen, row.status = _clean(fix.programme), fix.amount_fen, fix.status
    row.granted_on, row.approval_number = fix.granted_on, _clean(fix.approval_number)
    row.withdrawn = fix.withdrawn
    row.corrected_by_id, row.corrected_at, row.correction_reason = actor.id, utcnow(), _clean(fix.reason)
    session.add(row)
    session.flush()
    record_event(
        session, case=case, actor=actor, event=RecordEvent.CORRECT_OTHER_SUPPORT, note=row.correction_reason,
        payload={"before": before, "after": _describe(row)}, expected_version=expected_version,
    )  # fmt: skip
    return row


def weigh(session: Session, *, case: Case, voucher_amount: int) -> Weighing:
    """Compare the highest standing declared support for the case with the voucher's amount."""
    statement = select(OtherSupport).where(
        OtherSupport.case_id == case.id, col(OtherSupport.withdrawn).is_(False)
    )
    rows = list(session.exec(statement).all())
    if not rows:
        return Weighing(None, False)
    highest = max(rows, key=lambda row: (row.amount_fen, -(row.id or 0)))
    return Weighing(highest, highest.amount_fen >= voucher_amount)


def forgo(session: Session, *, actor: User, voucher_id: int, expected_version: int | None = None) -> Voucher:
    """The enterprise forgoes its lower other support: the awaiting voucher becomes usable."""
    voucher = voucher_ledger.lock_voucher(session, id=voucher_id)
    if voucher is None or actor.role is not Role.APPLICANT or actor.enterprise_id != voucher.enterprise_id:
        raise NotFound()
    if voucher.status is not VoucherStatus.AWAITING_FORGO:
        raise ValidationFailed.single("voucher", N_("This voucher is not waiting for that confirmation."))
    certificate = session.get(Certificate, voucher.certificate_id)
    if certificate is None or certificate.status is not CertificateStatus.ACTIVE:
        # A suspended or revoked certificate freezes its voucher: it cannot be made usable meanwhile.
        raise ValidationFailed.single(
            "voucher", N_("This voucher is frozen because its exit certificate is suspended or revoked.")
        )
    case = session.get(Case, voucher.case_id)
    assert case is not None
    standing = select(OtherSupport).where(
        OtherSupport.case_id == case.id, col(OtherSupport.withdrawn).is_(False)
    )
    forgone = [_describe(row) for row in session.exec(standing).all()]
    voucher.status = VoucherStatus.ACTIVE
    session.add(voucher)
    session.flush()
    voucher_ledger.move(
        session, voucher, kind=LedgerKind.ISSUE, amount_fen=voucher.amount_fen, actor_id=actor.id
    )
    record_event(
        session, case=case, actor=actor, event=RecordEvent.FORGO_OTHER_SUPPORT,
        payload={"voucherId": voucher.id, "amountFen": voucher.amount_fen, "forgone": forgone},
        expected_version=expected_version,
    )  # fmt: skip
    return voucher


def _describe(row: OtherSupport) -> dict[str, Any]:
    return {
        "id": row.id,
        "programme": row.programme,
        "amountFen": row.amount_fen,
        "status": row.status.value,
        "grantedOn": row.granted_on.isoformat() if row.granted_on else None,
        "approvalNumber": row.approval_number,
        "withdrawn": row.withdrawn,
    }
