"""The 2011 standard's thresholds, every row at both sides of every bound (no app, no database)."""

from __future__ import annotations

import pytest

from workflows.enterprise_size import (
    FEN_PER_WAN,
    INDUSTRIES,
    EnterpriseSize,
    Figures,
    Indicator,
    IndustryRow,
    classify,
    needs_assets,
)

L, M, S, MI = EnterpriseSize.LARGE, EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO
TIERS = (("large", L, M), ("medium", M, S), ("small", S, MI))


def _figures(row: IndustryRow, bounds: tuple[int, ...], *, below: Indicator | None = None) -> Figures:
    """Figures exactly at `bounds`, or one unit (a person, a fen) under it for the indicator `below`."""
    values = {Indicator.EMPLOYEES: 0, Indicator.REVENUE: 0, Indicator.ASSETS: 0}
    for indicator, bound in zip(row.indicators, bounds, strict=True):
        unit = bound if indicator is Indicator.EMPLOYEES else bound * FEN_PER_WAN
        values[indicator] = unit - 1 if indicator is below else unit
    return Figures(values[Indicator.EMPLOYEES], values[Indicator.REVENUE], values[Indicator.ASSETS])


CASES = [
    pytest.param(row, tier, indicator, id=f"{row.key}-{tier[0]}-{indicator.value}")
    for row in INDUSTRIES
    for tier in TIERS
    for indicator in row.indicators
]


@pytest.mark.parametrize(("row", "tier", "indicator"), CASES)
def test_each_bound_is_inclusive_and_one_unit_under_drops_a_tier(row, tier, indicator):
    name, at, under = tier
    bounds = getattr(row, name)
    assert classify(row.key, _figures(row, bounds)) is at
    assert classify(row.key, _figures(row, bounds, below=indicator)) is under


def test_sixteen_rows_with_decreasing_bounds():
    assert len(INDUSTRIES) == 16
    for row in INDUSTRIES:
        for high, low in ((row.large, row.medium), (row.medium, row.small)):
            assert all(h > lo for h, lo in zip(high, low, strict=True)), row.key


def test_quoted_rows():
    """A few rows read straight from the standard's text."""
    industry = {row.key: row for row in INDUSTRIES}
    assert industry["industry"].large == (1000, 40000) and industry["industry"].medium == (300, 2000)
    assert industry["industry"].small == (20, 300)
    assert industry["software"].small == (10, 50)
    assert industry["real_estate"].indicators == (Indicator.REVENUE, Indicator.ASSETS)
    assert industry["leasing_business"].medium == (100, 8000)
    assert industry["agriculture"].indicators == (Indicator.REVENUE,)


def test_medium_needs_every_lower_bound_else_one_tier_down():
    # 工业: 1,500 people but 1,000 万元 revenue: not large (revenue under 40,000 万), not medium
    # (revenue under 2,000 万) — small.
    assert classify("industry", Figures(1500, 1000 * FEN_PER_WAN)) is S
    # Many people and almost no revenue: micro ("20人以下或营业收入300万元以下").
    assert classify("industry", Figures(5000, 299 * FEN_PER_WAN)) is MI
    # Large needs both: 999 people with 10 亿 is medium.
    assert classify("industry", Figures(999, 100000 * FEN_PER_WAN)) is M


def test_assets_are_needed_only_where_the_standard_uses_them():
    assert needs_assets("construction") and needs_assets("real_estate") and needs_assets("leasing_business")
    assert not needs_assets("software")
    with pytest.raises(ValueError, match="total_assets"):
        classify("construction", Figures(10, 500 * FEN_PER_WAN))
    with pytest.raises(KeyError):
        classify("mining", Figures(10, 0))
