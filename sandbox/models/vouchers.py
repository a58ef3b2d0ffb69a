"""Innovation service vouchers: the voucher of a certificate, its append-only ledger, redemptions and
their steps (who confirmed, declined, withdrew or decided, when and why), the approved provider pool,
enterprises' declared related parties and stored idempotent responses.

Money is integer fen. `Voucher.balance_fen` is a cache of the ledger's sum, written only together with
a ledger row (see `sandbox.services.vouchers.ledger`); ledger rows are never updated or deleted.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sandbox.models.base import UTCDateTime, enum_column, utcnow
from workflows.redemptions import RedemptionAction, RedemptionStatus

__all__ = ["RedemptionAction", "RedemptionStatus"]  # the step table's enums, used with these rows


class VoucherStatus(enum.StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"  # its certificate is suspended or revoked
    EXPIRED = "expired"
    REFUSED = "refused"  # not issued; `refusal_code` says why
    # Issued, but usable only once the enterprise confirms it forgoes lower other support for the same
    # project (从高从优不重复); its ledger gets the issue entry on that confirmation.
    AWAITING_FORGO = "awaiting_forgo"


class RefusalCode(enum.StrEnum):
    OUTSIDE_ZONE = "outside_zone"
    DECLARATION_MISSING = "declaration_missing"
    DECLARATION_NEGATIVE = "declaration_negative"
    ANNUAL_CAP = "annual_cap"
    BUDGET = "budget"
    POLICY_ENDED = "policy_ended"
    SIZE_UNDECLARED = "size_undeclared"
    SIZE_NOT_COVERED = "size_not_covered"
    OTHER_SUPPORT_HIGHER = "other_support_higher"


class LedgerKind(enum.StrEnum):
    ISSUE = "issue"  # + the voucher's amount
    HOLD = "hold"  # − a requested redemption's amount
    RELEASE = "release"  # + a declined, withdrawn, rejected or lapsed redemption's amount given back


class Voucher(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # One voucher (or one refusal) per certificate: the database says so, not only the code.
    certificate_id: str = Field(
        foreign_key="certificate.id", max_length=32, sa_column_kwargs={"unique": True}
    )
    case_id: int = Field(foreign_key="case.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    # 16 random base-32 characters and a check character; NULL for a refusal.
    code: str | None = Field(default=None, max_length=24, sa_column_kwargs={"unique": True})
    sector: str = Field(max_length=40, index=True)
    risk_level: str | None = Field(default=None, max_length=10)
    year: int = Field(index=True)
    status: VoucherStatus = Field(sa_column=enum_column(VoucherStatus, nullable=False, index=True))
    refusal_code: RefusalCode | None = Field(default=None, sa_column=enum_column(RefusalCode, nullable=True))
    refusal_params: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    amount_fen: int = 0
    balance_fen: int = 0
    policy_version: int = 0  # 0: the default file
    # The size declaration (and the size) the decision used; NULL before sizes were declared.
    size_declaration_id: int | None = Field(default=None, foreign_key="size_declaration.id")
    enterprise_size: str | None = Field(default=None, max_length=10)
    issued_on: date
    expires_on: date | None = Field(default=None, index=True)
    frozen_reason: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VoucherLedgerEntry(SQLModel, table=True):
    """One money movement on a voucher; append-only. `balance_after` is the running sum."""

    __tablename__ = "voucher_ledger_entry"
    __table_args__ = (sa.UniqueConstraint("voucher_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    voucher_id: int = Field(foreign_key="voucher.id", index=True)
    seq: int
    kind: LedgerKind = Field(sa_column=enum_column(LedgerKind, nullable=False))
    amount_fen: int  # signed
    balance_after: int
    redemption_id: int | None = Field(default=None, foreign_key="redemption.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Redemption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    voucher_id: int = Field(foreign_key="voucher.id", index=True)
    provider_id: int = Field(foreign_key="approved_provider.id", index=True)
    requested_by_id: int = Field(foreign_key="user.id")
    contract_number: str = Field(max_length=64)
    contract_fee_fen: int
    contract_signed_on: date | None = None  # required for new requests; unknown for the oldest ones
    amount_fen: int
    category: str = Field(max_length=40)
    invoice_filename: str = Field(max_length=200)
    invoice_sha256: str = Field(max_length=64)
    invoice_content_type: str = Field(max_length=100)
    invoice_size: int
    status: RedemptionStatus = Field(
        default=RedemptionStatus.AWAITING_HOLDER,
        sa_column=enum_column(RedemptionStatus, nullable=False, index=True),
    )
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # by the holder
    reason: str | None = Field(default=None, max_length=2000)  # the office's (a rejection's) reason
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    settled_by_id: int | None = Field(default=None, foreign_key="user.id")
    settled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class RedemptionStep(SQLModel, table=True):
    """One step of a redemption after its request (confirm, decline, withdraw, approve, …); append-only."""

    __tablename__ = "redemption_step"

    id: int | None = Field(default=None, primary_key=True)
    redemption_id: int = Field(foreign_key="redemption.id", index=True)
    action: RedemptionAction = Field(sa_column=enum_column(RedemptionAction, nullable=False))
    from_status: RedemptionStatus = Field(sa_column=enum_column(RedemptionStatus, nullable=False))
    to_status: RedemptionStatus = Field(sa_column=enum_column(RedemptionStatus, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user.id")  # None: the daily expiry run
    reason: str | None = Field(default=None, max_length=2000)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApprovedProvider(SQLModel, table=True):
    """An organisation in the approved provider pool, for some service categories, for a period."""

    __tablename__ = "approved_provider"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", sa_column_kwargs={"unique": True})
    uscc: str = Field(max_length=18, index=True)
    categories: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    active_from: date
    active_to: date | None = None
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RelatedParty(SQLModel, table=True):
    """A party an enterprise declared related (shareholder, subsidiary, common control…)."""

    __tablename__ = "related_party"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "uscc"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    name: str = Field(max_length=200)
    uscc: str = Field(max_length=18, index=True)
    relation: str = Field(max_length=200)
    declared_by_id: int = Field(foreign_key="user.id")
    declared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IdempotencyRecord(SQLModel, table=True):
    """The first response to a request sent with an `Idempotency-Key`, replayed for retries."""

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    key: str = Field(max_length=200)
    request_sha256: str = Field(max_length=64)
    status_code: int
    response: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
