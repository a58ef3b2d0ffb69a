"""The case picture (sandbox/views/cases/diagram.py): valid, accessible, CSP-clean SVG; pure, no app."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from markupsafe import Markup

from sandbox.views.cases import diagram
from sandbox.views.cases.diagram import HOLD_STAGES, _text, path_from_history, workflow_svg
from workflows.cases import TRANSITIONS
from workflows.states import CaseState as S
from workflows.states import state_label

SVG = "{http://www.w3.org/2000/svg}"
TO_TESTING = [S.DRAFT, S.SUBMITTED, S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION, S.TESTING]
TODAY = date(2026, 4, 1)


def parse(source: str) -> ET.Element:
    return ET.fromstring(source)  # noqa: S314 -- our own output, not untrusted input


def render(**kwargs: object) -> ET.Element:
    args: dict[str, Any] = {"current": S.TESTING, "path": TO_TESTING, "today": TODAY} | kwargs
    markup = workflow_svg(**args)
    assert isinstance(markup, Markup)
    return parse(str(markup))


def classes(el: ET.Element) -> set[str]:
    return set(el.get("class", "").split())


def nodes(root: ET.Element, cls: str = "wd-node") -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in classes(g)]


def label(node: ET.Element) -> str:
    return " ".join(t.text or "" for t in node.iter(f"{SVG}text") if "wd-label" in classes(t))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_state_appears_once_with_its_label(lang: str) -> None:
    root = render(lang=lang)
    by_state = {g.get("data-state"): g for g in nodes(root)}
    assert set(by_state) == {s.value for s in S}
    for state in S:
        # English labels may wrap onto two lines; joined back they are the label.
        assert label(by_state[state.value]) == state_label(state, lang)


@pytest.mark.parametrize("current", list(S))
def test_exactly_one_current_state(current: S) -> None:
    (node,) = nodes(render(current=current, lang="en"), "wd-current")
    assert node.get("data-state") == current.value
    assert label(node) == state_label(current, "en")
    assert any("wd-current-marker" in classes(el) for el in node.iter())


def test_visited_states_and_taken_edges_are_marked() -> None:
    root = render()
    visited = {g.get("data-state") for g in nodes(root, "wd-visited")}
    assert visited == {s.value for s in TO_TESTING[:-1]}
    taken = [el for el in root.iter() if "wd-edge-taken" in classes(el)]
    assert len(taken) == len(TO_TESTING) - 1


def test_every_kind_of_step_is_drawn() -> None:
    path = [*TO_TESTING, S.SUSPENDED, S.TERMINATED, S.DISPUTE, S.TESTING, S.LIABILITY_EXEMPTION, S.WITHDRAWN]
    root = render(current=S.WITHDRAWN, path=path)
    assert len([el for el in root.iter(f"{SVG}path") if "wd-edge-taken" in classes(el)]) == len(path) - 1


def test_hold_connectors_follow_the_transition_table() -> None:
    for hold, stages in HOLD_STAGES.items():
        sources = {s for _, src, to in TRANSITIONS if to == hold for s in src}
        assert set(stages) == sources & set(diagram.MAIN_LINE)
    assert HOLD_STAGES[S.SUSPENDED] == (S.TESTING,)


@pytest.mark.parametrize(
    ("lang", "due", "provisional", "overdue"),
    [
        ("zh", "截止 2026-12-18", "（暂定）", "（已逾期）"),
        ("en", "due 2026-12-18", "(provisional)", "(overdue)"),
    ],
)
def test_deadlines_show_under_their_stage(lang: str, due: str, provisional: str, overdue: str) -> None:
    deadlines = {
        S.TESTING: (date(2026, 12, 18), True),
        S.RISK_ASSESSMENT: (date(2026, 3, 31), False),
        S.DISPUTE: (date(2026, 5, 1), False),  # a hold: not drawn
    }
    root = render(lang=lang, deadlines=deadlines)
    shown = [t for t in root.iter(f"{SVG}text") if "wd-deadline" in classes(t)]
    words = [t.text for t in shown]
    assert words == [due, provisional, words[2], overdue]
    assert words[2].endswith("2026-03-31")
    late = [t.text for t in shown if "wd-overdue" in classes(t)]
    assert late == words[2:] and all(t.get("fill") == diagram.BAD for t in shown[2:])


def test_no_deadline_no_text() -> None:
    assert not [t for t in render().iter(f"{SVG}text") if "wd-deadline" in classes(t)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_accessible_title_and_summary(lang: str) -> None:
    root = render(lang=lang)
    svg = root.find(f"{SVG}svg")
    assert svg is not None and svg.get("role") == "img" and svg.get("viewBox", "").startswith("0 0 ")
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    trail = " → ".join(state_label(s, lang) for s in TO_TESTING)
    assert state_label(S.TESTING, lang) in (desc.text or "") and trail in (desc.text or "")
    assert root.get("class") == "workflow-diagram"


def test_no_inline_style_or_script() -> None:
    path = [*TO_TESTING, S.SUSPENDED, S.TERMINATED, S.DISPUTE]
    source = str(
        workflow_svg(current=S.DISPUTE, path=path, deadlines={S.TESTING: (TODAY, True)}, today=TODAY)
    )
    root = parse(source)
    assert "style=" not in source
    assert not [el for el in root.iter() if el.tag.split("}")[-1] in {"script", "style", "foreignObject"}]
    assert not [k for el in root.iter() for k in el.attrib if k.startswith("on")]


def test_text_is_escaped() -> None:
    assert _text(0, 0, 'R&D <script>"x"</script>') == (
        '<text x="0" y="0" text-anchor="middle" font-size="14" fill="#1d2733">'
        "R&amp;D &lt;script&gt;&#34;x&#34;&lt;/script&gt;</text>"
    )
    root = parse(str(workflow_svg(current=S.DRAFT, path=[], dom_id='a"b&c', today=TODAY)))
    assert root.find(f"{SVG}svg/{SVG}title").get("id") == 'a"b&c-title'


def test_boxes_fit_their_labels() -> None:
    for lang in ("zh", "en"):
        boxes, _ = diagram._layout(lang)
        for state, box in boxes.items():
            widest = max(diagram._em(line) for line in diagram._lines(state, lang))
            assert widest * diagram.FONT + 2 * diagram.PAD <= box.w + 0.01
        main = [boxes[s] for s in diagram.MAIN_LINE]
        assert all(a.right < b.x for a, b in zip(main, main[1:], strict=False))


@dataclass
class Row:
    from_state: S
    to_state: S


def test_path_from_history() -> None:
    rows = [
        Row(S.DRAFT, S.SUBMITTED),
        Row(S.SUBMITTED, S.AMENDMENT_REQUESTED),
        Row(S.AMENDMENT_REQUESTED, S.SUBMITTED),
        Row(S.SUBMITTED, S.RISK_ASSESSMENT),
        Row(S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION),
        Row(S.TECHNICAL_VERIFICATION, S.TESTING),
        Row(S.TESTING, S.TESTING),  # extend_trial
        Row(S.TESTING, S.EXIT_EVALUATION),
    ]
    assert path_from_history(rows) == [
        S.DRAFT,
        S.SUBMITTED,
        S.AMENDMENT_REQUESTED,
        S.SUBMITTED,
        S.RISK_ASSESSMENT,
        S.TECHNICAL_VERIFICATION,
        S.TESTING,
        S.EXIT_EVALUATION,
    ]
    assert path_from_history([]) == [S.DRAFT]
