"""Realistic examples for the OpenAPI document (request and response bodies), in the data people use:
a Beijing E-Town enterprise filing an autonomous-driving project, the office deciding it, a dispute, a
voucher redemption and a certificate check. The demo logins and numbers match `flask --app sandbox demo`.

Each example is validated against its schema by the tests, and schemathesis sends the request examples
first, so they must stay true to the models.
"""

from __future__ import annotations

from typing import Any

TOKEN_REQUEST = {"email": "applicant@demo.sandbox", "password": "sandbox-demo-2026"}
TOKEN = {
    "token": "sbx_6f1c0d2e9a7b4c58b3e1f0a2d4c6e8f0",
    "token_type": "Bearer",
    "expires_at": "2026-12-01T04:00:00Z",
}

ACCOUNT_CREATE = {
    "email": "zhang.wei@yizhuang-robotics.example",
    "password": "亦庄沙盒-Robot-2026",
    "display_name": "张伟",
    "locale": "zh",
    "enterprise": {
        "name": "北京亦庄具身智能机器人有限公司",
        "uscc": "91110302MA07YX3Q8C",
        "registered_address": "北京市北京经济技术开发区科创十三街18号院3号楼",
        "in_zone": True,
        "legal_representative": "张伟",
        "contact_name": "王芳",
        "contact_phone": "010-67881234",
        "no_major_penalty": True,
        "no_criminal_record": True,
        "not_seriously_dishonest": True,
    },
}
ENTERPRISE = {
    "id": 1,
    "name": "北京亦庄智驾科技有限公司",
    "uscc": "91110302MA01YJ8K35",
    "registered_address": "北京市北京经济技术开发区荣华中路10号院1号楼",
    "in_zone": True,
    "legal_representative": "刘明",
    "contact_name": "刘申报",
    "contact_phone": "010-67856666",
}
USER = {
    "id": 7,
    "email": "applicant@demo.sandbox",
    "display_name": "刘申报",
    "role": "applicant",
    "locale": "zh",
    "enterprise": ENTERPRISE,
    "organisation": None,
}

PLAN = {
    "objectives": "在经开区指定道路验证自动驾驶出租车数据采集、脱敏与模型迭代闭环的合规性。",
    "boundaries": {
        "test_area_km2": 60,
        "vehicle_count": 20,
        "safety_driver_required": True,
        "max_speed_kmh": 60,
        "road_type": "designated_roads",
    },
    "duration_months": 6,
    "risk_controls": "车外影像默认匿名化处理；数据分类分级管理；访问权限分级审批；日志留存六个月并实时告警。",
    "exit_plan": "测试结束后三十日内停止数据处理，删除或匿名化测试数据，并向沙盒办公室提交删除证明。",
    "consumer_protection": "公示个人信息处理规则，设立投诉受理渠道，七个工作日内答复；乘客可随时撤回同意。",
}
CASE_CREATE = {
    "title": "L4级自动驾驶出租车道路测试数据闭环",
    "sector": "autonomous_driving",
    "data_categories": ["车辆轨迹数据", "道路环境感知数据", "乘客订单数据"],
    "plan": PLAN,
}
CASE_UPDATES: dict[str, Any] = {
    "edit_plan": {"plan": {"duration_months": 9}, "accept_commitment": True},
    "assign_case_officer_and_lab": {"case_officer_id": 2, "assessor_org_id": 1},
}
CASE = {
    "id": 3,
    "enterprise_id": 1,
    "title": "L4级自动驾驶出租车道路测试数据闭环",
    "sector": "autonomous_driving",
    "data_categories": ["车辆轨迹数据", "道路环境感知数据", "乘客订单数据"],
    "plan": PLAN,
    "state": "testing",
    "version": 7,
    "filing_number": "YZSB-2026-0003",
    "hold_return_state": None,
    "case_officer_id": 2,
    "assessor_org_id": 1,
    "legal_org_id": None,
    "commitment_accepted_at": "2026-11-02T01:20:00Z",
    "risk_level": "medium",
    "risk_answers": {"exterior_faces_plates": "yes", "cabin_sensitive_pii": "no", "important_data": "no"},
    "conditions": ["每月报送一次数据使用情况报告", "发生安全事件两小时内报告沙盒办公室"],
    "trial_boundaries": PLAN["boundaries"],
    "trial_start": "2026-11-27",
    "trial_end": "2027-04-26",
    "stage_due": None,
    "stage_due_provisional": False,
    "overdue": False,
    "event_count": 5,
    "history_head": "c6df255725619c5b964529f3265a405d3ce1ba625c8b754ade6ec8f47a5bc7a0",
    "created_at": "2026-11-02T01:15:00Z",
    "updated_at": "2026-11-26T08:30:00Z",
}

EVENTS: dict[str, Any] = {
    "submit": {"event": "submit", "note": "", "data": {}, "expected_version": 2},
    "accept_filing": {"event": "accept_filing", "note": "材料齐全，予以备案。", "data": {}},
    "request_amendment": {"event": "request_amendment", "note": "请补充车外影像匿名化处理方案及抽检记录。"},
    "pass_verification": {
        "event": "pass_verification",
        "note": "技术验证报告已归档，同意进入沙盒测试。",
        "data": {"trial_start": "2026-11-27", "trial_end": "2027-04-26"},
    },
}
EVENT_RESPONSE = {
    "case": CASE,
    "event": {
        "id": 75,
        "seq": 5,
        "event": "pass_verification",
        "from_state": "technical_verification",
        "to_state": "testing",
        "actor_id": 2,
        "actor_role": "regulator",
        "note": "技术验证报告已归档，同意进入沙盒测试。",
        "payload": {"trialStart": "2026-11-27", "trialEnd": "2027-04-26"},
        "created_at": "2026-11-26T08:30:00Z",
        "prev_hash": "3cff4976893aebed1aa784315151a71ee642811eb1b16ef606e38a46cbd73c29",
        "hash": "c6df255725619c5b964529f3265a405d3ce1ba625c8b754ade6ec8f47a5bc7a0",
    },
}

