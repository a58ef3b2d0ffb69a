"""Mediation agreements (调解协议书) of contract disputes: recording the terms, each party's confirmation,
and the agreement as a PDF.

A contract dispute is between the case's enterprise (the first party: any of its applicant users acts for
it) and the counter-party the dispute names, a service-provider organisation (any of its users acts for
it). When mediation settles it fully or partly, the mediator — a legal partner of the organisation the
dispute is assigned to — records the agreed items and further terms; each party then confirms exactly
those terms with one step (who and when are kept; confirming twice changes nothing). Terms are fixed once
a party has confirmed. With both confirmations the agreement is ready for the parties to apply for
judicial confirmation (司法确认) at the Internet Court. Each step is written into the dispute's messages
and the other side is notified.

Only the two parties and the dispute's mediation organisation see the agreement; a regulator, who may see
the dispute, is refused (403); anyone else, or any dispute that is not a contract dispute, is 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import field_validator
from sqlmodel import Field, Session, SQLModel, col, select

from certificates.pdf.fonts import find_cjk_font
from sandbox.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Enterprise, Organisation, Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute, DisputeKind, DisputeMessage, MediationAgreement
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.cases.cases import nfc
from sandbox.services.common.notifications import notify
from sandbox.services.common.settings import settings_of
from sandbox.services.common.validation import validate
from sandbox.services.legal.agreement_pdf import AgreementFacts, Confirmation, render_agreement
from sandbox.services.legal.disputes import DEFAULT_COURT
from sandbox.services.legal.records import can_view

AGREED_OUTCOMES = frozenset({"settled", "partially_settled"})
OUTCOME_ZH = {"settled": "调解成功", "partially_settled": "部分达成"}
ENTERPRISE, COUNTERPARTY, MEDIATOR = "enterprise", "counterparty", "mediator"
MAX_ITEMS = 50


class AgreementInput(SQLModel):
    items: list[str] = Field(description="The agreed items, one per entry (a text is split into lines).")
    terms: str = Field(default="", max_length=10000)

    @field_validator("items", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.splitlines()
        if isinstance(value, list):
            return [item.strip() for item in value if isinstance(item, str) and item.strip()]
        return value


@dataclass(frozen=True)
class AgreementView:
    dispute: Dispute
    case: Case
    agreement: MediationAgreement | None
    side: str  # enterprise | counterparty | mediator


def side_of(actor: User, dispute: Dispute, case: Case) -> str | None:
    """Which side of a contract dispute `actor` acts for, if any."""
    if (
        actor.role is Role.APPLICANT
        and actor.enterprise_id is not None
        and actor.enterprise_id == case.enterprise_id
    ):
        return ENTERPRISE
    if (
        actor.role is Role.SERVICE_PROVIDER
        and dispute.counterparty_org_id is not None
        and actor.organisation_id == dispute.counterparty_org_id
    ):
        return COUNTERPARTY
    if actor.role is Role.LEGAL_PARTNER and actor.organisation_id == dispute.organisation_id:
        return MEDIATOR
    return None


def find_agreement(session: Session, dispute_id: int) -> MediationAgreement | None:
    return session.exec(select(MediationAgreement).where(MediationAgreement.dispute_id == dispute_id)).first()


def get_agreement(session: Session, *, actor: User, dispute_id: int) -> AgreementView:
    """The agreement of a contract dispute for a party or the mediator; 403 for a regulator, else 404."""
    dispute = session.get(Dispute, dispute_id)
    case = session.get(Case, dispute.case_id) if dispute else None
    if dispute is None or case is None or dispute.kind is not DisputeKind.CONTRACT:
        raise NotFound()
    side = side_of(actor, dispute, case)
    if side is None:
        if actor.active and can_view(actor, dispute, case):
            raise PermissionDenied()
        raise NotFound()
    return AgreementView(dispute, case, find_agreement(session, dispute_id), side)


def is_ready(agreement: MediationAgreement | None) -> bool:
    """Both parties confirmed: ready for judicial confirmation at the Internet Court."""
    return bool(agreement and agreement.enterprise_confirmed_at and agreement.counterparty_confirmed_at)


def record_terms(
    session: Session,
    *,
    actor: User,
    dispute_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> MediationAgreement:
    """The mediator records (or, before anyone confirmed, corrects) the agreed items and terms."""
    view = get_agreement(session, actor=actor, dispute_id=dispute_id)
    dispute, agreement = view.dispute, view.agreement
    if view.side != MEDIATOR:
        raise PermissionDenied()
    if dispute.outcome not in AGREED_OUTCOMES:
        raise Conflict(N_("An agreement is recorded once mediation has settled the dispute fully or partly."))
    given = validate(AgreementInput, nfc(dict(data)))
    if not given.items:
        raise ValidationFailed.single("items", N_("List at least one agreed item."))
    if len(given.items) > MAX_ITEMS or any(len(item) > 500 for item in given.items):
        raise ValidationFailed.single("items", N_("At most 50 items of at most 500 characters each."))
    if agreement is not None:
        if agreement.enterprise_confirmed_at or agreement.counterparty_confirmed_at:
            raise Conflict(N_("A party has confirmed these terms; they can no longer be changed."))
        if expected_version is not None and expected_version != agreement.version:
            raise Conflict(N_("This agreement was changed by someone else; reload it and try again."))
        agreement.version += 1
    else:
        agreement = MediationAgreement(dispute_id=dispute_id, mediator_id=actor.id)  # type: ignore[arg-type]
    agreement.items, agreement.terms = given.items, given.terms.strip()
    agreement.mediator_id, agreement.recorded_at = actor.id, utcnow()  # type: ignore[assignment]
    session.add(agreement)
    session.flush()
    count = len(given.items)
    _note(session, dispute, actor, f"【调解协议】调解员已记录调解协议条款，共{count}项，请双方当事人确认。\n"
          f"Mediation agreement: the mediator recorded {count} agreed item(s); both parties are asked to "
          "confirm.")  # fmt: skip
    _tell(session, view, actor, N_("The mediation agreement on “%(title)s” is ready for your confirmation."))
    return agreement


def confirm(session: Session, *, actor: User, dispute_id: int) -> MediationAgreement:
    """A party confirms the agreement as recorded; confirming again changes nothing."""
    view = get_agreement(session, actor=actor, dispute_id=dispute_id)
    agreement = view.agreement
    if view.side not in (ENTERPRISE, COUNTERPARTY):
        raise PermissionDenied()
    if agreement is None:
        raise Conflict(N_("The mediator has not recorded the agreement's terms yet."))
    prefix = "enterprise" if view.side == ENTERPRISE else "counterparty"
    if getattr(agreement, f"{prefix}_confirmed_at") is not None:
        return agreement
    setattr(agreement, f"{prefix}_confirmed_by_id", actor.id)
    setattr(agreement, f"{prefix}_confirmed_at", utcnow())
    agreement.version += 1
    session.add(agreement)
    session.flush()
    party = party_names(session, view)[view.side]
    text = f"【调解协议】{party}（{actor.display_name}）已确认调解协议。\n{party} confirmed the agreement."
    if is_ready(agreement):
        text += ("\n双方当事人均已确认，可向北京互联网法院申请司法确认。\n"
                 "Both parties confirmed: ready for judicial confirmation.")  # fmt: skip
    _note(session, view.dispute, actor, text)
    _tell(
        session, view, actor, N_("%(party)s confirmed the mediation agreement on “%(title)s”."), party=party
    )
    return agreement


def party_names(session: Session, view: AgreementView) -> dict[str, str]:
    enterprise = session.get(Enterprise, view.case.enterprise_id)
    counterparty = (
        session.get(Organisation, view.dispute.counterparty_org_id)
        if view.dispute.counterparty_org_id
        else None
    )
    return {
        ENTERPRISE: enterprise.name if enterprise else "—",
        COUNTERPARTY: counterparty.name if counterparty else "—",
    }


def _note(session: Session, dispute: Dispute, actor: User, body: str) -> None:
    assert dispute.id is not None and actor.id is not None  # both rows are stored
    session.add(
        DisputeMessage(dispute_id=dispute.id, author_id=actor.id, author_role=actor.role.value, body=body)
    )
    session.flush()


def _people(session: Session, view: AgreementView) -> list[User]:
    """Everyone who acts for a side of the agreement, and the dispute's handler (or its organisation)."""
    dispute, case = view.dispute, view.case
    mediators = (
        (User.id == dispute.assignee_id)
        if dispute.assignee_id
        else (User.organisation_id == dispute.organisation_id)
    )
    statement = (
        select(User)
        .where(User.active)
        .where(
            ((col(User.role) == Role.APPLICANT) & (User.enterprise_id == case.enterprise_id))
            | (
                (col(User.role) == Role.SERVICE_PROVIDER)
                & (User.organisation_id == (dispute.counterparty_org_id or -1))
            )
            | ((col(User.role) == Role.LEGAL_PARTNER) & mediators)
        )
    )
    return list(session.exec(statement.order_by(col(User.id))).all())


