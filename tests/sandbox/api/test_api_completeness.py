"""The API twins added for issue 8 (admin, account settings, lookups beside records) on the demo data:
what each returns, and that it refuses what the page refuses."""

from __future__ import annotations

import pytest

from sandbox.demo.people import DEMO_PASSWORD
from tests import factories


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    client = app.test_client()

    def as_user(email: str) -> dict[str, str]:
        response = client.post("/api/v1/tokens", json={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return client, as_user


def test_admin_manages_accounts_and_organisations(demo) -> None:
    client, as_user = demo
    admin, applicant = as_user("admin@demo.sandbox"), as_user("applicant@demo.sandbox")
    found = client.get("/api/v1/users?q=applicant", headers=admin).get_json()
    assert found["total"] >= 2 and all("applicant" in user["email"] for user in found["items"])
    target = next(user for user in found["items"] if user["email"] == "applicant@demo.sandbox")
    assert target["active"] is True and target["enterprise"]["uscc"] == "91110302MA01YJ8K35"

    off = client.put(f"/api/v1/users/{target['id']}/active", json={"active": False}, headers=admin)
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert client.get("/api/v1/me", headers=applicant).status_code == 401  # its tokens stop working
    assert (
        client.put(f"/api/v1/users/{target['id']}/active", json={"active": True}, headers=admin).status_code
        == 200
    )
    # Deactivation revoked its tokens for good: reactivation revives none, the user signs in afresh.
    assert client.get("/api/v1/me", headers=applicant).status_code == 401
    assert client.get("/api/v1/me", headers=as_user("applicant@demo.sandbox")).status_code == 200

    me = client.get("/api/v1/me", headers=admin).get_json()
    refused = client.put(f"/api/v1/users/{me['id']}/active", json={"active": False}, headers=admin)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "active"
    assert (
        client.put(f"/api/v1/users/{me['id']}/active", json={"active": "no"}, headers=admin).status_code
        == 422
    )

    firm = {"name": "北京亦庄数据合规律师事务所", "kind": "law_firm"}
    created = client.post("/api/v1/organisations", json=firm, headers=admin)
    assert created.status_code == 201 and created.get_json()["kind"] == "law_firm"
    names = [org["name"] for org in client.get("/api/v1/organisations", headers=admin).get_json()]
    assert firm["name"] in names
    assert (
        client.post("/api/v1/organisations", json=firm, headers=admin).status_code == 422
    )  # names are unique


def test_regulator_reads_the_enterprise_register_and_declarations(demo) -> None:
    client, as_user = demo
    regulator, applicant = as_user("regulator@demo.sandbox"), as_user("applicant@demo.sandbox")
    page = client.get("/api/v1/enterprises?q=智驾", headers=regulator).get_json()
    assert [e["name"] for e in page["items"]] == ["北京亦庄智驾科技有限公司"]
    own = client.get("/api/v1/me", headers=applicant).get_json()["enterprise"]["id"]
    declaration = client.get(f"/api/v1/enterprises/{own}/declaration", headers=regulator).get_json()
    assert declaration["enterprise_id"] == own and declaration["no_criminal_record"] is True
    other = page["items"][0]["id"] + 1
    assert client.get(f"/api/v1/enterprises/{other}/declaration", headers=applicant).status_code == 404


def test_admin_lists_rotates_and_revokes_keys(demo) -> None:
    client, as_user = demo
    admin = as_user("admin@demo.sandbox")
    before = client.get("/api/v1/keys", headers=admin).get_json()
    assert before["root_fingerprint"] and "assertion" in before["rotatable_uses"]
    old = next(k for k in before["keys"] if k["use"] == "assertion" and k["status"] == "active"
               and k["algorithm"] == "Ed25519")  # the SM2 key beside it rotates on its own  # fmt: skip
    rotated = client.post("/api/v1/keys/rotate", json={"use": "assertion"}, headers=admin)
    assert rotated.status_code == 201 and rotated.get_json()["kid"] != old["kid"]
    keys = {k["kid"]: k for k in client.get("/api/v1/keys", headers=admin).get_json()["keys"]}
    assert keys[old["kid"]]["status"] == "retired"
    assert client.post("/api/v1/keys/rotate", json={"use": "nonsense"}, headers=admin).status_code == 422
    active = rotated.get_json()["kid"]
    refused = client.post(f"/api/v1/keys/{active}/revocation", json={"reason": "测试"}, headers=admin)
    assert refused.status_code == 422  # only a retired key can be revoked
    revoked = client.post(f"/api/v1/keys/{old['kid']}/revocation", json={"reason": "疑似泄露"}, headers=admin)
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    jwks = {k["kid"]: k for k in client.get("/.well-known/jwks.json").get_json()["keys"]}
    assert jwks[old["kid"]]["status"] == "revoked"


def test_account_settings_language_and_password(demo) -> None:
    client, as_user = demo
    applicant = as_user("applicant@demo.sandbox")
    assert client.patch("/api/v1/me", json={"locale": "en"}, headers=applicant).get_json()["locale"] == "en"
    assert client.get("/api/v1/me", headers=applicant).get_json()["locale"] == "en"
    assert client.patch("/api/v1/me", json={"locale": "fr"}, headers=applicant).status_code == 422
    wrong = client.post("/api/v1/me/password", json={"current_password": "nope", "new_password": "x" * 12},
                        headers=applicant)  # fmt: skip
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "current_password"
    new = "新的密码-Applicant-2027"
    change = {"current_password": DEMO_PASSWORD, "new_password": new}
    changed = client.post("/api/v1/me/password", json=change, headers=applicant)
    assert changed.status_code == 204
    login = client.post("/api/v1/tokens", json={"email": "applicant@demo.sandbox", "password": new})
    assert login.status_code == 201


def test_lookups_beside_cases_certificates_and_disputes(demo) -> None:
    client, as_user = demo
    regulator, applicant = as_user("regulator@demo.sandbox"), as_user("applicant@demo.sandbox")
    directory = client.get("/api/v1/directory", headers=regulator).get_json()
    assert "北京市律师协会调解中心" in [o["name"] for o in directory["legal_organisations"]]
    assert [o["name"] for o in directory["testing_labs"]] == ["北京亦庄数据安全检测实验室"]
    assert "王监管（沙盒办）" in [p["display_name"] for p in directory["case_officers"]]
    assert "亦庄数据标注服务有限公司" in [o["name"] for o in directory["provider_organisations"]]
    own = client.get("/api/v1/directory", headers=applicant).get_json()
    assert own["legal_organisations"] and own["case_officers"] == [] and own["testing_labs"] == []

    queues = client.get("/api/v1/case-queues", headers=regulator).get_json()
    assert queues["states"]["exited"] >= 5 and "draft" not in queues["states"]

    exited = client.get("/api/v1/cases?state=exited&limit=100", headers=applicant).get_json()["items"]
    assert exited, "the demo applicant has an exited case"
    certificate = client.get(f"/api/v1/cases/{exited[0]['id']}/certificate", headers=applicant).get_json()
    assert certificate["number"].startswith("YZCC-") and certificate["status"] == "active"
    mine = client.get("/api/v1/me/certificates", headers=applicant).get_json()
    assert certificate["id"] in [item["id"] for item in mine["items"]]
    one_step = client.post(f"/api/v1/certificates/{certificate['id']}/status",
                           json={"action": "suspend", "reason": "待核查"}, headers=regulator)  # fmt: skip
    assert one_step.status_code == 409 and one_step.get_json()["code"] == "proposal_required"
    proposed = client.post(f"/api/v1/certificates/{certificate['id']}/status-proposals",
                           json={"action": "suspend", "reason": "待核查"}, headers=regulator)  # fmt: skip
    assert proposed.status_code == 201
    suspended = client.post(f"/api/v1/proposals/{proposed.get_json()['id']}/confirmation", json={},
                            headers=as_user("regulator2@demo.sandbox"))  # fmt: skip
    assert suspended.status_code == 200
    history = client.get(f"/api/v1/certificates/{certificate['id']}/history", headers=applicant).get_json()
    assert [(h["purpose"], h["value"], h["reason"]) for h in history] == [("suspension", True, "待核查")]
    voucher = client.get(f"/api/v1/certificates/{certificate['id']}/voucher", headers=applicant).get_json()
    assert voucher["certificate_id"] == certificate["id"] and voucher["status"] == "frozen"
    other = as_user("applicant2@demo.sandbox")
    assert client.get(f"/api/v1/certificates/{certificate['id']}/history", headers=other).status_code == 404
    assert client.get(f"/api/v1/cases/{exited[0]['id']}/certificate", headers=other).status_code == 404

    mediator = as_user("mediator@demo.sandbox")
    dispute = client.get("/api/v1/disputes", headers=mediator).get_json()["items"][0]
    colleagues = client.get(f"/api/v1/disputes/{dispute['id']}/colleagues", headers=mediator).get_json()
    assert [person["display_name"] for person in colleagues] == ["陈律师（调解中心）"]


def test_vouchers_policy_versions_provider_entry_and_redemptions_of_a_voucher(demo) -> None:
    client, as_user = demo
    admin, provider, regulator = (
        as_user("admin@demo.sandbox"), as_user("provider@demo.sandbox"), as_user("regulator@demo.sandbox")
    )  # fmt: skip
    current = client.get("/api/v1/voucher-policy", headers=admin).get_json()
    saved = client.put("/api/v1/voucher-policy", json={"document": current["document"], "note": "年度复核"},
                       headers=admin)  # fmt: skip
    assert saved.status_code == 200
    versions = client.get("/api/v1/voucher-policy/versions", headers=admin).get_json()
    assert [(v["version"], v["note"]) for v in versions][0] == (saved.get_json()["version"], "年度复核")
    entry = client.get("/api/v1/me/provider", headers=provider).get_json()
    assert (
        entry["organisation_name"] == "亦庄数据标注服务有限公司" and "data_annotation" in entry["categories"]
    )
    claims = client.get("/api/v1/redemptions", headers=regulator).get_json()["items"]
    voucher_id = claims[0]["voucher_id"]
    same = client.get(f"/api/v1/redemptions?voucher_id={voucher_id}", headers=regulator).get_json()["items"]
    assert same and {claim["voucher_id"] for claim in same} == {voucher_id}
    assert (
        client.get("/api/v1/redemptions?voucher_id=2147483647", headers=regulator).get_json()["items"] == []
    )
    assert client.get("/api/v1/redemptions?voucher_id=x", headers=regulator).status_code == 422


def test_case_list_filters_by_risk_level(client, session) -> None:
    applicant = factories.make_user(session, "applicant")
    token = client.post("/api/v1/tokens", json={"email": applicant.email, "password": factories.PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    factories.make_case(session, applicant)
    assert client.get("/api/v1/cases?risk_level=high", headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/cases?risk_level=severe", headers=headers).status_code == 422
    assert len(client.get("/api/v1/cases", headers=headers).get_json()["items"]) == 1
