"""What the public sees of typical cases: the one projection every public page, API answer and PDF uses.

`TypicalCasePublic` is the projection's shape: the API serves it as it is, `collection_entry` turns it into
an entry of the PDF collection. `public_view` is the only place that turns a typical case into public data:
a hidden fact is None (never masked text that still carries it), and a hidden value written into the text
since (an enterprise renamed, say) is blotted out. Public queries list only published cases whose exit
certificate is in force, and search only the public text, so a search for a hidden name finds nothing. The
regulator's preview and the enterprise's review use the same projection. No Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from certificates.pdf.collection import Collection, CollectionEntry, render_collection_pdf
from certificates.pdf.fonts import find_cjk_font
from certificates.pdf.qr import credential_digest_b64url, verification_url
from sandbox.errors import N_, NotFound, ValidationFailed
from sandbox.models.accounts import Enterprise
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate, CertificateKind, CertificateStatus
from sandbox.models.publication import TypicalCase, TypicalCaseStatus
from sandbox.services.cases.calendar import BEIJING
from sandbox.services.common.settings import settings_of
from sandbox.services.common.text_search import text_matches
from sandbox.services.publication.typical_redaction import TEXT_FIELDS
from sandbox.services.trust.settings import ISSUER_NAMES
from sandbox.validators import is_year
from workflows.sectors import default_sector_packs

BLOT = "＊＊＊"


class TypicalCasePublic(BaseModel):
    """A typical case as the public sees it; a fact named in `hidden` is null."""

    model_config = ConfigDict(frozen=True)

    id: int
    sector: str
    title: str
    background: str
    tested: str
    boundaries: str
    results: str
    lessons: str
    published_at: datetime | None
    hidden: list[str]
    enterprise_name: str | None
    uscc: str | None
    project_title: str | None
    filing_number: str | None
    trial_start: date | None
    trial_end: date | None
    exit_date: date | None
    certificate_number: str | None
    certificate_id: str | None
    verification_url: str | None = Field(description="Printed in the QR code of the PDF collection.")

    @property
    def year(self) -> int | None:
        return self.published_at.astimezone(BEIJING).year if self.published_at else None


def public_view(
    session: Session, tc: TypicalCase, case: Case, *, base_url: str | None = None
) -> TypicalCasePublic:
    """Project a typical case onto what may be public, hiding its redacted facts."""
    hidden = list(tc.redacted_fields)
    enterprise = session.get(Enterprise, case.enterprise_id)
    cert = session.exec(
        select(Certificate).where(Certificate.case_id == case.id, Certificate.kind == CertificateKind.EXIT)
    ).first()
    facts: dict[str, Any] = {
        "enterprise_name": enterprise.name if enterprise else None,
        "uscc": enterprise.uscc if enterprise else None,
        "project_title": case.title,
        "filing_number": case.filing_number,
        "certificate_number": cert.number if cert else None,
    }
    secrets = [
        str(value) for name, value in facts.items() if name in hidden and value and len(str(value)) >= 4
    ]
    texts: dict[str, Any] = {name: _blot(getattr(tc, name), secrets) for name in TEXT_FIELDS}
    shown: dict[str, Any] = {name: (None if name in hidden else value) for name, value in facts.items()}
    period: dict[str, Any] = {"trial_start": None, "trial_end": None, "exit_date": None}
    if "trial_period" not in hidden:
        exit_date = (cert.credential.get("credentialSubject") or {}).get("exitDate") if cert else None
        period = {"trial_start": case.trial_start, "trial_end": case.trial_end,
                  "exit_date": date.fromisoformat(exit_date[:10]) if exit_date else None}  # fmt: skip
    link: dict[str, Any] = {"certificate_id": None, "verification_url": None}
    if cert is not None and "certificate_number" not in hidden:
        url = None
        if base_url is not None:
            url = verification_url(base_url, cert.id, credential_digest_b64url(cert.credential))
        link = {"certificate_id": cert.id, "verification_url": url}
    return TypicalCasePublic(
        id=tc.id, sector=tc.sector, published_at=tc.published_at, hidden=hidden,
        **texts, **shown, **period, **link,
    )  # fmt: skip


def _blot(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        start = text.casefold().find(secret.casefold())
        while start >= 0:
            text = text[:start] + BLOT + text[start + len(secret) :]
            start = text.casefold().find(secret.casefold(), start + len(BLOT))
    return text


def published_conditions(sector: str | None = None, year: int | None = None) -> list[Any]:
    """Conditions for what is public: published, with the exit certificate in force."""
    conditions: list[Any] = [
        col(TypicalCase.status) == TypicalCaseStatus.PUBLISHED,
        col(TypicalCase.case_id) == col(Case.id),
        col(Certificate.case_id) == col(Case.id),
        col(Certificate.kind) == CertificateKind.EXIT,
        col(Certificate.status) == CertificateStatus.ACTIVE,
    ]
    if sector:
        conditions.append(col(TypicalCase.sector) == sector)
    if year is not None:
        if not is_year(year):  # beyond them the bounds below are no dates at all
            raise ValidationFailed.single("year", N_("Enter a year such as 2026."))
        start = datetime.combine(date(year, 1, 1), time(), BEIJING)
        end = datetime.combine(date(year + 1, 1, 1), time(), BEIJING)
        conditions += [col(TypicalCase.published_at) >= start, col(TypicalCase.published_at) < end]
    return conditions


@dataclass(frozen=True)
class PublicPage:
    rows: list[TypicalCasePublic]
    total: int


def list_published(
    session: Session, *, sector: str | None = None, year: int | None = None, query: str = "", page: int = 1,
    per_page: int = 20, base_url: str | None = None,
) -> PublicPage:  # fmt: skip
    """Published typical cases, newest first; the search looks at the public text only."""
    conditions = published_conditions(sector, year)
    if query.strip():
        conditions.append(text_matches(query, *(getattr(TypicalCase, name) for name in TEXT_FIELDS)))
    total = session.exec(
        select(func.count()).select_from(TypicalCase, Case, Certificate).where(*conditions)
    ).one()
    rows = session.exec(
        select(TypicalCase, Case).where(*conditions)
        .order_by(col(TypicalCase.published_at).desc(), col(TypicalCase.id).desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()  # fmt: skip
    return PublicPage([public_view(session, tc, case, base_url=base_url) for tc, case in rows], total)


def get_published(session: Session, typical_id: int, *, base_url: str | None = None) -> TypicalCasePublic:
    """One published typical case; 404 for anything not public (proposed, withdrawn, revoked certificate)."""
    row = session.exec(
        select(TypicalCase, Case).where(col(TypicalCase.id) == typical_id, *published_conditions())
    ).first()
    if row is None:
        raise NotFound()
    return public_view(session, row[0], row[1], base_url=base_url)


def collections(session: Session, *, sector: str | None = None) -> list[tuple[str, int, int]]:
    """(sector, year, number of cases) of every collection with a published case, newest year first."""
    counts: dict[tuple[str, int], int] = {}
    rows = session.exec(
        select(TypicalCase.sector, TypicalCase.published_at).where(*published_conditions(sector))
    ).all()
    for row_sector, published_at in rows:
        key = (row_sector, published_at.astimezone(BEIJING).year)  # type: ignore[union-attr]
        counts[key] = counts.get(key, 0) + 1
    return sorted(((s, y, n) for (s, y), n in counts.items()), key=lambda item: (-item[1], item[0]))


def collection_entry(view: TypicalCasePublic) -> CollectionEntry:
    """The PDF's entry for a public view: the same facts, the dates written out."""
    published = view.published_at.astimezone(BEIJING).date().isoformat() if view.published_at else None
    period = None
    if "trial_period" not in view.hidden and view.trial_start and view.trial_end:
        period = f"{view.trial_start.isoformat()} 至 to {view.trial_end.isoformat()}"
    written: dict[str, Any] = {
        "trial_period": period,
        "exit_date": view.exit_date.isoformat() if view.exit_date else None,
        "published_on": published,
    }
    same = (item.name for item in fields(CollectionEntry) if item.name not in written)
    return CollectionEntry(**{name: getattr(view, name) for name in same}, **written)


def collection_pdf(session: Session, *, sector: str, year: int) -> bytes:
    """The printable collection of one sector and year (404 when nothing was published then)."""
    pack = default_sector_packs().get(sector)
    if pack is None or not is_year(year):
        raise NotFound()
    settings = settings_of(session)
    rows = session.exec(
        select(TypicalCase, Case).where(*published_conditions(sector, year))
        .order_by(col(TypicalCase.published_at), col(TypicalCase.id))
    ).all()  # fmt: skip
    if not rows:
        raise NotFound()
    views = [public_view(session, tc, case, base_url=settings.trust.base) for tc, case in rows]
    collection = Collection(
        sector_zh=pack.zh, sector_en=pack.en, year=year, issuer_zh=ISSUER_NAMES["zh-CN"],
        issuer_en=ISSUER_NAMES["en"], entries=tuple(collection_entry(view) for view in views),
    )  # fmt: skip
    return render_collection_pdf(collection, font=find_cjk_font(settings.font_path))
