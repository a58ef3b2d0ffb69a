"""The registry's search index: `?q=` finds entries by index probes, not by reading every entry.

For each registry entry the text it shows (`RegistryEntry.texts`: consented fields only, the filing and
certificate numbers) is kept normalised in `registry_text`, and every character, every pair of adjacent
characters and every ASCII run of three of it in `registry_gram`. A search for a one- or two-character
needle is one probe (two-character Chinese words like 医疗 are the common case); a longer needle takes
the cases holding its rarest gram (or all its grams) and keeps those whose text contains it
(`matching_cases`). Hidden text is never indexed, so it can never be found.

The index follows the entries in the transaction that changes them: a flush reports cases whose shown
columns changed, certificates issued, consents given and enterprises renamed (`_after_flush`);
`cases.hold_changes` reports an event's changes (`note_changes`); the commit re-indexes those cases
(`sync`). `flask counts rebuild` and a restore re-index everything (`rebuild`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exists, func
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import attributes
from sqlmodel import Session, col, select

from sandbox.models.accounts import Enterprise
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate
from sandbox.models.publication import PublicationConsent, RegistryGram, RegistryText
from sandbox.services.common.session_events import listen_to_sessions

# The case columns an entry's text is built from.
SHOWN = frozenset({"filing_number", "filing_order", "title", "plan", "data_categories", "trial_boundaries",
                   "risk_level", "enterprise_id"})  # fmt: skip
ENTERPRISE_SHOWN = ("name", "uscc")
SEPARATOR = "\x1f"  # between the pieces of an entry's text: a needle never spans two of them
DIRTY = "sandbox.registry_dirty"
INDEX_TABLES: tuple[sa.Table, ...] = (RegistryGram.__table__, RegistryText.__table__)  # type: ignore[attr-defined]
CHUNK = 500
RARE = 1000  # a longer needle's rarest gram drives the search when fewer entries than this hold it


def normalise(text: str) -> str:
    """How both the entries' text and the needle are compared: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def grams(piece: str) -> set[str]:
    """Every character and every pair of adjacent characters of `piece`, and every run of three that is
    ASCII (numbers and Latin words have few distinct pairs: YZSB-2026-0042 is found by 042, not by 00)."""
    found = set(piece) | {piece[i : i + 2] for i in range(len(piece) - 1)}
    return found | {run for i in range(len(piece) - 2) if (run := piece[i : i + 3]).isascii()}


def needle_grams(needle: str) -> set[str]:
    """The grams every text containing `needle` holds: the character itself, or its pairs and ASCII runs
    of three."""
    if len(needle) == 1:
        return {needle}
    return {gram for gram in grams(needle) if len(gram) > 1}


def clean_needle(query: str) -> str:
    return normalise(query).replace(SEPARATOR, "")


@dataclass(frozen=True)
class Match:
    """The indexed entries whose shown text contains a needle, in the form that serves a query of cases:

    * rare (`found`): their case ids, fetched (fewer than `RARE`), so a page is a lookup of those;
    * a common one- or two-character needle (`gram`): a probe of the index per case while scanning in
      registry order, which finds the first page at once;
    * otherwise (`ids`): a subquery of their case ids.
    """

    ids: Any
    found: list[int] | None = None
    gram: str | None = None

    def condition(self, case_id: Any) -> Any:
        if self.found is not None:
            return col(case_id).in_(self.found)
        if self.gram is not None:
            return exists().where(col(RegistryGram.gram) == self.gram, col(RegistryGram.case_id) == case_id)
        return col(case_id).in_(self.ids)


def matching_cases(session: Session, needle: str) -> Match:
    """The indexed cases whose shown text contains `needle` (normalised, non-empty).

    One or two characters: the entries holding that gram. Longer: the entries holding the needle's rarest
    gram, if it is rare (`RARE`; counted up to that many), else every gram; then the text must contain it.
    """
    wanted = sorted(needle_grams(needle))
    held = _counts_up_to(session, wanted, RARE)
    if len(needle) <= 2:
        exact = select(RegistryGram.case_id).where(RegistryGram.gram == needle)
        if held[needle] >= RARE:
            return Match(exact, gram=needle)
        return Match(exact, found=list(session.exec(exact).all()))
    rarest = min(wanted, key=lambda gram: held[gram])
    rare = held[rarest] < RARE
    if rare:
        candidates = select(RegistryGram.case_id).where(RegistryGram.gram == rarest)
    else:
        candidates = (
            select(RegistryGram.case_id)
            .where(col(RegistryGram.gram).in_(wanted))
            .group_by(col(RegistryGram.case_id))
            .having(func.count() == len(wanted))
        )
    ids = select(RegistryText.case_id).where(
        col(RegistryText.case_id).in_(candidates), col(RegistryText.text).contains(needle, autoescape=True)
    )
    return Match(ids, found=list(session.exec(ids).all()) if rare else None)


