"""POST /api/v1/progress (public, one answer for any mismatch, limited per address) and the receipt route."""

from __future__ import annotations

from pathlib import Path

from sandbox.db import open_session
from tests import factories
from tests.case_flow import token
from tests.conftest import make_test_app
from tests.sandbox.progress_helpers import accepted, code_in


def test_number_and_code_give_the_progress_and_nothing_more(client, session) -> None:
    _, case, pdf = accepted(client, session)
    query = {"filing_number": case["filing_number"], "query_code": code_in(pdf)}
    response = client.post("/api/v1/progress", json=query)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"filing_number", "title", "state", "state_label", "stages", "stage_due"}
    assert body["title"] == case["title"] and body["state"] == "risk_assessment"
    assert body["state_label"] == {"zh": "风险评估", "en": "Risk assessment"}
    assert [stage["state"] for stage in body["stages"]] == ["submitted", "risk_assessment"]
    assert body["stage_due"] == case["stage_due"]


def test_a_wrong_code_and_a_wrong_number_get_the_same_answer(client, session) -> None:
    _, case, pdf = accepted(client, session)
    code = code_in(pdf)
    query = {"filing_number": case["filing_number"], "query_code": "ZZZZ-ZZZZ"}
    wrong_code = client.post("/api/v1/progress", json=query)
    wrong_number = client.post(
        "/api/v1/progress", json={"filing_number": "YZSB-2026-9999", "query_code": code}
    )
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert wrong_code.mimetype == "application/problem+json"
    first, second = wrong_code.get_json(), wrong_number.get_json()
    assert first["detail"] == second["detail"] and first["title"] == second["title"]
    assert case["title"] not in wrong_code.get_data(as_text=True)


def test_missing_fields_are_named(client) -> None:
    response = client.post("/api/v1/progress", json={"filing_number": "YZSB-2026-0001"})
    assert response.status_code == 422
    assert "query_code" in response.get_data(as_text=True)


def test_lookups_are_limited_per_address(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "limited", PROGRESS_RATE_LIMIT="2 per minute")
    try:
        client = app.test_client()
        body = {"filing_number": "YZSB-2026-0001", "query_code": "AAAA-AAAA"}
        statuses = [client.post("/api/v1/progress", json=body).status_code for _ in range(3)]
        assert statuses == [404, 404, 429]
        limited = client.post("/api/v1/progress", json=body)
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
        other = client.post("/api/v1/progress", json=body, environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 404
    finally:
        app.extensions["sandbox.engine"].dispose()


def test_the_receipt_is_for_the_enterprise_and_the_office_only(app, client, session) -> None:
    flow, case, _ = accepted(client, session)
    url = f"/api/v1/cases/{flow.case_id}/receipt"
    assert flow.call("regulator", "GET", url).status_code == 200
    with open_session(app) as db:
        stranger = factories.make_user(db, "applicant")
    response = client.get(url, headers=token(client, stranger))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert case["title"] not in response.get_data(as_text=True)
    assert client.get(url).status_code == 401


def test_the_operation_is_documented(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/progress"] and "get" in paths["/api/v1/cases/{case_id}/receipt"]
    assert paths["/api/v1/progress"]["post"]["security"] == []  # public: no token asked for
