"""Who finds which certificate by listing them: the publication-consent rule of the public listing.

A certificate names the enterprise and its USCC, so callers without an account list only certificates
whose enterprise consented to its name being published (`services.publication.name_published`), exit
certificates and exemption decisions alike. An applicant also lists its own enterprise's; regulators
and admins list every one. Listing is not verifying: whoever holds a certificate's id, QR code or number
still fetches and verifies it (`services.certificates.get_certificate`, `services.verification`).
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col

from sandbox.models.accounts import Role, User
from sandbox.models.certificates import Certificate
from sandbox.services.publication.consent import name_published
from sandbox.services.trust.certificates import Page, list_certificates

SEES_ALL = frozenset({Role.REGULATOR, Role.ADMIN})


def list_visible(session: Session, *, actor: User | None, page: int, per_page: int) -> Page:
    """Certificates `actor` (None: anyone) may find by listing, newest first."""
    if actor is not None and actor.active and actor.role in SEES_ALL:
        return list_certificates(session, page=page, per_page=per_page)
    public = name_published(Certificate.case_id)
    if actor is not None and actor.active and actor.role is Role.APPLICANT and actor.enterprise_id:
        public = or_(public, col(Certificate.enterprise_id) == actor.enterprise_id)
    return list_certificates(session, page=page, per_page=per_page, where=public)
