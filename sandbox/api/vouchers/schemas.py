"""Shapes of the voucher API: vouchers with their ledger, redemptions (and one redemption's whole file
with its steps), budget use, the provider pool, related parties and the policy. Money is always integer
fen (`*_fen`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from sandbox.models.vouchers import Redemption, RedemptionStep, Voucher, VoucherLedgerEntry, VoucherStatus
from workflows.redemptions import RedemptionStatus

STATUS_TEXT = (
    "awaiting_holder (the voucher's enterprise has not confirmed yet), requested (confirmed: awaiting the "
    "sandbox office), approved, settled; or, the amount given back: declined (by the holder), withdrawn "
    "(by the provider), rejected (by the office), lapsed (the voucher expired)"
)


class LedgerEntryPublic(BaseModel):
    seq: int
    kind: str
    amount_fen: int
    balance_after: int
    redemption_id: int | None
    at: datetime


class VoucherPublic(BaseModel):
    id: int
    code: str | None
    certificate_id: str
    case_id: int
    enterprise_id: int
    sector: str
    risk_level: str | None
    status: str
    refusal_code: str | None = None
    refusal_reason: str | None = None
    amount_fen: int
    balance_fen: int
    issued_on: date
    expires_on: date | None
    policy_version: int
    enterprise_size: str | None = Field(
        default=None, description="The size the decision used (large, medium, small, micro)"
    )
    size_declaration_id: int | None = None
    other_support: dict[str, Any] = Field(
        default_factory=dict,
        description="For a voucher awaiting_forgo: the other support the enterprise is asked to forgo",
    )


class VoucherDetail(VoucherPublic):
    ledger: list[LedgerEntryPublic]


class VoucherList(BaseModel):
    items: list[VoucherPublic]
    page: int
    per_page: int
    total: int


class InvoiceUpload(BaseModel):
    filename: str = Field(max_length=200)
    content_base64: str = Field(description="The invoice file (PDF, PNG or JPEG), base64-encoded")


class RedemptionBody(BaseModel):
    """Send with an `Idempotency-Key` header: a retry with the same key and body returns the first result."""

    code: str = Field(description="The voucher code, e.g. 7K2Q-9XWM-4HCP-T8RD-5")
    contract_number: str
    contract_fee_fen: int = Field(gt=0, description="Integer fen; floats are refused")
    contract_signed_on: date = Field(description="The day the contract was signed; not after today")
    amount_fen: int = Field(gt=0, description="Integer fen; floats are refused")
    category: str
    invoice: InvoiceUpload


class RedemptionPublic(BaseModel):
    id: int
    voucher_id: int
    provider_id: int
    contract_number: str
    contract_fee_fen: int
    contract_signed_on: date | None = Field(description="Unknown only for requests made before it was asked")
    amount_fen: int
    category: str
    invoice_filename: str
    invoice_sha256: str
    status: RedemptionStatus = Field(description=STATUS_TEXT)
    reason: str | None = Field(description="The office's reason for a rejection")
    created_at: datetime
    confirmed_at: datetime | None = Field(description="When the voucher's holder confirmed it")
    decided_at: datetime | None
    settled_at: datetime | None
    voucher_balance_fen: int | None = None


class PartyPublic(BaseModel):
    id: int
    name: str
    uscc: str


class RedemptionVoucher(BaseModel):
    id: int
    code: str | None
    amount_fen: int
    balance_fen: int
    expires_on: date | None
    status: str


class RedemptionStepPublic(BaseModel):
    action: str
    from_status: str
    to_status: str
    reason: str | None
    at: datetime


class RedemptionDetail(RedemptionPublic):
    """One redemption with everything a decision needs: who asked whom, for what, and how it went."""

    enterprise: PartyPublic = Field(description="The voucher's holder")
    provider: PartyPublic = Field(description="The provider that asked; `id` is its pool entry")
    voucher: RedemptionVoucher
    steps: list[RedemptionStepPublic]
    invoice_url: str
    actions: list[str] = Field(description="What the caller may do now (e.g. confirm, decline)")


class RedemptionList(BaseModel):
    items: list[RedemptionPublic]
    page: int
    per_page: int
    total: int


class DecisionBody(BaseModel):
    action: str = Field(description="approve, reject or settle (the office; only confirmed requests)")
    reason: str = Field(default="", description="Required to reject")


class HolderDecisionBody(BaseModel):
    action: str = Field(
        description="confirm (it goes to the sandbox office) or decline (the amount is given back)"
    )
    reason: str = Field(default="", max_length=2000, description="Told to the provider when declining")


class WithdrawalBody(BaseModel):
    reason: str = Field(default="", max_length=2000, description="Told to the voucher's holder")


class BudgetRowPublic(BaseModel):
    sector: str
    vouchers: int
    refused: int
    issued_fen: int
    awaiting_holder_fen: int
    requested_fen: int
    approved_fen: int
    settled_fen: int


class BudgetYearPublic(BaseModel):
    year: int
    budget_fen: int
    issued_fen: int
    rows: list[BudgetRowPublic]


class BudgetDocument(BaseModel):
    years: list[BudgetYearPublic]


class ProviderBody(BaseModel):
    organisation_id: int
    uscc: str
    categories: list[str]
    active_from: date
    active_to: date | None = None


class ProviderPublic(ProviderBody):
    id: int
    organisation_name: str


class RelatedPartyBody(BaseModel):
    name: str
    uscc: str
    relation: str


class RelatedPartyPublic(RelatedPartyBody):
    id: int
    enterprise_id: int


class PolicyBody(BaseModel):
    document: dict[str, Any] = Field(description="The policy document (see sandbox/voucher_policy.toml)")
    note: str = ""


class PolicyPublic(BaseModel):
    version: int
    document: dict[str, Any]


def voucher_public(voucher: Voucher, refusal_reason: str | None = None) -> dict[str, Any]:
    data = voucher.model_dump(include=set(VoucherPublic.model_fields))
    data.update(
        status=voucher.status.value,
        refusal_code=voucher.refusal_code and voucher.refusal_code.value,
        refusal_reason=refusal_reason,
        other_support=dict(voucher.refusal_params) if voucher.status is VoucherStatus.AWAITING_FORGO else {},
    )
    return data


def redemption_public(redemption: Redemption, balance: int | None = None) -> RedemptionPublic:
    data = redemption.model_dump(include=set(RedemptionPublic.model_fields))
    return RedemptionPublic(**{**data, "voucher_balance_fen": balance})


def step_public(step: RedemptionStep) -> RedemptionStepPublic:
    return RedemptionStepPublic(
        action=step.action.value,
        from_status=step.from_status.value,
        to_status=step.to_status.value,
        reason=step.reason,
        at=step.at,
    )


def ledger_public(entry: VoucherLedgerEntry) -> LedgerEntryPublic:
    return LedgerEntryPublic(
        **{**entry.model_dump(include=set(LedgerEntryPublic.model_fields)), "kind": entry.kind.value}
    )
