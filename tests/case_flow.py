"""Drive cases through the real API: tokens per user, and a builder that brings a case to any state.

`CaseFlow.to(state)` fires the real events in order, so every test case has a genuine history. Two-person
decisions go through a proposal by "regulator" and a confirmation by "regulator2".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlmodel import Session

from sandbox.models.accounts import OrganisationKind, User
from sandbox.services.cases.calendar import beijing_today
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

GENERAL_PLAN = {
    "objectives": "验证基于隐私计算的企业信用数据融合服务在真实业务中的合规性与效果。",
    "boundaries": {
        "data_subjects_cap": 50000,
        "data_volume_gb": 200,
        "processing_environment": "privacy_computing",
        "third_party_access": False,
    },
    "duration_months": 6,
    "risk_controls": "数据最小化、去标识化处理，访问日志留存六个月，异常访问实时告警。",
    "exit_plan": "测试结束后三十日内删除测试数据并出具删除证明。",
    "consumer_protection": "设立投诉渠道，七日内答复；个人可随时撤回同意。",
}


def token(client: FlaskClient, user: User) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@dataclass
class CaseFlow:
    """One enterprise's case with a regulator, a second regulator, an assessor and a mediator."""

    client: FlaskClient
    session: Session
    sector: str = "general_data"
    users: dict[str, User] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    case_id: int | None = None

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

    # --- the builder ---------------------------------------------------------------------------
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
        patched = self.call(
            "applicant", "PATCH", f"/api/v1/cases/{self.case_id}", json={"accept_commitment": True}
        )
        assert patched.status_code == 200, patched.get_json()
        return patched.get_json()

    def to(self, state: str, *, consent: list[str] | None = None) -> dict[str, Any]:
        """Create a case and fire the events that bring it to `state` along the main path.

        `consent` is the publication consent the applicant gives before submitting (none by default).
        """
        path = [
            "draft",
            "submitted",
            "risk_assessment",
            "technical_verification",
            "testing",
            "exit_evaluation",
            "exited",
        ]
        self.create()
        if consent is not None:
            url = f"/api/v1/cases/{self.case_id}/publication-consent"
            response = self.call("applicant", "PUT", url, json={"fields": consent})
            assert response.status_code == 200, response.get_json()
        steps = {
            "submitted": lambda: self.fire("applicant", "submit"),
            "risk_assessment": lambda: self.fire("regulator", "accept_filing"),
            "technical_verification": self._assess,
            "testing": self._verify,
            "exit_evaluation": self._request_exit,
            "exited": self._approve,
        }
        for name in path[1 : path.index(state) + 1]:
            steps[name]()
        return self.case()

    def _assess(self) -> None:
        self.call(
            "regulator", "PATCH", f"/api/v1/cases/{self.case_id}", json={"assessor_org_id": self.lab_id}
        )
        self.fire(
            "regulator",
            "complete_risk_assessment",
            answers={
                "sensitive_pii": "no",
                "large_scale_pii": "no",
                "important_data": "no",
                "cross_border": "no",
                "data_trading": "yes",
                "public_data": "n/a",
                "automated_decisions": "no",
                "minors": "no",
            },
            risk_level="low",
            conditions=["每月报送一次数据使用日志"],
            trial_boundaries=GENERAL_PLAN["boundaries"],
        )

    def _verify(self) -> None:
        self.upload("assessor", "technical_verification_report", "技术验证报告.pdf")
        start = beijing_today()
        self.fire(
            "regulator",
            "pass_verification",
            trial_start=start.isoformat(),
            trial_end=(start + timedelta(days=90)).isoformat(),
        )

    def _request_exit(self) -> None:
        self.upload("applicant", "self_assessment", "自评估报告.pdf")
        self.fire("applicant", "request_exit")

    def evaluate(self, who: str = "assessor", score: int = 5) -> dict[str, Any]:
        scores = {
            name: score
            for name in (
                "innovation_value",
                "legal_compliance",
                "data_security",
                "personal_information_protection",
                "risk_control",
                "consumer_protection",
                "service_quality",
                "business_continuity",
                "commitment_fulfilment",
            )
        }
        response = self.call(
            who,
            "POST",
            f"/api/v1/cases/{self.case_id}/evaluations",
            json={"scores": scores, "conclusion": "测试目标达成，风险可控。"},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def _approve(self) -> None:
        self.evaluate()
        self.fire("regulator", "approve_exit")

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
