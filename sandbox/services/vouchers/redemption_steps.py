"""Moving a redemption after its request: the voucher's holder confirms or declines it, the provider
withdraws it, the sandbox office approves, rejects and settles it, and the daily expiry run lapses what
is still open on an expired voucher. `workflows.redemptions` says which step goes where and whether it
gives the held amount back.

Every step locks the voucher row first (`voucher_ledger.lock_voucher`), then re-reads the redemption
and checks its status under that lock: of two people acting at once the second gets 409, and a held
amount is released exactly once. A releasing step writes its RELEASE ledger row in the same
transaction. Each step appends one `RedemptionStep` (never changed afterwards) and tells the parties
who must know (`NOTICES`, one entry per action).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import event, or_
from sqlmodel import Session, col, select

from sandbox.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Organisation, Role, User
from sandbox.models.base import utcnow
from sandbox.models.vouchers import (
    ApprovedProvider,
    LedgerKind,
    Redemption,
    RedemptionStep,
    Voucher,
    VoucherStatus,
)
from sandbox.services.common.notifications import notify
from sandbox.services.vouchers import ledger as voucher_ledger
from sandbox.services.vouchers.providers import provider_of
from sandbox.services.vouchers.reports import get_redemption
from sandbox.services.vouchers.vouchers import yuan
from workflows.errors import InvalidTransition
from workflows.redemptions import OPEN, REDEMPTION_STEPS, Party, RedemptionAction, next_status

A = RedemptionAction


@event.listens_for(RedemptionStep, "before_update")
@event.listens_for(RedemptionStep, "before_delete")
def _refuse_change(_mapper, _connection, target) -> None:
    raise voucher_ledger.AppendOnly(f"redemption step {target.id} is append-only")


@dataclass(frozen=True)
class Notice:
    party: Party
    kind: str
    msgid: str
    only_after_confirmation: bool = False  # the office hears only of what reached it


NOTICES: dict[RedemptionAction, tuple[Notice, ...]] = {
    A.CONFIRM: (
        Notice(Party.OFFICE, "redemption_requested", N_(
            "A voucher redemption of %(amount)s yuan, confirmed by the voucher's holder, awaits approval.")),
        Notice(Party.PROVIDER, "redemption_confirmed", N_(
            "The voucher's holder confirmed the redemption of contract %(contract)s; it now awaits the "
            "sandbox office.")),
    ),
    A.DECLINE: (
        Notice(Party.PROVIDER, "redemption_declined", N_(
            "The voucher's holder declined the redemption of contract %(contract)s: %(reason)s")),
    ),
    A.WITHDRAW: (
        Notice(Party.HOLDER, "redemption_withdrawn", N_(
            "The provider withdrew the redemption of contract %(contract)s; %(amount)s yuan are back on "
            "voucher %(code)s.")),
        Notice(Party.OFFICE, "redemption_withdrawn", N_(
            "The provider withdrew the redemption of contract %(contract)s before your decision."),
            only_after_confirmation=True),
    ),
    A.APPROVE: (
        Notice(Party.PROVIDER, "redemption_approved", N_(
            "Redemption of contract %(contract)s was approved.")),
        Notice(Party.HOLDER, "redemption_approved", N_(
            "The sandbox office approved the redemption of %(amount)s yuan from voucher %(code)s for "
            "contract %(contract)s.")),
    ),
    A.REJECT: (
        Notice(Party.PROVIDER, "redemption_rejected", N_(
            "Redemption of contract %(contract)s was rejected: %(reason)s")),
        Notice(Party.HOLDER, "redemption_rejected", N_(
            "The sandbox office rejected the redemption of contract %(contract)s; %(amount)s yuan are "
            "back on voucher %(code)s.")),
    ),
    A.SETTLE: (
        Notice(Party.PROVIDER, "redemption_settled", N_("Redemption of contract %(contract)s was settled.")),
    ),
    A.LAPSE: tuple(
        Notice(party, "redemption_lapsed", N_(
            "The redemption of contract %(contract)s lapsed because voucher %(code)s expired; %(amount)s "
            "yuan were released."))
        for party in (Party.PROVIDER, Party.HOLDER)
    ),
}  # fmt: skip


def act(
    session: Session,
    *,
    actor: User | None,
    redemption_id: int,
    action: str,
    today: date,
    reason: str = "",
    party: Party | None = None,
) -> Redemption:
    """Take `action` on a redemption as `actor` (None: the expiry run) and return it, moved on.

    `party`: the caller offers only that party's actions (a page or endpoint of the holder, say).
    """
    found = _visible(session, actor, redemption_id)  # first: another's redemption is "not found"
    try:
        chosen = RedemptionAction(action)
    except ValueError:
        chosen = None
    if chosen is None or (party is not None and REDEMPTION_STEPS[chosen].party is not party):
        raise ValidationFailed.single("action", N_("Choose one of the listed options."))
    step = REDEMPTION_STEPS[chosen]
    if party_of(session, actor, found) is not step.party:
        raise PermissionDenied()
    reason = unicodedata.normalize("NFC", (reason or "").strip())
    if step.reason_required and not reason:
        raise ValidationFailed.single("reason", N_("Give the reason; it is recorded with the change."))
    if len(reason) > 2000:
        raise ValidationFailed.single("reason", N_("At most %(count)s characters."), count=2000)
    voucher = voucher_ledger.require(voucher_ledger.lock_voucher(session, id=found.voucher_id))
    session.refresh(found)  # as it is now, under the voucher's lock
    try:
        target = next_status(found.status, chosen)
    except InvalidTransition:
        raise Conflict(
            N_("This redemption has moved on since you opened it; reload the page to see where it stands.")
        ) from None
    _check_voucher(chosen, voucher, today)
    before, found.status = found.status, target
    if step.releases:
        voucher_ledger.move(
            session, voucher, kind=LedgerKind.RELEASE, amount_fen=found.amount_fen,
            redemption_id=found.id, actor_id=actor.id if actor else None,
        )  # fmt: skip
    now = utcnow()
    if chosen is A.CONFIRM:
        found.confirmed_at = now
    elif step.party is Party.OFFICE and chosen is not A.SETTLE:
        found.decided_by_id, found.decided_at, found.reason = actor.id, now, reason or None  # type: ignore[union-attr]
    elif chosen is A.SETTLE:
        found.settled_by_id, found.settled_at = actor.id, now  # type: ignore[union-attr]
    session.add(found)
    session.add(
        RedemptionStep(
            redemption_id=found.id,  # type: ignore[arg-type]
            action=chosen, from_status=before, to_status=found.status,
            actor_id=actor.id if actor else None, reason=reason or None, at=now,
        )
    )  # fmt: skip
    session.flush()
    _tell(session, found, voucher, chosen, reason)
    return found


def _check_voucher(action: RedemptionAction, voucher: Voucher, today: date) -> None:
    expired = voucher.status is VoucherStatus.EXPIRED or (
        voucher.expires_on is not None and today > voucher.expires_on
    )
    if action in (A.CONFIRM, A.APPROVE) and expired:
        raise Conflict(
            N_("Voucher %(code)s expired on %(date)s; open requests on it are released, not paid."),
            code=voucher.code, date=voucher.expires_on.isoformat() if voucher.expires_on else "",
        )  # fmt: skip
    if action is A.APPROVE and voucher.status is VoucherStatus.FROZEN:
        raise Conflict(N_("The voucher is frozen; reject the redemption or wait until it is unfrozen."))
    if action is A.LAPSE and not expired:
        raise Conflict()


def lapse_expired(session: Session, *, today: date) -> list[Redemption]:
    """Lapse every open request on a voucher that has expired, giving its amount back; idempotent."""
    statement = (
        select(Redemption.id)
        .join(Voucher, col(Voucher.id) == Redemption.voucher_id)
        .where(
            col(Redemption.status).in_(OPEN),
            or_(col(Voucher.status) == VoucherStatus.EXPIRED, col(Voucher.expires_on) < today),
        )
        .order_by(col(Redemption.id))
    )
    lapsed = []
    for redemption_id in session.exec(statement).all():
        try:
            lapsed.append(act(session, actor=None, redemption_id=redemption_id, action=A.LAPSE, today=today))  # type: ignore[arg-type]
        except Conflict:
            continue  # someone acted on it meanwhile: it is no longer open
    return lapsed


def _visible(session: Session, actor: User | None, redemption_id: int) -> Redemption:
    if actor is None:
        found = session.get(Redemption, redemption_id)
        if found is None:
            raise NotFound()
        return found
    if not actor.active:
        raise PermissionDenied()
    return get_redemption(session, actor=actor, redemption_id=redemption_id)


def party_of(session: Session, actor: User | None, redemption: Redemption) -> Party | None:
    """Which party `actor` is to `redemption` (None: none of them)."""
    if actor is None:
        return Party.SYSTEM
    if actor.role is Role.REGULATOR:
        return Party.OFFICE
    if actor.role is Role.APPLICANT:
        voucher = session.get(Voucher, redemption.voucher_id)
        holder = voucher is not None and actor.enterprise_id == voucher.enterprise_id
        return Party.HOLDER if holder else None
    if actor.role is Role.SERVICE_PROVIDER:
        entry = provider_of(session, actor)
        return Party.PROVIDER if entry is not None and entry.id == redemption.provider_id else None
    return None


def holders(session: Session, voucher: Voucher) -> list[User]:
    """The active applicants of the voucher's enterprise."""
    statement = select(User).where(
        User.role == Role.APPLICANT, User.enterprise_id == voucher.enterprise_id, col(User.active)
    )
    return list(session.exec(statement.order_by(col(User.id))).all())


