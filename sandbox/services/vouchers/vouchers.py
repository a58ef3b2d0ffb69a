"""Vouchers: issuing (or refusing, with the reason) one per certificate, freezing with the certificate,
expiry with notices, and what each role may see.

`issue_voucher` runs in `approve_exit`'s transaction right after `issue_certificate`, still under the
log lock taken for the certificate, so the annual cap and budget checks see every earlier issuance.
A refusal never blocks the exit: the certificate is issued and the voucher row records status `refused`
and why, for the regulator to see.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_, NotFound, PermissionDenied
from sandbox.models.accounts import EligibilityDeclaration, Enterprise, Role, User
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate
from sandbox.models.enterprise_size import SizeDeclaration
from sandbox.models.voucher_policy import VoucherPolicyDocument
from sandbox.models.vouchers import LedgerKind, RefusalCode, Voucher, VoucherStatus
from sandbox.services.accounts.size_declarations import latest_size
from sandbox.services.common.notifications import case_people, notify
from sandbox.services.vouchers import codes as voucher_codes
from sandbox.services.vouchers import ledger as voucher_ledger
from sandbox.services.vouchers import other_support
from sandbox.services.vouchers import policy as voucher_policy
from workflows.calendar import add_months
from workflows.enterprise_size import SIZE_LABELS, EnterpriseSize

REFUSAL_MESSAGES = {
    RefusalCode.OUTSIDE_ZONE: N_("The enterprise is not registered in the zone."),
    RefusalCode.DECLARATION_MISSING: N_("The enterprise has not made the eligibility declarations."),
    RefusalCode.DECLARATION_NEGATIVE: N_(
        "The enterprise's eligibility declarations are not all affirmative."
    ),
    RefusalCode.ANNUAL_CAP: N_(
        "The enterprise's annual cap of %(cap)s yuan would be exceeded "
        "(already issued this year: %(used)s yuan)."
    ),
    RefusalCode.BUDGET: N_(
        "The programme's %(year)s budget of %(budget)s yuan would be exceeded "
        "(already issued: %(used)s yuan)."
    ),
    RefusalCode.POLICY_ENDED: N_("The voucher policy ended on %(end)s."),
    RefusalCode.SIZE_UNDECLARED: N_(
        "The enterprise has not declared its size (industry, employees, revenue) for the SME standard."
    ),
    RefusalCode.SIZE_NOT_COVERED: N_(
        "The voucher policy covers %(covered)s; the enterprise's declared size is %(size)s."
    ),
    RefusalCode.OTHER_SUPPORT_HIGHER: N_(
        "Other support for the same project (%(programme)s, %(other)s yuan) is not lower than the "
        "voucher (%(amount)s yuan): the higher one applies, not both."
    ),
}
COUNTED = (VoucherStatus.ACTIVE, VoucherStatus.FROZEN, VoucherStatus.EXPIRED, VoucherStatus.AWAITING_FORGO)


def yuan(fen: int) -> str:
    """Format integer fen as yuan with two decimals (no floats involved)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def expiry_for(policy: VoucherPolicyDocument, issued_on: date) -> date:
    """The last day a voucher issued on `issued_on` may be redeemed."""
    return min(add_months(issued_on, policy.validity_months) - timedelta(days=1), policy.policy_end)


def _issued_sum(session: Session, year: int, enterprise_id: int | None = None) -> int:
    statement = select(func.coalesce(func.sum(Voucher.amount_fen), 0)).where(
        Voucher.year == year, col(Voucher.status).in_(COUNTED)
    )
    if enterprise_id is not None:
        statement = statement.where(Voucher.enterprise_id == enterprise_id)
    return session.exec(statement).one()


def size_refusal(
    policy: VoucherPolicyDocument, declaration: SizeDeclaration | None
) -> tuple[RefusalCode, dict[str, Any]] | None:
    """Return why the policy's size rule refuses the enterprise's newest size declaration, or None."""
    if declaration is None:
        return RefusalCode.SIZE_UNDECLARED, {}
    if not policy.covers(declaration.size):
        # Kept with the refusal as words in both languages ("微型企业 (micro)"), readable on any page.
        covered = "、".join(_size_words(size) for size in policy.eligible_sizes)
        return RefusalCode.SIZE_NOT_COVERED, {"covered": covered, "size": _size_words(declaration.size)}
    return None


