"""API: the public service guide (`GET /api/v1/guide`, no token), the twin of the `/guide` page.

Texts come in both languages (`zh`, `en`); stage limits are the ones the app applies.
"""

from __future__ import annotations

from pydantic import BaseModel

from sandbox.api.publication.registry_schemas import LocalisedText
from sandbox.api.routing import respond, route
from sandbox.db import get_session
from sandbox.services.publication import guide
from sandbox.views.publication.guide import consultation
from workflows.states import state_label


class LegalBasis(BaseModel):
    policy: LocalisedText
    measure: LocalisedText
    quote_zh: str
    eligibility_quote_zh: str
    ends: LocalisedText


class EligibilityItem(BaseModel):
    key: str  # the registration field that declares it
    text: LocalisedText


class StageLimitDocument(BaseModel):
    stage: str
    label: LocalisedText
    working_days: int


class Document(BaseModel):
    id: str
    name: LocalisedText


class SectorMaterials(BaseModel):
    code: str
    name: LocalisedText
    max_trial_months: int
    documents: list[Document]


class DisputeLimits(BaseModel):
    acknowledge_working_days: int
    mediate_working_days: int


class Contact(BaseModel):
    phone: str
    email: str


class GuideDocument(BaseModel):
    legal_basis: LegalBasis
    eligibility: list[EligibilityItem]
    stages: list[StageLimitDocument]
    disputes: DisputeLimits
    certificate_review_days: int
    common_materials: list[LocalisedText]
    sectors: list[SectorMaterials]
    fee_yuan: int
    fees: LocalisedText
    consultation: Contact


def _text(pair: guide.Text) -> LocalisedText:
    return LocalisedText(zh=pair[0], en=pair[1])


def guide_document(facts: guide.Guide, contact: dict[str, str]) -> GuideDocument:
    return GuideDocument(
        legal_basis=LegalBasis(
            policy=_text(guide.POLICY_TITLE),
            measure=_text(guide.MEASURE),
            quote_zh=guide.MEASURE_QUOTE,
            eligibility_quote_zh=guide.ELIGIBILITY_QUOTE,
            ends=_text(guide.POLICY_END),
        ),
        eligibility=[EligibilityItem(key=key, text=_text(pair)) for key, pair in guide.ELIGIBILITY],
        stages=[
            StageLimitDocument(
                stage=limit.stage.value,
                working_days=limit.working_days,
                label=LocalisedText(zh=state_label(limit.stage, "zh"), en=state_label(limit.stage, "en")),
            )
            for limit in facts.stages
        ],
        disputes=DisputeLimits(
            acknowledge_working_days=facts.dispute_days["acknowledge"],
            mediate_working_days=facts.dispute_days["mediate"],
        ),
        certificate_review_days=facts.review_days,
        common_materials=[_text(pair) for pair in guide.COMMON_MATERIALS],
        sectors=[
            SectorMaterials(
                code=pack.code,
                name=LocalisedText(zh=pack.zh, en=pack.en),
                max_trial_months=pack.max_trial_months,
                documents=[Document(id=d.id, name=LocalisedText(zh=d.zh, en=d.en)) for d in pack.documents],
            )
            for pack in facts.sectors
        ],
        fee_yuan=0,
        fees=_text(guide.FEES),
        consultation=Contact(**contact),
    )


@route("/guide", "GET", auth=False,
       summary="The service guide: legal basis, eligibility, stages and their working-day limits as applied, "
       "materials per sector, fees (none) and the consultation contact",
       tags=("registry",), responses={200: GuideDocument})  # fmt: skip
def get_guide():
    return respond(guide_document(guide.service_guide(get_session()), consultation()))
