"""Sector rule packs: the data model, and loading with validation from `workflows/rules/*.toml`.

Owns `SectorPack` and its parts, `Sector` (the seven pack codes), `load_sector_packs` and
`sector_pack`. Every pack is validated when loaded; a malformed pack raises `RulePackError` naming the
file and the field, and the packs shipped with the package are loaded at import, so a broken pack stops
the application from starting. What the packs are used for (risk level, boundary checks) lives in
`workflows.assessment`. Imports the standard library only (tomllib).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from .errors import RulePackError
from .rulepack_reader import PackReader

RULES_DIRECTORY = Path(__file__).resolve().parent / "rules"
MAX_TRIAL_MONTHS_LIMIT = 36


class Sector(StrEnum):
    """The sectors the sandbox admits: the six priority sectors plus general data."""

    AUTONOMOUS_DRIVING = "autonomous_driving"
    EMBODIED_AI = "embodied_ai"
    HEALTHCARE = "healthcare"
    AEROSPACE = "aerospace"
    CONSUMER_FINANCE = "consumer_finance"
    INDUSTRIAL_MANUFACTURING = "industrial_manufacturing"
    GENERAL_DATA = "general_data"


class ParamType(StrEnum):
    INT = "int"
    BOOL = "bool"
    TEXT = "text"
    CHOICE = "choice"


@dataclass(frozen=True)
class RequiredDocument:
    id: str
    zh: str
    en: str


@dataclass(frozen=True)
class RiskItem:
    """One checklist question; a "yes" answer means the risk is present and adds `weight`."""

    id: str
    zh: str
    en: str
    weight: int
    evidence_zh: str
    evidence_en: str


@dataclass(frozen=True)
class Choice:
    id: str
    zh: str
    en: str


@dataclass(frozen=True)
class BoundaryParam:
    """A trial boundary the plan must fix (e.g. vehicle count), with its type and limits."""

    id: str
    zh: str
    en: str
    type: ParamType
    unit: str
    required: bool = True
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[Choice, ...] = ()
    # For bool parameters the sandbox insists on (e.g. ethics approval must be true).
    must_be: bool | None = None


@dataclass(frozen=True)
class SectorPack:
    code: str
    zh: str
    en: str
    max_trial_months: int
    documents: tuple[RequiredDocument, ...]
    risk_items: tuple[RiskItem, ...]
    boundaries: tuple[BoundaryParam, ...]
    # Weighted "yes" score from which the derived risk level is medium / high.
    medium_from: int
    high_from: int
    source: str = ""

    def boundary(self, param_id: str) -> BoundaryParam | None:
        """Return the boundary parameter `param_id`, or None."""
        return next((param for param in self.boundaries if param.id == param_id), None)

    def document(self, document_id: str) -> RequiredDocument | None:
        """Return the required document (filing material) `document_id`, or None."""
        return next((document for document in self.documents if document.id == document_id), None)


def parse_sector_pack(text: str, source: str = "<string>") -> SectorPack:
    """Parse and validate one pack's TOML text; raise RulePackError naming `source` and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulePackError(f"{source}: not valid TOML: {exc}") from exc
    r = PackReader(source)
    r.reject_floats(data, "")
    r.only_keys(data, "", _PACK_KEYS)
    documents = tuple(
        RequiredDocument(r.ident(doc, f"documents[{i}]"), *r.bilingual(doc, f"documents[{i}]"))
        for i, doc in enumerate(r.tables(data, "", "documents"))
    )
    items = tuple(
        _risk_item(r, item, f"risk_items[{i}]") for i, item in enumerate(r.tables(data, "", "risk_items"))
    )
    params = tuple(
        _boundary(r, raw, f"boundaries[{i}]") for i, raw in enumerate(r.tables(data, "", "boundaries"))
    )
    for name, entries in (("documents", documents), ("risk_items", items), ("boundaries", params)):
        r.unique([entry.id for entry in entries], name)
    levels = r.table(data, "", "risk_levels")
    r.only_keys(levels, "risk_levels", {"medium_from", "high_from"})
    medium_from = r.integer(levels, "risk_levels", "medium_from", minimum=1)
    high_from = r.integer(levels, "risk_levels", "high_from", minimum=1)
    total = sum(item.weight for item in items)
    if not medium_from < high_from <= total:
        r.fail(
            "risk_levels",
            f"thresholds must satisfy 0 < medium_from < high_from <= total weight ({total}); "
            f"got medium_from={medium_from}, high_from={high_from}",
        )
    zh, en = r.bilingual(data, "")
    return SectorPack(
        code=r.ident(data, "", "code"),
        zh=zh,
        en=en,
        max_trial_months=r.integer(data, "", "max_trial_months", minimum=1, maximum=MAX_TRIAL_MONTHS_LIMIT),
        documents=documents,
        risk_items=items,
        boundaries=params,
        medium_from=medium_from,
        high_from=high_from,
        source=source,
    )


