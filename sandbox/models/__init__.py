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

metadata = SQLModel.metadata

__all__ = ["ApiToken", "EligibilityDeclaration", "Enterprise", "Organisation", "Role", "User", "metadata"]