def _size_words(size: EnterpriseSize) -> str:
    return f"{SIZE_LABELS[size][0]} ({size.value})"


def refusal_for(
    session: Session, policy: VoucherPolicyDocument, enterprise: Enterprise, amount: int, today: date
) -> tuple[RefusalCode, dict[str, Any]] | None:
    """Return why a voucher of `amount` may not be issued to `enterprise` today, or None."""
    if today > policy.policy_end:
        return RefusalCode.POLICY_ENDED, {"end": policy.policy_end.isoformat()}
    if not enterprise.in_zone:
        return RefusalCode.OUTSIDE_ZONE, {}
    size = size_refusal(policy, latest_size(session, enterprise_id=enterprise.id))  # type: ignore[arg-type]
    if size is not None:
        return size
    declaration = session.exec(
        select(EligibilityDeclaration)
        .where(EligibilityDeclaration.enterprise_id == enterprise.id)
        .order_by(col(EligibilityDeclaration.declared_at).desc(), col(EligibilityDeclaration.id).desc())
    ).first()
    if declaration is None:
        return RefusalCode.DECLARATION_MISSING, {}
    if not (
        declaration.no_major_penalty
        and declaration.no_criminal_record
        and declaration.not_seriously_dishonest
    ):
        return RefusalCode.DECLARATION_NEGATIVE, {}
    used = _issued_sum(session, today.year, enterprise.id)
    if used + amount > policy.enterprise_annual_cap_fen:
        return RefusalCode.ANNUAL_CAP, {"cap": yuan(policy.enterprise_annual_cap_fen), "used": yuan(used)}
    spent = _issued_sum(session, today.year)
    budget = policy.budget_for(today.year)
    if spent + amount > budget:
        return RefusalCode.BUDGET, {"year": today.year, "budget": yuan(budget), "used": yuan(spent)}
    return None


