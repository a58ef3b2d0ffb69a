"""Exit certificates and the trust machinery behind them: signing keys, certificates, status changes,
the transparency log (entries, Merkle nodes, checkpoints, head) and the certificate number sequence.

Everything here is append-only or changes only forward: keys are never deleted (only retired or
revoked), status changes and log rows are never updated, certificates change only their status.
The cryptography lives in the `certificates` package; these are the rows that remember it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from certificates.keys import KeyAlgorithm, KeyStatus, KeyUse
from certificates.status import StatusPurpose
from sandbox.models.base import UTCDateTime, enum_column, utcnow


class CertificateStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class CertificateKind(enum.StrEnum):
    EXIT = "exit"  # SandboxExitCertificate: one per case, unlocks the voucher
    EXEMPTION = "exemption"  # SandboxLiabilityExemption: a granted exemption decision


class SigningKeyRecord(SQLModel, table=True):
    """The public half and lifecycle of one key — Ed25519, or SM2 beside it —; the private half is a file
    under instance/keys. An Ed25519 key's `public_x` is its raw key; an SM2 key's `public_x` and
    `public_y` are its point's coordinates (base64url, as in its JWK)."""

    __tablename__ = "signing_key"

    kid: str = Field(primary_key=True, max_length=64)
    use: KeyUse = Field(sa_column=enum_column(KeyUse, nullable=False, index=True))
    algorithm: KeyAlgorithm = Field(
        default=KeyAlgorithm.ED25519,
        sa_column=enum_column(KeyAlgorithm, nullable=False, server_default=KeyAlgorithm.ED25519.value),
    )
    public_x: str = Field(max_length=64)
    public_y: str | None = Field(default=None, max_length=64)
    status: KeyStatus = Field(sa_column=enum_column(KeyStatus, nullable=False))
    activated_at: datetime = Field(sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revocation_reason: str | None = Field(default=None, max_length=2000)


class Certificate(SQLModel, table=True):
    """One issued credential — an exit certificate or an exemption decision — as issued, its status and PDF.

    A case has at most one exit certificate (checked under the log lock when issuing) and may have
    several exemption decisions, one per incident.
    """

    # An opaque random id for URLs (the number is guessable, the id is not).
    id: str = Field(primary_key=True, max_length=32)
    kind: CertificateKind = Field(
        default=CertificateKind.EXIT, sa_column=enum_column(CertificateKind, nullable=False, index=True)
    )
    number: str = Field(max_length=20, sa_column_kwargs={"unique": True})
    case_id: int = Field(foreign_key="case.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    credential: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    credential_sha256: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    kid: str = Field(max_length=64)
    status: CertificateStatus = Field(
        default=CertificateStatus.ACTIVE, sa_column=enum_column(CertificateStatus, nullable=False, index=True)
    )
    revocation_index: int = Field(sa_column_kwargs={"unique": True})
    suspension_index: int = Field(sa_column_kwargs={"unique": True})
    log_index: int = Field(sa_column_kwargs={"unique": True})
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    pdf_sha256: str = Field(max_length=64)
    pdf_size: int


class CertificateStatusChange(SQLModel, table=True):
    """One change of one status bit, with reason, actor and time; append-only."""

    __tablename__ = "certificate_status_change"

    id: int | None = Field(default=None, primary_key=True)
    certificate_id: str = Field(foreign_key="certificate.id", index=True, max_length=32)
    purpose: StatusPurpose = Field(sa_column=enum_column(StatusPurpose, nullable=False))
    status_index: int
    value: bool
    reason: str = Field(max_length=2000)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor_role: str = Field(max_length=32)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    log_index: int


class CertificateReissue(SQLModel, table=True):
    """A credential re-issued with both proofs (Ed25519 and SM2): the one it superseded, kept as it was.

    The unsigned document is unchanged — number, facts, status entries —; only its proofs are new, and a
    second `issue` entry in the transparency log (``event: "reissue"``, ``supersedes``: the old digest)
    records the new credential. Append-only.
    """

    __tablename__ = "certificate_reissue"

    id: int | None = Field(default=None, primary_key=True)
    certificate_id: str = Field(foreign_key="certificate.id", index=True, max_length=32)
    old_credential: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    old_sha256: str = Field(max_length=64, index=True)
    old_log_index: int
    new_log_index: int
    reason: str = Field(max_length=2000)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatusListRecord(SQLModel, table=True):
    """The latest signed status list credential of one purpose (re-signed on change and when stale)."""

    __tablename__ = "status_list"

    purpose: StatusPurpose = Field(sa_column=enum_column(StatusPurpose, primary_key=True))
    credential: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    signed_at: datetime = Field(sa_type=UTCDateTime)
    valid_until: datetime = Field(sa_type=UTCDateTime)


class LogEntry(SQLModel, table=True):
    """One leaf of the transparency log: the entry JSON (digests and ids only) and its leaf hash."""

    __tablename__ = "log_entry"

    index: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(max_length=16)
    entry: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    leaf_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LogNode(SQLModel, table=True):
    """The hash of a perfect subtree: leaves [index * 2**level, (index + 1) * 2**level)."""

    __tablename__ = "log_node"

    level: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    index: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    hash: bytes = Field(sa_column=sa.Column(sa.LargeBinary(32), nullable=False))


class LogHead(SQLModel, table=True):
    """The single row every log writer updates first: its row lock serialises appends."""

    __tablename__ = "log_head"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    size: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LogCheckpoint(SQLModel, table=True):
    """A signed tree head (C2SP signed note), one after each append."""

    __tablename__ = "log_checkpoint"

    size: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    root_hash: str = Field(max_length=64)
    note: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CertificateSequence(SQLModel, table=True):
    """The last certificate number used per year; locked while a number is taken, so numbers never gap."""

    __tablename__ = "certificate_sequence"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_value: int = 0


class ExemptionSequence(SQLModel, table=True):
    """The last exemption-decision number used per year (YZMZ-2026-0001), gap-free like certificates."""

    __tablename__ = "exemption_sequence"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_value: int = 0