_PACK_KEYS = {"code", "zh", "en", "max_trial_months", "risk_levels", "documents", "risk_items", "boundaries"}
_ITEM_KEYS = {"id", "zh", "en", "weight", "evidence_zh", "evidence_en"}
_PARAM_KEYS = {"id", "zh", "en", "type", "unit", "required", "min", "max", "choices", "must_be"}


def _risk_item(r: PackReader, item: dict[str, Any], where: str) -> RiskItem:
    r.only_keys(item, where, _ITEM_KEYS)
    return RiskItem(
        r.ident(item, where),
        *r.bilingual(item, where),
        weight=r.integer(item, where, "weight", minimum=1),
        evidence_zh=r.text(item, where, "evidence_zh"),
        evidence_en=r.text(item, where, "evidence_en"),
    )


def _boundary(r: PackReader, raw: dict[str, Any], where: str) -> BoundaryParam:
    r.only_keys(raw, where, _PARAM_KEYS)
    param_type = ParamType(r.choice(raw, where, "type", [t.value for t in ParamType]))
    # Only a number has a unit that means something; for the other types a unit is optional.
    unit = r.text(raw, where, "unit") if param_type is ParamType.INT else r.optional_text(raw, where, "unit")
    minimum = maximum = None
    if param_type is ParamType.INT:
        minimum = r.integer(raw, where, "min", minimum=0)
        maximum = r.integer(raw, where, "max", minimum=0)
        if minimum > maximum:
            r.fail(f"{where}.min", f"min ({minimum}) is greater than max ({maximum})")
    elif "min" in raw or "max" in raw:
        r.fail(f"{where}.min", "min/max are only allowed on int parameters")
    choices: tuple[Choice, ...] = ()
    if param_type is ParamType.CHOICE:
        choices = tuple(
            Choice(r.ident(c, f"{where}.choices[{i}]"), *r.bilingual(c, f"{where}.choices[{i}]"))
            for i, c in enumerate(r.tables(raw, where, "choices"))
        )
        r.unique([c.id for c in choices], f"{where}.choices")
    elif "choices" in raw:
        r.fail(f"{where}.choices", "choices are only allowed on choice parameters")
    must_be = r.optional_bool(raw, where, "must_be")
    if must_be is not None and param_type is not ParamType.BOOL:
        r.fail(f"{where}.must_be", "must_be is only allowed on bool parameters")
    return BoundaryParam(
        id=r.ident(raw, where),
        zh=r.text(raw, where, "zh"),
        en=r.text(raw, where, "en"),
        type=param_type,
        unit=unit,
        required=r.optional_bool(raw, where, "required") is not False,
        minimum=minimum,
        maximum=maximum,
        choices=choices,
        must_be=must_be,
    )


def load_sector_packs(directory: Path | str | None = None) -> dict[str, SectorPack]:
    """Load and validate every `*.toml` pack in `directory` (default: the packaged rules), by code."""
    folder = Path(directory) if directory is not None else RULES_DIRECTORY
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise RulePackError(f"{folder}: no sector rule packs (*.toml) found")
    packs: dict[str, SectorPack] = {}
    for path in files:
        pack = parse_sector_pack(path.read_text(encoding="utf-8"), source=path.name)
        if pack.code != path.stem:
            raise RulePackError(
                f"{path.name}: code: {pack.code!r} does not match the file name {path.stem!r}"
            )
        packs[pack.code] = pack
    if directory is None:
        missing = sorted(set(Sector) - set(packs))
        if missing:
            raise RulePackError(f"{folder}: no rule pack for sector(s) {', '.join(missing)}")
    return packs


@functools.cache
def default_sector_packs() -> dict[str, SectorPack]:
    """Return the packaged packs, loaded once per process."""
    return load_sector_packs()


def sector_pack(code: str) -> SectorPack:
    """Return the packaged pack for sector `code`; raise KeyError for an unknown sector."""
    packs = default_sector_packs()
    if code not in packs:
        raise KeyError(f"unknown sector {code!r}; known: {', '.join(sorted(packs))}")
    return packs[code]


# Validate the shipped packs at import: a broken pack must stop start-up, not a later request.
default_sector_packs()
