"""The case tallies within one session: its own unwritten moves count, a rolled-back savepoint or
transaction takes its moves along, a commit writes each changed tally once, and random moves between
stages with SLA sweeps on later days keep every tally equal to a full count (on both backends)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlmodel import Session

from sandbox.errors import SandboxError
from sandbox.models.accounts import User
from sandbox.models.cases import Case
from sandbox.services.case_events import effects
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases import tallies
from sandbox.services.cases.calendar import beijing_today
from tests import factories
from tests.case_flow import CaseFlow
from workflows.errors import WorkflowError
from workflows.states import CaseState


def drafts(session: Session) -> int:
    return sum(n for key, n in tallies.counts(session).items() if key.state == CaseState.DRAFT.value)


def overdue_drafts(session: Session) -> int:
    return sum(
        n for key, n in tallies.counts(session).items() if key.state == CaseState.DRAFT.value and key.overdue
    )


def test_own_moves_count_and_rolled_back_ones_do_not(session: Session) -> None:
    applicant = factories.make_user(session, "applicant")
    before = drafts(session)
    case = factories.make_case(session, applicant)  # committed
    assert drafts(session) == before + 1 and tallies.check(session) == []
    case.overdue = True
    session.add(case)
    session.flush()
    assert overdue_drafts(session) == 1  # this transaction's move, not yet written
    session.rollback()
    assert overdue_drafts(session) == 0 and tallies.check(session) == []
    case = session.get(Case, case.id)
    with session.begin_nested() as savepoint:
        case.overdue = True
        session.add(case)
        session.flush()
        assert overdue_drafts(session) == 1
        savepoint.rollback()
    assert overdue_drafts(session) == 0
    case.sector = "healthcare"
    session.add(case)
    session.commit()
    assert tallies.check(session) == []
    assert any(key.sector == "healthcare" and n == 1 for key, n in tallies.counts(session).items())


def test_a_commit_writes_the_changed_tallies_in_one_statement(session: Session) -> None:
    applicant = factories.make_user(session, "applicant")
    cases = [factories.make_case(session, applicant) for _ in range(3)]
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        for number, case in enumerate(cases):
            case.overdue, case.sector = True, ("healthcare", "general_data", "healthcare")[number]
            session.add(case)
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len([sql for sql in statements if "case_tally" in sql]) == 1
    assert tallies.check(session) == []


# Moves between tallies: suspend and resume move a case between stages, the SLA sweep on a later day flags
# it overdue, an extension or a resumption restarts its clock.
MOVES = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(["suspend", "resume", "extend_trial", "sweep"]),
              st.sampled_from([0, 30, 400])),
    min_size=1, max_size=10,
)  # fmt: skip


def test_random_moves_and_sweeps_keep_every_tally_exact(client, session: Session) -> None:
    flow = CaseFlow(client, session)
    ids = [flow.to("testing")["id"] for _ in range(3)]
    regulator = session.get(User, flow.users["regulator"].id)
    accepted: list[str] = []

    @settings(max_examples=12, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(moves=MOVES)
    def moves_keep_the_tallies(moves: list[tuple[int, str, int]]) -> None:
        for number, move, days in moves:
            try:
                if move == "sweep":
                    effects.sweep_overdue(session, today=beijing_today() + timedelta(days=days))
                else:
                    case_id = ids[number]
                    end = session.get(Case, case_id).trial_end or beijing_today()
                    later = str(end + timedelta(days=10))
                    data = {"suspend": {"mitigation_order": "停止对外服务"},
                            "extend_trial": {"new_end": later}}.get(move, {})  # fmt: skip
                    apply_event(session, actor=regulator, case_id=case_id, event=move, note="随机", data=data)
                session.commit()
                accepted.append(move)
            except (SandboxError, WorkflowError):
                session.rollback()  # refused: nothing moved
            assert tallies.check(session) == []
            session.rollback()

    moves_keep_the_tallies()
    assert {"suspend", "resume", "sweep"} <= set(accepted), accepted  # cases really moved
