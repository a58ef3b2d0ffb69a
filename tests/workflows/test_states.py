"""The workflow vocabulary: exact stored values, state groups and complete bilingual labels."""

from __future__ import annotations

import workflows
from workflows import (
    EVENT_LABELS,
    FINAL_STATES,
    HOLD_STATES,
    STATE_LABELS,
    CaseState,
    Event,
    event_label,
    state_label,
)


def test_state_values_are_the_stored_names() -> None:
    assert [s.value for s in CaseState] == [
        "draft",
        "submitted",
        "amendment_requested",
        "risk_assessment",
        "technical_verification",
        "testing",
        "suspended",
        "exit_evaluation",
        "exited",
        "dispute",
        "liability_exemption",
        "rejected",
        "withdrawn",
        "terminated",
    ]


def test_event_values_are_the_api_names() -> None:
    assert {e.value for e in Event} == {
        "submit",
        "request_amendment",
        "resubmit",
        "accept_filing",
        "reject",
        "complete_risk_assessment",
        "pass_verification",
        "extend_trial",
        "suspend",
        "resume",
        "request_exit",
        "return_to_testing",
        "approve_exit",
        "fail_exit",
        "terminate",
        "withdraw",
        "raise_dispute",
        "resolve_dispute",
        "apply_exemption",
        "decide_exemption",
    }


def test_state_groups() -> None:
    assert {s.value for s in FINAL_STATES} == {"exited", "rejected", "withdrawn", "terminated"}
    assert {s.value for s in HOLD_STATES} == {
        "amendment_requested",
        "dispute",
        "liability_exemption",
        "suspended",
    }


def test_every_state_and_event_has_chinese_and_english_labels() -> None:
    assert set(STATE_LABELS) == set(CaseState) and set(EVENT_LABELS) == set(Event)
    for zh, en in [*STATE_LABELS.values(), *EVENT_LABELS.values()]:
        assert zh and en and zh != en
    assert state_label(CaseState.EXITED) == "已出盒" and state_label("exited", "en") == "Exited"  # type: ignore[arg-type]
    assert event_label(Event.ACCEPT_FILING) == "予以备案"


def test_the_public_api_is_exported() -> None:
    assert all(hasattr(workflows, name) for name in workflows.__all__)