def issue_voucher(session: Session, *, certificate: Certificate, case: Case, today: date) -> Voucher:
    """Issue the voucher of a new certificate, or record why it is refused (never raises a refusal).

    The amount is the policy's for the sector, risk level and the enterprise's newest declared size
    (recorded on the voucher). Other support declared for the project is weighed last: a higher one
    refuses the voucher, a lower one leaves it awaiting the enterprise's confirmation that it forgoes it.
    """
    version, policy = voucher_policy.current_policy(session)
    enterprise = session.get(Enterprise, case.enterprise_id)
    assert enterprise is not None
    risk = str(case.risk_level) if case.risk_level else None
    declaration = latest_size(session, enterprise_id=enterprise.id)  # type: ignore[arg-type]
    amount = policy.amount_for(case.sector, risk)
    if declaration is not None:
        amount = policy.amount_for_size(case.sector, risk, declaration.size)
    voucher = Voucher(
        certificate_id=certificate.id,
        case_id=case.id,  # type: ignore[arg-type]
        enterprise_id=enterprise.id,  # type: ignore[arg-type]
        sector=case.sector,
        risk_level=risk,
        year=today.year,
        issued_on=today,
        policy_version=version,
        status=VoucherStatus.ACTIVE,
        size_declaration_id=declaration.id if declaration else None,
        enterprise_size=declaration.size.value if declaration else None,
    )
    refusal = refusal_for(session, policy, enterprise, amount, today)
    weighing = other_support.weigh(session, case=case, voucher_amount=amount)
    if refusal is None and weighing.other_wins:
        highest = weighing.highest
        assert highest is not None
        refusal = RefusalCode.OTHER_SUPPORT_HIGHER, {
            "programme": other_support.programme_label(highest.programme),
            "other": yuan(highest.amount_fen), "amount": yuan(amount),
        }  # fmt: skip
    if refusal is not None:
        voucher.status, (voucher.refusal_code, voucher.refusal_params) = VoucherStatus.REFUSED, refusal
        session.add(voucher)
        session.flush()
        notify(
            session,
            recipients=case_people(session, case, Role.APPLICANT, Role.REGULATOR),
            kind="voucher_refused",
            params={"number": certificate.number},
            case=case,
            msgid=N_(
                "No innovation service voucher was issued with certificate %(number)s; "
                "the voucher page gives the reason."
            ),
        )
        return voucher
    voucher.code, voucher.amount_fen = voucher_codes.new_code(), amount
    voucher.expires_on = expiry_for(policy, today)
    if weighing.highest is not None:
        # The voucher is higher: usable once the enterprise confirms it forgoes the other support.
        voucher.status = VoucherStatus.AWAITING_FORGO
        voucher.refusal_params = weighing.payload()
        session.add(voucher)
        session.flush()
        notify(
            session,
            recipients=case_people(session, case, Role.APPLICANT, Role.REGULATOR),
            kind="voucher_awaiting_forgo",
            msgid=N_(
                "A voucher of %(amount)s yuan was issued with certificate %(number)s. It is higher than the "
                "other support declared for the project (%(programme)s, %(other)s yuan); confirm on the "
                "voucher page that you forgo that support to use the voucher."
            ),
            params={
                "amount": yuan(amount), "number": certificate.number,
                "programme": other_support.programme_label(weighing.highest.programme),
                "other": yuan(weighing.highest.amount_fen),
            },  # fmt: skip
            case=case,
        )
        return voucher
    session.add(voucher)
    session.flush()
    voucher_ledger.move(session, voucher, kind=LedgerKind.ISSUE, amount_fen=amount)
    notify(
        session,
        recipients=case_people(session, case, Role.APPLICANT),
        kind="voucher_issued",
        msgid=N_("An innovation service voucher of %(amount)s yuan was issued, valid until %(expires)s."),
        params={"amount": yuan(amount), "expires": voucher.expires_on.isoformat()},
        case=case,
    )
    return voucher


def voucher_decision(voucher: Voucher) -> dict[str, Any]:
    """What the case history keeps of a voucher decision at exit."""
    return {
        "status": voucher.status.value,
        "amountFen": voucher.amount_fen,
        "policyVersion": voucher.policy_version,
        "sizeDeclarationId": voucher.size_declaration_id,
        "enterpriseSize": voucher.enterprise_size,
        "refusalCode": voucher.refusal_code.value if voucher.refusal_code else None,
        "refusalParams": dict(voucher.refusal_params or {}),
    }


def freeze(session: Session, *, voucher: Voucher, reason: str) -> None:
    """Freeze an active voucher (its certificate was suspended or revoked)."""
    if voucher.status is VoucherStatus.ACTIVE:
        voucher.status, voucher.frozen_reason = VoucherStatus.FROZEN, reason[:2000]
        session.add(voucher)
        session.flush()


def unfreeze(session: Session, *, voucher: Voucher, today: date) -> None:
    """Unfreeze a frozen voucher (its certificate was reinstated); past its expiry it becomes expired."""
    if voucher.status is VoucherStatus.FROZEN:
        expired = voucher.expires_on is not None and today > voucher.expires_on
        voucher.status = VoucherStatus.EXPIRED if expired else VoucherStatus.ACTIVE
        voucher.frozen_reason = None
        session.add(voucher)
        session.flush()


def follow_certificate(
    session: Session, *, certificate: Certificate, action: str, reason: str, today: date
) -> None:
    """Apply a certificate status change to its voucher: revoke/suspend freeze, reinstate unfreezes."""
    voucher = voucher_ledger.lock_voucher(session, certificate_id=certificate.id)
    if voucher is None:
        return
    if action in ("revoke", "suspend"):
        freeze(session, voucher=voucher, reason=reason)
    elif action == "reinstate":
        unfreeze(session, voucher=voucher, today=today)


