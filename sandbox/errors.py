"""The error hierarchy services raise; `sandbox.http_errors` maps it to HTML pages and problem+json.

Messages are message ids (English source text, marked with `N_` for extraction) plus parameters; they
are translated into the user's language at the edge, so services stay free of Flask.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    """Mark `message` for translation without translating it here."""
    return message


@dataclass(frozen=True)
class Message:
    """A message id with its parameters, translated when shown."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Bilingual:
    """A message already written in both languages (e.g. a workflow guard's reason)."""

    zh: str
    en: str


class SandboxError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    default = N_("The request could not be completed.")
    # A stable machine-readable code more specific than the status's own (problem+json `code`).
    code: str | None = None

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.message: Message | Bilingual = Message(message or self.default, params)
        super().__init__(self.message.msgid)


class PermissionDenied(SandboxError):
    status = 403
    default = N_("You are not allowed to do this.")


class TwoPersonRule(PermissionDenied):
    """Refused by a two-person rule: this person prepared, proposed or handled what they now want to decide.

    Carries the workflow's bilingual reasons; answered with 403 and the code `two_person_rule`.
    """

    code = "two_person_rule"

    def __init__(self, reasons: Any) -> None:
        super().__init__()
        self.reasons = tuple(reasons)
        self.message = Bilingual(
            "；".join(reason.zh for reason in self.reasons), "; ".join(reason.en for reason in self.reasons)
        )


class NotFound(SandboxError):
    status = 404
    default = N_("Not found.")


class Conflict(SandboxError):
    status = 409
    default = N_("This record was changed or already exists; reload and try again.")


class ProposalRequired(Conflict):
    """A one-step request for a decision that needs two regulators (propose, then confirm)."""

    code = "proposal_required"
    default = N_("This decision needs two regulators: one proposes it, a different one confirms it.")


class TooManyAttempts(SandboxError):
    status = 429
    default = N_("Too many attempts. Try again later.")


class StorageUnavailable(SandboxError):
    """Files could not be written (folder missing, read-only, full); raised before any row is added."""

    status = 503
    default = N_("Files cannot be stored right now. Nothing was saved; please try again later.")


class ValidationFailed(SandboxError):
    """Input was refused; `errors` maps a field path ("enterprise.uscc") to its messages."""

    status = 422
    default = N_("Some fields need your attention.")

    def __init__(
        self, errors: Mapping[str, Sequence[Message | Bilingual]], message: str | None = None
    ) -> None:
        super().__init__(message)
        self.errors = errors

    @classmethod
    def single(cls, field_name: str, message: str, **params: Any) -> ValidationFailed:
        return cls({field_name: [Message(message, params)]})

    @classmethod
    def from_reasons(cls, reasons: Any) -> ValidationFailed:
        """Wrap workflow guard reasons (objects with field, zh and en)."""
        errors: dict[str, list[Message | Bilingual]] = {}
        for reason in reasons:
            errors.setdefault(reason.field or "__root__", []).append(Bilingual(reason.zh, reason.en))
        return cls(errors)
