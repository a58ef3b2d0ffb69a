"""The OpenAPI 3.1 document, generated from the routes as they are registered.

Each API route is declared with `operation(...)`, which records its summary, request and response
models (pydantic/SQLModel data models) and examples next to the code; `openapi_document()` assembles
the document from those records and the models' JSON Schemas, so it cannot drift from the code.

An operation whose behaviour needs more than its summary (when a token ends, what a call revokes) says
so in `description`, which becomes the operation's OpenAPI description.

Examples are OpenAPI 3.1 `examples` on the media types: `examples={"name": value, …}` for the request
body, `response_examples={201: value}` for responses. Tests validate each against its schema.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from sandbox.validators import FIRST_YEAR, LAST_YEAR
from sandbox.views.converters import MAX_RECORD_ID

REF_TEMPLATE = "#/components/schemas/{model}"
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details, with `code` and, for refused input, `errors`.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    summary: str
    tags: tuple[str, ...]
    auth: bool
    body: type[BaseModel] | None
    responses: dict[int, Any]
    errors: tuple[int, ...]
    parameters: tuple[dict[str, Any], ...] = field(default=())
    # Anyone may call it; a bearer token, if sent, names the caller (and must be live).
    optional_auth: bool = False
    # The schema of each path parameter, from its converter (int: a record id, year: a year; else a string).
    path_schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    examples: dict[str, Any] = field(default_factory=dict)
    response_examples: dict[int, Any] = field(default_factory=dict)
    description: str = ""
    # Media types a successful response may be served as (the view negotiates them with `Accept`).
    media_types: tuple[str, ...] = ("application/json",)


PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 0, "maximum": MAX_RECORD_ID},
    "year": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
}
_operations: list[Operation] = []


def operation(
    rule: str,
    method: str,
    *,
    summary: str,
    tags: tuple[str, ...],
    auth: bool = True,
    optional_auth: bool = False,
    body: type[BaseModel] | None = None,
    responses: dict[int, Any],
    errors: tuple[int, ...] = (),
    parameters: tuple[dict[str, Any], ...] = (),
    examples: dict[str, Any] | None = None,
    response_examples: dict[int, Any] | None = None,
    description: str = "",
    media_types: tuple[str, ...] = ("application/json",),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Record an API operation for the document; the view itself is registered by the blueprint."""
    path = "/api/v1" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
    if auth:
        errors = tuple(sorted({401, 403, *errors}))
    elif optional_auth:
        errors = tuple(sorted({401, *errors}))
    if "<" in rule:
        errors = tuple(sorted({404, *errors}))  # an unknown (or out-of-range) id matches nothing
    if body is not None:
        # `body.read_json` refuses malformed (400), oversized (413) and non-JSON (415) bodies.
        errors = tuple(sorted({400, 413, 415, 422, *errors}))

    path_schemas = {
        name: PATH_SCHEMAS.get(converter, {"type": "string"})
        for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule)
    }

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        documented = Operation(path, method.lower(), summary, tags, auth, body, responses, errors, parameters)
        _operations.append(
            replace(
                documented,
                optional_auth=optional_auth,
                path_schemas=path_schemas,
                examples=dict(examples or {}),
                response_examples=dict(response_examples or {}),
                description=description,
                media_types=media_types,
            )
        )
        return view

    return decorator


def openapi_document(*, title: str, version: str) -> dict[str, Any]:
    """Build the OpenAPI 3.1 document from every recorded operation."""
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    for op in _operations:
        if op.body is not None:
            models.append((op.body, "validation"))
        models.extend(
            (_item_model(model), "serialization") for model in op.responses.values() if model is not None
        )
    refs, top = models_json_schema(list(dict.fromkeys(models)), ref_template=REF_TEMPLATE)
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    paths: dict[str, dict[str, Any]] = {}
    for op in sorted(_operations, key=lambda item: (item.path, item.method)):
        paths.setdefault(op.path, {})[op.method] = _operation_object(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _item_model(model: Any) -> type[BaseModel]:
    """Return the model of a response documented as `Model` or `list[Model]`."""
    return typing.get_args(model)[0] if typing.get_origin(model) is list else model


def _operation_object(op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, model in op.responses.items():
        entry: dict[str, Any] = {"description": "Success" if status < 300 else "Result"}
        if model is not None:
            schema = refs[(_item_model(model), "serialization")]
            if typing.get_origin(model) is list:
                schema = {"type": "array", "items": schema}
            entry["content"] = {media_type: {"schema": schema} for media_type in op.media_types}
            if status in op.response_examples:
                for content in entry["content"].values():
                    content["examples"] = _examples({"example": op.response_examples[status]})
        elif status < 300 and op.media_types != ("application/json",):
            # A file (an Excel workbook, …): documented by its media type, not a JSON schema.
            entry["content"] = {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in op.media_types
            }
        responses[str(status)] = entry
    for status in op.errors:
        responses[str(status)] = {
            "description": "Problem",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    result: dict[str, Any] = {
        "summary": op.summary,
        "operationId": f"{op.method}_{re.sub(r'[^a-zA-Z0-9]+', '_', op.path.removeprefix('/api/v1/'))}".strip(
            "_"
        ),
        "tags": list(op.tags),
        "responses": responses,
        "security": [{"bearer": []}] if op.auth else [{}, {"bearer": []}] if op.optional_auth else [],
    }
    if op.description:
        result["description"] = op.description
    path_parameters = re.findall(r"{(\w+)}", op.path)
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": op.path_schemas.get(name, {"type": "string"}),
        }
        for name in path_parameters
    ]
    parameters.extend(op.parameters)
    if parameters:
        result["parameters"] = parameters
    if op.body is not None:
        media: dict[str, Any] = {"schema": refs[(op.body, "validation")]}
        if op.examples:
            media["examples"] = _examples(op.examples)
        result["requestBody"] = {"required": True, "content": {"application/json": media}}
    return result


def _examples(named: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI Example Objects from {name: value}; the name doubles as the summary."""
    return {name: {"summary": name.replace("_", " "), "value": value} for name, value in named.items()}
