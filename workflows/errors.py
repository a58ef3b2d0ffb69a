"""The workflow's error hierarchy and the bilingual refusal reason the guards return.

Owns `WorkflowError` and its subclasses and the `Reason` value; the catalogue of reason texts lives in
`workflows.reasons`. The sandbox maps these to HTTP (InvalidTransition → 409, GuardFailed → 422).
Imports the standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    """Why a guard refuses an event, in Chinese and English, with the parameters already in the text."""

    code: str
    field: str | None
    zh: str
    en: str

    def as_dict(self) -> dict[str, str | None]:
        """Return the reason as plain JSON-ready data (for problem+json `errors`)."""
        return {"code": self.code, "field": self.field, "zh": self.zh, "en": self.en}


class WorkflowError(Exception):
    """Base of every error the workflows package raises."""


class InvalidTransition(WorkflowError):
    """The event is unknown or not allowed in the case's current state."""

    def __init__(self, from_state: object, event: object, detail: str | None = None) -> None:
        self.from_state = from_state
        self.event = event
        message = f"event {str(event)!r} is not allowed in state {str(from_state)!r}"
        super().__init__(f"{message}: {detail}" if detail else message)


class GuardFailed(WorkflowError):
    """The event is allowed in this state but the data does not satisfy its guard."""

    def __init__(self, event: object, reasons: Iterable[Reason]) -> None:
        self.event = event
        self.reasons: tuple[Reason, ...] = tuple(reasons)
        summary = "; ".join(reason.en for reason in self.reasons)
        super().__init__(f"{str(event)!r} refused: {summary}")


class RulePackError(WorkflowError):
    """A sector rule pack file is malformed; the message names the file and the field."""


class ArrangementError(WorkflowError, ValueError):
    """A year's holiday arrangement (节假日安排) is malformed; the message says what is wrong."""
