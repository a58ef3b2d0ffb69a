"""An event writes its case row once: state, history head, deadlines and version in one UPDATE, and a
stale `expected_version` changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event
from sqlmodel import select

from sandbox.errors import Conflict
from sandbox.models.accounts import User
from sandbox.models.cases import Case, CaseEvent
from sandbox.services.case_events.fire import apply_event
from sandbox.services.case_events.history import case_history, verify_chain
from tests.case_flow import CaseFlow

CASE_UPDATE = re.compile(r'^\s*UPDATE\s+"?case"?\s', re.IGNORECASE)


def test_an_event_updates_the_case_row_once(app, client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("submitted")
    before = session.get(Case, flow.case_id)
    assert before is not None
    version, count = before.version, before.event_count
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = app.extensions["sandbox.engine"]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        regulator = session.get(User, flow.users["regulator"].id)
        apply_event(session, actor=regulator, case_id=flow.case_id, event="request_amendment",
                    note="请补充材料。", expected_version=version)  # fmt: skip
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len([s for s in statements if CASE_UPDATE.match(s)]) == 1, statements
    session.expire_all()
    case = session.get(Case, flow.case_id)
    assert case is not None
    assert (case.state, case.version, case.event_count) == ("amendment_requested", version + 1, count + 1)
    assert case.stage_due is None or case.state == "amendment_requested"  # the clock paused
    assert verify_chain(case, case_history(session, case.id)) is None


def test_a_stale_version_is_refused_and_writes_nothing(client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("submitted")
    case = session.get(Case, flow.case_id)
    assert case is not None
    version, events = case.version, len(session.exec(select(CaseEvent)).all())
    regulator = session.get(User, flow.users["regulator"].id)
    with pytest.raises(Conflict):
        apply_event(session, actor=regulator, case_id=flow.case_id, event="request_amendment",
                    note="请补充材料。", expected_version=version - 1)  # fmt: skip
    session.rollback()
    case = session.get(Case, flow.case_id)
    assert case is not None and case.version == version and case.state == "submitted"
    assert len(session.exec(select(CaseEvent)).all()) == events
