"""The catalogue of refusal reasons: one code, one Chinese and one English template each.

Owns the wording so that guards stay short and every refusal reads the same everywhere (API 422
bodies, pages, e-mails). `reason(code, field, **params)` folds the parameters into both texts.
Imports the standard library only.
"""

from __future__ import annotations

from .errors import Reason

# Labels of the ctx keys and plan fields the guards check; a reason names the field in both languages.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "plan": ("沙盒方案", "sandbox plan"),
    "title": ("项目名称", "project title"),
    "data_categories": ("数据类别", "data categories"),
    "objectives": ("测试目标", "objectives"),
    "boundaries": ("测试边界", "trial boundaries"),
    "duration_months": ("测试期限（月）", "trial duration (months)"),
    "risk_controls": ("风险防控措施", "risk controls"),
    "exit_plan": ("退出方案", "exit plan"),
    "consumer_protection": ("消费者权益保护措施", "consumer protection measures"),
    "commitment_accepted_by": ("承诺声明书", "commitment statement"),
    "note": ("说明理由", "note"),
    "mitigation_order": ("风险处置要求", "mitigation order"),
    "wind_down_order": ("有序退出要求", "wind-down order"),
    "new_end": ("新的测试结束日期", "new trial end date"),
    "trial_start": ("测试开始日期", "trial start date"),
    "trial_end": ("测试结束日期", "trial end date"),
    "today": ("当前日期", "today's date"),
    "answers": ("风险核查清单", "risk checklist"),
    "risk_level": ("风险等级", "risk level"),
    "risk_level_reason": ("调高风险等级的理由", "reason for raising the risk level"),
    "conditions": ("测试附加条件", "trial conditions"),
    "verification_report_on_file": ("技术验证报告", "technical verification report"),
    "verification_result": ("技术验证结论", "verification conclusion"),
    "testing_lab_id": ("检测机构", "testing laboratory"),
    "self_assessment_on_file": ("自评估报告", "self-assessment report"),
    "actor_role": ("操作角色", "acting role"),
    "scores": ("出盒评估评分", "exit evaluation scores"),
    "evaluator_id": ("评估人", "evaluator"),
    "approver_id": ("审批人", "approver"),
    "proposer_id": ("提议人", "proposer"),
    "officer_ids": ("历任承办人记录", "record of the case's officers"),
    "evaluator_ids": ("出盒评估人记录", "record of the exit evaluators"),
    "filing_acceptor_ids": ("备案受理人记录", "record of who accepted the filing"),
    "legal_partner_org_id": ("承办纠纷的法律合作机构", "assigned legal-partner organisation"),
    "claim": ("纠纷请求事项", "claim"),
    "outcome": ("处理结果", "outcome"),
    "incident_id": ("所涉事件", "incident"),
    "good_faith_explanation": ("尽职履责说明", "good-faith explanation"),
    "legal_opinion_on_file": ("法律合作机构意见", "legal partner's opinion"),
    "decision": ("免责决定", "exemption decision"),
    "pack": ("行业规则包", "sector rule pack"),
}