def expire_due(session: Session, *, today: date) -> tuple[list[Voucher], list[Voucher]]:
    """Mark vouchers past their last day expired and remind holders `reminder_days` before; idempotent.

    Returns (newly expired, reminded).
    """
    _, policy = voucher_policy.current_policy(session)
    live = (VoucherStatus.ACTIVE, VoucherStatus.FROZEN)
    expired = list(
        session.exec(
            select(Voucher).where(col(Voucher.status).in_(live), col(Voucher.expires_on) < today)
        ).all()
    )
    for voucher in expired:
        voucher.status = VoucherStatus.EXPIRED
        session.add(voucher)
        _tell_holders(
            session,
            voucher,
            "voucher_expired",
            f"voucher-expired:{voucher.id}",
            N_("Your innovation service voucher %(code)s expired on %(expires)s."),
        )
    horizon = today + timedelta(days=policy.reminder_days)
    due = list(
        session.exec(
            select(Voucher).where(
                Voucher.status == VoucherStatus.ACTIVE,
                col(Voucher.expires_on) >= today,
                col(Voucher.expires_on) <= horizon,
                Voucher.balance_fen > 0,
            )
        ).all()
    )
    reminded = [
        v
        for v in due
        if _tell_holders(
            session,
            v,
            "voucher_expiring",
            f"voucher-expiring:{v.id}",
            N_(
                "Your innovation service voucher %(code)s expires on %(expires)s; "
                "%(balance)s yuan are unused."
            ),
        )
    ]
    session.flush()
    return expired, reminded


def _tell_holders(session: Session, voucher: Voucher, kind: str, dedupe_key: str, msgid: str) -> bool:
    case = session.get(Case, voucher.case_id)
    assert case is not None and voucher.expires_on is not None
    params = {
        "code": voucher.code,
        "expires": voucher.expires_on.isoformat(),
        "balance": yuan(voucher.balance_fen),
    }
    return bool(
        notify(
            session,
            recipients=case_people(session, case, Role.APPLICANT),
            kind=kind,
            msgid=msgid,
            params=params,
            case=case,
            dedupe_key=dedupe_key,
        )
    )


def can_view(actor: User | None, voucher: Voucher) -> bool:
    if actor is None or not actor.active:
        return False
    if actor.role is Role.REGULATOR:
        return True
    return actor.role is Role.APPLICANT and actor.enterprise_id == voucher.enterprise_id


def get_voucher(session: Session, *, actor: User, voucher_id: int) -> Voucher:
    """A voucher its enterprise or a regulator may see (404 for everyone else)."""
    voucher = session.get(Voucher, voucher_id)
    if voucher is None or not can_view(actor, voucher):
        raise NotFound()
    return voucher


def voucher_for_certificate(session: Session, *, actor: User, certificate_id: str) -> Voucher:
    voucher = session.exec(select(Voucher).where(Voucher.certificate_id == certificate_id)).first()
    if voucher is None or not can_view(actor, voucher):
        raise NotFound()
    return voucher


def vouchers_by_certificate(
    session: Session, *, actor: User, certificate_ids: list[str]
) -> dict[str, Voucher]:
    """The vouchers of these certificates that `actor` may see, by certificate id."""
    if not certificate_ids:
        return {}
    statement = select(Voucher).where(col(Voucher.certificate_id).in_(certificate_ids))
    return {row.certificate_id: row for row in session.exec(statement).all() if can_view(actor, row)}


def list_vouchers(
    session: Session, *, actor: User, page: int, per_page: int, status: str | None = None
) -> tuple[list[Voucher], int]:
    """The enterprise's own vouchers (applicants) or all of them (regulators), newest first."""
    statement = select(Voucher)
    if actor.role is Role.APPLICANT and actor.enterprise_id is not None:
        statement = statement.where(Voucher.enterprise_id == actor.enterprise_id)
    elif actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    if status in {s.value for s in VoucherStatus}:
        statement = statement.where(Voucher.status == VoucherStatus(status))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(Voucher.id).desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows.all()), total
