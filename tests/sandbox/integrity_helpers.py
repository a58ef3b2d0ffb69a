"""Whole-database invariants that must hold after any load or fault: a consistent transparency log,
certificates whole (row, log entry and voucher together or not at all), intact case histories, vouchers
whose balance is their ledger's sum, and serial numbers that never repeat or skip.

Each check raises AssertionError naming what is wrong; the tests call them after the servers stop.
"""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import Session, col, select

from certificates.log.merkle import hash_leaf, root
from certificates.log.store import entry_leaf
from sandbox.models.cases import Case
from sandbox.models.certificates import (
    Certificate,
    CertificateKind,
    LogCheckpoint,
    LogEntry,
    LogHead,
    LogNode,
)
from sandbox.models.vouchers import Redemption, Voucher, VoucherStatus
from sandbox.services.case_events import history
from sandbox.services.vouchers import ledger as voucher_ledger
from workflows.redemptions import HOLDING


def check_log(session: Session) -> int:
    """Entries 0..n-1 without gaps, leaf hashes recomputed from the entries, one checkpoint per size
    whose root is the Merkle root of the entries below it, and every issue entry naming a certificate
    that exists with that digest (and every certificate named by its entry). Returns the log size."""
    session.expire_all()
    head = session.get(LogHead, 1)
    size = head.size if head else 0
    entries = session.exec(select(LogEntry).order_by(col(LogEntry.index))).all()
    assert [e.index for e in entries] == list(range(size)), "log entries have gaps or extra rows"
    leaves = []
    for entry in entries:
        leaf = hash_leaf(entry_leaf(entry.entry))
        assert leaf.hex() == entry.leaf_hash, f"entry {entry.index}: leaf hash does not match the entry"
        leaves.append(leaf)
    top_nodes = session.exec(select(func.count()).select_from(LogNode).where(LogNode.level == 0)).one()
    assert top_nodes == size, f"{top_nodes} leaf nodes for a log of {size}"
    checkpoints = session.exec(select(LogCheckpoint).order_by(col(LogCheckpoint.size))).all()
    assert [c.size for c in checkpoints] == list(range(1, size + 1)), "a checkpoint is missing or extra"
    for checkpoint in checkpoints:
        expected = root(leaves[: checkpoint.size]).hex()
        assert checkpoint.root_hash == expected, f"checkpoint {checkpoint.size} has the wrong root"
    certificates = {c.id: c for c in session.exec(select(Certificate)).all()}
    issued = [e for e in entries if e.kind == "issue"]
    for entry in issued:
        cert = certificates.get(entry.entry["certId"])
        assert cert is not None, f"log entry {entry.index} names certificate {entry.entry['certId']}: no row"
        assert cert.log_index == entry.index and cert.credential_sha256 == entry.entry["credentialSha256"]
    assert len(issued) == len(certificates), "a certificate has no log entry"
    return size


def check_certificates_whole(session: Session) -> list[Certificate]:
    """Every certificate has its log entry (see check_log), a stored PDF digest, and for an exit its
    voucher; every voucher has its certificate; certificate numbers are unique and gap-free per year."""
    session.expire_all()
    certificates = list(session.exec(select(Certificate)).all())
    for cert in certificates:
        assert len(cert.pdf_sha256) == 64 and cert.pdf_size > 0, f"{cert.number} has no PDF"
        if cert.kind is CertificateKind.EXIT:
            voucher = session.exec(select(Voucher).where(Voucher.certificate_id == cert.id)).first()
            assert voucher is not None, f"{cert.number} has no voucher row"
    orphans = session.exec(
        select(Voucher.id).where(col(Voucher.certificate_id).not_in(select(Certificate.id)))
    ).all()
    assert not orphans, f"vouchers without a certificate: {orphans}"
    assert_gap_free([c.number for c in certificates], "certificate")
    return certificates


def check_histories(session: Session) -> int:
    """Every case's hash chain verifies; returns how many cases were checked."""
    session.expire_all()
    checked, breaks = history.verify_all(session)
    assert breaks == [], breaks
    assert checked == session.exec(select(func.count()).select_from(Case)).one()
    return checked


def check_vouchers(session: Session) -> int:
    """Every voucher's balance equals its ledger's sum and its amount less what its open, approved and
    settled redemptions hold; returns how many vouchers were checked."""
    session.expire_all()
    vouchers = session.exec(select(Voucher)).all()
    for voucher in vouchers:
        assert voucher.balance_fen == voucher_ledger.ledger_sum(session, voucher.id), voucher.id
        if voucher.status is VoucherStatus.REFUSED:
            continue
        held = session.exec(
            select(func.coalesce(func.sum(Redemption.amount_fen), 0)).where(
                Redemption.voucher_id == voucher.id, col(Redemption.status).in_(HOLDING)
            )
        ).one()
        assert voucher.balance_fen == voucher.amount_fen - held >= 0, voucher.id
    return len(vouchers)


def check_filing_numbers(session: Session) -> int:
    session.expire_all()
    numbers = session.exec(select(Case.filing_number).where(col(Case.filing_number).is_not(None))).all()
    assert_gap_free(list(numbers), "filing")
    return len(numbers)


def assert_gap_free(numbers: list[str], what: str) -> None:
    """Numbers like PREFIX-YEAR-0001: unique, and per prefix and year exactly 1..n."""
    assert len(numbers) == len(set(numbers)), f"duplicate {what} numbers"
    series: dict[str, list[int]] = {}
    for number in numbers:
        match = re.fullmatch(r"([A-Z]+-\d{4})-(\d{4,})", number)
        assert match is not None, number
        series.setdefault(match[1], []).append(int(match[2]))
    for name, serials in series.items():
        assert sorted(serials) == list(range(1, len(serials) + 1)), f"{what} numbers {name}-… skip"
