"""Shapes of the voucher API: vouchers with their ledger, redemptions, budget use, the provider pool,
related parties and the policy. Money is always integer fen (`*_fen`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from sandbox.models.vouchers import Redemption, Voucher, VoucherLedgerEntry


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
    amount_fen: int = Field(gt=0, description="Integer fen; floats are refused")
    category: str
    invoice: InvoiceUpload


class RedemptionPublic(BaseModel):
    id: int
    voucher_id: int
    provider_id: int
    contract_number: str
    contract_fee_fen: int
    amount_fen: int
    category: str
    invoice_filename: str
    invoice_sha256: str
    status: str
    reason: str | None
    created_at: datetime
    decided_at: datetime | None
    settled_at: datetime | None
    voucher_balance_fen: int | None = None


class RedemptionList(BaseModel):
    items: list[RedemptionPublic]
    page: int
    per_page: int
    total: int


class DecisionBody(BaseModel):
    action: str = Field(description="approve, reject or settle")
    reason: str = Field(default="", description="Required to reject")


class BudgetRowPublic(BaseModel):
    sector: str
    vouchers: int
    refused: int
    issued_fen: int
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
    )
    return data


def redemption_public(redemption: Redemption, balance: int | None = None) -> RedemptionPublic:
    data = redemption.model_dump(include=set(RedemptionPublic.model_fields))
    return RedemptionPublic(**{**data, "status": redemption.status.value, "voucher_balance_fen": balance})


def ledger_public(entry: VoucherLedgerEntry) -> LedgerEntryPublic:
    return LedgerEntryPublic(
        **{**entry.model_dump(include=set(LedgerEntryPublic.model_fields)), "kind": entry.kind.value}
    )
