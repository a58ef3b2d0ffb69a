"""Hostile JSON bodies and cross-site form posts: clear 4xx answers, never a 500, and nothing changed.

The API reads every JSON body through `sandbox.api.body.read_json` (size, depth and strictness limits
before any view sees the data). Every page form that changes state refuses a post without its CSRF
token; the API ignores the session cookie altogether (bearer tokens only), so a cross-site post to it
carries no authority.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from sandbox.db import open_session
from sandbox.models import metadata
from sandbox.models.cases import Case
from tests import factories
from tests.conftest import make_test_app

PROBLEM = "application/problem+json"


@pytest.fixture
def sqlite_app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    """Parsing happens before any database work, so most checks need one backend only."""
    path = tmp_path / "sandbox.db"
    path.write_bytes(sqlite_template.read_bytes())
    app = make_test_app(f"sqlite:///{path}", tmp_path / "instance")
    yield app
    app.extensions["sandbox.engine"].dispose()


@pytest.fixture
def session_factory(sqlite_app: Flask) -> Iterator:
    with open_session(sqlite_app) as db:
        yield lambda role: factories.make_user(db, role)


def post_raw(client: FlaskClient, body: bytes | str, content_type: str = "application/json", **kw):
    return client.post("/api/v1/tokens", data=body, content_type=content_type, **kw)


def problem_of(response) -> dict:
    assert response.mimetype == PROBLEM, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["status"] == response.status_code
    return body


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("[" * 10_000 + "]" * 10_000, "nested more than 32 levels"),
        ('{"a":' * 10_000 + "1" + "}" * 10_000, "nested more than 32 levels"),
        ("[" * 33 + "]" * 33, "nested more than 32 levels"),  # parses, but deeper than the limit
        ('{"email": "a@b.cn", "email": "c@d.cn", "password": "x"}', "appears twice"),
        ('{"email": NaN}', "NaN is not a JSON number"),
        ('{"email": Infinity}', "Infinity is not a JSON number"),
        ('{"email": -Infinity}', "-Infinity is not a JSON number"),
        ('{"email": 1e400}', "too large"),
        ('{"email": 100000000000000000000000000000}', "too large"),
        ('{"email": 1' + "0" * 5000 + "}", "too large"),
        ('{"email": "\\ud800", "password": "x"}', "unpaired surrogate"),
        ('{"email": "a@b.cn", "password": "\\udfff"}', "unpaired surrogate"),
        ('{"email": "a\\u0000@b.cn", "password": "x"}', "NUL"),
        ('{"email": "a@b.cn", "password": ', "not valid JSON (line 1, column"),
        (b'{"email": "\xff\xfe"}', "not valid UTF-8"),
    ],
)
def test_malformed_bodies_get_400_problem_json(sqlite_app: Flask, body: str | bytes, detail: str) -> None:
    client = sqlite_app.test_client()
    response = post_raw(client, body, headers={"Accept-Language": "en"})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    problem = problem_of(response)
    assert problem["code"] == "bad_request"
    assert detail in problem["detail"]


def test_the_limits_leave_ordinary_bodies_alone(sqlite_app: Flask, session_factory) -> None:
    user = session_factory("applicant")
    client = sqlite_app.test_client()
    deep_enough = {"email": user.email, "password": factories.PASSWORD}
    for _ in range(30):  # 31 levels in all
        deep_enough = {"email": user.email, "password": factories.PASSWORD, "x": deep_enough}
    bom = "\ufeff" + json.dumps({"email": user.email, "password": factories.PASSWORD})
    for body in (
        json.dumps(deep_enough),
        bom,
        json.dumps({"email": user.email, "password": factories.PASSWORD}),
    ):
        response = post_raw(client, body.encode("utf-8"))
        assert response.status_code == 201, response.get_data(as_text=True)[:300]


def test_bodies_over_the_limit_get_413_before_parsing(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    big = json.dumps({"email": "a@b.cn", "password": "x", "pad": "x" * (1024 * 1024)})
    response = post_raw(client, big, headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert problem_of(response)["code"] == "too_large" and "1024 KB" in response.get_json()["detail"]
    # Beyond the whole request limit, werkzeug refuses it before the view: still problem+json.
    huge = b"[" + b"0," * (11 * 1024 * 1024) + b"0]"
    response = post_raw(client, huge)
    assert response.status_code == 413 and problem_of(response)["code"] == "too_large"
    # Deep nesting inside a body that is also too large: the size answers first, nothing is parsed.
    response = post_raw(client, "[" * 2_000_000 + "]" * 2_000_000)
    assert response.status_code == 413


def test_limits_are_configurable(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "small.db"
    path.write_bytes(sqlite_template.read_bytes())
    app = make_test_app(f"sqlite:///{path}", tmp_path / "i", API_JSON_MAX_BYTES=100, API_JSON_MAX_DEPTH=3)
    try:
        client = app.test_client()
        assert post_raw(client, json.dumps({"email": "a", "password": "b" * 100})).status_code == 413
        assert post_raw(client, '{"email": [[["x"]]]}').status_code == 400
        assert post_raw(client, '{"email": [["x"]], "password": "y"}').status_code == 422  # 3 deep: read
    finally:
        app.extensions["sandbox.engine"].dispose()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"email": "a@b.cn", "password": "x"}', "text/plain", 415),
        ("email=a%40b.cn&password=x", "application/x-www-form-urlencoded", 415),
        ('{"email": "a@b.cn"}', "application/xml", 415),
        ("", "application/json", 422),
        ("[]", "application/json", 422),
        ('"a string"', "application/json", 422),
        ("42", "application/json", 422),
        ("null", "application/json", 422),
    ],
)
def test_wrong_media_type_or_shape_is_named(
    sqlite_app: Flask, body: str, content_type: str, status: int
) -> None:
    response = post_raw(sqlite_app.test_client(), body, content_type, headers={"Accept-Language": "en"})
    assert response.status_code == status
    problem = problem_of(response)
    if status == 415:
        assert "Content-Type application/json" in problem["detail"]
    else:
        assert problem["errors"] == [
            {"field": "body", "message": "Send a JSON object with Content-Type application/json."}
        ]


def test_every_operation_with_a_body_documents_these_answers(sqlite_app: Flask) -> None:
    document = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    with_body = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert len(with_body) > 30
    for path, method, operation in with_body:
        assert {"400", "413", "415", "422"} <= set(operation["responses"]), f"{method} {path}"


def test_nul_and_surrogates_never_reach_the_database(app: Flask, session: Session) -> None:
    """PostgreSQL refuses NUL in text and UTF-8 cannot carry a lone surrogate: both used to end in a 500."""
    user = factories.make_user(session, "applicant")
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    for title in ('"NUL\\u0000项目"', '"\\ud83d项目"', '"项目\\udc00"'):
        body = '{"title": ' + title + ', "sector": "autonomous_driving"}'
        response = client.post("/api/v1/cases", data=body, content_type="application/json", headers=headers)
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
    # A proper surrogate pair is one character, and fine.
    response = client.post(
        "/api/v1/cases",
        data='{"title": "自动驾驶 \\ud83d\\ude97 项目", "sector": "autonomous_driving"}',
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    session.expire_all()
    assert [case.title for case in session.exec(select(Case)).all()] == ["自动驾驶 🚗 项目"]


# --- CSRF --------------------------------------------------------------------------------------------


def snapshot(app: Flask) -> str:
    """A digest of every row of every table."""
    digest = hashlib.sha256()
    with app.extensions["sandbox.engine"].connect() as connection:
        for table in metadata.sorted_tables:
            rows = connection.execute(table.select().order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{rows!r}".encode())
    return digest.hexdigest()


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, url
    return found.group(1)


def sample_url(rule) -> str:
    """The rule with real-looking values: id 1 exists for most records in the world below."""
    values = {name: 1 if type(converter).__name__ == "RecordIdConverter" else "x"
              for name, converter in rule._converters.items()}  # fmt: skip
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_every_page_form_refuses_a_post_without_its_csrf_token(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    try:
        with open_session(app) as session:
            applicant = factories.make_user(session, "applicant")
            factories.make_user(session, "regulator")
            case = factories.make_case(session, applicant)
            factories.make_document(session, app, applicant, case)
            factories.submit_case(session, applicant, case)
        web = app.test_client()
        token = csrf_token(web, "/login")
        data = {"email": applicant.email, "password": factories.PASSWORD, "csrf_token": token}
        assert web.post("/login", data=data).status_code == 302
        before = snapshot(app)
        posts = [
            rule
            for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and not rule.rule.startswith("/api/")
        ]
        assert len(posts) > 40
        accepted = []
        for rule in posts:
            url = sample_url(rule)
            response = web.post(url, data={"title": "跨站", "body": "跨站", "confirm": "yes"})
            text = response.get_data(as_text=True)
            if response.status_code != 400 or "表单已过期或来源无效" not in text:
                accepted.append(f"POST {url}: {response.status_code}")
        assert not accepted, "\n".join(accepted)
        assert snapshot(app) == before
        # Still signed in (the logout form was refused too), and the token makes a form work.
        assert web.get("/dashboard").status_code == 200
        response = web.post("/language", data={"locale": "en", "csrf_token": csrf_token(web, "/dashboard")})
        assert response.status_code == 302
    finally:
        app.extensions["sandbox.engine"].dispose()


def test_the_session_cookie_carries_no_authority_on_the_api(database_url: str, tmp_path: Path) -> None:
    """The API is CSRF-exempt because it authenticates bearer tokens only: a browser's cookie is ignored."""
    app = make_test_app(database_url, tmp_path / "cookie", WTF_CSRF_ENABLED=True)
    try:
        with open_session(app) as session:
            applicant = factories.make_user(session, "applicant")
            factories.submit_case(session, applicant, factories.make_case(session, applicant))
        web, stranger = app.test_client(), app.test_client()
        token = csrf_token(web, "/login")
        data = {"email": applicant.email, "password": factories.PASSWORD, "csrf_token": token}
        assert web.post("/login", data=data).status_code == 302
        before = snapshot(app)
        writes = [
            (rule, method)
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/")
            for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"})
        ]
        assert len(writes) > 40
        differences = []
        for rule, method in writes:
            url = sample_url(rule)
            body = {"title": "跨站请求", "sector": "autonomous_driving", "event": "withdraw"}
            with_cookie = web.open(url, method=method, json=body)
            without = stranger.open(url, method=method, json=body)
            if (with_cookie.status_code, with_cookie.get_json()) != (without.status_code, without.get_json()):
                differences.append(f"{method} {url}: {with_cookie.status_code} vs {without.status_code}")
            assert with_cookie.status_code not in (200, 201, 204), f"{method} {url}"
        assert not differences, "\n".join(differences)
        assert web.post("/api/v1/cases", json={"title": "x"}).status_code == 401
        assert snapshot(app) == before
    finally:
        app.extensions["sandbox.engine"].dispose()
