"""The rows behind generated demo cases, shaped column for column like those the services write.

`EnterpriseRows` adds enterprises with one applicant and one eligibility declaration each, as
registration does. `CaseRows` turns dated walks (`demo_bulk_paths`) into case, history, plan-version,
document and publication-consent rows, chaining each history with `services.history.event_hash`, and
writes them with Core executemany. Used only by `demo_bulk`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import insert
from sqlmodel import Session

from sandbox.demo.bulk_paths import Walk
from sandbox.demo.cases import CONSUMER_PROTECTION, EXIT_PLAN, PROJECTS, RISK_CONTROLS, demo_boundaries
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.models.accounts import EligibilityDeclaration, Enterprise, Role, User
from sandbox.models.cases import Case, CaseEvent, PlanVersion
from sandbox.models.documents import Document
from sandbox.models.enterprise_size import SizeDeclaration
from sandbox.models.publication import PublicationConsent
from sandbox.services.accounts.passwords import hash_password
from sandbox.services.case_events.history import GENESIS, event_hash
from sandbox.services.common.filing import filing_order
from sandbox.validators import uscc_check_character
from workflows.assessment import RiskLevel
from workflows.calendar import CLOCK_PAUSED_STATES
from workflows.enterprise_size import FEN_PER_WAN, Figures, classify
from workflows.states import CaseState, Event

USCC_PREFIX = "91110302MB"  # Beijing E-Town enterprises, an organisation-code range of their own
NAME_PARTS = ("智行", "数衡", "云启", "星链", "睿图", "安数", "恒信", "联科", "博远", "精测", "瀚海", "智元")
PLACES = ("荣华中路", "科创十三街", "景园北街", "宏达北路", "地盛西路", "经海路")
PHASES = ("一期", "二期", "三期", "扩展试点", "多场景验证")
PLAN = {"duration_months": 6, "risk_controls": RISK_CONTROLS, "exit_plan": EXIT_PLAN,
        "consumer_protection": CONSUMER_PROTECTION}  # fmt: skip
# (employees, operating revenue in 万元) of generated software firms: micro, small ×3, micro, medium, large.
BULK_FIGURES = ((6, 40), (25, 300), (40, 800), (60, 900), (9, 120), (150, 3000), (500, 20000))
ReserveIds = Callable[[Session, str, int], list[int]]


class EnterpriseRows:
    """Registers generated enterprises with their applicants, many at once."""

    def __init__(self, session: Session, reserve: ReserveIds) -> None:
        self.session, self.reserve = session, reserve

    def add(self, count: int, *, now: datetime) -> list[tuple[int, int]]:
        """Add `count` enterprises; return (enterprise id, applicant id) of each."""
        taken = self.session.execute(
            Enterprise.__table__.select().with_only_columns(Enterprise.__table__.c.id)  # type: ignore[attr-defined]
            .where(Enterprise.__table__.c.uscc.like(f"{USCC_PREFIX}%"))  # type: ignore[attr-defined]
        ).all()  # fmt: skip
        start = len(taken) + 1
        enterprise_ids = self.reserve(self.session, "enterprise", count)
        user_ids = self.reserve(self.session, "user", count)
        # One hash for all: they share the demo password.
        password_hash = hash_password(self.session, DEMO_PASSWORD)
        at = now - timedelta(days=800)
        enterprises, users, declarations, sizes = [], [], [], []
        for offset, (enterprise_id, user_id) in enumerate(zip(enterprise_ids, user_ids, strict=True)):
            number = start + offset
            body = f"{USCC_PREFIX}{number:07d}"
            name = f"北京亦庄{NAME_PARTS[number % 12]}{NAME_PARTS[number // 12 % 12]}科技有限公司（{number}）"
            enterprises.append({
                "id": enterprise_id, "name": name, "uscc": body + uscc_check_character(body),
                "registered_address": f"北京市北京经济技术开发区{PLACES[number % 6]}{number % 90 + 1}号",
                "in_zone": True, "legal_representative": "张建华", "contact_name": "王晓明",
                "contact_phone": "010-67880000", "created_at": at,
            })  # fmt: skip
            users.append({
                "id": user_id, "email": f"bulk{number}@demo.sandbox", "password_hash": password_hash,
                "display_name": f"{NAME_PARTS[number % 12]}申报专员", "role": Role.APPLICANT, "active": True,
                "enterprise_id": enterprise_id, "organisation_id": None, "locale": "zh",
                "session_nonce": f"bulk{number:027d}", "created_at": at,
                "last_login_at": None,
            })  # fmt: skip
            declarations.append({
                "enterprise_id": enterprise_id, "no_major_penalty": True, "no_criminal_record": True,
                "not_seriously_dishonest": True, "declared_by_id": user_id, "declared_at": at,
            })  # fmt: skip
            # Sizes spread like the zone's: mostly micro and small, some medium, a few large (software).
            employees, revenue_wan = BULK_FIGURES[number % len(BULK_FIGURES)]
            figures = Figures(employees, revenue_wan * FEN_PER_WAN)
            sizes.append({
                "enterprise_id": enterprise_id, "version": 1, "year": at.year - 1, "industry": "software",
                "employees": employees, "operating_revenue_fen": figures.revenue_fen,
                "total_assets_fen": None,
                "size": classify("software", figures), "declared_by_id": user_id, "declared_at": at,
            })  # fmt: skip
        connection = self.session.connection()
        tables = ((Enterprise, enterprises), (User, users), (EligibilityDeclaration, declarations),
                  (SizeDeclaration, sizes))  # fmt: skip
        for model, rows in tables:
            if rows:
                connection.execute(insert(model.__table__), rows)  # type: ignore[union-attr]
        return list(zip(enterprise_ids, user_ids, strict=True))


@dataclass
class CaseRows:
    """One batch of generated cases, collected and then written together."""

    cast: Any
    document: tuple[str, int]
    now: datetime
    today: date
    items: list[tuple[Walk, dict[str, Any]]] = field(default_factory=list)
    finishing: list[tuple[int, Walk, int, int]] = field(default_factory=list)
    events: int = 0

    def __len__(self) -> int:
        return len(self.items)

    @staticmethod
    def boundaries(pack: Any) -> dict[str, Any]:
        return demo_boundaries(pack)

    def add(
        self, path: Walk, *, sector: str, applicant: tuple[int, int], index: int, rng: random.Random
    ) -> None:
        _, title, categories, objectives = PROJECTS[sector][1:]
        title = f"{title}（{PLACES[index % len(PLACES)]}{PHASES[index // 7 % len(PHASES)]}·{index + 1}）"
        first = path.steps[0].at if path.steps else self.now - timedelta(days=rng.uniform(0, 60))
        created = first - timedelta(days=rng.uniform(1, 10))
        officer = rng.choice(self.cast.regulators).id
        info = {"sector": sector, "title": title, "categories": list(categories), "objectives": objectives,
                "enterprise_id": applicant[0], "applicant_id": applicant[1], "officer_id": officer,
                "created": created}  # fmt: skip
        self.items.append((path, info))

    def accepted(self) -> list[tuple[int, datetime]]:
        """(item number, time of accept_filing) of every case whose filing was accepted."""
        return [
            (number, step.at)
            for number, (path, _) in enumerate(self.items)
            for step in path.steps
            if step.event is Event.ACCEPT_FILING
        ]

    def write(self, session: Session, case_ids: list[int], numbers: dict[int, str]) -> None:
        """Insert the batch: cases, histories, plan versions, documents, consents (one executemany each)."""
        tables: dict[Any, list[dict[str, Any]]] = {
            Case: [], CaseEvent: [], PlanVersion: [], Document: [], PublicationConsent: []
        }  # fmt: skip
        for number, ((path, info), case_id) in enumerate(zip(self.items, case_ids, strict=True)):
            plan = dict(PLAN, objectives=info["objectives"], boundaries=path.boundaries)
            head = self._history(tables, case_id, path, info, plan, numbers.get(number))
            for kind, filename, role, step_index in path.documents:
                uploader = self.cast.assessor.id if role == "assessor" else info["applicant_id"]
                uploaded = path.steps[step_index].at - timedelta(hours=20)
                tables[Document].append(
                    dict(case_id=case_id, kind=kind, filename=filename, version=1,
                         content_type="application/pdf", size=self.document[1], sha256=self.document[0],
                         uploaded_by_id=uploader, uploaded_at=uploaded)
                )  # fmt: skip
            if path.consent and path.steps:
                given = path.steps[0].at - timedelta(hours=1)
                tables[PublicationConsent].append(
                    dict(case_id=case_id, fields=list(path.consent), given_by_id=info["applicant_id"],
                         given_at=given)
                )  # fmt: skip
            tables[Case].append(self._case_row(case_id, path, info, plan, head, numbers.get(number)))
            if path.finish is not None:
                self.finishing.append((case_id, path, info["applicant_id"], info["officer_id"]))
        self.events = len(tables[CaseEvent])
        connection = session.connection()
        for model, rows in tables.items():
            if rows:
                connection.execute(insert(model.__table__), rows)

    def _history(
        self, tables: dict[Any, list[dict[str, Any]]], case_id: int, path: Walk, info: dict[str, Any],
        plan: dict[str, Any], filing: str | None,
    ) -> str:  # fmt: skip
        """Add the case's events, chained as `services.history` chains them, and its plan versions."""
        head, frozen = GENESIS, 0
        actors = {
            "applicant": (info["applicant_id"], "applicant"),
            "officer": (info["officer_id"], "regulator"),
        }
        for seq, step in enumerate(path.steps, start=1):
            payload = dict(step.payload)
            if step.event in (Event.SUBMIT, Event.RESUBMIT):
                frozen += 1
                payload = {"planVersion": frozen}
                tables[PlanVersion].append(
                    dict(case_id=case_id, number=frozen, title=info["title"],
                         data_categories=info["categories"], plan=plan, frozen_at=step.at,
                         frozen_by_id=info["applicant_id"])
                )  # fmt: skip
            elif step.event is Event.ACCEPT_FILING:
                payload = {"filingNumber": filing}
            actor_id, role = actors[step.actor]
            row = dict(case_id=case_id, seq=seq, event=step.event.value, from_state=step.from_state,
                       to_state=step.to_state, actor_id=actor_id, actor_role=role, note=step.note,
                       payload=payload, created_at=step.at, prev_hash=head)  # fmt: skip
            head = row["hash"] = event_hash(head, cast(CaseEvent, SimpleNamespace(**row)))
            tables[CaseEvent].append(row)
        return head

    def _case_row(
        self, case_id: int, path: Walk, info: dict[str, Any], plan: dict, head: str, filing: str | None
    ) -> dict[str, Any]:
        created = info["created"]
        accepted = filing is not None
        risk = path.risk or {}
        entered = path.steps[path.stage_entered].at if path.stage_entered >= 0 else created
        overdue = bool(
            path.stage_due and path.stage_due < self.today and path.state not in CLOCK_PAUSED_STATES
        )
        return {
            "id": case_id, "enterprise_id": info["enterprise_id"], "created_by_id": info["applicant_id"],
            "title": info["title"], "sector": info["sector"], "data_categories": info["categories"],
            "plan": plan, "commitment_accepted_by_id": info["applicant_id"],
            "commitment_accepted_at": created + timedelta(hours=1), "state": path.state,
            "hold_return_state": path.hold_return_state, "decision_state": path.decision_state,
            "version": 2 + int(accepted) + len(path.steps), "filing_number": filing,
            "filing_order": filing_order(filing),
            "case_officer_id": info["officer_id"] if accepted else None,
            "assessor_org_id": self.cast.lab_id if accepted else None, "legal_org_id": None,
            "risk_answers": risk.get("answers", {}),
            "risk_level": RiskLevel(risk["level"]) if risk else None, "risk_level_reason": None,
            "conditions": list(risk.get("conditions", [])),
            "trial_boundaries": risk.get("boundaries", {}), "trial_start": path.trial_start,
            "trial_end": path.trial_end, "stage_entered_at": entered, "stage_due": path.stage_due,
            "stage_due_provisional": path.stage_due_provisional, "paused_days_left": path.paused_days_left,
            "overdue": overdue, "event_count": len(path.steps), "history_head": head, "created_at": created,
            "updated_at": path.steps[-1].at if path.steps else created + timedelta(hours=1),
        }  # fmt: skip


__all__ = ["CaseRows", "CaseState", "EnterpriseRows"]
