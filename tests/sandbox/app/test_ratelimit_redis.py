"""Login rate limits shared through Redis, as several workers or hosts would use them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis

from tests.conftest import REQUIRE_ALL, make_test_app

REDIS_URL = os.environ.get("SANDBOX_TEST_REDIS_URL")


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        if REQUIRE_ALL:
            pytest.fail("SANDBOX_TEST_REDIS_URL is not set but SANDBOX_TEST_REQUIRE_ALL=1")
        pytest.skip("SANDBOX_TEST_REDIS_URL not set")
    return REDIS_URL


def test_two_app_instances_share_the_login_limit(redis_url: str, database_url: str, tmp_path: Path) -> None:
    # Two apps stand for two workers. The test database of Redis is emptied first so runs stay apart.
    redis.Redis.from_url(redis_url).flushdb()
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "LOGIN_RATE_LIMIT": "3 per minute"}
    first = make_test_app(database_url, tmp_path / "a", **settings)
    second = make_test_app(database_url, tmp_path / "b", **settings)
    data = {"email": "nobody@example.cn", "password": "whatever123"}
    statuses = [first.test_client().post("/login", data=data).status_code for _ in range(2)]
    statuses += [second.test_client().post("/login", data=data).status_code for _ in range(2)]
    assert statuses == [401, 401, 401, 429]
    for app in (first, second):
        app.extensions["sandbox.engine"].dispose()


def test_two_app_instances_share_the_verify_limit(redis_url: str, database_url: str, tmp_path: Path) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "VERIFY_RATE_LIMIT": "3 per minute"}
    first = make_test_app(database_url, tmp_path / "a", **settings)
    second = make_test_app(database_url, tmp_path / "b", **settings)
    body = {"number": "YZCC-2000-0001"}
    statuses = [first.test_client().post("/api/v1/verify", json=body).status_code for _ in range(2)]
    statuses += [second.test_client().post("/api/v1/verify", json=body).status_code for _ in range(2)]
    assert statuses == [404, 404, 404, 429]
    for app in (first, second):
        app.extensions["sandbox.engine"].dispose()
