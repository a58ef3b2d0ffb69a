"""The sector's filing materials as a checklist (一次性告知: everything needed, told at once).

Each material the case's sector pack requires (`SectorPack.documents`) with the latest document
uploaded for it — tagged with the material's id by `documents.upload_document` — or none yet, and how
many of them are on file. Pages and the API show the same list. Imports no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from sandbox.models.accounts import User
from sandbox.models.documents import Document, DocumentKind
from sandbox.services.cases.cases import get_case
from workflows.sectors import RequiredDocument, sector_pack


@dataclass(frozen=True)
class MaterialStatus:
    """One required material and its latest upload (None: not uploaded yet)."""

    material: RequiredDocument
    document: Document | None

    @property
    def uploaded(self) -> bool:
        return self.document is not None


@dataclass(frozen=True)
class MaterialChecklist:
    sector: str
    items: tuple[MaterialStatus, ...]

    @property
    def submitted(self) -> int:
        return sum(1 for item in self.items if item.uploaded)

    @property
    def total(self) -> int:
        return len(self.items)


def material_checklist(session: Session, *, actor: User, case_id: int) -> MaterialChecklist:
    """Return the case's required materials with their upload status (NotFound if the case is hidden)."""
    case = get_case(session, actor=actor, case_id=case_id)
    statement = (
        select(Document)
        .where(Document.case_id == case_id, Document.kind == DocumentKind.FILING_MATERIAL)
        .order_by(col(Document.id))
    )
    latest = {row.material_id: row for row in session.exec(statement).all()}  # later rows win
    pack = sector_pack(case.sector)
    return MaterialChecklist(
        sector=case.sector,
        items=tuple(MaterialStatus(material, latest.get(material.id)) for material in pack.documents),
    )
