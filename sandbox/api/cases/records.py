"""API: what is kept on a case besides its state — documents, plan versions, the risk checklist,
exit evaluations, trial reports and guidance."""

from __future__ import annotations

from sandbox.api import examples
from sandbox.api.cases.cases import case_public, expected_version, with_etag
from sandbox.api.cases.schemas import (
    DocumentPublic,
    EvaluationPublic,
    FieldChangePublic,
    GuidancePublic,
    MaterialChecklistPublic,
    MaterialPublic,
    PlanVersionPublic,
    PlanVersions,
    ReportPublic,
    RiskAssessmentPublic,
    RiskItemPublic,
)
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.services.cases import cases, documents, materials, trial
from sandbox.services.cases.cases import CasePublic
from sandbox.services.cases.trial import EvaluationCreate, GuidanceCreate, ReportCreate, RiskAnswers
from sandbox.uploads import send_document, upload_from_request
from workflows.assessment import derive_risk_level
from workflows.evaluation import evaluation_passes
from workflows.sectors import sector_pack

ERRORS = (404, 409, 422)


@route("/cases/<int:case_id>/documents", "POST",
       summary="Upload a document (multipart: file, kind; material for a filing material)",
       description="A filing material names the sector pack's material it provides in `material` (the "
                   "ids of `GET /cases/{id}/materials`); its kind is `filing_material`, also when `kind` "
                   "is left out.",
       tags=("documents",), responses={201: DocumentPublic}, errors=(404, 413, 422, 503))  # fmt: skip
def upload_document(case_id: int):
    session = get_session()
    document = upload_from_request(session, actor=actor(), case_id=case_id)
    session.commit()
    return respond(DocumentPublic.model_validate(document, from_attributes=True), 201)


@route("/cases/<int:case_id>/materials", "GET",
       summary="The materials the case's sector requires, each with its latest upload (一次性告知)",
       tags=("documents",), responses={200: MaterialChecklistPublic}, errors=(404,))  # fmt: skip
def list_materials(case_id: int):
    checklist = materials.material_checklist(get_session(), actor=actor(), case_id=case_id)
    items = [
        MaterialPublic(
            id=item.material.id,
            zh=item.material.zh,
            en=item.material.en,
            status="uploaded" if item.uploaded else "missing",
            document=DocumentPublic.model_validate(item.document, from_attributes=True)
            if item.document
            else None,
        )
        for item in checklist.items
    ]
    return respond(
        MaterialChecklistPublic(
            sector=checklist.sector, submitted=checklist.submitted, total=checklist.total, items=items
        )
    )


@route("/cases/<int:case_id>/documents", "GET", summary="The case's documents, every version",
       tags=("documents",), responses={200: list[DocumentPublic]}, errors=(404,))  # fmt: skip
def list_documents(case_id: int):
    rows = documents.list_documents(get_session(), actor=actor(), case_id=case_id)
    return [DocumentPublic.model_validate(row, from_attributes=True).model_dump(mode="json") for row in rows]


@route("/cases/<int:case_id>/documents/<int:document_id>", "GET",
       summary="Download a document (always as an attachment)", tags=("documents",),
       responses={200: None}, errors=(404,))  # fmt: skip
def download_document(case_id: int, document_id: int):
    document = documents.get_document(get_session(), actor=actor(), case_id=case_id, document_id=document_id)
    return send_document(document)


@route("/cases/<int:case_id>/plan-versions", "GET", summary="Submitted plan versions and what changed",
       tags=("cases",), responses={200: PlanVersions}, errors=(404,))  # fmt: skip
def plan_versions(case_id: int):
    versions = cases.plan_versions(get_session(), actor=actor(), case_id=case_id)
    changes: list[list[FieldChangePublic]] = [[]] + [
        [FieldChangePublic(**vars(change)) for change in cases.diff_versions(older, newer)]
        for older, newer in zip(versions, versions[1:], strict=False)
    ]
    return respond(
        PlanVersions(
            versions=[PlanVersionPublic.model_validate(v, from_attributes=True) for v in versions],
            changes_since_previous=changes[: len(versions)],
        )
    )


@route("/cases/<int:case_id>/risk-assessment", "GET", summary="The sector's risk checklist with the answers",
       tags=("assessment",), responses={200: RiskAssessmentPublic}, errors=(404,))  # fmt: skip
def get_risk_assessment(case_id: int):
    case = cases.get_case(get_session(), actor=actor(), case_id=case_id)
    pack = sector_pack(case.sector)
    items = [
        RiskItemPublic(
            id=item.id, zh=item.zh, en=item.en, weight=item.weight, answer=case.risk_answers.get(item.id)
        )
        for item in pack.risk_items
    ]
    return respond(
        RiskAssessmentPublic(
            sector=case.sector,
            items=items,
            derived_level=derive_risk_level(pack, case.risk_answers).value,
            risk_level=case.risk_level.value if case.risk_level else None,
        )
    )


