"""SQLModel tables and data models, one module per domain; `metadata` is what Alembic compares."""

from sqlmodel import SQLModel

from sandbox.models.accounts import (
    ApiToken,
    EligibilityDeclaration,
    Enterprise,
    LoginFailure,
    Organisation,
    Role,
    User,
)
from sandbox.models.cases import (
    Case,
    CaseEvent,
    CaseTally,
    Evaluation,
    FilingSequence,
    GuidanceItem,
    PlanVersion,
    TrialReport,
)
from sandbox.models.certificates import (
    Certificate,
    CertificateSequence,
    CertificateStatusChange,
    ExemptionSequence,
    LogCheckpoint,
    LogEntry,
    LogHead,
    LogNode,
    SigningKeyRecord,
    StatusListRecord,
)
from sandbox.models.disputes import (
    Dispute,
    DisputeMessage,
    EvidenceItem,
    ExemptionRequest,
    MediationAgreement,
)
from sandbox.models.documents import Document
from sandbox.models.enterprise_size import OtherSupport, SizeDeclaration
from sandbox.models.notifications import HolidayArrangement, Notification, OutboxMessage
from sandbox.models.publication import PublicationConsent, RegistryGram, RegistryText, TypicalCase
from sandbox.models.two_person import DecisionProposal, TwoPersonPolicyVersion
from sandbox.models.voucher_policy import VoucherPolicyVersion
from sandbox.models.vouchers import (
    ApprovedProvider,
    IdempotencyRecord,
    Redemption,
    RedemptionStep,
    RelatedParty,
    Voucher,
    VoucherLedgerEntry,
)

metadata = SQLModel.metadata

__all__ = [
    "ApiToken",
    "ApprovedProvider",
    "Case",
    "CaseEvent",
    "CaseTally",
    "Certificate",
    "CertificateSequence",
    "CertificateStatusChange",
    "DecisionProposal",
    "Dispute",
    "DisputeMessage",
    "Document",
    "OtherSupport",
    "SizeDeclaration",
    "EligibilityDeclaration",
    "Enterprise",
    "Evaluation",
    "EvidenceItem",
    "MediationAgreement",
    "ExemptionRequest",
    "ExemptionSequence",
    "FilingSequence",
    "GuidanceItem",
    "HolidayArrangement",
    "IdempotencyRecord",
    "LogCheckpoint",
    "LogEntry",
    "LogHead",
    "LogNode",
    "LoginFailure",
    "Notification",
    "OutboxMessage",
    "Organisation",
    "PlanVersion",
    "PublicationConsent",
    "RegistryGram",
    "RegistryText",
    "Redemption",
    "RedemptionStep",
    "RelatedParty",
    "Role",
    "SigningKeyRecord",
    "StatusListRecord",
    "TrialReport",
    "TwoPersonPolicyVersion",
    "TypicalCase",
    "User",
    "Voucher",
    "VoucherLedgerEntry",
    "VoucherPolicyVersion",
    "metadata",
]
