"""The public registry (备案项目公示): projects whose filing was accepted, as anyone may see them.

Always public — the office's own register entries: filing number, sector, current stage, filing year,
and for an exited project its exit date and whether its certificate is in force, suspended or revoked.
The certificate itself (number, link, the date of a suspension or revocation) appears only where the
enterprise consented to its name being published, since the certificate names it; everything else only
if the enterprise consented to that field (`services.publication`). Entries are built from the consented
fields alone, so a page or an API response cannot show what it was never given, and search looks only
at the text an entry shows: a search for hidden text finds nothing. No login, so no actor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from certificates.status import StatusPurpose
from sandbox.errors import NotFound
from sandbox.labels.wording import boundary_texts
from sandbox.models.accounts import Enterprise
from sandbox.models.cases import Case, CaseEvent, RiskLevel
from sandbox.models.certificates import (
    Certificate,
    CertificateKind,
    CertificateStatus,
    CertificateStatusChange,
)
from sandbox.services.cases import tallies
from sandbox.services.cases.calendar import BEIJING
from sandbox.services.common.filing import YEAR_SCALE
from sandbox.services.publication import registry_index
from sandbox.services.publication.consent import certificate_public, latest_consents
from workflows.sectors import default_sector_packs
from workflows.states import CaseState, Event

# A case leaves these states only through `accept_filing` (or rejection/withdrawal before it).
PUBLIC_STATES = tuple(state for state in CaseState if state not in (CaseState.DRAFT, CaseState.SUBMITTED))
FILING_NUMBER = re.compile(r"^[A-Z]+-(\d{4})-\d+$")
MAX_QUERY = 100


@dataclass(frozen=True)
class BoundaryFact:
    parameter: str
    label_zh: str
    label_en: str
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class TrialPeriod:
    start: date | None
    end: date | None
    planned_months: int | None


@dataclass(frozen=True)
class ExitFacts:
    """An exit as the registry shows it. The outcome (`status`) is always public; the certificate and the
    day its status changed only with the enterprise's name."""

    exited_on: date
    status: CertificateStatus
    certificate_id: str | None = None
    certificate_number: str | None = None
    status_changed_on: date | None = None


# The certificate's status as the registry names it (the outcome of an exited project), zh and en.
STATUS_NAMES: dict[CertificateStatus, tuple[str, str]] = {
    CertificateStatus.ACTIVE: ("有效", "In force"),
    CertificateStatus.SUSPENDED: ("已暂停", "Suspended"),
    CertificateStatus.REVOKED: ("已撤销", "Revoked"),
}


@dataclass(frozen=True)
class RegistryEntry:
    """One public entry. `published` holds only the consented facts, keyed by field name."""

    filing_number: str
    sector: str
    stage: CaseState
    filing_year: int | None
    exit: ExitFacts | None
    published: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def texts(self) -> list[str]:
        """The text this entry shows: what a search looks in (`registry_index`)."""
        texts = [self.filing_number, (self.exit.certificate_number or "") if self.exit else ""]
        for value in self.published.values():
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, list | tuple):
                texts.extend(item for item in value if isinstance(item, str))
                texts.extend(f"{b.text_zh} {b.text_en}" for b in value if isinstance(b, BoundaryFact))
        return [text for text in texts if text]


@dataclass(frozen=True)
class RegistryPage:
    entries: list[RegistryEntry]
    total: int
    page: int
    per_page: int


def _boundaries(case: Case) -> list[BoundaryFact]:
    """The approved trial boundaries, labelled and worded through the sector pack."""
    pack = default_sector_packs().get(case.sector)
    facts = []
    for param_id, value in case.trial_boundaries.items():
        param = pack.boundary(param_id) if pack else None
        if param is None:
            facts.append(BoundaryFact(param_id, param_id, param_id, str(value), str(value)))
        else:
            facts.append(BoundaryFact(param_id, param.zh, param.en, *boundary_texts(param, value)))
    return facts


