"""Redemption requests: a provider claims part of a voucher against a contract. The request waits for
the voucher holder's confirmation (its applicants are told at once); what happens next — confirm,
decline, withdraw, approve, reject, settle, lapse — is `redemption_steps`.

Every check runs after the voucher row is locked (`voucher_ledger.lock_voucher`) and before anything
is written; a refusal raises and the handler's rollback leaves nothing behind. A request holds its
amount on the ledger at once (so concurrent requests cannot together exceed the balance, and a holder
is never asked to confirm money that is not there); a step that ends it unpaid gives it back.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Enterprise, Organisation, User
from sandbox.models.vouchers import LedgerKind, Redemption, Voucher, VoucherStatus
from sandbox.services.cases.documents import checked_content_type, clean_filename, store_blob
from sandbox.services.common import idempotency
from sandbox.services.common.notifications import notify
from sandbox.services.common.settings import settings_of
from sandbox.services.common.validation import validate
from sandbox.services.vouchers import codes as voucher_codes
from sandbox.services.vouchers import ledger as voucher_ledger
from sandbox.services.vouchers import policy as voucher_policy
from sandbox.services.vouchers import providers, redemption_steps
from sandbox.services.vouchers.vouchers import yuan
from workflows.redemptions import RELEASED

INVOICE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
MONEY_FIELDS = ("contract_fee_fen", "amount_fen")


class RedemptionRequest(SQLModel):
    code: str = Field(min_length=1, max_length=40)
    contract_number: str = Field(min_length=1, max_length=64)
    contract_fee_fen: int = Field(gt=0)
    contract_signed_on: date
    amount_fen: int = Field(gt=0)
    category: str = Field(min_length=1, max_length=40)


def read_request(data: dict[str, Any]) -> RedemptionRequest:
    """Validate the form; amounts must be integer fen (a float or a decimal string is refused)."""
    for name in MONEY_FIELDS:
        value = data.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            if not (isinstance(value, str) and value.strip().isdigit()):
                raise ValidationFailed.single(
                    name, N_("Amounts are whole numbers of fen (1 yuan = 100 fen).")
                )
            data = {**data, name: int(value)}
    return validate(
        RedemptionRequest,
        {k: unicodedata.normalize("NFC", v.strip()) if isinstance(v, str) else v for k, v in data.items()},
    )


def request_redemption(
    session: Session,
    *,
    actor: User,
    data: dict[str, Any],
    invoice: bytes,
    invoice_name: str,
    storage: Path,
    today: date,
    key: idempotency.IdempotencyKey | None = None,
) -> Redemption:
    """Check and record a provider's redemption request, holding its amount on the voucher."""
    provider = providers.provider_of(session, actor)
    if provider is None or not actor.active or not providers.is_active(provider, today):
        raise PermissionDenied(N_("Your organisation is not in the approved provider pool on this date."))
    form = read_request(data)
    code = voucher_codes.normalise(form.code)
    attach = N_("Attach the invoice (PDF, PNG or JPEG).")
    content_type = checked_content_type(
        invoice, field="invoice", max_bytes=settings_of(session).upload_max_bytes, refused=attach,
        allowed=INVOICE_TYPES, empty=attach, filename=invoice_name,
    )  # fmt: skip
    voucher = voucher_ledger.lock_voucher(session, code=code)
    idempotency.check(session, key)  # after the lock: a concurrent twin has committed by now
    if voucher is None:
        raise ValidationFailed.single("code", N_("No voucher has this code."))
    _check_voucher(voucher, today)
    enterprise = session.get(Enterprise, voucher.enterprise_id)
    assert enterprise is not None
    if providers.is_related(session, enterprise=enterprise, provider=provider):
        raise ValidationFailed.single(
            "code", N_("Your organisation is a related party of this voucher's holder.")
        )
    _, policy = voucher_policy.current_policy(session)
    if policy.category(form.category) is None or form.category not in provider.categories:
        raise ValidationFailed.single(
            "category", N_("Your organisation is not approved for this service category.")
        )
    if form.amount_fen * 100 > form.contract_fee_fen * policy.coverage_percent:
        raise ValidationFailed.single(
            "amount_fen",
            N_("A voucher pays at most %(share)s%% of the contract fee (here %(limit)s yuan)."),
            share=policy.coverage_percent,
            limit=yuan(form.contract_fee_fen * policy.coverage_percent // 100),
        )
    if form.contract_signed_on > today:
        raise ValidationFailed.single(
            "contract_signed_on", N_("The contract date cannot be later than today (%(today)s)."),
            today=today.isoformat(),
        )  # fmt: skip
    if form.amount_fen > voucher.balance_fen:
        raise ValidationFailed.single(
            "amount_fen",
            N_("The amount exceeds the voucher's balance of %(balance)s yuan."),
            balance=yuan(voucher.balance_fen),
        )
    if _contract_used(session, provider.id, form.contract_number):  # type: ignore[arg-type]
        raise ValidationFailed.single(
            "contract_number",
            N_("This contract has already been claimed; the same service is never supported twice."),
        )
    redemption = Redemption(
        voucher_id=voucher.id,  # type: ignore[arg-type]
        provider_id=provider.id,  # type: ignore[arg-type]
        requested_by_id=actor.id,  # type: ignore[arg-type]
        contract_number=form.contract_number,
        contract_fee_fen=form.contract_fee_fen,
        contract_signed_on=form.contract_signed_on,
        amount_fen=form.amount_fen,
        category=form.category,
        invoice_filename=clean_filename(invoice_name or "invoice"),
        invoice_sha256=store_blob(storage, invoice),
        invoice_content_type=content_type,
        invoice_size=len(invoice),
    )
    session.add(redemption)
    session.flush()
    voucher_ledger.move(
        session,
        voucher,
        kind=LedgerKind.HOLD,
        amount_fen=-form.amount_fen,
        redemption_id=redemption.id,
        actor_id=actor.id,
        require_active=True,
    )
    organisation = session.get(Organisation, provider.organisation_id)
    notify(
        session,
        recipients=redemption_steps.holders(session, voucher),
        kind="redemption_awaiting_holder",
        msgid=N_(
            "%(provider)s asks to redeem %(amount)s yuan from your voucher %(code)s for contract "
            "%(contract)s. Confirm or decline it under Redemptions."
        ),
        params=redemption_steps.notice_params(redemption, voucher=voucher, provider=organisation),
    )
    return redemption


def _check_voucher(voucher: Voucher, today: date) -> None:
    if voucher.status is VoucherStatus.REFUSED:
        raise ValidationFailed.single("code", N_("No voucher has this code."))
    if voucher.status is VoucherStatus.AWAITING_FORGO:
        raise ValidationFailed.single(
            "code",
            N_("This voucher is usable once its holder confirms forgoing other support for the project."),
        )
    if voucher.status is VoucherStatus.FROZEN:
        raise ValidationFailed.single(
            "code", N_("This voucher is frozen because its exit certificate is suspended or revoked.")
        )
    if voucher.status is VoucherStatus.EXPIRED or (
        voucher.expires_on is not None and today > voucher.expires_on
    ):
        raise ValidationFailed.single(
            "code",
            N_("This voucher expired on %(date)s."),
            date=voucher.expires_on.isoformat() if voucher.expires_on else "",
        )


def _contract_used(session: Session, provider_id: int, contract_number: str) -> bool:
    """Whether the contract is claimed by a request that was not given back (declined, rejected …)."""
    statement = select(Redemption.id).where(
        Redemption.provider_id == provider_id,
        Redemption.contract_number == contract_number,
        col(Redemption.status).not_in(RELEASED),
    )
    return session.exec(statement).first() is not None
