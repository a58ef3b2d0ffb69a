"""Sandbox projects: create, read, list, edit and assign; plan versions and their differences.

Every read goes through `get_case`, which applies `policies.can_view_case` and answers NotFound for a
case the actor may not see. Edits carry the version the editor saw; a stale one is refused (409). Each
assignment change is written into the case's history (`services.assignments`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Enterprise, Organisation, OrganisationKind, Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case, PlanVersion, RiskLevel
from sandbox.policies import Permission, can_edit_plan, can_view_case, has_permission
from sandbox.services.cases import tallies
from sandbox.services.cases.assignments import record_assignment
from sandbox.services.cases.filing_steps import check_values
from sandbox.services.common.text_search import text_matches
from sandbox.services.common.validation import validate
from sandbox.services.publication import registry_index
from workflows.sectors import default_sector_packs, sector_pack
from workflows.states import FINAL_STATES, CaseState

EDITABLE_STATES = frozenset({CaseState.DRAFT, CaseState.AMENDMENT_REQUESTED})
PLAN_TEXT_FIELDS = ("objectives", "risk_controls", "exit_plan", "consumer_protection")


def nfc(value: Any) -> Any:
    """Return `value` with every string NFC-normalised (signed and hashed text must be canonical)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(item) for item in value]
    if isinstance(value, dict):
        return {nfc(key): nfc(item) for key, item in value.items()}
    return value


class PlanInput(SQLModel):
    """The sandbox plan; every field may be empty while drafting (submission checks completeness)."""

    objectives: str = Field(default="", max_length=10000)
    boundaries: dict[str, int | bool | str] = Field(default_factory=dict)
    duration_months: int | None = Field(default=None, ge=1, le=36)
    risk_controls: str = Field(default="", max_length=10000)
    exit_plan: str = Field(default="", max_length=10000)
    consumer_protection: str = Field(default="", max_length=10000)


class CaseCreate(SQLModel):
    title: str = Field(min_length=2, max_length=200)
    sector: str = Field(min_length=2, max_length=40)
    data_categories: list[str] = Field(default_factory=list, max_length=30)
    plan: PlanInput = Field(default_factory=PlanInput)


class CaseUpdate(SQLModel):
    """A partial edit. Applicants edit the plan while drafting or amending; regulators assign."""

    title: str | None = Field(default=None, min_length=2, max_length=200)
    sector: str | None = Field(default=None, min_length=2, max_length=40)
    data_categories: list[str] | None = Field(default=None, max_length=30)
    plan: PlanInput | None = None
    accept_commitment: bool | None = None
    case_officer_id: int | None = None
    assessor_org_id: int | None = None


class CasePublic(SQLModel):
    id: int
    enterprise_id: int
    title: str
    sector: str
    data_categories: list[str]
    plan: dict[str, Any]
    state: CaseState
    version: int
    filing_number: str | None
    hold_return_state: CaseState | None
    case_officer_id: int | None
    assessor_org_id: int | None
    legal_org_id: int | None
    commitment_accepted_at: datetime | None
    risk_level: RiskLevel | None
    risk_answers: dict[str, str]
    conditions: list[str]
    trial_boundaries: dict[str, Any]
    trial_start: date | None
    trial_end: date | None
    stage_due: date | None
    stage_due_provisional: bool
    overdue: bool
    event_count: int
    history_head: str
    created_at: datetime
    updated_at: datetime


def _check_sector(sector: str) -> None:
    if sector not in default_sector_packs():
        raise ValidationFailed.single("sector", N_("Choose one of the listed options."))


def create_case(session: Session, *, actor: User, data: dict[str, Any]) -> Case:
    """Start a draft project for the actor's enterprise."""
    if not has_permission(actor, Permission.FILE_CASES) or actor.enterprise_id is None:
        raise PermissionDenied()
    new = validate(CaseCreate, nfc(data))
    _check_sector(new.sector)
    case = Case(
        enterprise_id=actor.enterprise_id,
        created_by_id=actor.id,  # type: ignore[arg-type]
        title=new.title.strip(),
        sector=new.sector,
        data_categories=[item.strip() for item in new.data_categories if item.strip()],
        plan=new.plan.model_dump(),
    )
    # The values given are checked now as the submit would check them; gaps wait for the submit.
    check_values(case, sector_pack(new.sector), new.plan.model_dump(exclude_unset=True))
    session.add(case)
    session.flush()
    return case


def get_case(
    session: Session, *, actor: User | None, case_id: int, for_update: bool = False, key_share: bool = False
) -> Case:
    """Return the case if `actor` may see it; NotFound otherwise (even if it exists).

    `for_update` locks the row (PostgreSQL); with `key_share` the lock is FOR NO KEY UPDATE, which does
    not stop other transactions inserting rows that refer to the case.
    """
    statement = select(Case).where(Case.id == case_id)
    if for_update:
        statement = statement.with_for_update(key_share=key_share)
    case = session.exec(statement).first()
    if case is None or not can_view_case(actor, case):
        raise NotFound()
    return case


