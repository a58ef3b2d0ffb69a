"""The histories of generated demo cases: which events a case went through to reach its state, and when.

`walk(target, ...)` plays a plausible history (amendment rounds, extensions, suspensions, returns to
testing) through the workflow's own machine (`workflows.cases.replay`), so a path the workflow would
refuse fails here loudly instead of being written, and what the case remembers is what a real case would.
It also runs the workflow's stage clock (`restart_stage_clock`, as the services do), so deadlines, paused
days and the overdue flag read like those of a case handled for real. Events that need the full machinery
(issuing a certificate, opening a dispute or an exemption request) are left to the caller as `finish`.
Pure: no database.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.models.publication import PUBLISHABLE_FIELDS
from sandbox.services.cases.calendar import BEIJING
from workflows.calendar import STAGE_DEADLINE_DAYS, Deadline, WorkingCalendar, restart_stage_clock
from workflows.cases import replay
from workflows.states import CaseState, Event

S = CaseState
NOTES = {
    Event.REQUEST_AMENDMENT: "请补充数据来源合法性说明及第三方合作协议。",
    Event.RESUBMIT: "已按要求补充材料。",
    Event.ACCEPT_FILING: "材料齐全，予以备案。",
    Event.COMPLETE_RISK_ASSESSMENT: "风险评估完成。",
    Event.PASS_VERIFICATION: "技术验证通过。",
    Event.EXTEND_TRIAL: "测试数据量不足，同意延长测试期。",
    Event.SUSPEND: "监测发现测试活动超出批准的测试边界。",
    Event.RESUME: "整改完成，恢复测试。",
    Event.REQUEST_EXIT: "测试目标已达成，申请出盒评估。",
    Event.RETURN_TO_TESTING: "出盒证据不足，请继续测试并补充数据。",
    Event.REJECT: "项目不属于数据监管沙盒支持范围。",
    Event.WITHDRAW: "企业业务调整，主动撤回申请。",
    Event.TERMINATE: "测试中发生未报告的数据安全事件。",
}
MITIGATION = "立即停止越界作业，三日内提交整改报告。"
WIND_DOWN = "十日内停止数据处理并完成用户告知。"
CONDITIONS = ["每月报送一次数据使用情况报告", "发生安全事件两小时内报告沙盒办公室"]
# States reached through the real services after the generated part of the history (see `finish`).
FINISHED_FOR_REAL = {S.EXITED: S.EXIT_EVALUATION, S.DISPUTE: S.REJECTED, S.LIABILITY_EXEMPTION: S.TESTING}


@dataclass
class Step:
    event: Event
    from_state: CaseState
    to_state: CaseState
    actor: str  # "applicant" or "officer"
    at: datetime
    note: str
    payload: dict[str, Any]


@dataclass
class Walk:
    """One generated history and the case columns it leaves behind."""

    target: CaseState
    rng: random.Random
    calendar: WorkingCalendar
    boundaries: dict[str, Any] = field(default_factory=dict)
    state: CaseState = S.DRAFT
    hold_return_state: CaseState | None = None
    decision_state: CaseState | None = None
    steps: list[Step] = field(default_factory=list)
    documents: list[tuple[str, str, str, int]] = field(default_factory=list)  # kind, name, role, step
    trial_start: date | None = None
    trial_end: date | None = None
    risk: dict[str, Any] | None = None
    stage_entered: int = -1  # the step that entered the current stage (-1: creation)
    stage_due: date | None = None
    stage_due_provisional: bool = False
    paused_days_left: int | None = None
    finish: CaseState | None = None  # the state the caller brings the case to through the services
    consent: tuple[str, ...] | None = None

    def fire(self, event: Event, actor: str, payload: dict[str, Any] | None = None) -> None:
        """Take the step through the case machine itself: its table, destinations and memory slots."""
        fired = replay(self, event)
        note = NOTES.get(event, "")
        self.steps.append(Step(event, fired.from_state, fired.to_state, actor, _EPOCH, note, payload or {}))

    def maybe(self, chance: float) -> bool:
        return self.rng.random() < chance


_EPOCH = datetime(2000, 1, 1, tzinfo=BEIJING)


def walk(
    target: CaseState, *, rng: random.Random, calendar: WorkingCalendar, sector_pack: Any, boundaries: dict
) -> Walk:
    """Return a history that ends in `target` (or in the state `finish` starts from), undated."""
    path = Walk(target, rng, calendar, boundaries=boundaries)
    stop = FINISHED_FOR_REAL.get(target, target)
    path.finish = target if target in FINISHED_FOR_REAL else None
    if target is S.DRAFT:
        return path
    path.consent = _consent(rng) if path.maybe(0.6) else None
    withdraw_at = rng.choice((S.SUBMITTED, S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION, S.TESTING))
    reject_at = rng.choice((S.SUBMITTED, S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION))
    amend_at = rng.choice((S.SUBMITTED, S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION))
    path.fire(Event.SUBMIT, "applicant")
    for stage in (S.SUBMITTED, S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION):
        if stage is not S.SUBMITTED:
            _advance(path, stage, sector_pack)
        for _ in range(rng.choice((0, 1, 1, 2))):
            _amendment_round(path)
        if stop is stage:
            return path
        if stop is S.AMENDMENT_REQUESTED and amend_at is stage:
            path.fire(Event.REQUEST_AMENDMENT, "officer", {"fields": ["objectives"]})
            return path
        if stop is S.WITHDRAWN and withdraw_at is stage:
            path.fire(Event.WITHDRAW, "applicant")
            return path
        if stop is S.REJECTED and reject_at is stage:
            path.fire(Event.REJECT, "officer")
            return path
    _advance(path, S.TESTING, sector_pack)
    for _ in range(rng.choice((0, 1, 1, 2))):
        path.fire(Event.EXTEND_TRIAL, "officer")  # the dates are set when the walk is dated
    for _ in range(rng.choice((0, 1, 1, 2))):
        path.fire(Event.SUSPEND, "officer", {"mitigationOrder": MITIGATION})
        path.fire(Event.RESUME, "officer")
    if stop in (S.TESTING, S.WITHDRAWN):
        if stop is S.WITHDRAWN:
            path.fire(Event.WITHDRAW, "applicant")
        return path
    if stop in (S.SUSPENDED, S.TERMINATED):
        if stop is S.SUSPENDED or path.maybe(0.5):
            path.fire(Event.SUSPEND, "officer", {"mitigationOrder": MITIGATION})
        if stop is S.TERMINATED:
            path.fire(Event.TERMINATE, "officer", {"windDownOrder": WIND_DOWN})
        return path
    path.documents.append(("self_assessment", "出盒自评估报告.pdf", "applicant", len(path.steps)))
    path.fire(Event.REQUEST_EXIT, "applicant")
    for _ in range(rng.choice((0, 1, 1))):
        path.fire(Event.RETURN_TO_TESTING, "officer")
        path.fire(Event.REQUEST_EXIT, "applicant")
    return path


def _advance(path: Walk, stage: CaseState, pack: Any) -> None:
    """Fire the event that leads into `stage` from the one before it."""
    if stage is S.RISK_ASSESSMENT:
        path.fire(Event.ACCEPT_FILING, "officer")  # the filing number is filled in by the caller
    elif stage is S.TECHNICAL_VERIFICATION:
        from workflows.assessment import derive_risk_level

        answers = {item.id: path.rng.choice(("yes", "no", "no")) for item in pack.risk_items}
        boundaries = dict(path.boundaries)
        level = derive_risk_level(pack, answers).value
        path.risk = {"answers": answers, "level": level, "boundaries": boundaries, "conditions": CONDITIONS}
        payload = {"riskLevel": level, "conditions": list(CONDITIONS), "trialBoundaries": boundaries}
        path.fire(Event.COMPLETE_RISK_ASSESSMENT, "officer", payload)
    elif stage is S.TESTING:
        path.documents.append(
            ("technical_verification_report", "技术验证报告.pdf", "assessor", len(path.steps))
        )
        path.fire(Event.PASS_VERIFICATION, "officer")  # trial dates are set when the walk is dated


def _amendment_round(path: Walk) -> None:
    fields = path.rng.sample(("objectives", "risk_controls", "exit_plan", "data_categories"), 2)
    path.fire(Event.REQUEST_AMENDMENT, "officer", {"fields": sorted(fields)})
    path.fire(Event.RESUBMIT, "applicant")


def _consent(rng: random.Random) -> tuple[str, ...]:
    chosen = {"title", *rng.sample(PUBLISHABLE_FIELDS, rng.randint(0, len(PUBLISHABLE_FIELDS)))}
    return tuple(name for name in PUBLISHABLE_FIELDS if name in chosen)


@functools.lru_cache(maxsize=8192)
def _working(calendar: WorkingCalendar, day: date) -> bool:
    # chinesecalendar validates each date against its whole table; a generated batch asks about the
    # same few hundred days again and again.
    return calendar.is_working_day(day)


@functools.lru_cache(maxsize=65536)
def _deadline(calendar: WorkingCalendar, start: date, days: int) -> tuple[date, bool]:
    """`WorkingCalendar.deadline`, cached: (due date, provisional)."""
    due, counted = start, 0
    while counted < days:
        due += timedelta(days=1)
        counted += _working(calendar, due)
    years = range(min((start + timedelta(days=1)).year, due.year), due.year + 1)
    return due, any(calendar.is_provisional(date(year, 1, 1)) for year in years)


def _working_days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    """`WorkingCalendar.working_days_between`, on the cached days."""
    if end < start:
        return -_working_days_between(calendar, end, start)
    return sum(_working(calendar, start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


def date_walk(path: Walk, *, end: datetime, months: int) -> None:
    """Give every step a time (the last at `end`), set the trial dates and run the stage clock."""
    when = end
    for step in reversed(path.steps):
        step.at = when
        when -= timedelta(days=path.rng.uniform(1, 6))
    for index, step in enumerate(path.steps):
        day = step.at.astimezone(BEIJING).date()
        if step.event is Event.PASS_VERIFICATION:
            path.trial_start, path.trial_end = day, day + timedelta(days=28 * months)
            step.payload = {"trialStart": day.isoformat(), "trialEnd": path.trial_end.isoformat()}
        elif step.event is Event.EXTEND_TRIAL:
            previous, path.trial_end = path.trial_end, path.trial_end + timedelta(days=30)  # type: ignore[assignment, operator]
            step.payload = {"previousEnd": previous.isoformat(), "trialEnd": path.trial_end.isoformat()}  # type: ignore[union-attr]
        if step.to_state is not step.from_state:
            _restart_clock(path, step, index, day)


def _restart_clock(path: Walk, step: Step, index: int, day: date) -> None:
    path.stage_entered = index
    clock = _CachedCalendar(path.calendar)
    restart_stage_clock(path, from_state=step.from_state, to_state=step.to_state, calendar=clock, today=day,
                        stage_days=STAGE_DEADLINE_DAYS)  # fmt: skip


@dataclass(frozen=True)
class _CachedCalendar:
    """The two counts the stage clock asks for, on the cached days."""

    calendar: WorkingCalendar

    def deadline(self, start: date, n: int) -> Deadline:
        return Deadline(*_deadline(self.calendar, start, n))

    def working_days_between(self, start: date, end: date) -> int:
        return _working_days_between(self.calendar, start, end)
