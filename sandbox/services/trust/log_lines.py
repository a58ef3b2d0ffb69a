"""The transparency log for people: each entry with the certificate it names, as far as consent allows.

Log entries hold certificate ids (`certId`), which mean nothing to a reader. The log browser shows the
certificate's number instead, but only where the certificate is publicly listed (its enterprise consented
to its name being published, `services.publication.name_published`): a withheld certificate's entry says
only that it is a certificate, with the entry's time, so the log makes it no easier to find than the
listing does. Imports no flask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from sandbox.models.certificates import Certificate, CertificateKind, LogEntry
from sandbox.services.publication.consent import name_published


@dataclass(frozen=True)
class LogLine:
    index: int
    kind: str  # "issue", "status" or "key"
    at: datetime
    certificate_kind: CertificateKind | None  # None: the entry names no certificate (a key event)
    number: str | None  # the certificate's number; None when it names none or is not public
    event: str | None  # a status change's action ("revoke", ...) or a key event ("create", ...)
    kid: str | None  # a key event's key id

    @property
    def withheld(self) -> bool:
        return self.certificate_kind is not None and self.number is None


def readable(session: Session, entries: Sequence[LogEntry]) -> list[LogLine]:
    """Describe `entries` for the public log browser (one query for the certificates they name)."""
    ids = {str(e.entry["certId"]) for e in entries if e.entry.get("certId")}
    found: dict[str, tuple[CertificateKind, str | None]] = {}
    if ids:
        statement = select(
            Certificate.id, Certificate.kind, Certificate.number, name_published(Certificate.case_id)
        )
        for cert_id, kind, number, public in session.exec(
            statement.where(col(Certificate.id).in_(ids))
        ).all():
            found[cert_id] = (CertificateKind(kind), number if public else None)
    lines = []
    for entry in entries:
        named = found.get(str(entry.entry.get("certId")))
        lines.append(
            LogLine(entry.index, entry.kind, entry.created_at, named[0] if named else None,
                    named[1] if named else None, entry.entry.get("event"),
                    entry.entry.get("kid") if entry.kind == "key" else None)
        )  # fmt: skip
    return lines
