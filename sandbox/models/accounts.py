"""Accounts: users, the enterprises applicants act for, partner organisations, API tokens, sign-in
failures.

Table models hold rows; the `*Create` / `*Public` data models validate input and shape output
(SQLModel table constructors do not validate, so input always goes through `model_validate`).
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from pydantic import EmailStr, StringConstraints, field_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Field, SQLModel

from sandbox.models.base import UTCDateTime, enum_column, utcnow
from sandbox.validators import USCCError, check_uscc


class Role(enum.StrEnum):
    APPLICANT = "applicant"
    REGULATOR = "regulator"
    ASSESSOR = "assessor"
    LEGAL_PARTNER = "legal_partner"
    SERVICE_PROVIDER = "service_provider"
    ADMIN = "admin"


class OrganisationKind(enum.StrEnum):
    TESTING_LAB = "testing_lab"
    EXPERT_PANEL = "expert_panel"
    MEDIATION_CENTRE = "mediation_centre"
    COURT_LIAISON = "court_liaison"
    LAW_FIRM = "law_firm"
    SERVICE_PROVIDER = "service_provider"
    SANDBOX_OFFICE = "sandbox_office"


class Locale(enum.StrEnum):
    ZH = "zh"
    EN = "en"


# The organisations a case's testing can be assigned to, and those a dispute or an exemption request can
# be assigned to (legal partners), in the order the forms list them.
LAB_KINDS = (OrganisationKind.TESTING_LAB, OrganisationKind.EXPERT_PANEL)
LEGAL_KINDS = (OrganisationKind.MEDIATION_CENTRE, OrganisationKind.COURT_LIAISON, OrganisationKind.LAW_FIRM)
# Which kind of organisation each non-applicant role may belong to.
ROLE_ORGANISATION_KINDS: dict[Role, frozenset[OrganisationKind]] = {
    Role.ASSESSOR: frozenset(LAB_KINDS),
    Role.LEGAL_PARTNER: frozenset(LEGAL_KINDS),
    Role.SERVICE_PROVIDER: frozenset({OrganisationKind.SERVICE_PROVIDER}),
}


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    kind: OrganisationKind = Field(sa_column=enum_column(OrganisationKind, nullable=False))
    uscc: str | None = Field(default=None, max_length=18)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Enterprise(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    uscc: str = Field(max_length=18, sa_column_kwargs={"unique": True})
    registered_address: str = Field(max_length=300)
    in_zone: bool
    legal_representative: str = Field(max_length=100)
    contact_name: str = Field(max_length=100)
    contact_phone: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EligibilityDeclaration(SQLModel, table=True):
    """The policy's three eligibility declarations, as declared by a person at a time; never edited."""

    __tablename__ = "eligibility_declaration"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    no_major_penalty: bool
    no_criminal_record: bool
    not_seriously_dishonest: bool
    declared_by_id: int = Field(foreign_key="user.id")
    declared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def new_session_nonce() -> str:
    return secrets.token_urlsafe(16)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive on every database.
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True})
    password_hash: str = Field(max_length=200)
    display_name: str = Field(max_length=100)
    role: Role = Field(sa_column=enum_column(Role, nullable=False))
    active: bool = True
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    locale: Locale = Field(default=Locale.ZH, sa_column=enum_column(Locale, nullable=False))
    # Part of the login cookie's identity, checked on every request: a new value (on sign-out, password
    # change and deactivation) ends every browser session made with the old one, server-side.
    session_nonce: str = Field(default_factory=new_session_nonce, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Flask-Login's user protocol, written out so the table model needs no mixin.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    # SHA-256 of the token: a leaked table does not give working tokens.
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginFailure(SQLModel, table=True):
    """Recent wrong passwords for one account from one client address (see services/login_throttle)."""

    __tablename__ = "login_failure"
    __table_args__ = (sa.UniqueConstraint("user_id", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    address: str = Field(max_length=64)
    failures: int = 0
    last_failed_at: datetime = Field(sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- data models -------------------------------------------------------------------------------------


def _uscc(value: str) -> str:
    try:
        return check_uscc(value)
    except USCCError as error:
        raise PydanticCustomError(f"uscc_{error.code}", "invalid unified social credit code") from None


class EnterpriseCreate(SQLModel):
    name: str = Field(min_length=2, max_length=200)
    uscc: str
    registered_address: str = Field(min_length=2, max_length=300)
    in_zone: bool
    legal_representative: str = Field(min_length=1, max_length=100)
    contact_name: str = Field(min_length=1, max_length=100)
    # Annotated, not Field(regex=...): sqlmodel drops `regex` under pydantic 2, so it was never checked.
    contact_phone: Annotated[str, StringConstraints(min_length=5, max_length=40, pattern=r"^[0-9+\-() ]+$")]
    no_major_penalty: bool
    no_criminal_record: bool
    not_seriously_dishonest: bool

    @field_validator("uscc")
    @classmethod
    def _check_uscc(cls, value: str) -> str:
        return _uscc(value)


class AccountCreate(SQLModel):
    email: EmailStr
    password: str = Field(min_length=10, max_length=200)
    display_name: str = Field(min_length=1, max_length=100)
    locale: Locale = Locale.ZH
    enterprise: EnterpriseCreate


class UserCreate(SQLModel):
    """An account of any role other than applicant, made by an admin."""

    email: EmailStr
    password: str = Field(min_length=10, max_length=200)
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    organisation_id: int | None = None
    locale: Locale = Locale.ZH


class PasswordChange(SQLModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=10, max_length=200)


class PasswordReset(SQLModel):
    """A new password an admin sets for another account."""

    new_password: str = Field(min_length=10, max_length=200)


class TokenRequest(SQLModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class TokenPublic(SQLModel):
    token: str
    token_type: str = "Bearer"  # noqa: S105  (a scheme name, not a secret)
    expires_at: datetime


class EnterprisePublic(SQLModel):
    id: int
    name: str
    uscc: str
    registered_address: str
    in_zone: bool
    legal_representative: str
    contact_name: str
    contact_phone: str


class OrganisationPublic(SQLModel):
    id: int
    name: str
    kind: OrganisationKind


class UserPublic(SQLModel):
    id: int
    email: str
    display_name: str
    role: Role
    locale: Locale
    enterprise: EnterprisePublic | None = None
    organisation: OrganisationPublic | None = None