def _counts_up_to(session: Session, wanted: Sequence[str], limit: int) -> dict[str, int]:
    """How many entries hold each gram, counted up to `limit` (bounded index range scans, one statement)."""
    parts = [
        sa.select(sa.literal(gram).label("gram"), func.count().label("held")).select_from(
            select(RegistryGram.case_id).where(RegistryGram.gram == gram).limit(limit).subquery()
        )
        for gram in wanted
    ]
    statement = parts[0] if len(parts) == 1 else sa.union_all(*parts)
    return {gram: held for gram, held in session.execute(statement).all()}


# -- following the entries -----------------------------------------------------------------------------------


def note_cases(session: OrmSession, case_ids: Iterable[int | None]) -> None:
    """Re-index these cases at the commit (cases written without the ORM: the bulk demo)."""
    session.info.setdefault(DIRTY, set()).update(case_id for case_id in case_ids if case_id is not None)


def note_changes(case: Case, changes: Mapping[str, Any]) -> None:
    """Re-index `case` at the commit if `changes` touch what its entry shows (`cases.hold_changes`)."""
    session = attributes.instance_state(case).session
    if session is not None and changes.keys() & SHOWN:
        note_cases(session, [case.id])


def _changed(obj: Any, names: Iterable[str]) -> bool:
    state = attributes.instance_state(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _after_flush(session: OrmSession, _context: Any) -> None:
    enterprises = []
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, Case):
            if obj in session.new or _changed(obj, SHOWN):
                note_cases(session, [obj.id])
        elif isinstance(obj, Certificate | PublicationConsent):
            note_cases(session, [obj.case_id])
        elif isinstance(obj, Enterprise) and obj not in session.new and _changed(obj, ENTERPRISE_SHOWN):
            enterprises.append(obj.id)
    if enterprises:
        table = Case.__table__  # type: ignore[attr-defined]
        found = session.connection().execute(
            sa.select(table.c.id).where(
                table.c.enterprise_id.in_(enterprises), table.c.filing_order.is_not(None)
            )
        )
        note_cases(session, found.scalars())


def _before_commit(session: OrmSession) -> None:
    if session.info.get(DIRTY) or session.new or session.dirty:
        session.flush()
        sync(session)  # type: ignore[arg-type]


def _forget(session: OrmSession, *_args: Any) -> None:
    session.info.pop(DIRTY, None)


# What each registered case's entry shows (`registry.entry_texts`), given by `install`: the registry reads
# through the case services, which report their changes here.
_reader: dict[str, Callable[[Session, Sequence[Case]], list[list[str]]]] = {}


def install(texts_of: Callable[[Session, Sequence[Case]], list[list[str]]]) -> None:
    """Read entries' text with `texts_of` and listen to every session (idempotent)."""
    _reader["texts"] = texts_of
    listen_to_sessions([("after_flush", _after_flush), ("before_commit", _before_commit),
                        ("after_commit", _forget), ("after_rollback", _forget)])  # fmt: skip


def sync(session: Session) -> None:
    """Re-index the cases this transaction changed (before searching in it, and at its commit)."""
    dirty = session.info.pop(DIRTY, set())
    if dirty:
        reindex(session, sorted(dirty))


def reindex(session: Session, case_ids: Iterable[int]) -> int:
    """Replace the index rows of `case_ids` with their entries' current text; returns the entries indexed."""
    texts_of = _reader["texts"]
    connection, indexed = session.connection(), 0
    ids = list(case_ids)
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        for table in INDEX_TABLES:
            connection.execute(sa.delete(table).where(table.c.case_id.in_(chunk)))
        cases = session.exec(
            select(Case).where(col(Case.id).in_(chunk), col(Case.filing_order).is_not(None))
        ).all()
        texts: list[dict[str, Any]] = []
        pairs: list[dict[str, Any]] = []
        for case, shown in zip(cases, texts_of(session, cases), strict=True):
            pieces = [piece for piece in (normalise(text) for text in shown) if piece]
            texts.append({"case_id": case.id, "text": SEPARATOR.join(pieces)})
            pairs.extend({"case_id": case.id, "gram": gram} for gram in set().union(*map(grams, pieces)))
        if texts:
            connection.execute(sa.insert(RegistryText.__table__), texts)  # type: ignore[attr-defined]
        if pairs:
            connection.execute(sa.insert(RegistryGram.__table__), pairs)  # type: ignore[attr-defined]
        indexed += len(texts)
    return indexed


def rebuild(session: Session) -> int:
    """Index every registry entry again; returns how many there are."""
    connection = session.connection()
    for table in INDEX_TABLES:
        connection.execute(sa.delete(table))
    ids = session.exec(
        select(Case.id).where(col(Case.filing_order).is_not(None)).order_by(col(Case.id))
    ).all()
    return reindex(session, ids)  # type: ignore[arg-type]
