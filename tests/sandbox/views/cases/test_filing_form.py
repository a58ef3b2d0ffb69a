"""The filing form's first step: the project's name is asked for as 项目名称, and the sector starts at
请选择 — an applicant who does not choose one is told so at the field, nothing is saved."""

from __future__ import annotations

from sqlmodel import select

from sandbox.models.cases import Case


def test_the_sector_must_be_chosen_and_the_title_is_the_project_name(client, session, login_as) -> None:
    applicant = login_as("applicant")
    page = client.get("/cases/new").get_data(as_text=True)
    assert '<label for="title">项目名称' in page
    assert '<option value="" selected>请选择</option>' in page

    form = {"title": "未选行业的项目", "sector": "", "data_categories": "企业数据"}
    response = client.post("/cases/new", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'has-error' in body.split('id="sector"')[0].rsplit('<div class="field', 1)[1]
    assert "未选行业的项目" in body  # what was typed is kept
    assert session.exec(select(Case).where(Case.enterprise_id == applicant.enterprise_id)).first() is None
