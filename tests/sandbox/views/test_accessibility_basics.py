"""Basics every page owes a keyboard or screen-reader user (issue 17 §4): a skip link to the main content,
no empty table headers, risk-checklist radios named in the reader's language, badge text readable
against its background (WCAG AA, 4.5:1)."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlmodel import Session

from tests import factories
from tests.case_flow import CaseFlow

CSS = Path(__file__).resolve().parents[3] / "sandbox" / "static" / "sandbox.css"


def sign_in(client: FlaskClient, flow: CaseFlow, who: str) -> None:
    response = client.post("/login", data={"email": flow.users[who].email, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_every_page_starts_with_a_skip_link_to_the_main_content(client: FlaskClient) -> None:
    page = client.get("/registry").get_data(as_text=True)
    body = page.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#main">跳到主要内容</a>'), body[:200]
    assert '<main id="main"' in page


def test_risk_checklist_radios_are_named_in_chinese_and_tables_have_no_empty_headers(
    client: FlaskClient, session: Session
) -> None:
    flow = CaseFlow(client, session)
    flow.to("risk_assessment")
    sign_in(client, flow, "regulator")
    page = client.get(f"/cases/{flow.case_id}").get_data(as_text=True)
    labels = re.findall(r'<input type="radio" name="answers\.[^"]+" value="[^"]+" aria-label="([^"]+)"', page)
    assert labels, "the risk checklist is on the case page"
    assert all(label.endswith(("：是", "：否", "：不适用")) for label in labels), labels[:3]
    assert not re.search(r"<th>\s*</th>", page)


def contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_status_badges_meet_wcag_aa_contrast() -> None:
    css = CSS.read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", css))
    pairs = re.findall(r"background: (#[0-9a-f]{6}); color: var\(--([a-z-]+)\)", css)
    assert pairs, "the stylesheet's badge rules were found"
    for background, name in pairs:
        assert contrast(colours[name], background) >= 4.5, (name, colours[name], background)
