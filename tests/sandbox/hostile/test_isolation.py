"""One enterprise's applicant never reads another enterprise's data, on the web or through the API."""

from __future__ import annotations

from tests import factories


def test_applicant_cannot_read_another_enterprise(app, session) -> None:
    mine = factories.make_user(session, "applicant")
    theirs = factories.make_user(
        session, "applicant", enterprise=factories.enterprise_data(name="北京另一家数据科技有限公司")
    )
    web = app.test_client()
    web.post("/login", data={"email": mine.email, "password": factories.PASSWORD})
    own_page = web.get(f"/enterprises/{mine.enterprise_id}")
    assert own_page.status_code == 200
    other_page = web.get(f"/enterprises/{theirs.enterprise_id}")
    missing_page = web.get("/enterprises/987654")
    # Same answer as for an id that does not exist: nothing confirms the other enterprise exists.
    assert other_page.status_code == missing_page.status_code == 404
    assert "北京另一家数据科技有限公司" not in other_page.get_data(as_text=True)
    assert web.get("/enterprises").status_code == 403

    api = app.test_client()
    token = api.post("/api/v1/tokens", json={"email": mine.email, "password": factories.PASSWORD}).get_json()[
        "token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get(f"/api/v1/enterprises/{mine.enterprise_id}", headers=headers).status_code == 200
    other = api.get(f"/api/v1/enterprises/{theirs.enterprise_id}", headers=headers)
    missing = api.get("/api/v1/enterprises/987654", headers=headers)
    assert other.status_code == missing.status_code == 404
    assert other.get_json() == missing.get_json()
    assert "北京另一家数据科技有限公司" not in other.get_data(as_text=True)
    me = api.get("/api/v1/me", headers=headers).get_json()
    assert me["enterprise"]["id"] == mine.enterprise_id


def test_regulator_sees_every_enterprise_and_can_search(client, session, login_as) -> None:
    factories.make_user(session, "applicant", enterprise=factories.enterprise_data(name="甲公司测试"))
    target = factories.make_user(
        session, "applicant", enterprise=factories.enterprise_data(name="乙公司测试")
    )
    login_as("regulator")
    page = client.get("/enterprises?q=乙公司").get_data(as_text=True)
    assert "乙公司测试" in page and "甲公司测试" not in page
    uscc = client.get(f"/enterprises/{target.enterprise_id}").get_data(as_text=True)
    assert "乙公司测试" in uscc
