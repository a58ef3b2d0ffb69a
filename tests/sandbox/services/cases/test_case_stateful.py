"""Random event sequences by random actors, at the service level, against the workflow's invariants
(the case tallies among them: after every step they equal a full count of the cases).

One SQLite database per test function with its people created once; every hypothesis example starts a
fresh case. Events are fired through `sandbox.services.case_events.fire.apply_event` with data that sometimes
satisfies the guards and sometimes not, and sometimes with a stale expected version. An event may write
record-only rows besides its own (raising a dispute assigns the legal organisation); an exemption
decision is proposed first by one of the two regulators, as the office does.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from sandbox.db import open_session
from sandbox.errors import SandboxError
from sandbox.models.accounts import OrganisationKind
from sandbox.models.cases import Case
from sandbox.services.case_events.fire import apply_event
from sandbox.services.case_events.history import case_history, verify_chain
from sandbox.services.case_events.table import EVENTS
from sandbox.services.cases import cases, documents, tallies, trial
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.decisions import proposals
from sandbox.services.legal import exemption_records
from tests import factories
from tests.case_flow import GENERAL_PLAN, PDF
from tests.conftest import make_test_app
from workflows.cases import APPEALABLE_DECISIONS, available_events
from workflows.errors import WorkflowError
from workflows.states import FINAL_STATES, REMEMBERING_HOLD_STATES, CaseState, Event, is_record_only

# fmt: off
ANSWERS = {"sensitive_pii": "no", "large_scale_pii": "no", "important_data": "no", "cross_border": "no",
           "data_trading": "yes", "public_data": "n/a", "automated_decisions": "no", "minors": "no"}
SCORES = ("innovation_value", "legal_compliance", "data_security", "personal_information_protection",
          "risk_control", "consumer_protection", "service_quality", "business_continuity",
          "commitment_fulfilment")
# fmt: on
ACTORS = ("applicant", "regulator", "regulator2", "assessor", "mediator", "stranger")
S = CaseState
TRIAL_STATES = frozenset({S.TESTING, S.SUSPENDED, S.EXIT_EVALUATION})
UPLOAD_STATES = TRIAL_STATES | {S.TECHNICAL_VERIFICATION, S.LIABILITY_EXEMPTION}
# Some examples start further along the main path, so that few steps reach the later stages.
MAIN_PATH = (None, Event.SUBMIT, Event.ACCEPT_FILING, Event.COMPLETE_RISK_ASSESSMENT, Event.PASS_VERIFICATION,
             Event.REQUEST_EXIT)  # fmt: skip
PREREQUISITE = {
    Event.PASS_VERIFICATION: "technical_verification_report",
    Event.REQUEST_EXIT: "self_assessment",
}
UPLOADS = {
    "technical_verification_report": "assessor",
    "self_assessment": "applicant",
    "legal_opinion": "mediator",
}
KEPT = ("state", "version", "rows", "hold", "decision")
# Who may fire each event, by name (read inside CaseMachine, whose source seeds the derandomised run).
EVENT_ROLES = {event.value: entry.roles for event, entry in EVENTS.items()}


class World:
    """The database, the people and the file storage shared by every example of one test."""

    def __init__(self, template: Path, tmp: Path) -> None:
        shutil.copy(template, tmp / "sandbox.db")
        self.app = make_test_app(f"sqlite:///{tmp / 'sandbox.db'}", tmp / "instance")
        self.storage = tmp / "instance" / "uploads"
        self.session = open_session(self.app)
        lab = factories.make_organisation(self.session, OrganisationKind.TESTING_LAB)
        centre = factories.make_organisation(self.session, OrganisationKind.MEDIATION_CENTRE)
        self.lab_id, self.centre_id = lab.id, centre.id
        make = factories.make_user
        self.users = {
            "applicant": make(self.session, "applicant"),
            "regulator": make(self.session, "regulator"),
            "regulator2": make(self.session, "regulator"),
            "assessor": make(self.session, "assessor", organisation_id=lab.id),
            "mediator": make(self.session, "legal_partner", organisation_id=centre.id),
            "stranger": make(self.session, "applicant"),
        }

    def close(self) -> None:
        self.session.close()
        self.app.extensions["sandbox.engine"].dispose()


def event_data(case: Case, event: Event, good: bool, world: World, incident_id: int | None) -> dict[str, Any]:
    """Data for `event` that satisfies its guard when `good` (as far as data can), else falls short."""
    today = beijing_today()
    if not good:
        return {"answers": {}, "outcome": "maybe", "decision": "perhaps"}
    trial_end = case.trial_end or today
    # fmt: off
    return {  # type: ignore[return-value]
        Event.COMPLETE_RISK_ASSESSMENT: {"answers": ANSWERS, "risk_level": "low", "conditions": ["按月报送"],
                                         "trial_boundaries": GENERAL_PLAN["boundaries"]},
        Event.PASS_VERIFICATION: {"trial_start": today.isoformat(),
                                  "trial_end": (today + timedelta(days=90)).isoformat()},
        Event.EXTEND_TRIAL: {"new_end": (trial_end + timedelta(days=10)).isoformat()},
        Event.SUSPEND: {"mitigation_order": "停止对外服务"},
        Event.TERMINATE: {"wind_down_order": "三十日内有序退出"},
        Event.RAISE_DISPUTE: {"legal_partner_org_id": world.centre_id, "claim": "不服该决定"},
        Event.APPLY_EXEMPTION: {"incident_id": incident_id, "good_faith_explanation": "严格按方案执行",
                                "legal_partner_org_id": world.centre_id},
        Event.DECIDE_EXEMPTION: {"decision": "granted"},
    }.get(event, {})
    # fmt: on


class CaseMachine(RuleBasedStateMachine):
    world: World
    visited: set[CaseState] = set()

    @initialize(commitment=st.sampled_from([True, True, True, False]), start=st.sampled_from(MAIN_PATH))
    def start_case(self, commitment: bool, start: Event | None) -> None:
        w, s = self.world, self.world.session
        plan = {
            "title": "随机测试项目",
            "sector": "general_data",
            "data_categories": ["数据"],
            "plan": GENERAL_PLAN,
        }
        case = cases.create_case(s, actor=w.users["applicant"], data=plan)
        self.case_id: int = case.id
        self.incident_id: int | None = None
        accept = {"accept_commitment": commitment or start is not None}
        cases.update_case(
            s, actor=w.users["applicant"], case_id=self.case_id, data=accept, expected_version=None
        )
        s.commit()
        for event in MAIN_PATH[1 : MAIN_PATH.index(start) + 1]:
            assert event is not None
            if event in PREREQUISITE:
                self.upload(PREREQUISITE[event], right=True)
            who = "applicant" if event in (Event.SUBMIT, Event.REQUEST_EXIT) else "regulator"
            data = event_data(self.case(), event, True, w, None)
            apply_event(
                s, actor=w.users[who], case_id=self.case_id, event=event.value, note="同意", data=data
            )
            s.commit()
            if event is Event.SUBMIT:
                self.assign_lab()
        self.seen = self.snapshot()

    def case(self) -> Case:
        self.world.session.expire_all()
        return self.world.session.get(Case, self.case_id)

    def snapshot(self) -> dict[str, Any]:
        case = self.case()
        rows = case_history(self.world.session, self.case_id)
        hold, decision = case.hold_return_state, case.decision_state
        return {"state": case.state, "version": case.version, "rows": len(rows), "hold": hold,
                "decision": decision, "history": rows}  # fmt: skip

    def attempt(self, action: Any, who: str, **kwargs: Any) -> Any:
        """Run a service call as `who` and commit; on a refusal roll back and return None."""
        try:
            result = action(self.world.session, actor=self.world.users[who], case_id=self.case_id, **kwargs)
            self.world.session.commit()
            return result
        except (SandboxError, WorkflowError):
            self.world.session.rollback()
            return None

    @rule(data=st.data())
    def fire(self, data: st.DataObject) -> None:
        before, case = self.seen, self.case()
        likely = st.integers(0, 9).map(lambda n: n < 8)  # mostly the sensible choice, sometimes not
        allowed = [event for event in available_events(case.state) if event is not Event.WITHDRAW]
        event = data.draw(st.sampled_from(allowed if allowed and data.draw(likely) else list(Event)))  # type: ignore[arg-type]
        roles = {role.value for role in EVENT_ROLES[event.value]}
        fitting = [name for name in ACTORS[:-1] if self.world.users[name].role.value in roles]
        who = data.draw(st.sampled_from(fitting if fitting and data.draw(likely) else list(ACTORS)))  # type: ignore[arg-type]
        good, stale = data.draw(likely), data.draw(st.integers(0, 9)) == 9
        if good and event is Event.DECIDE_EXEMPTION:
            # As the office decides: the other regulator has proposed the decision (a record-only row).
            self.propose_decision("regulator" if who == "regulator2" else "regulator2")
            before = self.seen
        payload = event_data(case, event, good, self.world, self.incident_id)
        if good and event is Event.RESOLVE_DISPUTE:
            payload["outcome"] = data.draw(st.sampled_from(["upheld", "overturned"]))
        note = "处理意见" if good else ""
        version = before["version"] - 1 if stale else data.draw(st.sampled_from([None, before["version"]]))
        kwargs = {"event": event.value, "note": note, "data": payload, "expected_version": version}
        accepted = self.attempt(apply_event, who, **kwargs) is not None
        after = self.snapshot()
        if not accepted:
            assert {key: after[key] for key in KEPT} == {key: before[key] for key in KEPT}
            self.seen = after
            return
        assert not stale and who != "stranger"
        assert after["version"] == before["version"] + 1
        added = after["history"][before["rows"] :]
        [row] = [row for row in added if not is_record_only(row.event)]
        assert (row.event, row.from_state, row.to_state) == (event.value, before["state"], after["state"])
        assert all(r.from_state == r.to_state == after["state"] for r in added if is_record_only(r.event))
        if before["state"] in FINAL_STATES:
            assert event is Event.RAISE_DISPUTE and before["state"] in APPEALABLE_DECISIONS
        self.check_holds(before, after, event, payload)
        if event is Event.SUBMIT:
            self.assign_lab()  # a filed case is assigned its testing lab, as the office would
            after = self.snapshot()
        self.seen = after
        CaseMachine.visited.add(after["state"])

    def propose_decision(self, who: str) -> None:
        """Propose granting the pending exemption request (nothing if there is none or one waits already)."""
        session = self.world.session
        request = exemption_records.pending_request(session, self.case_id)
        if request is not None and exemption_records.pending_proposal(session, request) is None:
            body = {"decision": "granted", "reasons": "善意履责"}
            actor = self.world.users[who]
            try:
                proposals.propose_exemption_decision(
                    session, actor=actor, request_id=request.id, data=body, expected_version=None
                )
                session.commit()
            except (SandboxError, WorkflowError):
                session.rollback()
        after = self.snapshot()
        assert all(is_record_only(row.event) for row in after["history"][self.seen["rows"] :])
        assert after["state"] == self.seen["state"]
        self.seen = after

    def assign_lab(self) -> None:
        """Assign the testing lab (regulators see, and so assign, a case once it is filed)."""
        assign = {"assessor_org_id": self.world.lab_id}
        cases.update_case(
            self.world.session, actor=self.world.users["regulator"], case_id=self.case_id, data=assign,
            expected_version=None,
        )  # fmt: skip
        self.world.session.commit()

    def check_holds(self, before: dict[str, Any], after: dict[str, Any], event: Event, payload: dict) -> None:
        state = after["state"]
        if state in REMEMBERING_HOLD_STATES:
            assert before["state"] not in REMEMBERING_HOLD_STATES  # holds do not nest
            assert after["hold"] == before["state"]
        if event in (Event.RESUBMIT, Event.DECIDE_EXEMPTION):
            assert state == before["hold"] and after["hold"] is None
        if event is Event.RESOLVE_DISPUTE:
            reopened = payload["outcome"] == "overturned" and before["hold"] in APPEALABLE_DECISIONS
            assert state == (before["decision"] if reopened else before["hold"])
        if event is Event.RESUME:
            assert state is CaseState.TESTING

    @precondition(lambda self: self.seen["state"] in UPLOAD_STATES)
    @rule(kind=st.sampled_from(sorted(UPLOADS)), right=st.booleans())
    def upload(self, kind: str, right: bool) -> None:
        who = UPLOADS[kind] if right else "applicant" if kind != "self_assessment" else "assessor"
        self.attempt(documents.upload_document, who, kind=kind, filename=f"{kind}.pdf", data=PDF,
                     storage=self.world.storage)  # fmt: skip
        if hasattr(self, "seen"):
            self.assert_unchanged()

    @precondition(lambda self: self.seen["state"] is CaseState.EXIT_EVALUATION)
    @rule(who=st.sampled_from(["assessor", "regulator", "regulator2"]), score=st.sampled_from([2, 5]))
    def evaluate(self, who: str, score: int) -> None:
        scores = {"scores": dict.fromkeys(SCORES, score), "conclusion": "结论"}
        self.attempt(trial.add_evaluation, who, data=scores)
        self.assert_unchanged()

    @precondition(lambda self: self.seen["state"] in TRIAL_STATES and self.incident_id is None)
    @rule()
    def file_incident(self) -> None:
        data = {
            "kind": "incident",
            "title": "事件报告",
            "body": "越权访问",
            "occurred_on": str(beijing_today()),
        }
        report = self.attempt(trial.file_report, "applicant", data=data)
        self.incident_id = report.id if report is not None else None
        self.assert_unchanged()

    def assert_unchanged(self) -> None:
        after = self.snapshot()
        assert {key: after[key] for key in KEPT} == {key: self.seen[key] for key in KEPT}

    @invariant()
    def counts_equal_a_full_count(self) -> None:
        """Whatever was accepted, refused or rolled back, every tally equals a full count of the cases."""
        assert tallies.check(self.world.session) == []
        self.world.session.rollback()  # (the check's read transaction)

    @invariant()
    def chain_verifies_and_state_is_valid(self) -> None:
        if not hasattr(self, "case_id"):
            return
        case = self.case()
        assert isinstance(case.state, CaseState)
        assert verify_chain(case, case_history(self.world.session, self.case_id)) is None


def test_random_event_sequences_keep_the_invariants(sqlite_template: Path, tmp_path: Path) -> None:
    world = World(sqlite_template, tmp_path)
    CaseMachine.world, CaseMachine.visited = world, set()
    try:
        options = settings(max_examples=15, stateful_step_count=25, deadline=None, database=None,
                           derandomize=True, suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
        run_state_machine_as_test(CaseMachine, settings=options)
    finally:
        world.close()
    # The exploration must get past the filing review, or the invariants above were checked on little.
    assert {S.SUBMITTED, S.RISK_ASSESSMENT, S.TESTING} <= CaseMachine.visited, CaseMachine.visited
    assert CaseMachine.visited & REMEMBERING_HOLD_STATES, CaseMachine.visited
