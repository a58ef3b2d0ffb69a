"""中小微企业 and 从高从优不重复 at exit: the size the policy covers, other support for the same project,
the enterprise forgoing lower support, and the decisions in the case history."""

from __future__ import annotations

from sqlmodel import select

from sandbox.demo.driver import ROUTES
from sandbox.models.certificates import Certificate
from sandbox.models.enterprise_size import SizeDeclaration
from sandbox.models.vouchers import RefusalCode, Voucher, VoucherStatus
from sandbox.services.vouchers.policy import default_policy
from tests import factories
from tests.case_flow import CaseFlow, token
from workflows.states import CaseState

WAN = 1_000_000  # fen in 10,000 yuan
LARGE = {"year": 2025, "industry": "industry", "employees": 1200, "operating_revenue_fen": 50000 * WAN}
MICRO = {"year": 2025, "industry": "software", "employees": 8, "operating_revenue_fen": 40 * WAN}
AMOUNT = default_policy().amount_for("general_data", "low")  # 200,000 yuan


def _declare(flow: CaseFlow, figures: dict) -> dict:
    enterprise_id = flow.users["applicant"].enterprise_id
    response = flow.call("applicant", "POST", f"/api/v1/enterprises/{enterprise_id}/size-declarations",
                         json=figures)  # fmt: skip
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _voucher(flow: CaseFlow) -> Voucher:
    flow.session.expire_all()
    return flow.session.exec(select(Voucher).where(Voucher.case_id == flow.case_id)).one()


def _exit_payload(flow: CaseFlow) -> dict:
    events = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()["events"]
    return next(e for e in events if e["event"] == "approve_exit")["payload"]["voucher"]


def _draft(flow: CaseFlow) -> None:
    flow.create()


def test_a_micro_and_a_large_enterprise_through_the_same_exit(client, session) -> None:
    micro, large = CaseFlow(client, session), CaseFlow(client, session)
    assert _declare(micro, MICRO)["size"] == "micro"
    declared = _declare(large, LARGE)
    assert declared["size"] == "large" and declared["version"] == 2  # the factory declared version 1
    for flow in (micro, large):
        flow.to("exited")
        assert flow.case()["state"] == "exited"
        assert session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    got, refused = _voucher(micro), _voucher(large)
    assert got.status is VoucherStatus.ACTIVE and got.amount_fen == AMOUNT and got.enterprise_size == "micro"
    assert refused.status is VoucherStatus.REFUSED and refused.refusal_code is RefusalCode.SIZE_NOT_COVERED
    assert refused.size_declaration_id == declared["id"] and refused.amount_fen == 0
    history = _exit_payload(large)
    assert history["refusalCode"] == "size_not_covered" and history["enterpriseSize"] == "large"
    assert history["sizeDeclarationId"] == declared["id"]
    listed = large.call("applicant", "GET", "/api/v1/vouchers").get_json()["items"][0]
    assert "micro" in listed["refusal_reason"] and "large" in listed["refusal_reason"]


def test_the_office_may_cover_large_enterprises_at_a_share(client, session) -> None:
    admin = factories.make_user(session, "admin")
    document = default_policy().as_json()
    document["eligible_sizes"] = ["large", "medium", "small", "micro"]
    document["size_percent"]["large"] = 50
    saved = client.put("/api/v1/voucher-policy", headers=token(client, admin),
                       json={"document": document, "note": "大型企业减半"})  # fmt: skip
    assert saved.status_code == 200, saved.get_json()
    flow = CaseFlow(client, session)
    _declare(flow, LARGE)
    flow.to("exited")
    voucher = _voucher(flow)
    assert voucher.status is VoucherStatus.ACTIVE and voucher.amount_fen == AMOUNT // 2
    assert voucher.policy_version == saved.get_json()["version"]


def test_an_enterprise_without_a_size_declaration_gets_no_voucher(client, session) -> None:
    flow = CaseFlow(client, session)
    enterprise_id = flow.users["applicant"].enterprise_id
    flow.session.delete(
        session.exec(select(SizeDeclaration).where(SizeDeclaration.enterprise_id == enterprise_id)).one()
    )
    flow.session.commit()
    flow.to("exited")
    assert _voucher(flow).refusal_code is RefusalCode.SIZE_UNDECLARED


def _support(flow: CaseFlow, amount_fen: int, programme: str = "compute_voucher", expect: int = 201) -> dict:
    response = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/other-support", json={
        "programme": programme, "amount_fen": amount_fen, "status": "received",
        "granted_on": "2026-03-01", "approval_number": "京开〔2026〕12号",
    })  # fmt: skip
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_higher_other_support_for_the_same_project_means_no_voucher(client, session) -> None:
    flow = CaseFlow(client, session)
    _draft(flow)
    _support(flow, AMOUNT + 1)
    flow.drive("exited")
    voucher = _voucher(flow)
    assert voucher.status is VoucherStatus.REFUSED
    assert voucher.refusal_code is RefusalCode.OTHER_SUPPORT_HIGHER
    assert voucher.refusal_params["programme"] == "算力券"
    listed = flow.call("applicant", "GET", "/api/v1/vouchers").get_json()["items"][0]
    assert "算力券" in listed["refusal_reason"] and "200,000.01" in listed["refusal_reason"]
    assert _exit_payload(flow)["refusalCode"] == "other_support_higher"
    assert flow.case()["state"] == "exited"