def _people(session: Session, party: Party, redemption: Redemption, voucher: Voucher) -> list[User]:
    if party is Party.HOLDER:
        return holders(session, voucher)
    if party is Party.OFFICE:
        statement = select(User).where(User.role == Role.REGULATOR, col(User.active))
        return list(session.exec(statement.order_by(col(User.id))).all())
    entry = session.get(ApprovedProvider, redemption.provider_id)
    statement = select(User).where(
        User.role == Role.SERVICE_PROVIDER,
        User.organisation_id == (entry.organisation_id if entry else -1),
        col(User.active),
    )
    return list(session.exec(statement.order_by(col(User.id))).all())


def notice_params(
    redemption: Redemption, *, voucher: Voucher, provider: Organisation | None, reason: str = ""
) -> dict[str, Any]:
    """What every redemption notice may mention, and the redemption it links to."""
    return {
        "contract": redemption.contract_number,
        "amount": yuan(redemption.amount_fen),
        "code": voucher.code,
        "provider": provider.name if provider else "—",
        "reason": reason or "—",
        "redemption_id": redemption.id,
    }


def _tell(
    session: Session, found: Redemption, voucher: Voucher, action: RedemptionAction, reason: str
) -> None:
    entry = session.get(ApprovedProvider, found.provider_id)
    organisation = session.get(Organisation, entry.organisation_id) if entry else None
    params = notice_params(found, voucher=voucher, provider=organisation, reason=reason)
    for notice in NOTICES[action]:
        if notice.only_after_confirmation and found.confirmed_at is None:
            continue
        notify(
            session,
            recipients=_people(session, notice.party, found, voucher),
            kind=notice.kind,
            msgid=notice.msgid,
            params=params,
        )
