"""The sector's filing materials through the API: the checklist with statuses, uploads tagged with a
material id (checked like every upload), and refusals for unknown materials and other kinds."""

from __future__ import annotations

import io

import pytest

from tests.case_flow import PDF, CaseFlow
from workflows.sectors import sector_pack

PACK = sector_pack("general_data")


@pytest.fixture
def flow(client, session) -> CaseFlow:
    flow = CaseFlow(client, session)
    flow.create()
    return flow


def upload(flow: CaseFlow, who: str, data: dict, content: bytes = PDF, name: str = "材料.pdf"):
    return flow.call(
        who,
        "POST",
        f"/api/v1/cases/{flow.case_id}/documents",
        data={**data, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def checklist(flow: CaseFlow, who: str = "applicant") -> dict:
    response = flow.call(who, "GET", f"/api/v1/cases/{flow.case_id}/materials")
    assert response.status_code == 200
    return response.get_json()


def test_the_checklist_lists_every_material_with_its_status(flow: CaseFlow) -> None:
    before = checklist(flow)
    assert before["sector"] == "general_data"
    assert (before["submitted"], before["total"]) == (0, len(PACK.documents))
    assert [item["id"] for item in before["items"]] == [document.id for document in PACK.documents]
    assert {item["status"] for item in before["items"]} == {"missing"}
    assert before["items"][0]["zh"] == PACK.documents[0].zh and before["items"][0]["document"] is None

    first = PACK.documents[0].id
    stored = upload(flow, "applicant", {"material": first})
    assert stored.status_code == 201
    assert stored.get_json()["kind"] == "filing_material" and stored.get_json()["material_id"] == first
    newer = upload(flow, "applicant", {"kind": "filing_material", "material": first}, name="材料-修订.pdf")
    assert newer.status_code == 201

    after = checklist(flow)
    assert (after["submitted"], after["total"]) == (1, len(PACK.documents))
    item = after["items"][0]
    assert item["status"] == "uploaded" and item["document"]["filename"] == "材料-修订.pdf"
    assert item["document"]["id"] == newer.get_json()["id"]
    assert all(other["status"] == "missing" for other in after["items"][1:])


def test_uploads_for_materials_are_checked(flow: CaseFlow) -> None:
    unknown = upload(flow, "applicant", {"material": "moon_landing_permit"})
    assert unknown.status_code == 422
    assert [error["field"] for error in unknown.get_json()["errors"]] == ["material"]
    untagged = upload(flow, "applicant", {"kind": "filing_material"})
    assert untagged.status_code == 422
    wrong_kind = upload(flow, "applicant", {"kind": "plan", "material": PACK.documents[0].id})
    assert wrong_kind.status_code == 422
    not_a_pdf = upload(flow, "applicant", {"material": PACK.documents[0].id}, content=b"<html>", name="a.pdf")
    assert not_a_pdf.status_code == 422
    assert [error["field"] for error in not_a_pdf.get_json()["errors"]] == ["file"]
    assert checklist(flow)["submitted"] == 0


def test_only_the_applicant_uploads_materials_and_the_regulator_reads_them(flow: CaseFlow) -> None:
    flow.to("submitted")
    refused = upload(flow, "regulator", {"material": PACK.documents[1].id})
    assert refused.status_code == 403
    assert upload(flow, "applicant", {"material": PACK.documents[1].id}).status_code == 201
    seen = checklist(flow, "regulator")
    assert seen["submitted"] == 1 and seen["items"][1]["status"] == "uploaded"