@route("/cases/<int:case_id>/risk-assessment", "PUT", summary="Save checklist answers (regulators)",
       tags=("assessment",), body=RiskAnswers, responses={200: CasePublic}, errors=ERRORS,
       examples={"answers": examples.RISK_ANSWERS})  # fmt: skip
def save_risk_assessment(case_id: int):
    session = get_session()
    body = json_body()
    case = trial.save_risk_answers(
        session, actor=actor(), case_id=case_id, data={"answers": body.get("answers")},
        expected_version=expected_version(body),
    )  # fmt: skip
    session.commit()
    return with_etag(respond(case_public(case)), case)


def evaluation_public(row: trial.Evaluation) -> EvaluationPublic:
    return EvaluationPublic(
        id=row.id, evaluator_id=row.evaluator_id, scores=row.scores, conclusion=row.conclusion,  # type: ignore[arg-type]
        created_at=row.created_at, passes=evaluation_passes(row.scores),
    )  # fmt: skip


@route("/cases/<int:case_id>/evaluations", "POST", summary="Score the exit evaluation",
       tags=("assessment",), body=EvaluationCreate, responses={201: EvaluationPublic},
       errors=ERRORS, examples={"passing": examples.EVALUATION_CREATE})  # fmt: skip
def add_evaluation(case_id: int):
    session = get_session()
    row = trial.add_evaluation(session, actor=actor(), case_id=case_id, data=json_body())
    session.commit()
    return respond(evaluation_public(row), 201)


@route("/cases/<int:case_id>/evaluations", "GET", summary="The case's exit evaluations",
       tags=("assessment",), responses={200: list[EvaluationPublic]}, errors=(404,))  # fmt: skip
def list_evaluations(case_id: int):
    rows = trial.list_evaluations(get_session(), actor=actor(), case_id=case_id)
    return [evaluation_public(row).model_dump(mode="json") for row in rows]


@route("/cases/<int:case_id>/reports", "POST", summary="File a periodic or incident report (applicants)",
       tags=("trial",), body=ReportCreate, responses={201: ReportPublic}, errors=ERRORS,
       examples={"incident": examples.REPORT_CREATE})  # fmt: skip
def file_report(case_id: int):
    session = get_session()
    row = trial.file_report(session, actor=actor(), case_id=case_id, data=json_body())
    session.commit()
    return respond(ReportPublic.model_validate(row, from_attributes=True), 201)


@route("/cases/<int:case_id>/reports", "GET", summary="The case's trial reports",
       tags=("trial",), responses={200: list[ReportPublic]}, errors=(404,))  # fmt: skip
def list_reports(case_id: int):
    rows = trial.list_reports(get_session(), actor=actor(), case_id=case_id)
    return [ReportPublic.model_validate(row, from_attributes=True).model_dump(mode="json") for row in rows]


@route("/cases/<int:case_id>/guidance", "POST", summary="Give guidance during the trial (regulators)",
       tags=("trial",), body=GuidanceCreate, responses={201: GuidancePublic}, errors=ERRORS,
       examples={"anonymise_imagery": examples.GUIDANCE_CREATE})  # fmt: skip
def issue_guidance(case_id: int):
    session = get_session()
    row = trial.issue_guidance(session, actor=actor(), case_id=case_id, data=json_body())
    session.commit()
    return respond(GuidancePublic.model_validate(row, from_attributes=True), 201)


@route("/cases/<int:case_id>/guidance", "GET", summary="The case's guidance items",
       tags=("trial",), responses={200: list[GuidancePublic]}, errors=(404,))  # fmt: skip
def list_guidance(case_id: int):
    rows = trial.list_guidance(get_session(), actor=actor(), case_id=case_id)
    return [GuidancePublic.model_validate(row, from_attributes=True).model_dump(mode="json") for row in rows]


@route("/cases/<int:case_id>/guidance/<int:guidance_id>/acknowledge", "POST",
       summary="Acknowledge a guidance item (applicants)", tags=("trial",),
       responses={200: GuidancePublic}, errors=(404,))  # fmt: skip
def acknowledge_guidance(case_id: int, guidance_id: int):
    session = get_session()
    row = trial.acknowledge_guidance(session, actor=actor(), case_id=case_id, guidance_id=guidance_id)
    session.commit()
    return respond(GuidancePublic.model_validate(row, from_attributes=True))
