"""Strict-Transport-Security: sent on every https response (directly, or behind a trusted proxy that
says `X-Forwarded-Proto: https`), never on plain http, and configurable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_test_app

DEFAULT = "max-age=31536000; includeSubDomains"
FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


@pytest.mark.parametrize("path", ["/", "/healthz", "/api/v1/openapi.json", "/no-such-page"])
def test_https_responses_carry_hsts_and_plain_http_does_not(client, path: str) -> None:
    secure = client.get(path, base_url="https://sandbox.example.cn")
    assert secure.headers["Strict-Transport-Security"] == DEFAULT
    assert "Strict-Transport-Security" not in client.get(path).headers


def test_behind_a_trusted_proxy_the_forwarded_scheme_decides(database_url: str, tmp_path: Path) -> None:
    trusted = make_test_app(database_url, tmp_path / "trusted", PROXY_FIX_HOPS=1)
    untrusted = make_test_app(database_url, tmp_path / "untrusted", PROXY_FIX_HOPS=0)
    try:
        behind = trusted.test_client()
        assert behind.get("/", headers=FORWARDED_HTTPS).headers["Strict-Transport-Security"] == DEFAULT
        plain = {"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"}
        assert "Strict-Transport-Security" not in behind.get("/", headers=plain).headers
        # Without a trusted proxy a client cannot make plain http look like https.
        spoofed = untrusted.test_client().get("/", headers=FORWARDED_HTTPS)
        assert "Strict-Transport-Security" not in spoofed.headers
    finally:
        trusted.extensions["sandbox.engine"].dispose()
        untrusted.extensions["sandbox.engine"].dispose()


def test_the_header_is_configurable_and_can_be_turned_off(database_url: str, tmp_path: Path) -> None:
    preload = "max-age=63072000; includeSubDomains; preload"
    custom = make_test_app(database_url, tmp_path / "custom", STRICT_TRANSPORT_SECURITY=preload)
    off = make_test_app(database_url, tmp_path / "off", STRICT_TRANSPORT_SECURITY="")
    try:
        https = "https://sandbox.example.cn"
        assert custom.test_client().get("/", base_url=https).headers["Strict-Transport-Security"] == preload
        assert "Strict-Transport-Security" not in off.test_client().get("/", base_url=https).headers
    finally:
        custom.extensions["sandbox.engine"].dispose()
        off.extensions["sandbox.engine"].dispose()
