"""Demo data, created idempotently: people, cases in every state, consents, vouchers, disputes, typical cases.

`flask --app sandbox demo` calls `seed`; each step skips what already exists.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session

from sandbox.demo.cases import seed_cases
from sandbox.demo.disputes import seed_disputes
from sandbox.demo.people import ENTERPRISES, seed_people
from sandbox.demo.publication import seed_publication_consents
from sandbox.demo.typical import seed_typical_cases
from sandbox.demo.vouchers import seed_vouchers
from sandbox.services.accounts import accounts


def seed(session: Session, *, storage: Path, today: date) -> list[tuple[str, str, str]]:
    """Create what is missing and return (role, e-mail, password) for every demo login."""
    logins = seed_people(session)
    first_applicant = accounts.find_user_by_email(session, ENTERPRISES[0][0])
    seed_cases(session, storage=storage, today=today, first_applicant=first_applicant)  # type: ignore[arg-type]
    seed_publication_consents(session)
    seed_vouchers(session, storage=storage, today=today)
    seed_disputes(session, storage=storage, today=today)
    seed_typical_cases(session)
    return logins
