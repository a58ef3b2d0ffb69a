"""API foundation: tokens, /me, problem+json, the generated OpenAPI document."""

from __future__ import annotations

import re
from datetime import timedelta

import jsonschema
from openapi_spec_validator import validate as validate_openapi
from sqlmodel import select

from sandbox.models.accounts import ApiToken
from sandbox.models.base import utcnow
from tests import factories


def token_for(client, user) -> str:
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def test_token_then_me(client, session) -> None:
    user = factories.make_user(session, "applicant")
    token = token_for(client, user)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == user.email and body["role"] == "applicant"
    assert body["enterprise"]["id"] == user.enterprise_id


def test_tokens_are_stored_hashed_and_expire(client, session) -> None:
    user = factories.make_user(session, "regulator")
    token = token_for(client, user)
    row = session.exec(select(ApiToken)).one()
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert row.expires_at > utcnow() + timedelta(hours=11)
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_revoked_token_stops_working(client, session) -> None:
    user = factories.make_user(session, "regulator")
    headers = {"Authorization": f"Bearer {token_for(client, user)}"}
    assert client.delete("/api/v1/tokens", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_missing_or_bad_token_is_401_problem(client) -> None:
    for headers in ({}, {"Authorization": "Bearer sbx_nonsense"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["code"] == "unauthenticated"


def test_wrong_password_for_token(client, session) -> None:
    user = factories.make_user(session, "regulator")
    response = client.post(
        "/api/v1/tokens",
        json={"email": user.email, "password": "wrong one"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert response.get_json()["detail"] == "Wrong e-mail address or password."


def test_unknown_api_path_is_problem_json(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert client.put("/api/v1/me").status_code == 405


def test_session_cookie_does_not_authenticate_the_api(client, login_as) -> None:
    login_as("admin")
    assert client.get("/api/v1/me").status_code == 401


def test_openapi_document_is_valid_3_1_and_lists_every_api_route(app, client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate_openapi(document)
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)


def test_responses_match_their_documented_schema(client, session) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    user = factories.make_user(session, "applicant")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token_for(client, user)}"}).get_json()
    schema = document["paths"]["/api/v1/me"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    jsonschema.validate(
        me, {**schema, "components": document["components"]}, cls=jsonschema.Draft202012Validator
    )
    problem = client.get("/api/v1/me").get_json()
    jsonschema.validate(problem, document["components"]["schemas"]["Problem"])
