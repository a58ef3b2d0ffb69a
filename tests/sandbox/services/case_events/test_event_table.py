"""The case event table: one entry per event of the state machine, and everything read from it agrees —
guard inputs, the API contract, the actions offered on every page, and the exit's certificate and voucher.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from sandbox.models.accounts import OrganisationKind
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate
from sandbox.models.notifications import Notification
from sandbox.models.vouchers import Voucher
from sandbox.services.case_events import records
from sandbox.services.case_events.inputs import EventInput
from sandbox.services.case_events.table import EVENTS, allowed_events, event_names, guard_context
from tests import factories
from tests.case_flow import CaseFlow
from workflows.cases import TRANSITIONS
from workflows.guards import GUARDS
from workflows.states import CaseState, Event


def test_every_event_of_the_machine_has_one_entry_and_nothing_else_has() -> None:
    machine = {event for event, _, _ in TRANSITIONS}
    assert set(EVENTS) == machine == set(Event)
    assert set(GUARDS) <= set(EVENTS)
    assert all(entry.event is event for event, entry in EVENTS.items())


@pytest.mark.parametrize("event", list(EVENTS))
def test_an_entry_is_complete(event: Event) -> None:
    entry = EVENTS[event]
    assert entry.roles, "deny by default: an event nobody may fire is a missing entry"
    names = [spec.name for spec in entry.fields]
    assert len(names) == len(set(names)) and "note" in names
    assert not (entry.confirm and entry.primary)
    assert entry.guard is GUARDS.get(event)


def test_the_inputs_of_each_entry_give_its_guard_every_key_it_reads(session) -> None:
    applicant = factories.make_user(session, "applicant")
    centre = factories.make_organisation(session, OrganisationKind.MEDIATION_CENTRE)
    case = factories.make_case(session, applicant)
    data: dict[str, Any] = {"legal_partner_org_id": str(centre.id)}
    for event, entry in EVENTS.items():
        ctx = guard_context(EventInput(session, case, applicant, data, "", date(2026, 6, 1)), event)
        assert set(entry.guard_keys) <= set(ctx), (event, set(entry.guard_keys) - set(ctx))


def test_the_openapi_document_lists_the_event_names_of_the_table(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    event = document["components"]["schemas"]["EventRequest"]["properties"]["event"]
    assert event["type"] == "string"
    assert event["enum"] == event_names() == [entry.event.value for entry in EVENTS.values()]


def test_an_unknown_event_name_is_still_a_clear_422(client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("submitted")
    response = flow.client.post(
        f"/api/v1/cases/{flow.case_id}/events",
        headers={**flow.headers["regulator"], "Accept-Language": "en"},
        json={"event": "teleport"},
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == [{"field": "event", "message": "Unknown event."}]


def test_the_api_the_case_page_and_the_dashboard_offer_the_same_actions(app, client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("submitted")
    case = session.get(Case, flow.case_id)
    for who in ("regulator", "applicant"):
        expected = [event.value for event in allowed_events(flow.users[who], case)]
        body = flow.call(who, "GET", f"/api/v1/cases/{flow.case_id}/available-events").get_json()
        assert [item["event"] for item in body["events"]] == expected
        web = app.test_client()
        signed = web.post("/login", data={"email": flow.users[who].email, "password": factories.PASSWORD})
        assert signed.status_code == 302
        page = web.get(f"/cases/{flow.case_id}").get_data(as_text=True)
        offered = [event.value for event in Event if f'id="action-{event.value}"' in page]
        assert sorted(offered) == sorted(expected)
    assert [event.value for event in allowed_events(flow.users["assessor"], case)] == []


def test_the_exit_issues_the_certificate_then_the_voucher(client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("exited")
    session.expire_all()
    cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    voucher = session.exec(select(Voucher).where(Voucher.case_id == flow.case_id)).one()
    assert voucher.certificate_id == cert.id
    applicant = flow.users["applicant"].id
    notes = session.exec(
        select(Notification).where(Notification.user_id == applicant).order_by(Notification.id)  # type: ignore[arg-type]
    ).all()
    kinds = [note.kind for note in notes]
    # The voucher's notice comes first: it is issued with the certificate, before the stage changes hands.
    assert kinds[-2:] == ["voucher_issued", "event:approve_exit"]


def test_a_failed_voucher_undoes_the_certificate_and_the_approval(client, session, monkeypatch) -> None:
    flow = CaseFlow(client, session)
    flow.to("exit_evaluation")
    flow.evaluate()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(records, "issue_voucher", broken)
    with pytest.raises(RuntimeError):
        flow.fire("regulator", "approve_exit")
    session.expire_all()
    assert session.exec(select(Certificate)).all() == []
    assert session.get(Case, flow.case_id).state is CaseState.EXIT_EVALUATION