def check_version(case: Case, expected: int | None) -> None:
    """Refuse (Conflict, 409) an edit made on a version of the case that is no longer the newest."""
    if expected is not None and expected != case.version:
        raise Conflict(N_("This case was changed by someone else; reload it and try again."))


def claim_version(
    session: Session, case: Case, expected: int | None, *, changes: Mapping[str, Any] | None = None
) -> None:
    """Advance the case's version by one if nobody else did since `expected` (else Conflict, 409).

    `changes` (from `hold_changes`) are written by the same UPDATE, so an event costs the case row one
    statement. The new version and the values written count as saved: no flush writes them again.
    """
    check_version(case, expected)
    values = {**(changes or {}), "version": case.version + 1, "updated_at": utcnow()}
    # On the table, not the entity: a plain Core UPDATE skips the ORM's statement handling (per event).
    table = Case.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(table).where(table.c.id == case.id, table.c.version == case.version).values(**values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(N_("This case was changed by someone else; reload it and try again."))
    for key, value in values.items():
        set_committed_value(case, key, value)


def hold_changes(case: Case) -> dict[str, Any]:
    """Take the case's unsaved column changes out of the session's unit of work and return them.

    Until they are given to `claim_version`, queries that autoflush leave the case row alone (they see
    its stored values; the object keeps the new ones). Changes made later are held by a later call.
    """
    state = instance_state(case)
    columns = state.mapper.column_attrs
    # `committed_state` holds the stored value of each attribute set since the last flush.
    changes = {key: getattr(case, key) for key in state.committed_state if key in columns}
    stored = {key: state.committed_state[key] for key in changes}
    for key, value in changes.items():
        set_committed_value(case, key, value)
    # The flush will not see these changes: the counts and the registry's search index hear of them here.
    tallies.note_move(case, stored)
    registry_index.note_changes(case, changes)
    return changes


def update_case(
    session: Session, *, actor: User, case_id: int, data: dict[str, Any], expected_version: int | None
) -> Case:
    """Apply a partial edit, checking who may change which field in which state."""
    case = get_case(session, actor=actor, case_id=case_id)
    change = validate(CaseUpdate, nfc(data))
    fields = change.model_fields_set
    plan_fields = {"title", "sector", "data_categories", "plan", "accept_commitment"} & fields
    assign_fields = {"case_officer_id", "assessor_org_id"} & fields
    if not fields:
        return case  # nothing to change: no new version
    if plan_fields:
        if not can_edit_plan(actor, case):
            raise PermissionDenied()
        if case.state not in EDITABLE_STATES:
            raise Conflict(
                N_("The plan can only be changed while drafting or when an amendment is requested.")
            )
        if "sector" in fields and case.state is not CaseState.DRAFT:
            raise ValidationFailed.single("sector", N_("The sector cannot change after submission."))
        if change.sector is not None:
            _check_sector(change.sector)
        check_values(case, sector_pack(change.sector or case.sector), _plan_changes(change))
    if assign_fields:
        if actor.role is not Role.REGULATOR:
            raise PermissionDenied()
        if case.state in FINAL_STATES:
            raise Conflict(N_("This case is closed."))
    claim_version(session, case, expected_version)
    assigned_before = {name: getattr(case, name) for name in sorted(assign_fields)}
    if change.title is not None:
        case.title = change.title.strip()
    if change.sector is not None:
        _check_sector(change.sector)
        case.sector = change.sector
    if change.data_categories is not None:
        case.data_categories = [item.strip() for item in change.data_categories if item.strip()]
    if change.plan is not None:
        case.plan = {**case.plan, **change.plan.model_dump(exclude_unset=True)}
    if change.accept_commitment is not None:
        accepted = change.accept_commitment
        case.commitment_accepted_by_id = actor.id if accepted else None
        case.commitment_accepted_at = utcnow() if accepted else None
    if "case_officer_id" in fields:
        case.case_officer_id = _regulator_id(session, change.case_officer_id)
    if "assessor_org_id" in fields:
        case.assessor_org_id = _organisation_id(session, change.assessor_org_id, OrganisationKind.TESTING_LAB)
    for name, before in assigned_before.items():
        record_assignment(session, case, actor=actor, field=name, before=before)
    session.add(case)
    session.flush()
    return case


def _plan_changes(change: CaseUpdate) -> dict[str, Any]:
    """The plan values an edit sets, keyed as the submit guard reads them."""
    changes: dict[str, Any] = change.plan.model_dump(exclude_unset=True) if change.plan else {}
    if change.title is not None:
        changes["title"] = change.title.strip()
    if change.data_categories is not None:
        changes["data_categories"] = [item.strip() for item in change.data_categories if item.strip()]
    return changes


def _regulator_id(session: Session, user_id: int | None) -> int | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or user.role is not Role.REGULATOR or not user.active:
        raise ValidationFailed.single("case_officer_id", N_("Choose an active regulator."))
    return user.id


def _organisation_id(session: Session, organisation_id: int | None, *kinds: OrganisationKind) -> int | None:
    if organisation_id is None:
        return None
    organisation = session.get(Organisation, organisation_id)
    allowed = set(kinds) | (
        {OrganisationKind.EXPERT_PANEL} if OrganisationKind.TESTING_LAB in kinds else set()
    )
    if organisation is None or organisation.kind not in allowed:
        raise ValidationFailed.single(
            "organisation_id", N_("Choose an organisation of a kind this role belongs to.")
        )
    return organisation.id


@dataclass(frozen=True)
class CaseFilter:
    state: CaseState | None = None
    sector: str | None = None
    overdue: bool | None = None
    assignee_id: int | None = None
    risk_level: RiskLevel | None = None
    open_only: bool = False
    query: str = ""


def visible_cases(actor: User, filters: CaseFilter) -> Any:
    """Return the query of the cases `actor` may list that match `filters` (the list and its export)."""
    statement = select(Case)
    if actor.role is Role.APPLICANT:
        statement = statement.where(Case.enterprise_id == actor.enterprise_id)
    elif actor.role is Role.ASSESSOR:
        statement = statement.where(Case.assessor_org_id == actor.organisation_id)
    elif actor.role is Role.LEGAL_PARTNER:
        statement = statement.where(Case.legal_org_id == actor.organisation_id)
    elif actor.role is Role.REGULATOR:
        statement = statement.where(Case.state != CaseState.DRAFT)
    else:
        raise PermissionDenied()
    if filters.state is not None:
        statement = statement.where(Case.state == filters.state)
    if filters.sector:
        statement = statement.where(Case.sector == filters.sector)
    if filters.overdue is not None:
        statement = statement.where(Case.overdue == filters.overdue)
    if filters.assignee_id is not None:
        statement = statement.where(Case.case_officer_id == filters.assignee_id)
    if filters.risk_level is not None:
        statement = statement.where(Case.risk_level == filters.risk_level)
    if filters.open_only:
        statement = statement.where(col(Case.state).not_in(FINAL_STATES))
    if filters.query:
        needle = filters.query.strip()
        matching = select(Enterprise.id).where(
            or_(text_matches(needle, Enterprise.name), col(Enterprise.uscc) == needle.upper())
        )
        statement = statement.where(
            or_(
                text_matches(needle, Case.title),
                col(Case.filing_number) == needle.upper(),
                col(Case.enterprise_id).in_(matching),
            )
        )
    return statement


def list_cases(
    session: Session, *, actor: User, filters: CaseFilter, before_id: int | None = None, limit: int = 20
) -> tuple[list[Case], int | None]:
    """Return one page of visible cases, newest first, and the cursor of the next page (keyset)."""
    statement = visible_cases(actor, filters)
    if before_id is not None:
        statement = statement.where(col(Case.id) < before_id)
    rows = list(session.exec(statement.order_by(col(Case.id).desc()).limit(limit + 1)).all())
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_cursor


def count_cases_by_state(session: Session) -> dict[CaseState, int]:
    """Return how many filed cases are in each state (for the regulator's queues; drafts are private)."""
    return tallies.by_state(session)


def count_overdue(session: Session) -> int:
    """Return how many cases are flagged overdue."""
    return tallies.overdue(session)


def freeze_plan(session: Session, *, case: Case, actor: User) -> PlanVersion:
    """Keep the plan as submitted now as the next plan version."""
    number = session.exec(
        select(func.count()).select_from(PlanVersion).where(PlanVersion.case_id == case.id)
    ).one()
    version = PlanVersion(
        case_id=case.id,  # type: ignore[arg-type]
        number=number + 1,
        title=case.title,
        data_categories=list(case.data_categories),
        plan=dict(case.plan),
        frozen_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(version)
    return version


def plan_versions(session: Session, *, actor: User, case_id: int) -> list[PlanVersion]:
    get_case(session, actor=actor, case_id=case_id)
    statement = select(PlanVersion).where(PlanVersion.case_id == case_id).order_by(col(PlanVersion.number))
    return list(session.exec(statement).all())


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


def diff_versions(older: PlanVersion, newer: PlanVersion) -> list[FieldChange]:
    """Return the fields that differ between two plan versions, named as the submit guard names them."""

    def flat(version: PlanVersion) -> dict[str, Any]:
        values: dict[str, Any] = {"title": version.title, "data_categories": version.data_categories}
        for key, value in version.plan.items():
            if key == "boundaries" and isinstance(value, dict):
                values.update({f"plan.boundaries.{name}": item for name, item in value.items()})
            else:
                values[f"plan.{key}"] = value
        return values

    before, after = flat(older), flat(newer)
    return [
        FieldChange(key, before.get(key), after.get(key))
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    ]
