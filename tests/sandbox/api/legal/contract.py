"""A contract dispute between a case's enterprise and a service provider, for the agreement tests."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.case_flow import CaseFlow, token


def add_provider(flow: CaseFlow, name: str = "provider") -> int:
    """Add a service-provider user (with its own organisation) to the flow; return the organisation id."""
    user = factories.make_user(flow.session, "service_provider", display_name=f"{name} 张经理")
    flow.users[name] = user
    flow.headers[name] = token(flow.client, user)
    assert user.organisation_id is not None
    return user.organisation_id


def contract_dispute(flow: CaseFlow, *, state: str = "testing") -> dict[str, Any]:
    """A case in `state`, a contract dispute raised by the applicant against `provider`, in mediation."""
    counterparty = add_provider(flow)
    add_provider(flow, "other_provider")
    flow.to(state)
    body = {"legal_partner_org_id": flow.centre_id, "kind": "contract", "counterparty_org_id": counterparty,
            "claim": "服务商未按合同交付数据标注服务", "remedy": "退还服务费"}  # fmt: skip
    response = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/disputes", json=body)
    assert response.status_code == 201, response.get_json()
    dispute = response.get_json()
    acknowledged = flow.call("mediator", "POST", f"/api/v1/disputes/{dispute['id']}/actions",
                             json={"action": "acknowledge"})  # fmt: skip
    assert acknowledged.status_code == 200, acknowledged.get_json()
    return acknowledged.get_json()


def settle(flow: CaseFlow, dispute_id: int, outcome: str = "settled", expect: int = 200) -> dict[str, Any]:
    body = {"action": "settle", "outcome": outcome, "resolution": "双方达成调解协议"}
    response = flow.call("mediator", "POST", f"/api/v1/disputes/{dispute_id}/actions", json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


ITEMS = ["乙方于2026年12月31日前退还服务费人民币五万元", "甲方撤回对乙方的投诉"]


def record(flow: CaseFlow, dispute_id: int, expect: int = 200, **body: Any) -> dict[str, Any]:
    body = {"items": ITEMS, "terms": "双方就本纠纷再无其他争议。", **body}
    response = flow.call("mediator", "PUT", f"/api/v1/disputes/{dispute_id}/agreement", json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()
