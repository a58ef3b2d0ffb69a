"""The voucher policy in force: the newest saved version in the database, else the default file.

Admins save a new version as TOML text (or a JSON object through the API); it is validated against
`VoucherPolicyDocument` and stored as the next version number. Versions are never edited, and each
voucher records the version it was issued under.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_, Message, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.voucher_policy import VoucherPolicyDocument, VoucherPolicyVersion

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "voucher_policy.toml"


@cache
def default_policy() -> VoucherPolicyDocument:
    """The policy of the shipped file (validated once per process)."""
    with DEFAULT_FILE.open("rb") as handle:
        return VoucherPolicyDocument.model_validate(tomllib.load(handle))


def current_policy(session: Session) -> tuple[int, VoucherPolicyDocument]:
    """Return (version, policy) in force: the newest saved version, or (0, the default file)."""
    row = session.exec(
        select(VoucherPolicyVersion).order_by(col(VoucherPolicyVersion.version).desc()).limit(1)
    ).first()
    if row is None:
        return 0, default_policy()
    return row.version, VoucherPolicyDocument.model_validate(row.document)


def list_versions(session: Session) -> list[VoucherPolicyVersion]:
    statement = select(VoucherPolicyVersion).order_by(col(VoucherPolicyVersion.version).desc())
    return list(session.exec(statement).all())


def parse_toml(text: str) -> dict[str, Any]:
    """Read TOML text typed by an admin, refusing it with the parser's position when it is malformed."""
    try:
        return tomllib.loads(unicodedata.normalize("NFC", text))
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed.single(
            "document", N_("This is not valid TOML: %(error)s"), error=str(error)
        ) from None


def validate(data: Any) -> VoucherPolicyDocument:
    """Validate a policy document, turning schema errors into field messages."""
    if not isinstance(data, dict):
        raise ValidationFailed.single("document", N_("Send the policy as an object."))
    try:
        return VoucherPolicyDocument.model_validate(data)
    except ValidationError as error:
        errors: dict[str, list[Message]] = {}
        for item in error.errors():
            path = ".".join(str(part) for part in item["loc"]) or "document"
            errors.setdefault(f"document.{path}", []).append(
                Message(N_("Invalid value: %(problem)s"), {"problem": item["msg"]})
            )
        raise ValidationFailed(errors) from None


def save_version(session: Session, *, actor: User, data: Any, note: str = "") -> VoucherPolicyVersion:
    """Validate `data` and store it as the next policy version (admins)."""
    if not actor.active or actor.role is not Role.ADMIN:
        raise PermissionDenied()
    policy = validate(data)
    document = policy.as_json()
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    latest = session.exec(select(func.max(VoucherPolicyVersion.version))).one() or 0
    row = VoucherPolicyVersion(
        version=latest + 1,
        document=document,
        sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        note=unicodedata.normalize("NFC", (note or "").strip())[:500],
        created_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    return row


def to_toml(policy: VoucherPolicyDocument) -> str:
    """Write a policy as TOML for the admin's editor (integers with `_` thousands separators)."""
    data = policy.as_json()
    lines = [
        f"schema = {data['schema']}",
        f"programme = {json.dumps(data['programme'], ensure_ascii=False)}",
        f"policy_end = {data['policy_end']}",
    ]
    for key in ("validity_months", "coverage_percent", "enterprise_annual_cap_fen", "reminder_days"):
        lines.append(f"{key} = {_int(data[key])}")
    lines.append(f"eligible_sizes = {json.dumps(data['eligible_sizes'])}")
    for sector, levels in data["amounts"].items():
        lines += ["", f"[amounts.{sector}]"] + [f"{level} = {_int(value)}" for level, value in levels.items()]
    lines += ["", "[annual_budget_fen]"] + [f"{y} = {_int(v)}" for y, v in data["annual_budget_fen"].items()]
    lines += ["", "[size_percent]"] + [f"{size} = {pct}" for size, pct in data["size_percent"].items()]
    for category in data["categories"]:
        lines += ["", "[[categories]]"] + [
            f"{key} = {json.dumps(category[key], ensure_ascii=False)}" for key in ("id", "zh", "en")
        ]
    return "\n".join(lines) + "\n"


def _int(value: int) -> str:
    return f"{value:_}"