# Field → how to read it. Only the consented fields are ever read.
FACTS: dict[str, Callable[[Case, Enterprise | None], Any]] = {
    "enterprise_name": lambda case, enterprise: enterprise.name if enterprise else None,
    "uscc": lambda case, enterprise: enterprise.uscc if enterprise else None,
    "title": lambda case, enterprise: case.title,
    "objectives": lambda case, enterprise: case.plan.get("objectives") or None,
    "data_categories": lambda case, enterprise: list(case.data_categories),
    "trial_boundaries": lambda case, enterprise: _boundaries(case),
    "trial_period": lambda case, enterprise: TrialPeriod(
        case.trial_start, case.trial_end, case.plan.get("duration_months")
    ),
    "risk_level": lambda case, enterprise: RiskLevel(case.risk_level).value if case.risk_level else None,
}


def _exit_facts(cert: Certificate, *, public: bool, changed: datetime | None) -> ExitFacts:
    raw = cert.credential.get("credentialSubject", {}).get("exitDate")
    try:
        exited_on = date.fromisoformat(raw)
    except (TypeError, ValueError):
        exited_on = cert.issued_at.astimezone(BEIJING).date()
    if not public:
        return ExitFacts(exited_on, cert.status)
    changed_on = changed.astimezone(BEIJING).date() if changed else None
    return ExitFacts(exited_on, cert.status, cert.id, cert.number, changed_on)


def _status_changes(session: Session, certs: Sequence[Certificate]) -> dict[str, datetime]:
    """When each suspended or revoked certificate got its current status: one query."""
    held = {cert.id: cert.status for cert in certs if cert.status is not CertificateStatus.ACTIVE}
    if not held:
        return {}
    rows = session.exec(
        select(CertificateStatusChange).where(
            col(CertificateStatusChange.certificate_id).in_(held), col(CertificateStatusChange.value)
        )
    ).all()
    purposes = {
        CertificateStatus.REVOKED: StatusPurpose.REVOCATION,
        CertificateStatus.SUSPENDED: StatusPurpose.SUSPENSION,
    }
    changed: dict[str, datetime] = {}
    for row in sorted(rows, key=lambda row: row.at):  # the newest change setting the status wins
        if purposes[held[row.certificate_id]] is row.purpose:
            changed[row.certificate_id] = row.at
    return changed


def _filing_year(session: Session, case: Case) -> int | None:
    match = FILING_NUMBER.match(case.filing_number or "")
    if match:
        return int(match.group(1))
    accepted = session.exec(
        select(CaseEvent.created_at).where(
            CaseEvent.case_id == case.id, CaseEvent.event == Event.ACCEPT_FILING.value
        )
    ).first()
    return accepted.astimezone(BEIJING).year if accepted else None


def build_entries(session: Session, rows: Sequence[Case]) -> list[RegistryEntry]:
    """Build the public entries of `rows` with one query per related table."""
    ids = [case.id for case in rows]
    consents = latest_consents(session, ids)  # type: ignore[arg-type]
    enterprise_ids = {
        case.enterprise_id
        for case in rows
        if {"enterprise_name", "uscc"} & set(consents.get(case.id, ()))  # type: ignore[arg-type]
    }
    enterprises = {
        e.id: e for e in session.exec(select(Enterprise).where(col(Enterprise.id).in_(enterprise_ids)))
    }
    certificates = {
        cert.case_id: cert
        for cert in session.exec(
            select(Certificate).where(
                col(Certificate.case_id).in_(ids), Certificate.kind == CertificateKind.EXIT
            )
        )
    }
    changed = _status_changes(session, list(certificates.values()))
    entries = []
    for case in rows:
        enterprise = enterprises.get(case.enterprise_id)
        fields = consents.get(case.id, ())  # type: ignore[arg-type]
        published = {name: FACTS[name](case, enterprise) for name in fields}
        cert = certificates.get(case.id)  # type: ignore[arg-type]
        exit_facts = None
        if cert is not None:
            exit_facts = _exit_facts(cert, public=certificate_public(fields), changed=changed.get(cert.id))
        entries.append(
            RegistryEntry(
                filing_number=case.filing_number or "",
                sector=case.sector,
                stage=case.state,
                filing_year=_filing_year(session, case),
                exit=exit_facts,
                published=MappingProxyType(published),
            )
        )
    return entries


