"""The vocabulary of the case workflow: its states, its events and their bilingual labels.

Owns the names only (DESIGN.md §3); what moves a case from one state to another lives in
`workflows.cases`. The values are stable: they are stored in the database and used by the API.
Record-only events (`RecordEvent`: assignments, the steps of two-person decisions) are written to the same
hash-chained history but change no state, so they are not `Event`s and nobody can fire them.
Imports the standard library only.
"""

from __future__ import annotations

from enum import StrEnum


class CaseState(StrEnum):
    """Where a sandbox project stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    AMENDMENT_REQUESTED = "amendment_requested"
    RISK_ASSESSMENT = "risk_assessment"
    TECHNICAL_VERIFICATION = "technical_verification"
    TESTING = "testing"
    SUSPENDED = "suspended"
    EXIT_EVALUATION = "exit_evaluation"
    EXITED = "exited"
    DISPUTE = "dispute"
    LIABILITY_EXEMPTION = "liability_exemption"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"


class Event(StrEnum):
    """What can happen to a case; the names are the API's `event` values."""

    SUBMIT = "submit"
    REQUEST_AMENDMENT = "request_amendment"
    RESUBMIT = "resubmit"
    ACCEPT_FILING = "accept_filing"
    REJECT = "reject"
    COMPLETE_RISK_ASSESSMENT = "complete_risk_assessment"
    PASS_VERIFICATION = "pass_verification"  # noqa: S105 -- an event name, not a password
    EXTEND_TRIAL = "extend_trial"
    SUSPEND = "suspend"
    RESUME = "resume"
    REQUEST_EXIT = "request_exit"
    RETURN_TO_TESTING = "return_to_testing"
    APPROVE_EXIT = "approve_exit"
    FAIL_EXIT = "fail_exit"
    TERMINATE = "terminate"
    WITHDRAW = "withdraw"
    RAISE_DISPUTE = "raise_dispute"
    RESOLVE_DISPUTE = "resolve_dispute"
    APPLY_EXEMPTION = "apply_exemption"
    DECIDE_EXEMPTION = "decide_exemption"


class RecordEvent(StrEnum):
    """What the history records without a state change (DESIGN.md §3, record-only events)."""

    ASSIGN_CASE_OFFICER = "assign_case_officer"
    ASSIGN_TESTING_LAB = "assign_testing_lab"
    ASSIGN_LEGAL_ORGANISATION = "assign_legal_organisation"
    PROPOSE_CERTIFICATE_STATUS = "propose_certificate_status"
    CONFIRM_CERTIFICATE_STATUS = "confirm_certificate_status"
    DECLINE_CERTIFICATE_STATUS = "decline_certificate_status"
    WITHDRAW_CERTIFICATE_STATUS = "withdraw_certificate_status"
    PROPOSE_EXEMPTION_DECISION = "propose_exemption_decision"
    DECLINE_EXEMPTION_DECISION = "decline_exemption_decision"
    WITHDRAW_EXEMPTION_DECISION = "withdraw_exemption_decision"
    # The enterprise asks for a review (复核) of a revoked certificate, and the review's outcome
    # (`workflows.records` says in which states they may be recorded).
    REQUEST_CERTIFICATE_REVIEW = "request_certificate_review"
    RESOLVE_CERTIFICATE_REVIEW = "resolve_certificate_review"
    # The testing lab's verification conclusion, and the exit decision sent to a second regulator.
    SUBMIT_VERIFICATION_CONCLUSION = "submit_verification_conclusion"
    SUBMIT_EXIT_REVIEW = "submit_exit_review"
    # 从高从优不重复: other support for the same project as declared by the enterprise, corrected by the
    # office, and the enterprise forgoing it for a higher voucher.
    DECLARE_OTHER_SUPPORT = "declare_other_support"
    CORRECT_OTHER_SUPPORT = "correct_other_support"
    FORGO_OTHER_SUPPORT = "forgo_other_support"


# A case in a final state is closed. Only an appeal (raise_dispute) may reopen a rejection or a
# termination, because DESIGN.md §3 lets a decision be disputed; exited and withdrawn are closed for good.
FINAL_STATES: frozenset[CaseState] = frozenset(
    {CaseState.EXITED, CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.TERMINATED}
)

# States in which the case waits for someone outside the regular review flow.
HOLD_STATES: frozenset[CaseState] = frozenset(
    {
        CaseState.AMENDMENT_REQUESTED,
        CaseState.DISPUTE,
        CaseState.LIABILITY_EXEMPTION,
        CaseState.SUSPENDED,
    }
)

# Hold states that remember the state to return to in `case.hold_return_state`. Suspension is left out
# on purpose: it always resumes to testing, so a dispute or exemption raised while suspended can
# remember "suspended" without a second memory slot.
REMEMBERING_HOLD_STATES: frozenset[CaseState] = HOLD_STATES - {CaseState.SUSPENDED}

STATE_LABELS: dict[CaseState, tuple[str, str]] = {
    CaseState.DRAFT: ("草稿", "Draft"),
    CaseState.SUBMITTED: ("备案审查", "Filing review"),
    CaseState.AMENDMENT_REQUESTED: ("退回补正", "Amendment requested"),
    CaseState.RISK_ASSESSMENT: ("风险评估", "Risk assessment"),
    CaseState.TECHNICAL_VERIFICATION: ("技术验证", "Technical verification"),
    CaseState.TESTING: ("沙盒测试中", "In sandbox testing"),
    CaseState.SUSPENDED: ("暂停测试", "Suspended"),
    CaseState.EXIT_EVALUATION: ("出盒评估", "Exit evaluation"),
    CaseState.EXITED: ("已出盒", "Exited"),
    CaseState.DISPUTE: ("纠纷处理中", "In dispute"),
    CaseState.LIABILITY_EXEMPTION: ("试错免责审查", "Liability exemption review"),
    CaseState.REJECTED: ("不予备案", "Rejected"),
    CaseState.WITHDRAWN: ("已撤回", "Withdrawn"),
    CaseState.TERMINATED: ("已终止", "Terminated"),
}

