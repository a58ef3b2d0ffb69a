"""Publication consent and the public registry: consent changes until the filing is accepted and not
after; unfiled cases never appear; a field the enterprise did not consent to is in no public page or API
response (raw HTML and JSON text), and searching for it finds nothing; filters; exit certificate links."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from sqlmodel import select

from sandbox.demo.publication import seed_publication_consents
from sandbox.models.accounts import Enterprise
from sandbox.models.publication import PUBLISHABLE_FIELDS, PublicationConsent
from sandbox.services.case_events.fire import apply_event
from sandbox.services.publication import consent as publication
from tests import factories
from tests.case_flow import GENERAL_PLAN, CaseFlow

HIDDEN_NAME = "隐名数据科技有限公司甲乙丙"
HIDDEN_OBJECTIVES = "本条测试目标不得出现在任何公开页面之中ZQXHIDDEN。"
SHOWN_TITLE = "公开标题的企业数据融合项目"
SHOWN_NAME = "公开名称数据科技有限公司丁戊"
SHOWN_OBJECTIVES = "本条测试目标经企业同意可以公开PUBMARKER。"
ECHO = re.compile(r'<input[^>]*>|href="[^"]*"')


def consent_url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/publication-consent"


def put_consent(flow: CaseFlow, fields: object, who: str = "applicant", expect: int = 200):
    response = flow.call(who, "PUT", consent_url(flow.case_id), json={"fields": fields})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def new_case(client, session, *, name: str, title: str, objectives: str, consent: list[str]) -> CaseFlow:
    """A draft of an enterprise called `name`, with the given consent."""
    flow = CaseFlow(client, session)
    enterprise = session.get(Enterprise, flow.users["applicant"].enterprise_id)
    enterprise.name = name
    session.add(enterprise)
    session.commit()
    flow.create(title=title, plan={**GENERAL_PLAN, "objectives": objectives})
    put_consent(flow, consent)
    return flow


def filed(flow: CaseFlow) -> str:
    """Submit the case and accept its filing; return the filing number."""
    flow.fire("applicant", "submit")
    flow.fire("regulator", "accept_filing")
    return flow.case()["filing_number"]


@pytest.fixture
def two_filed(client, session):
    """A filed case whose enterprise hid its name and objectives, and one that published everything."""
    hidden = new_case(client, session, name=HIDDEN_NAME, title=SHOWN_TITLE, objectives=HIDDEN_OBJECTIVES,
                      consent=["title", "data_categories"])  # fmt: skip
    shown = new_case(client, session, name=SHOWN_NAME, title="全部公开的项目", objectives=SHOWN_OBJECTIVES,
                     consent=list(PUBLISHABLE_FIELDS))  # fmt: skip
    return (hidden, filed(hidden)), (shown, filed(shown))


def public_texts(client, filing_number: str, *searches: str) -> dict[str, str]:
    """Every public page and API response that could show the case, as raw text, by URL."""
    urls = [
        "/registry",
        f"/registry/{filing_number}",
        "/api/v1/registry",
        f"/api/v1/registry/{filing_number}",
        f"/registry?sector=general_data&state=risk_assessment&q={filing_number}",
    ]
    for text in searches:
        urls += [f"/registry?q={text}", f"/api/v1/registry?q={text}"]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        if url.startswith("/api/"):
            # The JSON text escapes Chinese as \uXXXX: compare with the same text unescaped too.
            text += json.dumps(response.get_json(), ensure_ascii=False)
        elif "q=" in url:
            # A results page repeats the visitor's own query (search box, language switch, links).
            text = ECHO.sub("", text)
            assert "<table" in text and "<tbody>" in text
        pages[url] = text
    return pages


def test_consent_changes_until_the_filing_is_accepted_then_is_fixed(client, session) -> None:
    flow = new_case(
        client, session, name="变更测试有限公司", title="变更测试项目", objectives="目标", consent=["title"]
    )
    body = put_consent(flow, ["objectives", "title", "title"])
    assert body["fields"] == ["title", "objectives"] and body["changeable"] and body["can_change"]
    assert len(put_consent(flow, ["title", "objectives"])["history"]) == 2  # unchanged: no new row
    flow.fire("applicant", "submit")
    body = put_consent(flow, ["title", "enterprise_name"])  # still allowed in filing review
    assert body["fields"] == ["enterprise_name", "title"] and len(body["history"]) == 3
    assert body["history"][-1]["given_by_id"] == flow.users["applicant"].id
    put_consent(flow, ["title"], who="regulator", expect=403)
    flow.fire("regulator", "accept_filing")
    english = {**flow.headers["applicant"], "Accept-Language": "en"}
    refused = client.put(consent_url(flow.case_id), headers=english, json={"fields": ["uscc"]})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert "fixed" in refused.get_json()["detail"]
    now = flow.call("applicant", "GET", consent_url(flow.case_id)).get_json()
    assert now["fields"] == ["enterprise_name", "title"] and now["changeable"] is now["can_change"] is False
    # Sent back for amendment after acceptance: the project is public already, the consent stays fixed.
    flow.fire("regulator", "request_amendment", note="请补充材料。", fields=["objectives"])
    assert flow.case()["state"] == "amendment_requested"
    put_consent(flow, ["uscc"], expect=409)
    rows = session.exec(select(PublicationConsent).where(PublicationConsent.case_id == flow.case_id)).all()
    assert [row.fields for row in rows][-1] == ["enterprise_name", "title"] and len(rows) == 3


def test_unknown_or_malformed_fields_are_refused(client, session) -> None:
    flow = new_case(
        client, session, name="字段测试有限公司", title="字段测试项目", objectives="目标", consent=[]
    )
    refused = put_consent(flow, ["title", "salary"], expect=422)
    assert refused["errors"][0]["field"] == "fields" and "salary" in refused["errors"][0]["message"]
    put_consent(flow, "title", expect=422)
    assert flow.call("applicant", "PUT", consent_url(flow.case_id), json={}).status_code == 422
    assert put_consent(flow, [])["fields"] == []


def test_another_enterprise_cannot_see_or_change_the_consent(client, session) -> None:
    mine = new_case(
        client, session, name="甲企业有限公司", title="甲项目", objectives="目标", consent=["title"]
    )
    other = CaseFlow(client, session)
    for method in ("GET", "PUT"):
        response = other.call("applicant", method, consent_url(mine.case_id), json={"fields": []})
        assert response.status_code == 404


def test_cases_not_filed_never_appear(client, session) -> None:
    new_case(client, session, name="草稿企业有限公司", title="草稿阶段的保密项目MARKDRAFTA",
                     objectives="草稿目标MARKDRAFTA", consent=list(PUBLISHABLE_FIELDS))  # fmt: skip
    submitted = new_case(client, session, name="审查企业有限公司", title="备案审查中的保密项目MARKSUBMITB",
                         objectives="审查目标MARKSUBMITB", consent=list(PUBLISHABLE_FIELDS))  # fmt: skip
    submitted.fire("applicant", "submit")
    rejected = new_case(client, session, name="驳回企业有限公司", title="被驳回的保密项目MARKREJECTC",
                        objectives="驳回目标MARKREJECTC", consent=list(PUBLISHABLE_FIELDS))  # fmt: skip
    rejected.fire("applicant", "submit")
    rejected.fire("regulator", "reject", note="不属于支持范围。", reasons="不属于支持范围。")
    pages = "".join(client.get(url).get_data(as_text=True) for url in ("/registry", "/api/v1/registry"))
    for secret in ("MARKDRAFTA", "MARKSUBMITB", "MARKREJECTC", "草稿企业", "审查企业", "驳回企业"):
        assert secret not in pages
    for text in ("保密项目", "MARKSUBMITB"):
        assert client.get(f"/api/v1/registry?q={text}").get_json()["total"] == 0
    assert client.get("/api/v1/registry").get_json()["total"] == 0
    assert client.get("/registry/YZSB-2026-0001").status_code == 404


def test_a_field_without_consent_appears_on_no_public_page(client, session, two_filed) -> None:
    (hidden, number), (_, shown_number) = two_filed
    uscc = session.get(Enterprise, hidden.users["applicant"].enterprise_id).uscc
    for language in ("zh", "en"):
        client.post("/language", data={"locale": language})
        pages = public_texts(client, number, HIDDEN_NAME, HIDDEN_OBJECTIVES, "隐名数据", "ZQXHIDDEN", uscc)
        for url, text in pages.items():
            for secret in (HIDDEN_NAME, "隐名数据", HIDDEN_OBJECTIVES, "ZQXHIDDEN", uscc):
                assert secret not in text, (language, url, secret)
        # What was consented does appear: the title, and the other enterprise's name and objectives.
        assert SHOWN_TITLE in pages["/registry"] and SHOWN_TITLE in pages[f"/registry/{number}"]
        assert SHOWN_TITLE in pages[f"/api/v1/registry/{number}"]
        assert SHOWN_NAME in pages["/registry"] and SHOWN_NAME in pages["/api/v1/registry"]
    detail = client.get(f"/api/v1/registry/{number}").get_json()
    assert detail["published_fields"] == ["title", "data_categories"]
    assert {"enterprise_name", "uscc", "objectives", "trial_period", "risk_level"}.isdisjoint(detail)
    assert client.get(f"/api/v1/registry/{shown_number}").get_json()["objectives"] == SHOWN_OBJECTIVES
    assert client.get(f"/api/v1/registry/{number.lower()}").status_code == 200


def test_search_matches_only_consented_text(client, two_filed) -> None:
    (_, number), (_, shown_number) = two_filed
    for secret in (HIDDEN_NAME, HIDDEN_OBJECTIVES, "ZQXHIDDEN", "隐名"):
        assert client.get("/api/v1/registry", query_string={"q": secret}).get_json()["total"] == 0
        page = client.get("/registry", query_string={"q": secret}).get_data(as_text=True)
        assert number not in page and shown_number not in page
    by_title = client.get("/api/v1/registry", query_string={"q": "公开标题"}).get_json()
    assert [item["filing_number"] for item in by_title["items"]] == [number]
    # Case-insensitive, on the published objectives.
    by_objectives = client.get("/api/v1/registry", query_string={"q": "pubmarker"}).get_json()
    assert [item["filing_number"] for item in by_objectives["items"]] == [shown_number]
    page = client.get("/registry", query_string={"q": SHOWN_NAME}).get_data(as_text=True)
    assert shown_number in page and number not in page


def test_registry_list_filters_and_pages(client, two_filed) -> None:
    (_, number), (shown, shown_number) = two_filed
    assert client.get("/api/v1/registry").get_json()["total"] == 2
    year = int(number.split("-")[1])
    assert client.get(f"/api/v1/registry?year={year}").get_json()["total"] == 2
    assert client.get(f"/api/v1/registry?year={year - 1}").get_json()["total"] == 0
    assert client.get("/api/v1/registry?sector=healthcare").get_json()["total"] == 0
    shown.call("regulator", "PATCH", f"/api/v1/cases/{shown.case_id}", json={"assessor_org_id": shown.lab_id})
    shown.complete_risk_assessment()
    by_state = client.get("/api/v1/registry?state=technical_verification").get_json()
    assert [item["filing_number"] for item in by_state["items"]] == [shown_number]
    first = client.get("/api/v1/registry?per_page=1").get_json()
    second = client.get("/api/v1/registry?per_page=1&page=2").get_json()
    assert first["total"] == 2 and len(first["items"]) == 1
    assert {first["items"][0]["filing_number"], second["items"][0]["filing_number"]} == {number, shown_number}
    page = client.get("/registry?state=technical_verification").get_data(as_text=True)
    assert shown_number in page and number not in page
    for bad in ("state=draft", "state=submitted", "year=26", "page=0", "sector=nonsense"):
        assert client.get(f"/api/v1/registry?{bad}").status_code == 422, bad
    assert client.get("/registry?state=draft&year=abc&page=x").status_code == 200  # the page ignores nonsense


def test_responses_match_the_documented_schema(client, two_filed) -> None:
    (hidden, number), _ = two_filed
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    checks = [
        ("/api/v1/registry", "/api/v1/registry", None),
        (f"/api/v1/registry/{number}", "/api/v1/registry/{filing_number}", None),
        (
            consent_url(hidden.case_id),
            "/api/v1/cases/{case_id}/publication-consent",
            hidden.headers["applicant"],
        ),
    ]
    for url, path, headers in checks:
        schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        body = client.get(url, headers=headers).get_json()
        jsonschema.validate(
            body, {**schema, "components": document["components"]}, cls=jsonschema.Draft202012Validator
        )
    assert paths["/api/v1/registry"]["get"]["security"] == []


def test_an_exited_entry_links_to_its_certificate_verification(client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("exited", consent=["enterprise_name"])  # the certificate names the enterprise
    number = flow.case()["filing_number"]
    entry = client.get(f"/api/v1/registry/{number}").get_json()
    cert_id = entry["exit"]["certificate_id"]
    assert entry["stage"] == "exited" and entry["exit"]["certificate_number"].startswith("YZCC-")
    assert entry["exit"]["verification_url"].endswith(f"/c/{cert_id}")
    assert f'href="/c/{cert_id}"' in client.get(f"/registry/{number}").get_data(as_text=True)
    assert f'href="/c/{cert_id}"' in client.get("/registry").get_data(as_text=True)
    assert client.get(f"/c/{cert_id}").status_code == 200
    # Only the name was consented to: the other optional facts stay unpublished.
    assert entry["published_fields"] == ["enterprise_name"] and "title" not in entry


def test_consent_forms_on_the_filing_form_and_the_case_page(client, session, login_as) -> None:
    applicant = login_as("applicant")
    case = factories.make_case(session, applicant, title="网页授权测试项目")
    step = client.get(f"/cases/{case.id}/edit?step=commitment").get_data(as_text=True)
    assert step.count('name="publication_fields"') == len(PUBLISHABLE_FIELDS)
    saved = client.post(
        f"/cases/{case.id}/edit?step=commitment",
        data={"publication_consent": "1", "publication_fields": ["objectives", "title"], "action": "save"},
    )
    assert saved.status_code == 302
    assert current(session, case.id) == ["title", "objectives"]
    basics = {"title": "网页授权测试项目", "data_categories": "企业数据"}
    assert client.post(f"/cases/{case.id}/edit?step=basics", data=basics).status_code == 302
    assert current(session, case.id) == ["title", "objectives"]  # a step without the fieldset keeps it

    form = {"publication_fields": ["enterprise_name"]}
    assert client.post(f"/cases/{case.id}/publication-consent", data=form).status_code == 302
    assert current(session, case.id) == ["enterprise_name"]
    refused = client.post(f"/cases/{case.id}/publication-consent", data={"publication_fields": ["salary"]})
    assert refused.status_code == 422 and "salary" in refused.get_data(as_text=True)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="publication-consent"' in page and 'value="enterprise_name" checked' in page

    factories.submit_case(session, applicant, case)
    regulator = factories.make_user(session, "regulator")
    lab = {"assessor_org_id": factories.make_organisation(session).id}
    apply_event(session, actor=regulator, case_id=case.id, event="accept_filing", data=lab)
    session.commit()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="publication_fields"' not in page and 'id="consented-fields"' in page
    assert applicant.display_name in page.split('id="publication-consent"')[1]
    fixed = client.post(f"/cases/{case.id}/publication-consent", data={"publication_fields": ["uscc"]})
    assert fixed.status_code == 409 and current(session, case.id) == ["enterprise_name"]


def current(session, case_id: int) -> list[str]:
    session.expire_all()
    return publication.current_consent(session, case_id)


def test_demo_consents_publish_names_except_the_one_declined(app, client, session) -> None:
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    assert seed_publication_consents(session) == 0  # idempotent
    declined, published = "北京亦庄医学影像智能科技有限公司", "北京亦庄智驾科技有限公司"
    healthcare = client.get("/api/v1/registry?sector=healthcare").get_json()
    assert healthcare["total"] >= 2
    assert all("enterprise_name" not in item and "title" in item for item in healthcare["items"])
    texts = [client.get(url).get_data(as_text=True) for url in ("/registry", "/registry?sector=healthcare")]
    texts += [
        client.get(f"/registry/{item['filing_number']}").get_data(as_text=True)
        for item in healthcare["items"]
    ]
    texts.append(json.dumps(client.get("/api/v1/registry?per_page=100").get_json(), ensure_ascii=False))
    assert not any(declined in text for text in texts)
    assert published in texts[0]
    assert client.get("/api/v1/registry?state=exited").get_json()["total"] == 5
