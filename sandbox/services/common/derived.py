"""Rows derived from the others and kept in step with them: the case tallies and the registry's index.

A backup leaves them out; a restore, the migration that made them and `flask counts rebuild` build them
again from the rows they are derived from (`rebuild`), and `flask audit verify` compares the tallies
with a full count (`services.cases.tallies.check`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from sandbox.services.cases import tallies
from sandbox.services.publication import registry_index

# Not archived by a backup: rebuilt after a restore.
DERIVED_TABLES = frozenset({"case_tally", "registry_text", "registry_gram"})


@dataclass(frozen=True)
class Rebuilt:
    cases: int  # cases counted into the tallies
    entries: int  # registry entries indexed


def rebuild(session: Session) -> Rebuilt:
    """Count every case and index every registry entry again (in the caller's transaction)."""
    cases = tallies.rebuild(session.connection())
    entries = registry_index.rebuild(session)
    return Rebuilt(cases, entries)
