"""The derived risk level hint on the regulator's risk assessment form follows the answers as they are
chosen, and always agrees with `derive_risk_level` for the same answers — at the thresholds too."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import case_url, open_action, prepared_case, shot
from workflows.assessment import derive_risk_level, risk_score
from workflows.sectors import SectorPack, default_sector_packs

pytestmark = pytest.mark.browser


def answers_scoring(pack: SectorPack, target: int) -> dict[str, str] | None:
    """Answers whose "yes" weights add up to exactly `target` (the rest "no" or "n/a"), if any."""
    items = pack.risk_items
    for count in range(len(items) + 1):
        for chosen in itertools.combinations(items, count):
            if sum(item.weight for item in chosen) == target:
                ids = {item.id for item in chosen}
                return {
                    item.id: "yes" if item.id in ids else ("n/a" if index % 2 else "no")
                    for index, item in enumerate(items)
                }
    return None


def test_the_hint_follows_the_answers_and_the_rule(live_app, live_db, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "risk_assessment")
    pack = default_sector_packs()[flow.created["sector"]]
    total = sum(item.weight for item in pack.risk_items)
    targets = [0, pack.medium_from - 1, pack.medium_from, pack.high_from - 1, pack.high_from, total]
    combinations = [answers for target in targets if (answers := answers_scoring(pack, target)) is not None]
    # The edges must really be reached, or the test would prove less than it claims.
    scores = {risk_score(pack, answers) for answers in combinations}
    assert {pack.medium_from, pack.high_from, total} <= scores

    regulator = sign_in(flow.users["regulator"])
    regulator.goto(case_url(base, flow.case_id))
    form = open_action(regulator, "complete_risk_assessment")
    hint = form.locator("[data-risk-hint]")
    seen = set()
    for answers in combinations:
        for item, answer in answers.items():
            form.locator(f"input[name='answers.{item}'][value='{answer}']").check()
        expected = derive_risk_level(pack, answers).value
        expect(hint).to_have_attribute("data-level", expected)
        assert hint.inner_text() == {"low": "低风险", "medium": "中风险", "high": "高风险"}[expected]
        seen.add(expected)
    assert seen == {"low", "medium", "high"}
    shot(regulator, "regulator-risk-hint")

    # Changing one answer back below the high threshold lowers the hint at once.
    highest = answers_scoring(pack, pack.high_from)
    assert highest is not None
    for item, answer in highest.items():
        form.locator(f"input[name='answers.{item}'][value='{answer}']").check()
    expect(hint).to_have_attribute("data-level", "high")
    lightest = min((i for i in pack.risk_items if highest[i.id] == "yes"), key=lambda i: i.weight)
    form.locator(f"input[name='answers.{lightest.id}'][value='no']").check()
    lowered = {**highest, lightest.id: "no"}
    expect(hint).to_have_attribute("data-level", derive_risk_level(pack, lowered).value)
    assert derive_risk_level(pack, lowered).value != "high"


def test_the_chosen_level_is_raised_to_the_derived_one_but_never_lowered(live_app, live_db, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "risk_assessment")
    pack = default_sector_packs()[flow.created["sector"]]
    regulator = sign_in(flow.users["regulator"])
    regulator.goto(case_url(base, flow.case_id))
    form = open_action(regulator, "complete_risk_assessment")
    level = form.locator("select[name=risk_level]")
    highest = answers_scoring(pack, pack.high_from)
    assert highest is not None
    for item, answer in highest.items():
        form.locator(f"input[name='answers.{item}'][value='{answer}']").check()
    expect(level).to_have_value("high")
    for risk_item in pack.risk_items:
        form.locator(f"input[name='answers.{risk_item.id}'][value='no']").check()
    expect(form.locator("[data-risk-hint]")).to_have_attribute("data-level", "low")
    expect(level).to_have_value("high")  # the regulator may keep a raised level