EVENT_LABELS: dict[Event, tuple[str, str]] = {
    Event.SUBMIT: ("提交备案", "Submit for filing"),
    Event.REQUEST_AMENDMENT: ("退回补正", "Request amendment"),
    Event.RESUBMIT: ("补正后重新提交", "Resubmit"),
    Event.ACCEPT_FILING: ("予以备案", "Accept filing"),
    Event.REJECT: ("不予备案", "Reject"),
    Event.COMPLETE_RISK_ASSESSMENT: ("完成风险评估", "Complete risk assessment"),
    Event.PASS_VERIFICATION: ("技术验证通过", "Pass technical verification"),
    Event.EXTEND_TRIAL: ("延长测试期", "Extend trial"),
    Event.SUSPEND: ("暂停测试", "Suspend"),
    Event.RESUME: ("恢复测试", "Resume"),
    Event.REQUEST_EXIT: ("申请出盒", "Request exit"),
    Event.RETURN_TO_TESTING: ("退回继续测试", "Return to testing"),
    Event.APPROVE_EXIT: ("准予出盒", "Approve exit"),
    Event.FAIL_EXIT: ("出盒评估不通过", "Fail exit evaluation"),
    Event.TERMINATE: ("终止测试", "Terminate"),
    Event.WITHDRAW: ("撤回", "Withdraw"),
    Event.RAISE_DISPUTE: ("提起纠纷", "Raise dispute"),
    Event.RESOLVE_DISPUTE: ("纠纷处理完结", "Resolve dispute"),
    Event.APPLY_EXEMPTION: ("申请试错免责", "Apply for liability exemption"),
    Event.DECIDE_EXEMPTION: ("作出免责决定", "Decide on exemption"),
}


RECORD_EVENT_LABELS: dict[RecordEvent, tuple[str, str]] = {
    RecordEvent.ASSIGN_CASE_OFFICER: ("指派承办人", "Case officer assigned"),
    RecordEvent.ASSIGN_TESTING_LAB: ("指派检测机构", "Testing laboratory assigned"),
    RecordEvent.ASSIGN_LEGAL_ORGANISATION: ("指派法律合作机构", "Legal organisation assigned"),
    RecordEvent.PROPOSE_CERTIFICATE_STATUS: ("提议变更证书状态", "Certificate status change proposed"),
    RecordEvent.CONFIRM_CERTIFICATE_STATUS: ("复核确认证书状态变更", "Certificate status change confirmed"),
    RecordEvent.DECLINE_CERTIFICATE_STATUS: ("复核未同意证书状态变更", "Certificate status change declined"),
    RecordEvent.WITHDRAW_CERTIFICATE_STATUS: ("撤回证书状态变更提议", "Status change proposal withdrawn"),
    RecordEvent.PROPOSE_EXEMPTION_DECISION: ("提议免责决定", "Exemption decision proposed"),
    RecordEvent.DECLINE_EXEMPTION_DECISION: ("复核未同意免责决定", "Exemption decision declined"),
    RecordEvent.WITHDRAW_EXEMPTION_DECISION: ("撤回免责决定提议", "Exemption decision proposal withdrawn"),
    RecordEvent.REQUEST_CERTIFICATE_REVIEW: ("申请复核（证明撤销）", "Review of the revocation requested"),
    RecordEvent.RESOLVE_CERTIFICATE_REVIEW: ("复核办结", "Review of the revocation concluded"),
    RecordEvent.SUBMIT_VERIFICATION_CONCLUSION: ("提交技术验证结论", "Verification conclusion submitted"),
    RecordEvent.SUBMIT_EXIT_REVIEW: ("提交出盒复核", "Exit decision sent for review"),
    RecordEvent.DECLARE_OTHER_SUPPORT: ("申报同一事项其他支持", "Other support for the project declared"),
    RecordEvent.CORRECT_OTHER_SUPPORT: ("更正其他支持申报", "Other support declaration corrected"),
    RecordEvent.FORGO_OTHER_SUPPORT: ("确认放弃其他支持", "Other support forgone for the voucher"),
}


EVENT_NAMES: frozenset[str] = frozenset(event.value for event in Event)
RECORD_EVENT_NAMES: frozenset[str] = frozenset(event.value for event in RecordEvent)


def state_label(state: CaseState, lang: str = "zh") -> str:
    """Return the state's label in `lang` ("zh" or "en")."""
    zh, en = STATE_LABELS[CaseState(state)]
    return en if lang == "en" else zh


def event_label(event: Event, lang: str = "zh") -> str:
    """Return the event's label in `lang` ("zh" or "en")."""
    zh, en = EVENT_LABELS[Event(event)]
    return en if lang == "en" else zh


def history_label(name: str, lang: str = "zh") -> str:
    """Return the label of a history row's event name, fired or record-only; an unknown name as stored."""
    if name in EVENT_NAMES:
        return event_label(Event(name), lang)
    if name in RECORD_EVENT_NAMES:
        zh, en = RECORD_EVENT_LABELS[RecordEvent(name)]
        return en if lang == "en" else zh
    return name


def is_record_only(name: str) -> bool:
    """Whether a history row's event name is a record-only event (no state change, never fired)."""
    return name in RECORD_EVENT_NAMES
