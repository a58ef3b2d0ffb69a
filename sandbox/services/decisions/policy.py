"""The office's two-person policy in force: the newest saved version, else the defaults.

Which earlier roles on a case bar a regulator from approving its exit is data (DESIGN.md §3): ever the
case officer and ever an exit evaluator by default, the regulator who accepted the filing only if the
office says so. Admins save a new version (with a note); versions are never edited, so who changed the
rule and when stays on record.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sandbox.errors import N_, Conflict, Message, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.two_person import TwoPersonPolicyVersion
from workflows.two_person import DEFAULT_POLICY, TwoPersonPolicy

FLAGS = ("bar_former_officers", "bar_evaluators", "bar_filing_acceptor")


class PolicyInput(BaseModel):
    """A new version: every flag given as a true/false value, and an optional note."""

    model_config = ConfigDict(extra="forbid")

    bar_former_officers: StrictBool
    bar_evaluators: StrictBool
    bar_filing_acceptor: StrictBool
    note: str = ""


def current_policy(session: Session) -> tuple[int, TwoPersonPolicy]:
    """Return (version, policy) in force: the newest saved version, or (0, the defaults)."""
    row = session.exec(
        select(TwoPersonPolicyVersion).order_by(col(TwoPersonPolicyVersion.version).desc()).limit(1)
    ).first()
    if row is None:
        return 0, DEFAULT_POLICY
    return row.version, TwoPersonPolicy(**{flag: getattr(row, flag) for flag in FLAGS})


def list_versions(session: Session) -> list[TwoPersonPolicyVersion]:
    statement = select(TwoPersonPolicyVersion).order_by(col(TwoPersonPolicyVersion.version).desc())
    return list(session.exec(statement).all())


def save_version(session: Session, *, actor: User, data: Any) -> TwoPersonPolicyVersion:
    """Validate `data` and store it as the next policy version (admins)."""
    if not actor.active or actor.role is not Role.ADMIN:
        raise PermissionDenied()
    if not isinstance(data, dict):
        raise ValidationFailed.single("body", N_("Send the policy as an object."))
    try:
        given = PolicyInput.model_validate(data)
    except ValidationError as error:
        errors: dict[str, list[Message]] = {}
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"]) or "body"
            message = (
                Message(N_("Choose yes or no."))
                if field in FLAGS
                else Message(N_("Invalid value: %(problem)s"), {"problem": item["msg"]})
            )
            errors.setdefault(field, []).append(message)
        raise ValidationFailed(errors) from None
    note = unicodedata.normalize("NFC", given.note.strip())
    if len(note) > 500:
        raise ValidationFailed.single("note", N_("At most %(count)s characters."), count=500)
    latest = session.exec(select(func.max(TwoPersonPolicyVersion.version))).one() or 0
    row = TwoPersonPolicyVersion(
        version=latest + 1,
        **{flag: getattr(given, flag) for flag in FLAGS},
        note=note,
        created_by_id=actor.id,  # type: ignore[arg-type]
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another admin saved the same version number a moment ago.
        raise Conflict(N_("The policy was changed by someone else; reload it and try again.")) from None
    return row
