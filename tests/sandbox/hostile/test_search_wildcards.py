"""`?q=` is searched for literally: `%` and `_` (and `/`, the escape character) match only themselves in
every list that searches with LIKE, on SQLite and PostgreSQL. Before, `q=%` matched every row."""

from __future__ import annotations

from sqlmodel import select

from sandbox.models.accounts import User
from sandbox.services.common.text_search import text_matches
from tests import factories
from tests.case_flow import token
from tests.sandbox.api.publication.test_typical_cases import act, exited_flow, propose

# No row below holds these literally (some hold a lone "_": "legal_partner"), so each must find nothing.
WILDCARDS = ("%", "%%", "_%_", "/")


def test_text_matches_finds_wildcards_literally_and_ignores_case(session) -> None:
    names = ["折扣50%专员", "a_b专员", "c/d专员", "PLAIN专员", "plain专员", "ab专员"]
    for name in names:
        factories.make_user(session, "regulator", display_name=name)

    def found(query: str) -> list[str]:
        statement = select(User.display_name).where(text_matches(query, User.display_name))
        return sorted(session.exec(statement).all())

    assert found("%") == ["折扣50%专员"]
    assert found("50%") == ["折扣50%专员"]
    assert found("_") == ["a_b专员"]
    assert found("a_b") == ["a_b专员"]  # and not "ab专员" or any other three-letter match
    assert found("/") == ["c/d专员"]
    assert found("c/d") == ["c/d专员"]
    assert found(" plain ") == ["PLAIN专员", "plain专员"]
    assert found("专员") == sorted(names)


def _total(response) -> int:
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return body["total"] if "total" in body else len(body["items"])


def test_every_list_search_takes_wildcards_literally(client, session) -> None:
    flow = exited_flow(client, session)
    publish_id = propose(flow)["id"]
    act(flow, "applicant", publish_id, "decision", decision="approve", expected_version=1)
    act(flow, "regulator", publish_id, "publication", expected_version=1)
    centre = flow.centre_id
    factories.make_dispute(session, flow.users["applicant"], organisation_id=centre)
    admin = token(client, factories.make_user(session, "admin"))
    public: dict[str, str]
    regulator, public = flow.headers["regulator"], {}
    # (list, who asks, a word of a row it holds, that word with a wildcard inside)
    searches = [
        ("/api/v1/users", admin, "user", "us_r"),
        ("/api/v1/enterprises", regulator, "科技", "科%技"),
        ("/api/v1/cases", regulator, "数据融合", "数据%融合"),
        ("/api/v1/disputes", regulator, "被驳回", "被_回"),
        ("/api/v1/typical-case-proposals", regulator, "隐私计算", "隐私%计算"),
        ("/api/v1/typical-cases", public, "隐私计算", "隐_计算"),
        ("/api/v1/registry", public, "YZSB", "YZ%B"),
    ]
    for path, headers, word, pattern in searches:
        assert _total(client.get(path, query_string={"q": word}, headers=headers)) >= 1, path
        for query in (*WILDCARDS, pattern):
            assert _total(client.get(path, query_string={"q": query}, headers=headers)) == 0, (path, query)
    page = client.get("/typical-cases", query_string={"q": "%"}).get_data(as_text=True)
    assert "企业信用数据融合的隐私计算路径" not in page
