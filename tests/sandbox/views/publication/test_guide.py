"""The public service guide (/guide) and its API twin (issue 17 §3): no login, both languages, every
sector's materials, and the stage limits as the app applies them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import make_test_app
from workflows.calendar import STAGE_DEADLINE_DAYS
from workflows.sectors import default_sector_packs
from workflows.states import CaseState


def stage_days(page: str) -> dict[str, str]:
    """{stage: its limit's text} from the guide's table."""
    rows = re.findall(r'<tr data-stage="([a-z_]+)"><th scope="row">[^<]*</th><td>([^<]*)</td>', page)
    return dict(rows)


def test_guide_is_public_in_both_languages_with_every_sectors_materials(client) -> None:
    page = client.get("/guide").get_data(as_text=True)
    assert "办事指南" in page and "《北京经济技术开发区关于加快推进数据产业高质量发展的若干措施》" in page
    assert "不收取任何费用" in page and "010-00000000" in page and "未列入严重违法失信主体名单" in page
    for pack in default_sector_packs().values():
        assert f'id="sector-{pack.code}"' in page
        for document in pack.documents:
            assert document.zh in page
    assert stage_days(page)["risk_assessment"] == f"{STAGE_DEADLINE_DAYS[CaseState.RISK_ASSESSMENT]} 个工作日"
    client.post("/language", data={"locale": "en"})
    english = client.get("/guide").get_data(as_text=True)
    assert "Service guide" in english and "No fees are charged." in english
    assert all(d.en in english for pack in default_sector_packs().values() for d in pack.documents)
    assert stage_days(english)["submitted"] == f"{STAGE_DEADLINE_DAYS[CaseState.SUBMITTED]} working days"


def test_guide_and_its_api_follow_the_configured_limits(database_url: str, tmp_path: Path) -> None:
    days = {**{s.value: d for s, d in STAGE_DEADLINE_DAYS.items()}, "risk_assessment": 7}
    app = make_test_app(
        database_url, tmp_path / "instance", STAGE_DEADLINE_DAYS=days,
        DISPUTE_DEADLINE_DAYS={"acknowledge": 3, "mediate": 25}, CONSULTATION_PHONE="010-12345678",
    )  # fmt: skip
    try:
        client = app.test_client()
        client.post("/language", data={"locale": "en"})
        page = client.get("/guide").get_data(as_text=True)
        shown = stage_days(page)
        assert shown["risk_assessment"] == "7 working days" and shown["dispute_mediate"] == "25 working days"
        assert "010-12345678" in page
        data = client.get("/api/v1/guide").get_json()
        # The API says what the page says.
        assert {s["stage"]: f"{s['working_days']} working days" for s in data["stages"]} == {
            stage: text for stage, text in shown.items() if not stage.startswith(("dispute_", "certificate_"))
        }
        assert data["disputes"] == {"acknowledge_working_days": 3, "mediate_working_days": 25}
        assert f"{data['certificate_review_days']} calendar days" == shown["certificate_review"]
        assert data["fee_yuan"] == 0 and data["consultation"]["phone"] == "010-12345678"
        assert [s["code"] for s in data["sectors"]] == list(default_sector_packs())
        for sector in data["sectors"]:
            section = page.split(f'id="sector-{sector["code"]}"')[1].split("</details>")[0]
            assert re.findall(r'data-document="([a-z_]+)"', section) == [d["id"] for d in sector["documents"]]
            assert all(d["name"]["en"] in section for d in sector["documents"])
        assert {e["key"] for e in data["eligibility"]} == {
            "in_zone",
            "no_major_penalty",
            "no_criminal_record",
            "not_seriously_dishonest",
        }
        assert "/guide" in client.get("/").get_data(as_text=True)
        assert "/api/v1/guide" in client.get("/api/v1/openapi.json").get_data(as_text=True)
    finally:
        app.extensions["sandbox.engine"].dispose()
