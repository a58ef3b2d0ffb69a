"""The case list API: filters, search, keyset pagination, and who sees which cases."""

from __future__ import annotations

import pytest

from sandbox.models.accounts import Enterprise
from sandbox.models.cases import Case
from tests import factories
from tests.case_flow import CaseFlow, token


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def ids(flow: CaseFlow, who: str, query: str = "") -> list[int]:
    response = flow.call(who, "GET", f"/api/v1/cases{query}")
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_keyset_pages_have_no_duplicates_and_no_gaps(flow: CaseFlow) -> None:
    created = [flow.create(title=f"项目{n:02d}")["id"] for n in range(25)]
    seen: list[int] = []
    cursor, pages = None, 0
    while True:
        query = f"?limit=10&cursor={cursor}" if cursor else "?limit=10"
        body = flow.call("applicant", "GET", f"/api/v1/cases{query}").get_json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(created, reverse=True)
    body = flow.call("applicant", "GET", "/api/v1/cases?limit=25").get_json()
    assert len(body["items"]) == 25 and body["next_cursor"] is None
    for bad in ("?limit=0", "?limit=101", "?limit=x", "?cursor=abc"):
        assert flow.call("applicant", "GET", f"/api/v1/cases{bad}").status_code == 422, bad


def test_filters_state_sector_overdue_and_assignee(flow: CaseFlow, session) -> None:
    draft = flow.create()["id"]
    healthcare = flow.create(sector="healthcare", title="医疗影像数据标注", plan={})["id"]
    submitted = flow.to("submitted")["id"]
    assert ids(flow, "regulator", "?state=submitted") == [submitted]
    # Drafts stay with the enterprise until submitted.
    assert ids(flow, "regulator", "?state=draft") == []
    assert ids(flow, "applicant", "?state=draft") == [healthcare, draft]
    assert ids(flow, "applicant", "?sector=healthcare") == [healthcare]
    assert flow.call("regulator", "GET", "/api/v1/cases?state=flying").status_code == 422
    assert ids(flow, "regulator", "?overdue=true") == []
    assert ids(flow, "regulator", "?overdue=false") == [submitted]
    assert ids(flow, "applicant", "?overdue=false") == [submitted, healthcare, draft]
    assert ids(flow, "regulator", "?assignee=me") == []
    officer = flow.users["regulator2"].id
    patched = flow.call("regulator", "PATCH", f"/api/v1/cases/{submitted}", json={"case_officer_id": officer})
    assert patched.status_code == 200, patched.get_json()
    assert ids(flow, "regulator2", "?assignee=me") == [submitted]
    assert ids(flow, "regulator", "?assignee=me") == []
    assert ids(flow, "regulator", f"?assignee={officer}") == [submitted]
    assert ids(flow, "regulator", "?state=submitted&sector=healthcare") == []


def test_search_by_title_filing_number_enterprise_and_uscc(flow: CaseFlow, client, session) -> None:
    filed = flow.to("risk_assessment")
    plain = flow.to("submitted")["id"]
    _rename(flow, plain, "工业设备预测性维护")
    other = CaseFlow(client, session)
    other_case = other.to("submitted")["id"]
    _rename(other, other_case, "另一家企业的项目")
    enterprise = session.get(Enterprise, flow.users["applicant"].enterprise_id)
    assert ids(flow, "regulator", "?q=预测性维护") == [plain]
    assert ids(flow, "regulator", f"?q={filed['filing_number']}") == [filed["id"]]
    assert ids(flow, "regulator", f"?q={filed['filing_number'].lower()}") == [filed["id"]]
    assert ids(flow, "regulator", f"?q={enterprise.uscc}") == [plain, filed["id"]]
    assert ids(flow, "regulator", f"?q={enterprise.uscc.lower()}") == [plain, filed["id"]]
    assert other_case in ids(flow, "regulator", "?q=另一家")
    assert ids(flow, "regulator", "?q=亦庄智能驾驶") == [other_case, plain, filed["id"]]
    assert ids(flow, "applicant", "?q=亦庄智能驾驶") == [plain, filed["id"]]
    assert ids(flow, "regulator", "?q=不存在的关键词") == []


def _rename(flow: CaseFlow, case_id: int, title: str) -> None:
    """Give a submitted case a distinctive title (directly: the plan is frozen after submission)."""
    case = flow.session.get(Case, case_id)
    case.title = title
    flow.session.add(case)
    flow.session.commit()


def test_applicant_sees_only_its_enterprise(flow: CaseFlow, client, session) -> None:
    mine = [flow.to("submitted")["id"] for _ in range(3)]
    other = CaseFlow(client, session)
    theirs = [other.to("submitted")["id"] for _ in range(2)]
    assert ids(flow, "applicant", "?limit=100") == sorted(mine, reverse=True)
    assert ids(other, "applicant", "?limit=100") == sorted(theirs, reverse=True)
    assert ids(flow, "applicant", f"?cursor={max(theirs) + 1}") == sorted(mine, reverse=True)
    assert ids(flow, "regulator", "?limit=100") == sorted(mine + theirs, reverse=True)
    colleague = token(client, factories.make_user(session, "applicant"))
    assert client.get("/api/v1/cases", headers=colleague).get_json()["items"] == []


def test_assessor_and_others_see_only_assigned_cases(flow: CaseFlow, client, session) -> None:
    assigned = flow.to("technical_verification")["id"]
    unassigned = flow.to("submitted")["id"]  # the lab is chosen when the filing is accepted
    assert ids(flow, "assessor") == [assigned]
    other_lab = token(client, factories.make_user(session, "assessor"))
    assert client.get("/api/v1/cases", headers=other_lab).get_json()["items"] == []
    assert client.get(f"/api/v1/cases/{assigned}", headers=other_lab).status_code == 404
    assert ids(flow, "mediator") == []
    assert unassigned in ids(flow, "regulator")
    for role in ("service_provider", "admin"):
        headers = token(client, factories.make_user(session, role))
        assert client.get("/api/v1/cases", headers=headers).status_code == 403, role


def test_search_wildcards_are_taken_literally(flow: CaseFlow) -> None:
    flow.create(title="100%合规的数据服务")
    plain = flow.create(title="普通项目")["id"]
    assert plain not in ids(flow, "applicant", "?q=%25")
    assert ids(flow, "applicant", "?q=_") == []
    assert len(ids(flow, "applicant", "?q=100%25")) == 1
