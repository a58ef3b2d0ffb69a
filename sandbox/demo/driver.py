"""Bring a case to any state by firing the real events in order: the one case driver of demo and tests.

`ROUTES` says which events lead a new case to each state; `CaseDriver` has one method per event, which
does first what the workflow asks for (the case officer assigned, the lab's verification conclusion, the
exit evaluation scored, the incident reported) and then fires it with the words of its `Words`. How a call
reaches the application is the subclass's: `ServiceDriver` calls the services (the demo's seeded cases,
the last real steps of the generated ones, the tests' builders), the tests' `CaseFlow` calls the JSON API.
People are named by their part — "applicant", "regulator", "regulator2", "assessor" — in `users`; the
testing lab and the mediation centre by `lab_id` and `centre_id`. No Flask.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from sandbox.models.accounts import User
from sandbox.models.cases import Case
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases import cases, documents, trial, verification
from sandbox.services.cases.calendar import beijing_today
from workflows.assessment import derive_risk_level
from workflows.evaluation import ALL_SCORED
from workflows.sectors import SectorPack, default_sector_packs
from workflows.states import CaseState, Event

S, E = CaseState, Event
_TESTING = (E.SUBMIT, E.ACCEPT_FILING, E.COMPLETE_RISK_ASSESSMENT, E.PASS_VERIFICATION)
ROUTES: dict[CaseState, tuple[Event, ...]] = {
    S.DRAFT: (),
    S.SUBMITTED: (E.SUBMIT,),
    S.AMENDMENT_REQUESTED: (E.SUBMIT, E.REQUEST_AMENDMENT),
    S.RISK_ASSESSMENT: (E.SUBMIT, E.ACCEPT_FILING),
    S.TECHNICAL_VERIFICATION: (E.SUBMIT, E.ACCEPT_FILING, E.COMPLETE_RISK_ASSESSMENT),
    S.TESTING: _TESTING,
    S.SUSPENDED: (*_TESTING, E.SUSPEND),
    S.EXIT_EVALUATION: (*_TESTING, E.REQUEST_EXIT),
    S.EXITED: (*_TESTING, E.REQUEST_EXIT, E.APPROVE_EXIT),
    S.DISPUTE: (E.SUBMIT, E.REJECT, E.RAISE_DISPUTE),
    S.LIABILITY_EXEMPTION: (*_TESTING, E.APPLY_EXEMPTION),
    S.REJECTED: (E.SUBMIT, E.REJECT),
    S.WITHDRAWN: (E.SUBMIT, E.WITHDRAW),
    S.TERMINATED: (*_TESTING, E.TERMINATE),
}
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Words:
    """What the people say and choose along the way (the demo's words by default)."""

    notes: dict[Event, str] = field(
        default_factory=lambda: {
            E.REQUEST_AMENDMENT: "请补充数据出境情况说明及第三方合作协议。",
            E.ACCEPT_FILING: "材料齐全，予以备案。",
            E.REJECT: "项目不属于数据监管沙盒支持范围，且未提供数据来源合法性说明。",
            E.COMPLETE_RISK_ASSESSMENT: "风险评估完成。",
            E.PASS_VERIFICATION: "技术验证通过。",
            E.SUSPEND: "监测发现测试活动超出批准的测试边界。",
            E.REQUEST_EXIT: "测试目标已达成，申请出盒评估。",
            E.APPROVE_EXIT: "经复核，同意出盒。",
            E.RAISE_DISPUTE: "对驳回决定不服，申请调解。",
            E.APPLY_EXEMPTION: "申请试错免责。",
            E.WITHDRAW: "企业业务调整，主动撤回申请。",
            E.TERMINATE: "测试中发生未报告的数据泄露事件。",
        }
    )
    conditions: tuple[str, ...] = ("每月报送一次数据使用情况报告", "发生安全事件两小时内报告沙盒办公室")
    trial_days: int = 150
    verification: str = "各项技术指标符合测试方案要求，安全措施有效。"
    mitigation_order: str = "立即停止越界作业，三日内提交整改报告。"
    wind_down_order: str = "十日内停止数据处理并完成用户告知。"
    claim: str = "驳回理由所称材料缺失与事实不符，相关材料已于提交时上传。"
    incident: tuple[str, str] = ("无人机偏航事件", "强风导致一架无人机短时偏离航线，已按预案返航。")
    good_faith: str = "事件发生时严格执行了测试方案与应急预案，并在两小时内报告。"
    # Once the trial starts: the enterprise's first periodic report and the office's first guidance.
    first_report: tuple[str, str] | None = ("第一个月测试报告", "测试按计划进行，未发生安全事件。")
    guidance: str | None = "请在每周一报送上周数据访问日志摘要。"
    evaluation: str = "测试目标达成，风险控制措施有效，建议准予出盒。"


class CaseDriver(ABC):
    """Fires the events of `ROUTES[state]`, each prepared as the workflow asks; subclasses make the calls."""

    words = Words()
    # The office assigns the case officer and chooses the testing lab when it accepts the filing; the
    # officer may not approve the exit, so a second regulator does.
    assign_officer = True
    approver = "regulator2"
    users: dict[str, User]
    lab_id: int | None
    centre_id: int | None

    # --- the calls, made by the subclass -------------------------------------------------------------
    @abstractmethod
    def fire(self, who: str, event: str, note: str = "", **data: Any) -> Any:
        ...

    @abstractmethod
    def upload(self, who: str, kind: str, name: str) -> Any:
        ...

    @abstractmethod
    def conclude(self) -> Any:
        """Submit the testing lab's verification conclusion ("passed") with its report, as the assessor."""
        ...

    @abstractmethod
    def assign(self, **fields: Any) -> Any:
        """Set the case's officer or testing lab, as the regulator."""
        ...

    @abstractmethod
    def file_report(self, who: str, **data: Any) -> int:
        """File a trial report; return its id."""
        ...

    @abstractmethod
    def issue_guidance(self, text: str) -> Any:
        ...

    @abstractmethod
    def evaluate(self) -> Any:
        """Score the exit evaluation, as the assessor."""
        ...

    @abstractmethod
    def sector_pack(self) -> SectorPack:
        ...

    @abstractmethod
    def plan_boundaries(self) -> dict[str, Any]:
        ...

    def today(self) -> date:
        return beijing_today()

    # --- the route ------------------------------------------------------------------------------------
    def drive(self, state: CaseState | str) -> None:
        """Fire the events that bring the (draft) case to `state`."""
        for event in ROUTES[CaseState(state)]:
            self.step(event)

    def step(self, event: Event | str) -> None:
        """Fire `event`, after what the workflow asks for first (the method named after it)."""
        getattr(self, Event(event).value)()

    def _fire(self, who: str, event: Event, **data: Any) -> Any:
        return self.fire(who, event.value, self.words.notes.get(event, ""), **data)

    def submit(self) -> None:
        self._fire("applicant", E.SUBMIT)

    def request_amendment(self) -> None:
        self._fire("regulator", E.REQUEST_AMENDMENT)

    def accept_filing(self) -> None:
        if self.assign_officer:
            self.assign(case_officer_id=self.users["regulator"].id)
        # The testing lab is chosen when the filing is accepted.
        self._fire("regulator", E.ACCEPT_FILING, assessor_org_id=self.lab_id)

    def reject(self) -> None:
        self._fire("regulator", E.REJECT)

    def withdraw(self) -> None:
        self._fire("applicant", E.WITHDRAW)

    def complete_risk_assessment(self) -> None:
        pack = self.sector_pack()
        answers = self.risk_answers(pack)
        self._fire(
            "regulator",
            E.COMPLETE_RISK_ASSESSMENT,
            answers=answers,
            risk_level=derive_risk_level(pack, answers).value,
            conditions=list(self.words.conditions),
            trial_boundaries=self.plan_boundaries(),
        )

    def risk_answers(self, pack: SectorPack) -> dict[str, str]:
        """Answer the sector's checklist: every third item "yes"."""
        return {item.id: ("yes" if index % 3 == 0 else "no") for index, item in enumerate(pack.risk_items)}

    def pass_verification(self) -> None:
        self.conclude()
        start = self.today()
        end = start + timedelta(days=self.words.trial_days)
        self._fire("regulator", E.PASS_VERIFICATION, trial_start=start.isoformat(), trial_end=end.isoformat())
        if self.words.first_report:
            title, body = self.words.first_report
            self.file_report("applicant", kind="periodic", title=title, body=body)
        if self.words.guidance:
            self.issue_guidance(self.words.guidance)

    def suspend(self) -> None:
        self._fire("regulator", E.SUSPEND, mitigation_order=self.words.mitigation_order)

    def terminate(self) -> None:
        self._fire("regulator", E.TERMINATE, wind_down_order=self.words.wind_down_order)

    def request_exit(self) -> None:
        self.upload("applicant", "self_assessment", "出盒自评估报告.pdf")
        self._fire("applicant", E.REQUEST_EXIT)

    def approve_exit(self) -> None:
        self.evaluate()
        self._fire(self.approver, E.APPROVE_EXIT)

    def raise_dispute(self) -> None:
        self._fire("applicant", E.RAISE_DISPUTE, legal_partner_org_id=self.centre_id, claim=self.words.claim)

    def apply_exemption(self) -> None:
        title, body = self.words.incident
        report = self.file_report(
            "applicant", kind="incident", title=title, body=body, occurred_on=self.today().isoformat()
        )
        self._fire(
            "applicant",
            E.APPLY_EXEMPTION,
            incident_id=report,
            legal_partner_org_id=self.centre_id,
            good_faith_explanation=self.words.good_faith,
        )


class ServiceDriver(CaseDriver):
    """Takes each step through the services (`apply_event` and the case services); the caller commits."""

    def __init__(
        self,
        session: Session,
        users: dict[str, User],
        *,
        lab_id: int | None = None,
        centre_id: int | None = None,
        storage: Path | None = None,
        today: date | None = None,
        words: Words | None = None,
        case: Case | None = None,
    ) -> None:
        self.session, self.users, self.lab_id, self.centre_id = session, users, lab_id, centre_id
        self.storage, self.day = storage, today
        self.words = words or self.words
        self.case = case

    def create(self, *, title: str, sector: str, data_categories: list[str], plan: dict[str, Any]) -> Case:
        """Create the applicant's draft case, its commitment statement accepted."""
        applicant = self.users["applicant"]
        data = {"title": title, "sector": sector, "data_categories": data_categories, "plan": plan}
        self.case = cases.create_case(self.session, actor=applicant, data=data)
        cases.update_case(
            self.session,
            actor=applicant,
            case_id=self.case_id,
            data={"accept_commitment": True},
            expected_version=None,
        )
        return self.case

    @property
    def case_id(self) -> int:
        assert self.case is not None and self.case.id is not None
        return self.case.id

    def today(self) -> date:
        return self.day or beijing_today()

    def sector_pack(self) -> SectorPack:
        assert self.case is not None
        return default_sector_packs()[self.case.sector]

    def plan_boundaries(self) -> dict[str, Any]:
        assert self.case is not None
        return self.case.plan["boundaries"]

    def fire(self, who: str, event: str, note: str = "", **data: Any) -> Any:
        return apply_event(
            self.session,
            actor=self.users[who],
            case_id=self.case_id,
            event=event,
            note=note,
            data=data,
            today=self.day,
        )

    def upload(self, who: str, kind: str, name: str) -> Any:
        assert self.storage is not None, "uploads need the storage folder"
        return documents.upload_document(
            self.session,
            actor=self.users[who],
            case_id=self.case_id,
            kind=kind,
            filename=name,
            data=PDF,
            storage=self.storage,
        )

    def conclude(self) -> Any:
        assert self.storage is not None, "the report needs the storage folder"
        return verification.submit_conclusion(
            self.session,
            actor=self.users["assessor"],
            case_id=self.case_id,
            data={"result": "passed", "summary": self.words.verification},
            filename="技术验证报告.pdf",
            content=PDF,
            storage=self.storage,
        )

    def assign(self, **fields: Any) -> Any:
        return cases.update_case(
            self.session,
            actor=self.users["regulator"],
            case_id=self.case_id,
            data=fields,
            expected_version=None,
        )

    def file_report(self, who: str, **data: Any) -> int:
        report = trial.file_report(self.session, actor=self.users[who], case_id=self.case_id, data=data)
        assert report.id is not None
        return report.id

    def issue_guidance(self, text: str) -> Any:
        return trial.issue_guidance(
            self.session, actor=self.users["regulator"], case_id=self.case_id, data={"text": text}
        )

    def evaluate(self) -> Any:
        scores = {dimension.id: 5 for dimension in ALL_SCORED} | {"service_quality": 4}
        return trial.add_evaluation(
            self.session,
            actor=self.users["assessor"],
            case_id=self.case_id,
            data={"scores": scores, "conclusion": self.words.evaluation},
        )
