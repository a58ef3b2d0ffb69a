"""Admin pages: accounts of other roles, organisations, deactivation with confirmation."""

from __future__ import annotations

from sqlmodel import select

from sandbox.models.accounts import Organisation, OrganisationKind, Role, User
from tests import factories


def test_admin_creates_an_assessor_for_a_testing_lab(client, session, login_as) -> None:
    login_as("admin")
    lab = factories.make_organisation(session, OrganisationKind.TESTING_LAB)
    data = {
        "display_name": "检测员",
        "email": "Lab.Person@Example.cn",
        "password": "a long password",
        "role": "assessor",
        "organisation_id": str(lab.id),
    }
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 302
    user = session.exec(select(User).where(User.email == "lab.person@example.cn")).one()
    assert user.role is Role.ASSESSOR and user.organisation_id == lab.id


def test_assessor_must_belong_to_a_lab(client, session, login_as) -> None:
    login_as("admin")
    court = factories.make_organisation(session, OrganisationKind.COURT_LIAISON)
    data = {
        "display_name": "x",
        "email": "x@example.cn",
        "password": "a long password",
        "role": "assessor",
        "organisation_id": str(court.id),
    }
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert "请选择与该角色相符的机构" in response.get_data(as_text=True)


def test_admin_cannot_create_applicants(client, login_as) -> None:
    login_as("admin")
    data = {"display_name": "x", "email": "x@example.cn", "password": "a long password", "role": "applicant"}
    assert client.post("/admin/users/new", data=data).status_code == 422


def test_deactivation_asks_for_confirmation_then_signs_the_user_out(app, client, session, login_as) -> None:
    target = factories.make_user(session, "regulator")
    victim_browser = app.test_client()
    victim_browser.post("/login", data={"email": target.email, "password": factories.PASSWORD})
    login_as("admin")
    confirm = client.post(f"/admin/users/{target.id}/active", data={"active": "0"})
    assert confirm.status_code == 200 and "确定停用账号" in confirm.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, target.id).active  # nothing changed yet
    done = client.post(f"/admin/users/{target.id}/active", data={"active": "0", "confirm": "yes"})
    assert done.status_code == 302
    session.expire_all()
    assert not session.get(User, target.id).active
    assert victim_browser.get("/dashboard").status_code == 302


def test_admin_cannot_deactivate_themselves(client, session, login_as) -> None:
    admin = login_as("admin")
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0", "confirm": "yes"})
    session.expire_all()
    assert session.get(User, admin.id).active


def test_user_list_paginates_and_searches(app, client, session, login_as) -> None:
    login_as("admin")
    made = [factories.make_user(session, "regulator") for _ in range(25)]
    first = client.get("/admin/users").get_data(as_text=True)
    assert "第 1 页，共 2 页" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "第 2 页，共 2 页" in second
    found = client.get(f"/admin/users?q={made[3].email}").get_data(as_text=True)
    assert made[3].email in found and made[4].email not in found
    assert "共 1 条" in found


def test_organisations_are_created_with_unique_names(client, session, login_as) -> None:
    login_as("admin")
    assert (
        client.post("/admin/organisations", data={"name": "亦庄检测", "kind": "testing_lab"}).status_code
        == 302
    )
    again = client.post("/admin/organisations", data={"name": "亦庄检测", "kind": "testing_lab"})
    assert again.status_code == 422 and "已存在同名机构" in again.get_data(as_text=True)
    assert len(session.exec(select(Organisation)).all()) == 1


def test_api_admin_creates_users(client, session) -> None:
    admin = factories.make_user(session, "admin")
    token = client.post(
        "/api/v1/tokens", json={"email": admin.email, "password": factories.PASSWORD}
    ).get_json()
    response = client.post(
        "/api/v1/users",
        json={
            "email": "reg@example.cn",
            "password": "a long password",
            "display_name": "监管",
            "role": "regulator",
        },
        headers={"Authorization": f"Bearer {token['token']}"},
    )
    assert response.status_code == 201 and response.get_json()["role"] == "regulator"