def entry_texts(session: Session, rows: Sequence[Case]) -> list[list[str]]:
    """What each case's public entry shows, as the search index keeps it (`registry_index`)."""
    return [entry.texts() for entry in build_entries(session, rows)]


def _conditions(sector: str | None, state: CaseState | None, year: int | None) -> list[Any]:
    # Every filing number has its order (`filing.filing_order`): the filing-order indexes alone answer.
    conditions: list[Any] = [col(Case.filing_order).is_not(None)]
    if sector:
        conditions.append(Case.sector == sector)
    if state is not None:
        conditions.append(Case.state == state)
    if year is not None:
        conditions.append(col(Case.filing_order) >= year * YEAR_SCALE)
        conditions.append(col(Case.filing_order) < (year + 1) * YEAR_SCALE)
    return conditions


def _page_rows(session: Session, conditions: list[Any], start: int, per_page: int) -> list[Case]:
    """One page of cases, newest filing first (by number: YZSB-2026-10000 before YZSB-2026-9999). The
    offset is walked over a filing-order index, and only the page's rows are read in full."""
    ids = session.exec(
        select(Case.id)
        .where(*conditions)
        .order_by(col(Case.filing_order).desc())
        .offset(start)
        .limit(per_page)
    ).all()
    if not ids:
        return []
    position = {case_id: index for index, case_id in enumerate(ids)}  # the database's order
    rows = session.exec(select(Case).where(col(Case.id).in_(ids))).all()
    return sorted(rows, key=lambda case: position[case.id])


def registry_entries(
    session: Session,
    *,
    sector: str | None = None,
    state: CaseState | None = None,
    year: int | None = None,
    query: str = "",
    page: int = 1,
    per_page: int = 20,
) -> RegistryPage:
    """Return one page of public entries, newest filing first, filtered and searched.

    The total comes from the tallies without a search (`tallies.registered`), and from the search index
    with one (`registry_index`): the index holds only what the entries show, so hidden text cannot match.
    """
    conditions = _conditions(sector, state, year)
    needle = registry_index.clean_needle(query[:MAX_QUERY])
    start = (page - 1) * per_page
    if needle:
        registry_index.sync(session)  # this transaction's own changes
        matching = registry_index.matching_cases(session, needle)
        conditions.append(matching.condition(Case.id))
        if sector or state is not None or year is not None:
            total = session.exec(select(func.count()).select_from(Case).where(*conditions)).one()
        elif matching.found is not None:
            total = len(matching.found)
        else:  # the index holds registry entries only: count its postings, no case rows
            total = session.exec(select(func.count()).select_from(matching.ids.subquery())).one()
    else:
        total = tallies.registered(session, sector=sector, state=state, year=year)
    rows = _page_rows(session, conditions, start, per_page) if start < total else []
    return RegistryPage(build_entries(session, rows), total, page, per_page)


def registry_entry(session: Session, filing_number: str) -> RegistryEntry:
    """Return the public entry with this filing number; NotFound unless the filing was accepted."""
    number = filing_number.strip().upper()
    case = session.exec(select(Case).where(Case.filing_number == number)).first() if number else None
    if case is None:
        raise NotFound()
    return build_entries(session, [case])[0]


def registry_years(session: Session) -> list[int]:
    """Return the filing years present in the registry, newest first."""
    return tallies.registered_years(session)


def registry_sector_counts(session: Session) -> dict[str, int]:
    """Return how many public entries each sector has."""
    return tallies.registered_by_sector(session)
