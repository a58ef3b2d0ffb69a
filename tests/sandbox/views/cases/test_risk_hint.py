"""The risk checklist on the case page carries the rule `derive_risk_level` decides by, as data for the
live hint, and the hint printed by the server is the derived level of the answers shown."""

from __future__ import annotations

import html
import json
import re

from tests.case_flow import CaseFlow
from workflows.assessment import derive_risk_level, risk_rule
from workflows.sectors import default_sector_packs


def test_the_checklist_embeds_the_rule_and_the_derived_level(client, session, login_as) -> None:
    flow = CaseFlow(client, session)
    flow.to("risk_assessment")
    pack = default_sector_packs()[flow.created["sector"]]
    login_as("regulator")
    body = client.get(f"/cases/{flow.case_id}").get_data(as_text=True)
    embedded = re.search(r'data-risk-rule="([^"]*)"', body)
    assert embedded and json.loads(html.unescape(embedded.group(1))) == risk_rule(pack)
    labels = re.search(r'data-risk-labels="([^"]*)"', body)
    assert labels and json.loads(html.unescape(labels.group(1))) == {
        "low": "低风险",
        "medium": "中风险",
        "high": "高风险",
    }
    assert '<script src="/static/risk_hint.js" defer></script>' in body

    # Sent back with an error, the hint is the level of the answers just sent, not of the saved ones.
    answers = {f"answers.{item.id}": "yes" for item in pack.risk_items}
    refused = client.post(f"/cases/{flow.case_id}/events/complete_risk_assessment", data=answers)
    assert refused.status_code == 422
    expected = derive_risk_level(pack, {item.id: "yes" for item in pack.risk_items}).value
    assert expected == "high"
    assert f'data-risk-hint data-level="{expected}">高风险<' in refused.get_data(as_text=True)


def test_the_rule_decides_as_derive_risk_level_does() -> None:
    for pack in default_sector_packs().values():
        rule = risk_rule(pack)
        assert rule["weights"] == {item.id: item.weight for item in pack.risk_items}
        assert rule["levels"] == [["high", pack.high_from], ["medium", pack.medium_from]]
        assert derive_risk_level(pack, {}).value == rule["otherwise"]
        assert derive_risk_level(pack, dict.fromkeys(rule["weights"], "yes")).value == "high"