REPORT_CREATE = {
    "kind": "incident",
    "title": "测试车辆车外影像未脱敏上传事件",
    "body": "11月30日一辆测试车辆的车外影像在脱敏前上传至训练平台，已于两小时内删除并报告沙盒办公室。",
    "occurred_on": "2026-11-30",
}
GUIDANCE_CREATE = {"text": "请在车外影像上传前增加人脸及车牌自动模糊处理，并每周抽检一次。"}
EVALUATION_CREATE = {
    "scores": {
        "innovation_value": 5,
        "legal_compliance": 4,
        "data_security": 4,
        "personal_information_protection": 4,
        "risk_control": 4,
        "consumer_protection": 4,
        "service_quality": 4,
        "business_continuity": 4,
        "commitment_fulfilment": 5,
    },
    "conclusion": "测试期间数据处理符合沙盒方案，未发生重大安全事件，建议准予出盒。",
}
RISK_ANSWERS = {
    "answers": {"exterior_faces_plates": "yes", "cabin_sensitive_pii": "no", "important_data": "no"}
}

DISPUTE_CREATE = {
    "kind": "appeal",
    "claim": "驳回理由所称材料缺失与事实不符，相关材料已于提交时上传。",
    "remedy": "请求撤销驳回决定，恢复备案审查。",
    "legal_partner_org_id": 2,
}
CERTIFICATE_REVIEW = {
    "legal_partner_org_id": 2,
    "claim": "撤销理由所称虚假材料系第三方检测机构笔误，更正说明已于撤销前提交。",
    "remedy": "请求撤销“撤销出盒证明”的决定，恢复证明效力。",
}
DISPUTE_ACTIONS: dict[str, Any] = {
    "acknowledge": {"action": "acknowledge"},
    "settle": {"action": "settle", "outcome": "overturned", "resolution": "经调解，双方同意撤销驳回决定。"},
}
DISPUTE_MESSAGE = {"body": "补充材料已上传，请调解员查收。"}
EVIDENCE_CREATE = {"title": "提交记录截图说明", "statement": "系统提交记录显示，材料已于11月2日上传。"}
EXEMPTION_CREATE = {
    "incident_id": 12,
    "legal_partner_org_id": 2,
    "good_faith_explanation": "事件发生时严格执行沙盒方案及监管指导，已两小时内报告并删除相关数据。",
}

REDEMPTION = {
    "code": "7K2Q-9XWM-4HCP-T8RD-W",
    "contract_number": "YZBZ-2026-0017",
    "contract_fee_fen": 36000000,
    "contract_signed_on": "2026-03-02",
    "amount_fen": 18000000,
    "category": "data_annotation",
    "invoice": {"filename": "增值税电子普通发票.pdf", "content_base64": "JVBERi0xLjQKJSVFT0YK"},
}
REDEMPTION_DECISIONS: dict[str, Any] = {
    "approve": {"action": "approve"},
    "reject": {"action": "reject", "reason": "合同服务内容不属于数据标注服务类别。"},
}
HOLDER_DECISIONS: dict[str, Any] = {
    "confirm": {"action": "confirm"},
    "decline": {"action": "decline", "reason": "本企业未与该服务商签订此合同。"},
}
WITHDRAWAL = {"reason": "合同金额有误，更正后重新申请。"}
RELATED_PARTY = {"name": "北京亦庄智驾投资管理有限公司", "uscc": "91110302MA08LK5R23", "relation": "控股股东"}

VERIFY_REQUESTS: dict[str, Any] = {
    "by_number": {"number": "YZCC-2026-0001"},
    "by_scanned_qr": {
        "qr": "https://sandbox.example/c/d3e0eec9856840d5bdd7b88a96befa8e#sha256=ORGQt0bukqHwdEE662W39DDMDT3AfrHbxFeqz7Z6NBc"
    },
}
VERIFICATION = {
    "verdict": "valid",
    "status": "active",
    "certificateId": "d3e0eec9856840d5bdd7b88a96befa8e",
    "number": "YZCC-2026-0001",
    "credentialType": "SandboxExitCertificate",
    "credentialSha256": "ORGQt0bukqHwdEE662W39DDMDT3AfrHbxFeqz7Z6NBc",
    "issuedAt": "2026-11-26T08:30:00Z",
    "printedQrCompared": None,
    "checks": [
        {"name": "signature", "outcome": "pass", "code": None, "detail": "", "label": "签发机构的签名有效"},
        {"name": "status", "outcome": "pass", "code": None, "detail": "", "label": "未被撤销或暂停"},
        {
            "name": "inclusion",
            "outcome": "pass",
            "code": None,
            "detail": "",
            "label": "已记录在公开透明日志中",
        },
    ],
}
STATUS_CHANGE = {"action": "suspend", "reason": "企业未按期报送整改材料，暂停证书效力。"}

USER_CREATE = {
    "email": "zhao.ping@yizhuang-lab.example",
    "password": "检测实验室-Lab-2026",
    "display_name": "赵平（检测实验室）",
    "role": "assessor",
    "organisation_id": 1,
    "locale": "zh",
}
ORGANISATION_CREATE = {"name": "北京亦庄数据合规律师事务所", "kind": "law_firm"}
PASSWORD_CHANGE = {"current_password": "旧密码-Old-2025", "new_password": "新密码-New-2026-亦庄"}
