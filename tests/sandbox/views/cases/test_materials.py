"""The filing materials checklist on the filing form and the case page: every item with 已上传 (file name,
date) or 未上传, the count 已提交 x / y 项, an upload per item for the applicant (refusals at the item,
ticks kept) and a read-only list for the regulator."""

from __future__ import annotations

import io
import re

from tests import factories
from tests.case_flow import PDF
from workflows.sectors import sector_pack

PACK = sector_pack("general_data")


def item(body: str, material_id: str) -> str:
    match = re.search(rf'<li id="material-{material_id}"[^>]*>.*?</li>', body, re.S)
    assert match, material_id
    return match.group(0)


def test_the_filing_form_lists_the_materials_and_uploads_each(client, session, login_as) -> None:
    applicant = login_as("applicant")
    case = factories.make_case(session, applicant)
    first, second = PACK.documents[0], PACK.documents[1]
    page = client.get(f"/cases/{case.id}/edit?step=plan").get_data(as_text=True)
    assert f"已提交 0 / {len(PACK.documents)} 项" in page
    for document in PACK.documents:
        assert "未上传" in item(page, document.id)
    form_action = f'action="/cases/{case.id}/materials/{first.id}"'
    assert form_action in item(page, first.id)

    upload = {"file": (io.BytesIO(PDF), "数据来源说明.pdf"), "step": "plan"}
    response = client.post(f"/cases/{case.id}/materials/{first.id}", data=upload)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}/edit?step=plan#materials")
    page = client.get(f"/cases/{case.id}/edit?step=commitment").get_data(as_text=True)
    assert f"已提交 1 / {len(PACK.documents)} 项" in page
    uploaded = item(page, first.id)
    assert "已上传" in uploaded and "数据来源说明.pdf" in uploaded and "重新上传" in uploaded
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", uploaded) or re.search(r"\d{4}/\d{1,2}/\d{1,2}", uploaded)
    assert "未上传" in item(page, second.id)


def test_a_refused_material_upload_is_shown_at_its_item_with_the_ticks(client, session, login_as) -> None:
    applicant = login_as("applicant")
    case = factories.make_case(session, applicant)
    saved = client.post(f"/cases/{case.id}/edit?step=commitment", data={"accept_commitment": "yes"})
    assert saved.status_code == 302
    material = PACK.documents[2].id
    upload = {"file": (io.BytesIO(b"<script>alert(1)</script>"), "a.pdf"), "step": "commitment"}
    response = client.post(f"/cases/{case.id}/materials/{material}", data=upload)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    control = re.search(rf'<input type="file" id="material-file-{material}"[^>]*>', body)
    assert control and 'aria-invalid="true"' in control.group(0)
    assert f'aria-describedby="material-{material}-error"' in control.group(0)
    assert re.search(rf'<p class="error" id="material-{material}-error">[^<]+</p>', body)
    assert re.search(r'<input type="checkbox" id="accept_commitment"[^>]*checked>', body)
    assert f'href="#material-file-{material}"' in body  # the error summary links to the control


def test_the_case_page_shows_the_checklist_read_only_to_the_regulator(client, session, login_as) -> None:
    applicant = factories.make_user(session, "applicant")
    case = factories.submit_case(session, applicant, factories.make_case(session, applicant))
    material = PACK.documents[0].id
    factories.upload_material(session, client.application, applicant, case, material)
    login_as("regulator")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"已提交 1 / {len(PACK.documents)} 项" in page
    assert "已上传" in item(page, material) and "未上传" in item(page, PACK.documents[1].id)
    assert "/materials/" not in page  # no upload controls
    assert 'value="filing_material"' not in page  # nor in the general upload form
