"""Sector rule packs: the shipped packs load, broken packs fail naming the file and field, and the
risk level and boundary checks follow the pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows import RiskLevel, RulePackError, Sector, derive_risk_level, load_sector_packs, sector_pack
from workflows.assessment import risk_score, validate_boundaries
from workflows.sectors import RULES_DIRECTORY

GOOD = (RULES_DIRECTORY / "general_data.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("sector", list(Sector))
def test_every_shipped_pack_loads_and_is_sensible(sector: Sector) -> None:
    pack = sector_pack(sector)
    assert pack.code == sector.value and pack.zh and pack.en
    assert 6 <= len(pack.risk_items) <= 10
    assert 1 <= pack.max_trial_months <= 36
    assert pack.documents and pack.boundaries
    assert 0 < pack.medium_from < pack.high_from <= sum(item.weight for item in pack.risk_items)


def test_the_packs_cover_exactly_the_sectors() -> None:
    assert set(load_sector_packs()) == {s.value for s in Sector}


def test_unknown_sector_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="space_tourism"):
        sector_pack("space_tourism")


def write_pack(tmp_path: Path, text: str, name: str = "general_data") -> Path:
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_copy_of_a_good_pack_loads(tmp_path: Path) -> None:
    assert list(load_sector_packs(write_pack(tmp_path, GOOD))) == ["general_data"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('zh = "通用数据"', 'zh = ""', "general_data.toml: zh: must be non-empty text"),
        (
            'evidence_zh = "单独同意记录及必要性说明"\n',
            "",
            r"general_data.toml: risk_items\[0\].evidence_zh: missing",
        ),
        ('id = "large_scale_pii"', 'id = "sensitive_pii"', "risk_items: duplicate id 'sensitive_pii'"),
        ("weight = 3", "weight = 2.5", r"risk_items\[1\].weight: floats are not allowed"),
        ("weight = 4", "weight = 0", r"risk_items\[0\].weight: must be at least 1"),
        ("high_from = 15", "high_from = 5", "risk_levels: thresholds must satisfy"),
        ("high_from = 15", "high_from = 99", r"high_from <= total weight \(24\)"),
        ("max_trial_months = 12", "max_trial_months = 48", "max_trial_months: must be at most 36"),
        ('unit = "GB"\n', "", r"boundaries\[1\].unit: missing"),
        ('type = "bool"', 'type = "date"', r"boundaries\[3\].type: 'date' is not one of"),
        ('code = "general_data"', 'code = "other_data"', "does not match the file name"),
        ('en = "General data"', 'en = "General data"\ncolour = "blue"', "colour: unknown field"),
        ("min = 1\nmax = 1000000", "min = 10\nmax = 1", r"boundaries\[0\].min: min \(10\) is greater"),
    ],
)
def test_a_broken_pack_names_the_problem(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    folder = write_pack(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(RulePackError, match=message):
        load_sector_packs(folder)


def test_a_pack_without_its_items_fails(tmp_path: Path) -> None:
    text = GOOD.split("[[risk_items]]")[0] + "[[boundaries]]" + GOOD.split("[[boundaries]]", 1)[1]
    with pytest.raises(RulePackError, match="risk_items: missing"):
        load_sector_packs(write_pack(tmp_path, text))


def test_invalid_toml_and_empty_folders_fail(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="general_data.toml: not valid TOML"):
        load_sector_packs(write_pack(tmp_path, "code = "))
    with pytest.raises(RulePackError, match="no sector rule packs"):
        load_sector_packs(tmp_path / "nowhere")


def test_risk_level_follows_weighted_yes_answers() -> None:
    pack = sector_pack("general_data")  # medium from 8, high from 15
    answers = {item.id: "no" for item in pack.risk_items}
    assert derive_risk_level(pack, answers) is RiskLevel.LOW
    answers |= {"sensitive_pii": "yes", "large_scale_pii": "yes"}  # 4 + 3
    assert (risk_score(pack, answers), derive_risk_level(pack, answers)) == (7, RiskLevel.LOW)
    answers["public_data"] = "yes"  # + 2
    assert derive_risk_level(pack, answers) is RiskLevel.MEDIUM
    answers |= {"important_data": "yes", "cross_border": "n/a", "minors": "yes"}  # + 4 + 3
    assert (risk_score(pack, answers), derive_risk_level(pack, answers)) == (16, RiskLevel.HIGH)


def test_boundaries_follow_the_pack_types() -> None:
    pack = sector_pack("consumer_finance")
    good = {
        "user_cap": 5000,
        "per_transaction_cap_fen": 500000,
        "licensed_partner": "北京银行",
        "product_type": "payment",
    }
    assert validate_boundaries(pack, good) == []
    bad = {
        "user_cap": True,
        "per_transaction_cap_fen": 5000.0,
        "licensed_partner": " ",
        "product_type": "crypto",
        "leverage": 10,
    }
    assert [(r.code, r.field) for r in validate_boundaries(pack, bad)] == [
        ("boundary_type", "boundaries.user_cap"),
        ("boundary_type", "boundaries.per_transaction_cap_fen"),
        ("boundary_missing", "boundaries.licensed_partner"),
        ("boundary_choice", "boundaries.product_type"),
        ("boundary_unknown", "boundaries.leverage"),
    ]


def test_a_bool_the_sandbox_insists_on() -> None:
    pack = sector_pack("healthcare")
    values = {
        "deidentification_method": "privacy_computing",
        "ethics_approval": False,
        "max_patients": 2000,
        "participating_institutions": 3,
    }
    (reason,) = validate_boundaries(pack, values)
    assert reason.code == "boundary_must_be" and "伦理审查" in reason.zh and "Ethics approval" in reason.en
