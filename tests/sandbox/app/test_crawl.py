"""Every page reachable by links renders without a server error, for every role, on the demo data."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from sandbox.demo.people import DEMO_PASSWORD

DEMO_LOGINS = {
    "anonymous": None,
    "applicant": "applicant@demo.sandbox",
    "regulator": "regulator@demo.sandbox",
    "assessor": "assessor@demo.sandbox",
    "legal_partner": "mediator@demo.sandbox",
    "service_provider": "provider@demo.sandbox",
    "admin": "admin@demo.sandbox",
}
# Links that act rather than show, or that would sign the crawler out.
SKIP = re.compile(r"^/(static/|logout|language)")
MAX_PAGES = 150


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//"):
                self.found.append(urldefrag(href)[0])


@pytest.fixture
def demo_app(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return app


@pytest.mark.parametrize("role", sorted(DEMO_LOGINS))
def test_every_linked_page_renders(demo_app, role: str) -> None:
    client = demo_app.test_client()
    if DEMO_LOGINS[role]:
        response = client.post("/login", data={"email": DEMO_LOGINS[role], "password": DEMO_PASSWORD})
        assert response.status_code == 302
    seen: set[str]
    queue, seen, failures = ["/", "/dashboard", "/cases", "/notifications"], set(), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or SKIP.match(urlsplit(url).path):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
        if response.mimetype == "text/html" and response.status_code == 200:
            parser = Links()
            parser.feed(response.get_data(as_text=True))
            queue.extend(link for link in parser.found if link not in seen)
        response.close()
    assert not failures, failures
    assert len(seen) >= (3 if role == "anonymous" else 5), seen