# code → (Chinese template, English template). `{label_zh}`/`{label_en}` name the reason's field.
TEMPLATES: dict[str, tuple[str, str]] = {
    "required": ("{label_zh}为必填项", "{label_en} is required"),
    "empty": ("{label_zh}至少应包含一项", "{label_en} must list at least one item"),
    "wrong_type": ("{label_zh}格式不正确，应为{expected_zh}", "{label_en} must be {expected_en}"),
    "not_on_file": ("{label_zh}尚未提交", "{label_en} is not on file"),
    "verification_failed": (
        "检测机构的技术验证结论为“未通过”，不能通过技术验证",
        "the testing laboratory concluded that the verification failed",
    ),
    "commitment_not_accepted": ("承诺声明书尚未签署确认", "the commitment statement has not been accepted"),
    "invalid_choice": (
        "{label_zh}的取值“{value}”无效，可选值：{choices}",
        "{label_en} value “{value}” is not one of: {choices}",
    ),
    "duration_too_long": (
        "测试期限{months}个月超过本行业上限{maximum}个月",
        "a trial of {months} months exceeds the sector maximum of {maximum} months",
    ),
    "trial_too_long": (
        "测试期{start}至{end}超过本行业上限{maximum}个月",
        "the trial from {start} to {end} exceeds the sector maximum of {maximum} months",
    ),
    "not_after": ("{label_zh}（{value}）须晚于{other}", "{label_en} ({value}) must be after {other}"),
    "in_past": (
        "{label_zh}（{value}）不得早于今日（{today}）",
        "{label_en} ({value}) is before today ({today})",
    ),
    "boundary_missing": ("缺少测试边界参数“{param_zh}”", "trial boundary “{param_en}” is missing"),
    "boundary_unknown": (
        "本行业规则包没有测试边界参数“{value}”",
        "the sector pack has no trial boundary “{value}”",
    ),
    "boundary_type": (
        "测试边界参数“{param_zh}”应为{expected_zh}",
        "trial boundary “{param_en}” must be {expected_en}",
    ),
    "boundary_out_of_range": (
        "测试边界参数“{param_zh}”须在{minimum}至{maximum}{unit}之间，当前为{value}",
        "trial boundary “{param_en}” must be between {minimum} and {maximum} {unit}, got {value}",
    ),
    "boundary_must_be": (
        "测试边界参数“{param_zh}”必须为“{expected_zh}”",
        "trial boundary “{param_en}” must be “{expected_en}”",
    ),
    "boundary_choice": (
        "测试边界参数“{param_zh}”的取值“{value}”无效，可选值：{choices}",
        "trial boundary “{param_en}” value “{value}” is not one of: {choices}",
    ),
    "checklist_unanswered": (
        "风险核查项“{item_zh}”未作答",
        "risk checklist item “{item_en}” is not answered",
    ),
    "checklist_invalid_answer": (
        "风险核查项“{item_zh}”的回答“{value}”无效，可选：{choices}",
        "risk checklist item “{item_en}” answer “{value}” is not one of: {choices}",
    ),
    "checklist_unknown_item": (
        "本行业规则包没有风险核查项“{value}”",
        "the sector pack has no checklist item “{value}”",
    ),
    "risk_level_lowered": (
        "风险等级不得低于核查清单得出的等级（{derived_zh}）",
        "the risk level may not be lower than the level derived from the checklist ({derived_en})",
    ),
    "risk_level_raise_reason": (
        "将风险等级由{derived_zh}调高为{given_zh}须说明理由",
        "raising the risk level from {derived_en} to {given_en} needs a reason",
    ),
    "exit_role": ("{role}无权申请出盒", "the role {role} may not request exit"),
    "exit_before_end": (
        "测试期届满（{end}）前，监管人员不得代为申请出盒",
        "a regulator may request exit only after the trial end date ({end})",
    ),
    "score_missing": (
        "评估维度“{dimension_zh}”未评分",
        "evaluation dimension “{dimension_en}” is not scored",
    ),
    "score_invalid": (
        "评估维度“{dimension_zh}”的评分须为1至5的整数，当前为{value}",
        "evaluation dimension “{dimension_en}” must be scored with a whole number 1–5, got {value}",
    ),
    "score_unknown": ("未知的评估维度“{value}”", "unknown evaluation dimension “{value}”"),
    "score_below_pass": (
        "评估维度“{dimension_zh}”得分{score}，低于通过线{minimum}分",
        "evaluation dimension “{dimension_en}” scored {score}, below the pass mark of {minimum}",
    ),
    "four_eyes": (
        "出盒审批人不得与评估人为同一人（双人复核）",
        "the approver must not be the evaluator (four-eyes rule)",
    ),
    "applicant_withdraws_only": (
        "申请人只能撤回纠纷，处理结果由法律合作机构记录",
        "an applicant can only withdraw a dispute; the legal partner records its outcome",
    ),
    "contract_outcome_only": (
        "合同纠纷经调解处理，结果只能为调解成功、部分达成、未达成或撤回，不适用“{value}”（可选值：{choices}）",
        "a contract dispute is mediated: its outcome is settled, partially settled, not settled or "
        "withdrawn, not “{value}” (one of: {choices})",
    ),
    "decision_outcome_only": (
        "针对监管决定的纠纷，结果只能为维持、撤销原决定或撤回，不适用“{value}”（可选值：{choices}）",
        "a dispute about a decision ends with the decision upheld, overturned or withdrawn, not "
        "“{value}” (one of: {choices})",
    ),
    "exit_before_start": (
        "测试期开始（{start}）前不得申请或批准出盒",
        "exit cannot be requested or approved before the trial starts ({start})",
    ),
    "former_officer": (
        "曾担任本项目承办人的监管人员不得审批出盒（双人复核），请由另一名监管人员审批",
        "a regulator who was ever this case's officer may not approve its exit (four-eyes rule); "
        "another regulator must",
    ),
    "former_evaluator": (
        "曾为本项目出盒评估评分的人员不得审批出盒（双人复核）",
        "whoever scored this case's exit evaluation may not approve its exit (four-eyes rule)",
    ),
    "filing_acceptor": (
        "按本办公室规定，予以备案的监管人员不得审批同一项目的出盒（双人复核）",
        "under the office's rule, the regulator who accepted the filing may not approve the exit "
        "(four-eyes rule)",
    ),
    "proposal_required": (
        "此项决定须由一名监管人员提议、另一名监管人员复核确认，请先提出提议",
        "this decision needs a proposal by one regulator and confirmation by another; propose it first",
    ),
    "same_person": (
        "提议人不得复核确认自己的提议，须由另一名监管人员确认（双人复核）",
        "the proposer may not confirm their own proposal; another regulator must (two-person rule)",
    ),
    "four_eyes_officer": (
        "出盒审批人不得为本项目的承办人，请由另一名监管人员审批（双人复核）",
        "the case officer may not approve their own case's exit; another regulator must (four-eyes rule)",
    ),
}


def reason(code: str, field: str | None = None, **params: object) -> Reason:
    """Build the Reason `code` for `field`, folding `params` into the Chinese and English text."""
    zh_template, en_template = TEMPLATES[code]
    label_key = (field or "").split(".")[-1]
    # A dotted field such as "plan.title" is labelled by its last part; unknown fields show as named.
    label_zh, label_en = FIELD_LABELS.get(label_key, (label_key, label_key))
    values = {"label_zh": label_zh, "label_en": label_en, **{k: _text(v) for k, v in params.items()}}
    return Reason(code=code, field=field, zh=zh_template.format(**values), en=en_template.format(**values))


def _text(value: object) -> str:
    if isinstance(value, list | tuple | frozenset | set):
        return ", ".join(str(item) for item in value)
    return str(value)
