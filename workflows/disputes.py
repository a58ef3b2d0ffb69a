"""The stages of a dispute record: opened → mediation → settled, or referred to court → judgment → closed,
or withdrawn (DESIGN.md §6).

Owns `DisputeStage`, `DisputeAction`, the stage table `DISPUTE_STEPS`, which actions end the case's
`dispute` hold (`RESOLVING`), the default working-day deadlines and the bilingual labels. The case
itself moves only through `workflows.cases.fire` (`raise_dispute`, `resolve_dispute`); this table moves
the dispute record. Imports the standard library only.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import InvalidTransition


class DisputeStage(StrEnum):
    OPENED = "opened"
    MEDIATION = "mediation"
    SETTLED = "settled"
    REFERRED = "referred"
    JUDGMENT = "judgment"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class DisputeAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"  # the legal partner takes the dispute up; mediation starts
    SETTLE = "settle"  # mediation ends in an agreement; the outcome is recorded
    REFER = "refer"  # mediation fails or is declined: referred to the Internet Court
    RECORD_JUDGMENT = "record_judgment"  # the court's judgment and its outcome are recorded
    CLOSE = "close"
    WITHDRAW = "withdraw"  # the party that raised it withdraws


S, A = DisputeStage, DisputeAction
DISPUTE_STEPS: dict[DisputeAction, tuple[frozenset[DisputeStage], DisputeStage]] = {
    A.ACKNOWLEDGE: (frozenset({S.OPENED}), S.MEDIATION),
    A.SETTLE: (frozenset({S.MEDIATION}), S.SETTLED),
    A.REFER: (frozenset({S.OPENED, S.MEDIATION}), S.REFERRED),
    A.RECORD_JUDGMENT: (frozenset({S.REFERRED}), S.JUDGMENT),
    A.CLOSE: (frozenset({S.JUDGMENT}), S.CLOSED),
    A.WITHDRAW: (frozenset({S.OPENED, S.MEDIATION, S.REFERRED}), S.WITHDRAWN),
}
# Actions that record the outcome and so end the case's dispute hold (`resolve_dispute`).
RESOLVING: frozenset[DisputeAction] = frozenset({A.SETTLE, A.RECORD_JUDGMENT, A.WITHDRAW})
# Stages in which the case is still in its dispute hold.
OPEN_STAGES: frozenset[DisputeStage] = frozenset({S.OPENED, S.MEDIATION, S.REFERRED})
FINISHED_STAGES: frozenset[DisputeStage] = frozenset({S.SETTLED, S.CLOSED, S.WITHDRAWN})

# Working days: acknowledge a new dispute within 2, finish mediation within 30 of acknowledging it.
DISPUTE_DEADLINE_DAYS: dict[str, int] = {"acknowledge": 2, "mediate": 30}

STAGE_LABELS: dict[DisputeStage, tuple[str, str]] = {
    S.OPENED: ("已受理待确认", "Opened"),
    S.MEDIATION: ("调解中", "In mediation"),
    S.SETTLED: ("调解结案", "Settled"),
    S.REFERRED: ("已移送法院", "Referred to court"),
    S.JUDGMENT: ("已作出判决", "Judgment recorded"),
    S.CLOSED: ("已结案", "Closed"),
    S.WITHDRAWN: ("已撤回", "Withdrawn"),
}
ACTION_LABELS: dict[DisputeAction, tuple[str, str]] = {
    A.ACKNOWLEDGE: ("确认受理并开始调解", "Acknowledge and start mediation"),
    A.SETTLE: ("记录调解结果", "Record the settlement"),
    A.REFER: ("移送互联网法院", "Refer to the Internet Court"),
    A.RECORD_JUDGMENT: ("记录判决结果", "Record the judgment"),
    A.CLOSE: ("结案", "Close"),
    A.WITHDRAW: ("撤回纠纷", "Withdraw the dispute"),
}


def next_stage(stage: DisputeStage | str, action: DisputeAction | str) -> DisputeStage:
    """Return the stage `action` leads to from `stage`, or raise InvalidTransition."""
    try:
        chosen = DisputeAction(action)
    except ValueError:
        raise InvalidTransition(stage, action, "unknown dispute action") from None
    sources, target = DISPUTE_STEPS[chosen]
    if DisputeStage(stage) not in sources:
        raise InvalidTransition(stage, chosen)
    return target


def available_actions(stage: DisputeStage | str) -> list[DisputeAction]:
    """The actions the table allows in `stage`, in table order."""
    return [action for action, (sources, _) in DISPUTE_STEPS.items() if DisputeStage(stage) in sources]
