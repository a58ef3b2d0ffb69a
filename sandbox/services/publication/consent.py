"""The enterprise's consent to publish a project's facts in the public registry.

Consent is append-only (`PublicationConsent`): every change is a new row and the newest row of a case
is in force; no row means nothing optional is published. It can change while the filing has not been
accepted (draft, submitted, amendment requested before acceptance); accepting the filing publishes the
project, and from then on the consent is fixed. What the registry shows lives in `services.registry`.

A certificate names the enterprise and its USCC, so the consent to publish the enterprise name is also
the consent to list or link the case's certificates publicly (`certificate_public`, `name_published`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, exists
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, Conflict, Message, PermissionDenied, ValidationFailed
from sandbox.models.accounts import User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.publication import PUBLISHABLE_FIELDS, PublicationConsent
from sandbox.policies import can_edit_plan
from sandbox.services.cases.cases import get_case
from sandbox.services.common.validation import validate
from workflows.states import CaseState

# Before the filing is accepted; `filing_number` decides, because a case sent back for amendment after
# acceptance is in `amendment_requested` too, and by then it is public.
CHANGEABLE_STATES = frozenset({CaseState.DRAFT, CaseState.SUBMITTED, CaseState.AMENDMENT_REQUESTED})
FIXED_MESSAGE = N_(
    "The publication consent is fixed: the filing was accepted and the project is in the public registry."
)


# The field whose consent lets the public pages list and link the case's certificates.
NAME_FIELD = "enterprise_name"


class ConsentInput(SQLModel):
    fields: list[str] = Field(max_length=len(PUBLISHABLE_FIELDS) * 2)


@dataclass(frozen=True)
class ConsentRecord:
    """One consent decision: the fields, who gave it and when."""

    fields: tuple[str, ...]
    given_at: datetime
    given_by_id: int
    given_by_name: str


@dataclass(frozen=True)
class ConsentState:
    """A case's consent as its page and the API show it."""

    case_id: int
    fields: tuple[str, ...]
    changeable: bool  # the filing is not yet accepted
    can_change: bool  # … and the actor is one of the enterprise's applicants
    history: list[ConsentRecord]


def consent_changeable(case: Case) -> bool:
    """Return whether the case's consent may still change (its filing is not yet accepted)."""
    return case.filing_number is None and case.state in CHANGEABLE_STATES


def clean_fields(fields: Iterable[str]) -> tuple[str, ...]:
    """Return the known fields among `fields`, once each, in the registry's order (fail closed)."""
    chosen = set(fields)
    return tuple(name for name in PUBLISHABLE_FIELDS if name in chosen)


def latest_consents(session: Session, case_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Return the fields in force for each case (cases without consent are absent): one query."""
    ids = list(set(case_ids))
    if not ids:
        return {}
    statement = select(PublicationConsent).where(col(PublicationConsent.case_id).in_(ids))
    # Ordered here, not in SQL: an ORDER BY id lets PostgreSQL walk the whole primary key instead of
    # looking the few cases up by case_id.
    rows = sorted(session.exec(statement).all(), key=lambda row: row.id)  # type: ignore[arg-type,return-value]
    return {row.case_id: clean_fields(row.fields) for row in rows}


def certificate_public(fields: Iterable[str]) -> bool:
    """Return whether a consent lets the case's certificates be listed and linked publicly."""
    return NAME_FIELD in fields


def name_published(case_id: Any) -> ColumnElement[bool]:
    """SQL for `certificate_public`: the consent in force for the case `case_id` (a column) names it.

    One index probe per case: its consent rows, the newest of which must hold the field. The stored
    fields are a JSON list of known names, so the quoted name matches only that field.
    """
    consent, newer = aliased(PublicationConsent), aliased(PublicationConsent)
    superseded = exists().where(col(newer.case_id) == consent.case_id, col(newer.id) > consent.id)
    return exists().where(
        consent.case_id == case_id,
        cast(consent.fields, String).like(f'%"{NAME_FIELD}"%'),
        ~superseded,
    )


def current_consent(session: Session, case_id: int) -> list[str]:
    """Return the fields the enterprise consented to publish for the case (none given: [])."""
    return list(latest_consents(session, [case_id]).get(case_id, ()))


def consent_history(session: Session, *, actor: User, case_id: int) -> list[ConsentRecord]:
    """Return every consent decision of a case the actor may see, oldest first."""
    get_case(session, actor=actor, case_id=case_id)
    statement = (
        select(PublicationConsent, User)
        .join(User, col(User.id) == PublicationConsent.given_by_id)
        .where(PublicationConsent.case_id == case_id)
        .order_by(col(PublicationConsent.id))
    )
    return [
        ConsentRecord(clean_fields(row.fields), row.given_at, row.given_by_id, user.display_name)
        for row, user in session.exec(statement).all()
    ]


def consent_state(session: Session, *, actor: User, case_id: int) -> ConsentState:
    """Return the consent in force, its history and whether the actor may change it."""
    case = get_case(session, actor=actor, case_id=case_id)
    history = consent_history(session, actor=actor, case_id=case_id)
    changeable = consent_changeable(case)
    return ConsentState(
        case_id=case_id,
        fields=history[-1].fields if history else (),
        changeable=changeable,
        can_change=changeable and can_edit_plan(actor, case),
        history=history,
    )


def set_consent(session: Session, *, actor: User, case_id: int, fields: object) -> ConsentState:
    """Record the enterprise's consent to publish `fields` (unchanged consent adds no row)."""
    case = get_case(session, actor=actor, case_id=case_id, for_update=True)
    if not can_edit_plan(actor, case):
        raise PermissionDenied()
    if fields is None:
        raise ValidationFailed.single("fields", N_("This field is required."))
    chosen = validate(ConsentInput, {"fields": fields}).fields
    unknown = [name for name in chosen if name not in PUBLISHABLE_FIELDS]
    if unknown:
        raise ValidationFailed(
            {"fields": [Message(N_("Unknown field: %(field)s."), {"field": name}) for name in unknown]}
        )
    if not consent_changeable(case):
        raise Conflict(FIXED_MESSAGE)
    wanted = clean_fields(chosen)
    current = latest_consents(session, [case_id]).get(case_id)
    if current != wanted:
        record_consent(session, case=case, fields=wanted, given_by_id=actor.id)  # type: ignore[arg-type]
    return consent_state(session, actor=actor, case_id=case_id)


def record_consent(
    session: Session, *, case: Case, fields: Iterable[str], given_by_id: int, given_at: datetime | None = None
) -> PublicationConsent:
    """Append a consent row without the checks (for `set_consent`, and for seeding demo data)."""
    row = PublicationConsent(
        case_id=case.id,  # type: ignore[arg-type]
        fields=list(clean_fields(fields)),
        given_by_id=given_by_id,
        given_at=given_at or utcnow(),
    )
    session.add(row)
    session.flush()
    return row
