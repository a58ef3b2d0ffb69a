"""Consent decides where a certificate is listed or linked publicly (issue 14 §4).

A certificate names the enterprise and its USCC, so the anonymous listing, the registry and the other
public pages link it only where the enterprise consented to its name being published. Whoever holds a
certificate's id, QR code or number still verifies it; the holder and the office still list theirs.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from sandbox.models.accounts import Enterprise
from sandbox.models.certificates import Certificate
from sandbox.services.cases.calendar import beijing_today
from tests import factories
from tests.case_flow import CaseFlow, token
from tests.sandbox.api.legal.test_disputes_api import apply, file_incident
from tests.sandbox.api.publication.test_registry import ECHO

HIDDEN_NAME = "不愿公开名称的数据科技有限公司"
SHOWN_NAME = "同意公开名称的数据科技有限公司"


def exited(client, session, *, name: str, consent: list[str]) -> tuple[CaseFlow, Certificate]:
    """A case of an enterprise called `name`, with `consent`, driven to exit; its exit certificate."""
    flow = CaseFlow(client, session)
    enterprise = session.get(Enterprise, flow.users["applicant"].enterprise_id)
    enterprise.name = name
    session.add(enterprise)
    session.commit()
    flow.to("exited", consent=consent)
    session.expire_all()
    cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    return flow, cert


@pytest.fixture
def two_exits(client, session):
    """One exit whose enterprise withheld its name, one whose enterprise published it."""
    hidden = exited(client, session, name=HIDDEN_NAME, consent=["title", "uscc"])
    shown = exited(client, session, name=SHOWN_NAME, consent=["enterprise_name", "title"])
    return hidden, shown


def granted_exemption(flow: CaseFlow) -> str:
    """Grant an exemption decision on the flow's case (in testing); return the decision's certificate id."""
    request = apply(flow, file_incident(flow, "越权访问事件"))
    path = f"/api/v1/exemptions/{request['id']}"
    opinion = {"opinion": "企业已按方案及监管指导执行，事件系善意试错。", "recommendation": "support"}
    assert flow.call("mediator", "POST", f"{path}/opinion", json=opinion).status_code == 200
    decided = flow.decide_exemption(request["id"], {"decision": "granted", "reasons": "善意试错，免予追责。"})
    assert decided.status_code == 200, decided.get_json()
    return decided.get_json()["certificate_id"]


def listed(client, headers=None) -> set[str]:
    response = client.get("/api/v1/certificates?per_page=100", headers=headers or {})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def test_anonymous_listing_holds_only_certificates_whose_enterprise_published_its_name(
    client, session, two_exits
) -> None:
    (hidden, hidden_cert), (shown, shown_cert) = two_exits
    exemption = CaseFlow(client, session)
    exemption.to("testing", consent=["title"])
    decision_id = granted_exemption(exemption)

    everything = {hidden_cert.id, shown_cert.id, decision_id}
    assert listed(client) == {shown_cert.id}
    raw = client.get("/api/v1/certificates").get_data(as_text=True)
    assert hidden_cert.number not in raw and HIDDEN_NAME not in raw
    # The holder lists its own besides the public ones; the office and the admin list every one.
    assert listed(client, hidden.headers["applicant"]) == {hidden_cert.id, shown_cert.id}
    assert listed(client, exemption.headers["applicant"]) == {decision_id, shown_cert.id}
    assert listed(client, hidden.headers["regulator"]) == everything
    admin = token(client, factories.make_user(session, "admin"))
    assert listed(client, admin) == everything
    assert listed(client, hidden.headers["mediator"]) == {shown_cert.id}
    assert client.get("/api/v1/certificates", headers={"Authorization": "Bearer nope"}).status_code == 401
    # The holder's own listing and the office's are unchanged.
    mine = hidden.call("applicant", "GET", "/api/v1/me/certificates").get_json()
    assert [item["id"] for item in mine["items"]] == [hidden_cert.id]


def test_whoever_holds_the_id_qr_or_number_still_verifies(client, session, two_exits) -> None:
    (_, hidden_cert), _ = two_exits
    bundle = client.get(f"/api/v1/certificates/{hidden_cert.id}")
    assert bundle.status_code == 200
    assert bundle.get_json()["credential"]["credentialSubject"]["enterprise"]["name"] == HIDDEN_NAME
    pdf = client.get(f"/api/v1/certificates/{hidden_cert.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    pdf.close()
    assert client.get(f"/c/{hidden_cert.id}").status_code == 200
    assert client.post("/api/v1/verify", json={"number": hidden_cert.number}).get_json()["verdict"] == "valid"
    assert client.post("/verify", data={"number": hidden_cert.number}).status_code == 200


def test_the_registry_links_a_certificate_only_with_the_enterprise_name(client, session, two_exits) -> None:
    (hidden, hidden_cert), (shown, shown_cert) = two_exits
    hidden_number, shown_number = hidden.case()["filing_number"], shown.case()["filing_number"]

    entry = client.get(f"/api/v1/registry/{hidden_number}").get_json()
    assert entry["stage"] == "exited" and entry["exit"]["exited_on"] == beijing_today().isoformat()
    assert not {"certificate_id", "certificate_number", "verification_url"} & set(entry["exit"])
    assert entry["exit"]["certificate_status"] == "active"
    linked = client.get(f"/api/v1/registry/{shown_number}").get_json()["exit"]
    assert linked["certificate_id"] == shown_cert.id
    assert linked["verification_url"].endswith(f"/c/{shown_cert.id}")

    urls = ["/registry", f"/registry/{hidden_number}", "/api/v1/registry", "/transparency", "/typical-cases"]
    urls += [f"/registry?q={hidden_cert.number}", f"/api/v1/registry?q={hidden_cert.number}"]
    pages = {url: client.get(url).get_data(as_text=True) for url in urls}
    for url, text in pages.items():
        assert hidden_cert.id not in text or url == "/transparency", url  # the log lists ids, never links
        assert hidden_cert.number not in ECHO.sub("", text), url
        assert HIDDEN_NAME not in text, url
    assert f'href="/c/{hidden_cert.id}"' not in pages["/transparency"]
    assert client.get(f"/api/v1/registry?q={hidden_cert.number}").get_json()["total"] == 0
    assert f'href="/c/{shown_cert.id}"' in pages["/registry"]
    assert f'href="/c/{shown_cert.id}"' in client.get(f"/registry/{shown_number}").get_data(as_text=True)
    assert client.get(f"/api/v1/registry?q={shown_cert.number}").get_json()["total"] == 1


def test_a_revocation_shows_in_the_registry_with_its_date(client, session, two_exits) -> None:
    (hidden, hidden_cert), (shown, shown_cert) = two_exits
    for flow, cert in ((hidden, hidden_cert), (shown, shown_cert)):
        flow.change_status(cert.id, "revoke", "提供虚假材料")
    today = beijing_today()
    shown_number, hidden_number = shown.case()["filing_number"], hidden.case()["filing_number"]

    entry = client.get(f"/api/v1/registry/{shown_number}").get_json()
    assert entry["stage"] == "exited"
    assert entry["exit"]["certificate_status"] == "revoked"
    assert entry["exit"]["certificate_status_name"] == {"zh": "已撤销", "en": "Revoked"}
    assert entry["exit"]["status_changed_on"] == today.isoformat()
    # Without the name, the outcome is still honest, but nothing dates it against the public log.
    hidden_exit = client.get(f"/api/v1/registry/{hidden_number}").get_json()["exit"]
    assert hidden_exit["certificate_status"] == "revoked" and "status_changed_on" not in hidden_exit

    page = client.get(f"/registry/{shown_number}").get_data(as_text=True)
    assert "已撤销" in page and f"{today.year}年{today.month}月{today.day}日" in page
    assert "已撤销" in client.get("/registry").get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    english = client.get(f"/registry/{shown_number}").get_data(as_text=True)
    assert "Revoked" in english and today.strftime("%b %-d, %Y") in english
    assert json.dumps(client.get("/api/v1/registry").get_json()).count('"revoked"') == 2
