"""The voucher ledger: the only writer of a voucher's balance, and the voucher row lock.

A money movement is one conditional `UPDATE voucher SET balance_fen = balance_fen + :delta WHERE …
AND balance_fen + :delta >= 0 RETURNING balance_fen` followed, in the same transaction, by the ledger
row carrying that `balance_after`: concurrent debits queue on the row lock and the second one sees the
first one's balance, so the balance can never go below zero, and the cached column always equals the
ledger's sum. Ledger rows are append-only: the ORM refuses to update or delete them.
"""

from __future__ import annotations

from sqlalchemy import event, func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from sandbox.errors import N_, Conflict, NotFound
from sandbox.models.vouchers import LedgerKind, Voucher, VoucherLedgerEntry, VoucherStatus


class AppendOnly(RuntimeError):
    """Raised when code tries to change or delete a ledger row."""


@event.listens_for(VoucherLedgerEntry, "before_update")
@event.listens_for(VoucherLedgerEntry, "before_delete")
def _refuse_change(_mapper, _connection, target) -> None:
    raise AppendOnly(f"voucher ledger entry {target.id} is append-only")


def lock_voucher(session: Session, **where: object) -> Voucher | None:
    """Lock and return the voucher matching `where` (code=… or id=…) for the rest of the transaction.

    PostgreSQL: SELECT … FOR UPDATE. SQLite: a no-op UPDATE first, which takes the database's write
    lock before anything is read, so the read below is current.
    """
    conditions = [getattr(Voucher, name) == value for name, value in where.items()]
    if session.get_bind().dialect.name != "postgresql":
        session.execute(update(Voucher).where(*conditions).values(id=Voucher.id))
    statement = select(Voucher).where(*conditions).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    return session.exec(statement).first()


def move(
    session: Session,
    voucher: Voucher,
    *,
    kind: LedgerKind,
    amount_fen: int,
    redemption_id: int | None = None,
    actor_id: int | None = None,
    require_active: bool = False,
) -> VoucherLedgerEntry:
    """Add `amount_fen` (negative for a hold) to the voucher's balance and append the ledger row."""
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise TypeError("amounts are integer fen")
    statement = update(Voucher).where(col(Voucher.id) == voucher.id)
    if amount_fen < 0:
        statement = statement.where(col(Voucher.balance_fen) + amount_fen >= 0)
    if require_active:
        statement = statement.where(col(Voucher.status) == VoucherStatus.ACTIVE)
    balance = session.execute(
        statement.values(balance_fen=col(Voucher.balance_fen) + amount_fen).returning(
            col(Voucher.balance_fen)
        )
    ).scalar_one_or_none()
    if balance is None:
        raise Conflict(N_("The voucher's balance is not enough for this amount."))
    set_committed_value(voucher, "balance_fen", balance)
    seq = session.exec(
        select(func.coalesce(func.max(VoucherLedgerEntry.seq), 0)).where(
            VoucherLedgerEntry.voucher_id == voucher.id
        )
    ).one()
    entry = VoucherLedgerEntry(
        voucher_id=voucher.id,  # type: ignore[arg-type]
        seq=seq + 1,
        kind=kind,
        amount_fen=amount_fen,
        balance_after=balance,
        redemption_id=redemption_id,
        actor_id=actor_id,
    )
    session.add(entry)
    session.flush()
    return entry


def ledger_sum(session: Session, voucher_id: int) -> int:
    """The balance as the ledger says it is (what the cached column must equal)."""
    return session.exec(
        select(func.coalesce(func.sum(VoucherLedgerEntry.amount_fen), 0)).where(
            VoucherLedgerEntry.voucher_id == voucher_id
        )
    ).one()


def entries(session: Session, voucher_id: int) -> list[VoucherLedgerEntry]:
    statement = (
        select(VoucherLedgerEntry)
        .where(VoucherLedgerEntry.voucher_id == voucher_id)
        .order_by(col(VoucherLedgerEntry.seq))
    )
    return list(session.exec(statement).all())


def require(voucher: Voucher | None) -> Voucher:
    if voucher is None:
        raise NotFound()
    return voucher
