"""Turn pydantic validation errors into `ValidationFailed` with translatable messages."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from sandbox.errors import N_, Message, ValidationFailed

ModelT = TypeVar("ModelT", bound=BaseModel)

# Pydantic error type → message id. Parameters come from the error's context.
MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("Enter at least %(min_length)s characters."),
    "string_too_long": N_("Enter at most %(max_length)s characters."),
    "string_pattern_mismatch": N_("This value has characters that are not allowed here."),
    "string_type": N_("Enter text."),
    "bool_parsing": N_("Choose yes or no."),
    "bool_type": N_("Choose yes or no."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "enum": N_("Choose one of the listed options."),
    "value_error": N_("This value is not valid."),
    "uscc_length": N_("A unified social credit code has exactly 18 characters."),
    "uscc_charset": N_(
        "A unified social credit code uses only digits and the letters A–Y without I, O, S, V and Z."
    ),
    "uscc_check": N_("The check character of this unified social credit code is wrong; please re-check it."),
    "model_type": N_("This value is not valid."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": N_("Enter a date as YYYY-MM-DD."),
    "date_type": N_("Enter a date as YYYY-MM-DD."),
}
FALLBACK = N_("This value is not valid.")
EMAIL_MESSAGE = N_("Enter a valid e-mail address.")


def validate(model: type[ModelT], data: Any) -> ModelT:
    """Validate `data` as `model` or raise `ValidationFailed` naming each field."""
    try:
        return model.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationFailed(field_errors(error)) from None


def field_errors(error: PydanticValidationError) -> dict[str, list[Message]]:
    """Group pydantic's errors by dotted field path."""
    grouped: dict[str, list[Message]] = {}
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or "__root__"
        params = {
            key: value for key, value in (item.get("ctx") or {}).items() if isinstance(value, int | str)
        }
        kind = item["type"]
        if kind == "value_error" and path.endswith("email"):
            msgid = EMAIL_MESSAGE
        else:
            msgid = MESSAGES.get(kind, FALLBACK)
        grouped.setdefault(path, []).append(Message(msgid, params))
    return grouped
