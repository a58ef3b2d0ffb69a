"""SQLModel tables and data models, one module per domain; `metadata` is what Alembic compares."""

from sqlmodel import SQLModel

from sandbox.models.accounts import (
    ApiToken,
    EligibilityDeclaration,
    Enterprise,
    Organisation,
    Role,
    User,
)
from sandbox.models.cases import (
    Case,
    CaseEvent,
    Evaluation,
    FilingSequence,
    GuidanceItem,
    PlanVersion,
    TrialReport,
)
from sandbox.models.documents import Document
from sandbox.models.notifications import HolidayArrangement, Notification

metadata = SQLModel.metadata

__all__ = [
    "ApiToken",
    "Case",
    "CaseEvent",
    "Document",
    "EligibilityDeclaration",
    "Enterprise",
    "Evaluation",
    "FilingSequence",
    "GuidanceItem",
    "HolidayArrangement",
    "Notification",
    "Organisation",
    "PlanVersion",
    "Role",
    "TrialReport",
    "User",
    "metadata",
]
