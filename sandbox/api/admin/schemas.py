"""Shapes of the API for what the admin, account and lookup pages show: accounts, organisations,
enterprises, signing keys, the signed-in user's settings, and the lists forms choose from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from certificates.keys import KeyAlgorithm, KeyStatus, KeyUse
from sandbox.models.accounts import EnterprisePublic, Locale, OrganisationKind, Role, UserPublic
from workflows.states import CaseState

# --- accounts and organisations (admins) -------------------------------------------------------------


class AccountPublic(UserPublic):
    """An account as the admin sees it: with its state and sign-in record."""

    active: bool
    created_at: datetime
    last_login_at: datetime | None


class AccountList(BaseModel):
    items: list[AccountPublic]
    page: int
    per_page: int
    total: int


class ActiveRequest(BaseModel):
    active: bool = Field(
        description="false deactivates the account (and ends its sessions); true reactivates"
    )


class EnterpriseList(BaseModel):
    items: list[EnterprisePublic]
    page: int
    per_page: int
    total: int


class DeclarationPublic(BaseModel):
    """The latest eligibility declaration of an enterprise (never edited; a new one supersedes it)."""

    enterprise_id: int
    no_major_penalty: bool
    no_criminal_record: bool
    not_seriously_dishonest: bool
    declared_by_id: int
    declared_at: datetime


# --- signing keys (admins) ---------------------------------------------------------------------------


class KeyPublic(BaseModel):
    kid: str
    use: KeyUse
    algorithm: KeyAlgorithm = Field(description="Ed25519, or SM2 (GB/T 32918) beside it")
    status: KeyStatus
    activated_at: datetime
    retired_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str | None


class KeyList(BaseModel):
    root_fingerprint: str | None = Field(description="Compare it out of band before trusting a trust bundle.")
    sm2_root_fingerprint: str | None = Field(
        default=None, description="The SM2 root key's, which signs the trust bundle beside the Ed25519 root."
    )
    rotatable_uses: list[KeyUse]
    keys: list[KeyPublic]


class RotateRequest(BaseModel):
    use: KeyUse = Field(description="Which key to replace; the old one is retired, never deleted.")
    algorithm: KeyAlgorithm = Field(default=KeyAlgorithm.ED25519, description="Ed25519 (default) or SM2")


class RevokeRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why the retired key is compromised.")


# --- the signed-in user ------------------------------------------------------------------------------


class AccountSettings(BaseModel):
    locale: Locale | None = Field(default=None, description="Interface and e-mail language.")


# --- lookups -----------------------------------------------------------------------------------------


class PersonPublic(BaseModel):
    id: int
    display_name: str
    role: Role


class OrganisationEntry(BaseModel):
    id: int
    name: str
    kind: OrganisationKind


class Directory(BaseModel):
    """What the forms choose from; lists your role may not use are empty."""

    legal_organisations: list[OrganisationEntry] = Field(description="For disputes and exemption opinions.")
    testing_labs: list[OrganisationEntry] = Field(description="For `assessor_org_id` (regulators).")
    case_officers: list[PersonPublic] = Field(description="For `case_officer_id` (regulators).")
    provider_organisations: list[OrganisationEntry] = Field(
        description="For the approved provider pool's `organisation_id` (regulators)."
    )
    contract_counterparties: list[OrganisationEntry] = Field(
        default_factory=list,
        description="For a contract dispute's `counterparty_org_id` (applicants and regulators).",
    )


class CaseQueues(BaseModel):
    """How many filed cases wait in each stage (drafts are private), and how many are overdue."""

    states: dict[CaseState, int]
    overdue: int


class StatusChangePublic(BaseModel):
    purpose: str = Field(description="revocation | suspension")
    value: bool = Field(description="true sets the bit (revoked or suspended), false clears it")
    reason: str
    actor_role: str
    at: datetime
    log_index: int


class PolicyVersionPublic(BaseModel):
    version: int
    sha256: str
    note: str
    created_by_id: int | None
    created_at: datetime
    document: dict[str, Any]
