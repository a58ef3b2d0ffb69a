"""Drive cases through the real API: tokens per user, and a builder that brings a case to any state.

`CaseFlow` is the shared case driver (`sandbox.demo.driver`) making its calls through the JSON API:
`CaseFlow.to(state)` fires the real events in order, so every test case has a genuine history. Two-person
decisions go through a proposal by "regulator" and a confirmation by "regulator2".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient
from sqlmodel import Session

from sandbox.demo.driver import PDF, CaseDriver
from sandbox.models.accounts import OrganisationKind, User
from tests import factories
from tests.factories import GENERAL_PLAN, RISK_ANSWERS, TEST_WORDS
from workflows.evaluation import ALL_SCORED
from workflows.sectors import SectorPack, default_sector_packs


def token(client: FlaskClient, user: User) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@dataclass
class CaseFlow(CaseDriver):
    """One enterprise's case with a regulator, a second regulator, an assessor and a mediator."""

    words = TEST_WORDS
    assign_officer = False  # the testing lab is assigned before the risk assessment, no officer
    approver = "regulator"

    client: FlaskClient
    session: Session
    sector: str = "general_data"
    users: dict[str, User] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    case_id: int | None = None
    created: dict[str, Any] = field(default_factory=dict, repr=False)  # the body of the last case created

    def __post_init__(self) -> None:
        lab = factories.make_organisation(self.session, OrganisationKind.TESTING_LAB)
        centre = factories.make_organisation(self.session, OrganisationKind.MEDIATION_CENTRE)
        self.lab_id, self.centre_id = lab.id, centre.id
        self.users = {
            "applicant": factories.make_user(self.session, "applicant"),
            "regulator": factories.make_user(self.session, "regulator"),
            "regulator2": factories.make_user(self.session, "regulator"),
            "assessor": factories.make_user(self.session, "assessor", organisation_id=lab.id),
            "mediator": factories.make_user(self.session, "legal_partner", organisation_id=centre.id),
        }
        self.headers = {name: token(self.client, user) for name, user in self.users.items()}

    # --- plain API calls -------------------------------------------------------------------------
    def call(self, who: str, method: str, path: str, **kwargs: Any):
        return self.client.open(path, method=method, headers=self.headers[who], **kwargs)

    def case(self, who: str = "regulator") -> dict[str, Any]:
        return self.call(who, "GET", f"/api/v1/cases/{self.case_id}").get_json()

    def fire(self, who: str, event: str, note: str = "", expect: int = 200, **data: Any) -> dict[str, Any]:
        if event == "accept_filing":  # the testing lab is chosen when the filing is accepted
            data.setdefault("assessor_org_id", self.lab_id)
        response = self.call(
            who,
            "POST",
            f"/api/v1/cases/{self.case_id}/events",
            json={"event": event, "note": note, "data": data},
        )
        assert response.status_code == expect, (event, response.status_code, response.get_json())
        return response.get_json()

    def upload(self, who: str, kind: str, name: str = "report.pdf", content: bytes = PDF) -> dict[str, Any]:
        response = self.call(
            who,
            "POST",
            f"/api/v1/cases/{self.case_id}/documents",
            data={"kind": kind, "file": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def conclude(self, result: str = "passed", findings: str = "") -> dict[str, Any]:
        response = self.call(
            "assessor",
            "POST",
            f"/api/v1/cases/{self.case_id}/verification-conclusions",
            data={"result": result, "findings": findings, "file": (io.BytesIO(PDF), "技术验证报告.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    # --- the builder: the shared driver's steps, through the API --------------------------------------
    def create(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "title": "企业信用数据融合服务",
            "sector": self.sector,
            "data_categories": ["企业经营数据", "个人信用信息"],
            "plan": GENERAL_PLAN,
        }
        body.update(overrides)
        response = self.call("applicant", "POST", "/api/v1/cases", json=body)
        assert response.status_code == 201, response.get_json()
        self.case_id = response.get_json()["id"]
        self.created = body
        patched = self.call(
            "applicant", "PATCH", f"/api/v1/cases/{self.case_id}", json={"accept_commitment": True}
        )
        assert patched.status_code == 200, patched.get_json()
        return patched.get_json()

    def to(self, state: str, *, consent: list[str] | None = None) -> dict[str, Any]:
        """Create a case and fire the events that bring it to `state` (`sandbox.demo.driver.ROUTES`).

        `consent` is the publication consent the applicant gives before submitting (none by default).
        """
        self.create()
        if consent is not None:
            url = f"/api/v1/cases/{self.case_id}/publication-consent"
            response = self.call("applicant", "PUT", url, json={"fields": consent})
            assert response.status_code == 200, response.get_json()
        self.drive(state)
        return self.case()

    def sector_pack(self) -> SectorPack:
        return default_sector_packs()[self.created["sector"]]

    def plan_boundaries(self) -> dict[str, Any]:
        return self.created["plan"]["boundaries"]

    def risk_answers(self, pack: SectorPack) -> dict[str, str]:
        return RISK_ANSWERS

    def assign(self, **fields: Any) -> Any:
        response = self.call("regulator", "PATCH", f"/api/v1/cases/{self.case_id}", json=fields)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def issue_guidance(self, text: str) -> Any:
        url = f"/api/v1/cases/{self.case_id}/guidance"
        response = self.call("regulator", "POST", url, json={"text": text})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def file_report(self, who: str, **data: Any) -> int:
        response = self.call(who, "POST", f"/api/v1/cases/{self.case_id}/reports", json=data)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def evaluate(self, who: str = "assessor", score: int = 5) -> dict[str, Any]:
        scores = {dimension.id: score for dimension in ALL_SCORED}
        response = self.call(
            who,
            "POST",
            f"/api/v1/cases/{self.case_id}/evaluations",
            json={"scores": scores, "conclusion": self.words.evaluation},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    # --- two-person decisions ----------------------------------------------------------------------------
    def two_person(self, propose_path: str, body: dict[str, Any], *, proposer: str = "regulator",
                   confirmer: str = "regulator2") -> dict[str, Any]:  # fmt: skip
        """Propose at `propose_path` as `proposer`, confirm as `confirmer`; return the confirmed proposal."""
        proposed = self.call(proposer, "POST", propose_path, json=body)
        assert proposed.status_code == 201, proposed.get_json()
        confirmed = self.call(
            confirmer, "POST", f"/api/v1/proposals/{proposed.get_json()['id']}/confirmation", json={}
        )
        assert confirmed.status_code == 200, confirmed.get_json()
        return confirmed.get_json()

    def decide_exemption(self, request_id: int, body: dict[str, Any]):
        """Decide an exemption request as the office does: proposed by one regulator, confirmed by another;
        return the request as read back afterwards (the response)."""
        self.two_person(f"/api/v1/exemptions/{request_id}/decision-proposals", body)
        return self.call("regulator", "GET", f"/api/v1/exemptions/{request_id}")

    def change_status(self, cert_id: str, action: str, reason: str) -> dict[str, Any]:
        """Revoke, suspend or reinstate a certificate with two regulators; return the confirmed proposal."""
        body = {"action": action, "reason": reason}
        return self.two_person(f"/api/v1/certificates/{cert_id}/status-proposals", body)