def _tell(session: Session, view: AgreementView, actor: User, msgid: str, **params: str) -> None:
    """Notify the other side (and the mediator) — never the acting side's own colleagues twice over."""
    acting = side_of(actor, view.dispute, view.case)
    recipients = [user for user in _people(session, view) if side_of(user, view.dispute, view.case) != acting]
    notify(session, recipients=recipients, kind="mediation_agreement", case=view.case, msgid=msgid,
           params={"title": view.case.title, "dispute": view.dispute.id, **params})  # fmt: skip


def agreement_pdf(session: Session, *, actor: User, dispute_id: int) -> tuple[str, bytes]:
    """The agreement as a PDF for a party or the mediator; 409 before its terms are recorded."""
    view = get_agreement(session, actor=actor, dispute_id=dispute_id)
    agreement, dispute, case = view.agreement, view.dispute, view.case
    if agreement is None:
        raise Conflict(N_("The mediator has not recorded the agreement's terms yet."))
    names = party_names(session, view)
    enterprise = session.get(Enterprise, case.enterprise_id)
    mediator = session.get(User, agreement.mediator_id)
    organisation = session.get(Organisation, dispute.organisation_id)
    people = {
        user.id: user.display_name
        for user in session.exec(
            select(User).where(
                col(User.id).in_(
                    [agreement.enterprise_confirmed_by_id or -1, agreement.counterparty_confirmed_by_id or -1]
                )
            )
        ).all()
    }
    facts = AgreementFacts(
        number=f"TJXY-{beijing_today(agreement.recorded_at).year}-{dispute.id:04d}",
        enterprise=names[ENTERPRISE],
        enterprise_uscc=enterprise.uscc if enterprise else "—",
        counterparty=names[COUNTERPARTY],
        matter=dispute.claim,
        outcome_zh=OUTCOME_ZH.get(dispute.outcome or "", "调解成功"),
        items=tuple(agreement.items),
        terms=agreement.terms,
        mediator=mediator.display_name if mediator else "—",
        organisation=organisation.name if organisation else "—",
        recorded_on=beijing_today(agreement.recorded_at),
        case_ref=f"{case.title}，备案编号 {case.filing_number or '—'}",
        court=DEFAULT_COURT,
        confirmations=(
            Confirmation(
                f"甲方 {names[ENTERPRISE]}",
                people.get(agreement.enterprise_confirmed_by_id or -1),
                agreement.enterprise_confirmed_at,
            ),
            Confirmation(
                f"乙方 {names[COUNTERPARTY]}",
                people.get(agreement.counterparty_confirmed_by_id or -1),
                agreement.counterparty_confirmed_at,
            ),
        ),  # fmt: skip
    )
    pdf = render_agreement(facts, font=find_cjk_font(settings_of(session).font_path))
    return f"mediation-agreement-dispute-{dispute.id}.pdf", pdf