def test_a_lower_other_support_waits_for_the_enterprise_to_forgo_it(client, session) -> None:
    flow = CaseFlow(client, session)
    _draft(flow)
    declared = _support(flow, AMOUNT - 1, programme="区级数字经济专项")
    flow.drive("exited")
    voucher = _voucher(flow)
    assert voucher.status is VoucherStatus.AWAITING_FORGO and voucher.balance_fen == 0
    assert voucher.amount_fen == AMOUNT and voucher.refusal_params["otherSupportId"] == declared["id"]
    listed = flow.call("applicant", "GET", "/api/v1/vouchers").get_json()["items"][0]
    assert listed["other_support"]["otherAmountFen"] == AMOUNT - 1
    path = f"/api/v1/vouchers/{voucher.id}/forgo-other-support"
    other = CaseFlow(client, session)
    assert other.call("applicant", "POST", path).status_code == 404  # another enterprise's voucher
    confirmed = flow.call("applicant", "POST", path)
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "active"
    assert _voucher(flow).balance_fen == AMOUNT
    again = flow.call("applicant", "POST", path)
    assert again.status_code == 422
    events = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()
    assert events["intact"]
    names = [e["event"] for e in events["events"]]
    assert names.index("declare_other_support") < names.index("approve_exit") < names.index(
        "forgo_other_support"
    )
    forgone = next(e for e in events["events"] if e["event"] == "forgo_other_support")["payload"]
    assert forgone["forgone"][0]["programme"] == "区级数字经济专项"


def test_the_office_corrects_a_declaration_with_a_reason(client, session) -> None:
    flow = CaseFlow(client, session)
    _draft(flow)
    declared = _support(flow, AMOUNT - 1)
    submit, *rest = ROUTES[CaseState.EXITED]
    flow.step(submit)  # the office sees filed cases only
    path = f"/api/v1/cases/{flow.case_id}/other-support/{declared['id']}"
    body = {"programme": "compute_voucher", "amount_fen": AMOUNT * 2, "status": "received",
            "reason": "按批复文件更正金额"}  # fmt: skip
    assert flow.call("applicant", "PUT", path, json=body).status_code == 403
    assert flow.call("regulator", "PUT", path, json={**body, "reason": ""}).status_code == 422
    fixed = flow.call("regulator", "PUT", path, json=body)
    assert fixed.status_code == 200 and fixed.get_json()["correction_reason"] == "按批复文件更正金额"
    events = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()["events"]
    correction = next(e for e in events if e["event"] == "correct_other_support")
    assert correction["payload"]["before"]["amountFen"] == AMOUNT - 1
    assert correction["payload"]["after"]["amountFen"] == AMOUNT * 2
    for event in rest:
        flow.step(event)
    assert _voucher(flow).refusal_code is RefusalCode.OTHER_SUPPORT_HIGHER
    listed = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/other-support").get_json()
    assert [row["amount_fen"] for row in listed] == [AMOUNT * 2]


def test_bad_declarations_are_problems_at_the_field(client, session) -> None:
    flow = CaseFlow(client, session)
    enterprise_id = flow.users["applicant"].enterprise_id
    path = f"/api/v1/enterprises/{enterprise_id}/size-declarations"
    for bad, field in (
        ({**MICRO, "employees": -1}, "employees"),
        ({**MICRO, "operating_revenue_fen": -5}, "operating_revenue_fen"),
        ({**MICRO, "industry": "mining"}, "industry"),
        ({**MICRO, "industry": "construction"}, "total_assets_fen"),
        ({**MICRO, "operating_revenue_fen": 1.5}, "operating_revenue_fen"),
    ):
        response = flow.call("applicant", "POST", path, json=bad)
        assert response.status_code == 422, bad
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert [e["field"] for e in response.get_json()["errors"]] == [field], response.get_json()
    support = flow.call("applicant", "POST", "/api/v1/cases/999999/other-support", json={})
    assert support.status_code == 404


def test_another_enterprise_can_neither_see_nor_declare(client, session) -> None:
    mine, theirs = CaseFlow(client, session), CaseFlow(client, session)
    mine.create()
    _support(mine, 100)
    enterprise_id = mine.users["applicant"].enterprise_id
    path = f"/api/v1/enterprises/{enterprise_id}/size-declarations"
    assert theirs.call("applicant", "GET", path).status_code == 404
    assert theirs.call("applicant", "POST", path, json=MICRO).status_code == 404
    support = f"/api/v1/cases/{mine.case_id}/other-support"
    assert theirs.call("applicant", "GET", support).status_code == 404
    assert theirs.call("applicant", "POST", support, json={}).status_code == 404
    own = mine.call("applicant", "GET", path).get_json()
    assert len(own["items"]) == 1 and own["renewal_due"] is False
    assert mine.call("regulator", "GET", path).status_code == 200


def test_the_standard_is_published(client) -> None:
    rows = client.get("/api/v1/size-standard").get_json()
    assert len(rows) == 16 and rows[1]["key"] == "industry" and rows[1]["small"] == [20, 300]


def test_a_suspended_certificate_keeps_an_awaiting_voucher_unusable(client, session) -> None:
    flow = CaseFlow(client, session)
    _draft(flow)
    _support(flow, 100)
    flow.drive("exited")
    cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    voucher = _voucher(flow)
    path = f"/api/v1/vouchers/{voucher.id}/forgo-other-support"
    flow.change_status(cert.id, "suspend", "核查中")
    refused = flow.call("applicant", "POST", path)
    assert refused.status_code == 422 and _voucher(flow).status is VoucherStatus.AWAITING_FORGO
    flow.change_status(cert.id, "reinstate", "核查完毕")
    assert flow.call("applicant", "POST", path).status_code == 200
    assert _voucher(flow).status is VoucherStatus.ACTIVE
