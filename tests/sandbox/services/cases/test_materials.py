"""The materials checklist service: every required material of the sector, the latest upload for each,
the count on file, and the same visibility as the case itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.errors import NotFound, PermissionDenied, ValidationFailed
from sandbox.services.cases import documents, materials
from tests import factories
from workflows.sectors import sector_pack

PACK = sector_pack("general_data")
PDF = b"%PDF-1.4\n%%EOF\n"


def test_the_checklist_follows_the_uploads(app, session) -> None:
    applicant = factories.make_user(session, "applicant")
    case = factories.make_case(session, applicant)
    empty = materials.material_checklist(session, actor=applicant, case_id=case.id)
    assert [item.material.id for item in empty.items] == [document.id for document in PACK.documents]
    assert (empty.submitted, empty.total) == (0, len(PACK.documents))

    first = PACK.documents[0].id
    factories.upload_material(session, app, applicant, case, first)
    newer = documents.upload_document(
        session, actor=applicant, case_id=case.id, kind="", filename="新版.pdf", data=PDF,
        storage=Path(app.instance_path) / "uploads", material=first,
    )  # fmt: skip
    session.commit()
    checklist = materials.material_checklist(session, actor=applicant, case_id=case.id)
    assert checklist.submitted == 1
    assert checklist.items[0].document is not None and checklist.items[0].document.id == newer.id
    assert not any(item.uploaded for item in checklist.items[1:])


def test_tags_are_checked_and_the_checklist_is_as_private_as_the_case(app, session) -> None:
    applicant = factories.make_user(session, "applicant")
    case = factories.make_case(session, applicant)
    storage = Path(app.instance_path) / "uploads"
    with pytest.raises(ValidationFailed) as unknown:
        documents.upload_document(
            session, actor=applicant, case_id=case.id, kind="filing_material", filename="a.pdf",
            data=PDF, storage=storage, material="no_such_material",
        )  # fmt: skip
    assert list(unknown.value.errors) == ["material"]
    regulator = factories.make_user(session, "regulator")
    factories.submit_case(session, applicant, case)
    with pytest.raises(PermissionDenied):
        documents.upload_document(
            session, actor=regulator, case_id=case.id, kind="", filename="a.pdf", data=PDF,
            storage=storage, material=PACK.documents[0].id,
        )  # fmt: skip
    assert materials.material_checklist(session, actor=regulator, case_id=case.id).submitted == 0
    stranger = factories.make_user(session, "applicant")
    with pytest.raises(NotFound):
        materials.material_checklist(session, actor=stranger, case_id=case.id)
