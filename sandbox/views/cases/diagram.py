"""The case picture: an inline, server-rendered SVG of the case workflow (DESIGN.md §3, issue 4 item 4).

Owns the layout and drawing only. The main line runs left to right; the hold states sit above or below
the stages they interrupt (their connections derived from `workflows.cases.TRANSITIONS`); the final
states stand in a column on the right. The page's Content-Security-Policy forbids inline styles and
scripts, so the SVG uses presentation attributes and classes only (fonts and sizing in sandbox.css).
Imports markupsafe and workflows only — no Flask, so it is tested without an app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from workflows.cases import TRANSITIONS
from workflows.states import CaseState, state_label

S = CaseState
REVIEW = (S.DRAFT, S.SUBMITTED, S.RISK_ASSESSMENT, S.TECHNICAL_VERIFICATION)
MAIN_LINE = (*REVIEW, S.TESTING, S.EXIT_EVALUATION, S.EXITED)
ABOVE, BELOW = (S.AMENDMENT_REQUESTED, S.SUSPENDED), (S.LIABILITY_EXEMPTION, S.DISPUTE)
ENDS = (S.REJECTED, S.WITHDRAWN, S.TERMINATED)
# The main stages each hold state interrupts: whatever TRANSITIONS lets fire into it from the main line.
HOLD_STAGES: dict[CaseState, tuple[CaseState, ...]] = {
    hold: tuple(s for s in MAIN_LINE if any(to == hold and s in src for _, src, to in TRANSITIONS))
    for hold in ABOVE + BELOW
}
WORDS: dict[str, tuple[str, str]] = {
    "title": ("案件流程图", "Case workflow"),
    "desc": ("当前阶段：{current}；经过路径：{path}", "Current stage: {current}; path: {path}"),
    "current": ("当前", "Current"),
    "due": ("截止", "due"),
    "provisional": ("（暂定）", "(provisional)"),
    "overdue": ("（已逾期）", "(overdue)"),
    "ends": ("结束状态", "Closed"),
    "visited": ("已经过", "Visited"),
    "hold": ("中途状态（处理后返回原阶段）", "Hold (returns to the stage)"),
    "taken": ("已走路径", "Path taken"),
}
INK, MUTED, LINE, ACCENT = "#1d2733", "#5b6675", "#9aa5b4", "#1f5fa8"
VISITED, HOLD, BAD = "#dbe8f7", "#9a6700", "#b3261e"
# Kind of state → (fill, stroke); the current state and the visited ones override both.
COLOURS = {"main": ("#ffffff", LINE), "hold": ("#fff8e6", HOLD), "end": ("#eef1f5", LINE)}
FONT, SMALL, PAD, GAP = 14, 11.5, 14, 34
MAIN_TOP, MAIN_H, HOLD_H = 138, 48, 42
GUTTER, TOP_LANE, BOTTOM_LANE = MAIN_TOP - 11, 8, 360
ROW_Y = {S.AMENDMENT_REQUESTED: 19, S.SUSPENDED: 74, S.LIABILITY_EXEMPTION: 246, S.DISPUTE: 301}
END_Y = {S.REJECTED: 74, S.WITHDRAWN: MAIN_TOP + 4, S.TERMINATED: 246}
DEADLINE_MIN_W = 132  # room for a centred deadline plus the hold connectors at the box edges
HEIGHT = 392
LEGEND: list[tuple[str, str, str, str | None]] = [
    ("current", ACCENT, ACCENT, None),
    ("visited", VISITED, ACCENT, None),
]
LEGEND.append(("hold", *COLOURS["hold"], "5 3"))
Point = tuple[float, float]


class Transitioned(Protocol):
    """A CaseEvent row, as far as the picture needs it."""

    from_state: CaseState
    to_state: CaseState


class _Box(NamedTuple):
    """A state's rectangle (left, top, width, height) and the edges and centre the drawing needs."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


def _em(text: str) -> float:
    """Estimate the width of `text` in em: CJK ≈ 1 em, Latin ≈ 0.6 em."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text)


def _lines(state: CaseState, lang: str) -> list[str]:
    """Split a long label into two lines at the space nearest its middle."""
    label = state_label(state, lang)
    if _em(label) <= 9 or " " not in label:
        return [label]
    cut = min((i for i, ch in enumerate(label) if ch == " "), key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1 :]]


def _width(state: CaseState, lang: str, minimum: float = 76) -> float:
    return max(minimum, max(_em(line) for line in _lines(state, lang)) * FONT + 2 * PAD)


def _attrs(a: Mapping[str, object]) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"' for k, v in a.items() if v is not None)


def _el(tag: str, **attrs: object) -> str:
    return f"<{tag}{_attrs(attrs)}/>"


def _text(x: float, y: float, content: object, **attrs: object) -> str:
    attrs = {"text_anchor": "middle", "font_size": FONT, "fill": INK} | attrs
    return f'<text x="{x:g}" y="{y:g}"{_attrs(attrs)}>{escape(content)}</text>'


def _path(points: Sequence[Point], **attrs: object) -> str:
    d = " ".join(f"{'M' if i == 0 else 'L'}{x:g},{y:g}" for i, (x, y) in enumerate(points))
    return _el("path", d=d, fill="none", **attrs)


def _arrowhead(a: Point, b: Point, colour: str, size: float = 7) -> str:
    """Return a filled triangle at b pointing along the orthogonal segment a → b."""
    dx, dy = (b[0] > a[0]) - (b[0] < a[0]), (b[1] > a[1]) - (b[1] < a[1])
    bx, by = b[0] - dx * size, b[1] - dy * size
    pts = [b, (bx - dy * size / 2, by + dx * size / 2), (bx + dy * size / 2, by - dx * size / 2)]
    return _el("polygon", points=" ".join(f"{x:g},{y:g}" for x, y in pts), fill=colour)


def _layout(lang: str) -> tuple[dict[CaseState, _Box], float]:
    """Place every state; return the boxes and the collector x the routes to the end column share."""
    boxes: dict[CaseState, _Box] = {}
    x = 16.0
    for i, state in enumerate(MAIN_LINE):
        w = _width(state, lang, DEADLINE_MIN_W if 0 < i < len(MAIN_LINE) - 1 else 76)
        boxes[state] = _Box(x, MAIN_TOP, w, MAIN_H)
        x += w + GAP
    b = boxes
    centres = {
        S.AMENDMENT_REQUESTED: (b[S.SUBMITTED].cx + b[S.RISK_ASSESSMENT].cx) / 2,
        S.SUSPENDED: b[S.TESTING].cx,
        S.LIABILITY_EXEMPTION: (b[S.TESTING].right + b[S.EXIT_EVALUATION].x) / 2,
        S.DISPUTE: (b[S.TECHNICAL_VERIFICATION].x + b[S.TESTING].x) / 2 + 12,
    }
    for hold, cx in centres.items():
        w = _width(hold, lang)
        boxes[hold] = _Box(cx - w / 2, ROW_Y[hold], w, HOLD_H)
    collector = x - GAP + 26
    w = max(_width(end, lang) for end in ENDS)
    for end in ENDS:
        boxes[end] = _Box(collector + 20, END_Y[end], w, 40)
    return boxes, collector


def _connector(hold: CaseState, stage: CaseState, boxes: Mapping[CaseState, _Box]) -> list[Point]:
    """Link a hold to a stage: mid-top above the line; below it, at the box edges, clear of the deadline."""
    h, s = boxes[hold], boxes[stage]
    right = stage == (S.TESTING if hold == S.LIABILITY_EXEMPTION else S.EXIT_EVALUATION)
    x = s.cx if hold in ABOVE else s.right - 12 if right else s.x + 12
    if hold in (S.SUSPENDED, S.LIABILITY_EXEMPTION):  # sits right on the stage(s): a straight drop
        return [(x, s.y), (x, h.bottom)] if hold in ABOVE else [(x, s.bottom), (x, h.y)]
    return [(x, s.y if hold in ABOVE else s.bottom), (x, h.cy), (h.cx, h.cy)]


def _port(state: CaseState, boxes: Mapping[CaseState, _Box]) -> list[Point]:
    """The way out of a box to the lane that leads to the end column (used by routes off the main drawing)."""
    b = boxes[state]
    if state in MAIN_LINE:
        return [(b.right - 10, b.y), (b.right - 10, GUTTER)]
    if state == S.AMENDMENT_REQUESTED:
        return [(b.cx, b.y), (b.cx, TOP_LANE)]
    if state == S.DISPUTE:
        return [(b.cx, b.bottom), (b.cx, BOTTOM_LANE)]
    return [(b.x, b.cy)] if state in ENDS else [(b.right, b.cy)]


def _edge(a: CaseState, b: CaseState, boxes: Mapping[CaseState, _Box], collector: float) -> list[str]:
    """Return the emphasised drawing of the step a → b of the path."""
    pen = {"stroke": ACCENT, "stroke_width": 3, "class_": "wd-edge wd-edge-taken"}
    if a in MAIN_LINE and b in MAIN_LINE and abs(MAIN_LINE.index(a) - MAIN_LINE.index(b)) == 1:
        pa, pb = boxes[a], boxes[b]
        pts = [(pa.right, pa.cy), (pb.x, pb.cy)] if pa.x < pb.x else [(pa.x, pa.cy), (pb.right, pb.cy)]
        return [_path(pts, **pen), _arrowhead(pts[0], pts[1], ACCENT, 9)]
    for hold, stage in ((a, b), (b, a)):
        if stage in HOLD_STAGES.get(hold, ()):
            return [_path(_connector(hold, stage, boxes), **pen)]
    out, back = _port(a, boxes), _port(b, boxes)[::-1]
    pts = [*out, (collector, out[-1][1]), (collector, back[0][1]), *back]
    return [_path(pts, **pen, stroke_linejoin="round"), _arrowhead(pts[-2], pts[-1], ACCENT, 9)]


def _rect(box: _Box, **attrs: object) -> str:
    return _el("rect", x=box.x, y=box.y, width=box.w, height=box.h, **attrs)


def _node(state: CaseState, box: _Box, word: Mapping[str, str], *, current: bool, visited: bool) -> list[str]:
    kind = "main" if state in MAIN_LINE else "end" if state in ENDS else "hold"
    fill, stroke = (ACCENT, ACCENT) if current else (VISITED, ACCENT) if visited else COLOURS[kind]
    marks = " wd-current" * current + " wd-visited" * visited
    shape = {"rx": 20 if kind == "hold" else 6, "stroke_width": 2.5 if current else 1.5}
    dash = "5 3" if kind == "hold" and not (current or visited) else None
    out = [f'<g class="wd-node wd-{kind} wd-state-{state.value}{marks}" data-state="{state.value}">']
    out.append(_rect(box, fill=fill, stroke=stroke, stroke_dasharray=dash, **shape))
    lines = _lines(state, word["lang"])
    look: dict[str, object] = {"class_": "wd-label", "fill": "#ffffff" if current else INK}
    top = box.cy + FONT * 0.36 - (len(lines) - 1) * (FONT + 3) / 2
    look["font_weight"] = "bold" if current else None
    out += [_text(box.cx, top + i * (FONT + 3), line, **look) for i, line in enumerate(lines)]
    if current:  # a pill on the box edge, clear of the connectors (exemption's top edge is busy)
        y = box.bottom - 4 if state == S.LIABILITY_EXEMPTION else box.y - 12
        pill = _Box(box.x + 6, y, _em(word["current"]) * 10.5 + 12, 16)
        out.append(_rect(pill, rx=8, fill=BAD, class_="wd-current-marker"))
        look = {"font_size": 10.5, "fill": "#ffffff", "font_weight": "bold"}
        out.append(_text(pill.cx, y + 12, word["current"], **look))
    return out + ["</g>"]


def _deadline(box: _Box, due: date, provisional: bool, overdue: bool, word: Mapping[str, str]) -> list[str]:
    lines = [f"{word['due']} {due.isoformat()}"] + [word["provisional"]] * provisional
    lines += [word["overdue"]] * overdue
    look = {"class_": "wd-deadline" + " wd-overdue" * overdue, "font_size": SMALL}
    look |= {"fill": BAD, "font_weight": "bold"} if overdue else {"fill": MUTED}
    return [_text(box.cx, box.bottom + 16 + 14 * i, line, **look) for i, line in enumerate(lines)]


def _legend(word: Mapping[str, str], y: float) -> list[str]:
    out, x, look = [], 16.0, {"text_anchor": "start", "font_size": SMALL, "fill": MUTED}
    for key, fill, stroke, dash in LEGEND:
        out.append(_rect(_Box(x, y - 11, 22, 14), rx=3, fill=fill, stroke=stroke, stroke_dasharray=dash))
        out.append(_text(x + 28, y, word[key], **look))
        x += 40 + _em(word[key]) * SMALL
    out.append(_path([(x, y - 4), (x + 26, y - 4)], stroke=ACCENT, stroke_width=3))
    return out + [_text(x + 32, y, word["taken"], **look)]


def _lines_between(boxes: Mapping[CaseState, _Box]) -> list[str]:
    """Draw the hold connectors (dashed, both ways) and the arrows along the main line."""
    out: list[str] = []
    dash = {"stroke": HOLD, "stroke_width": 1.3, "stroke_dasharray": "4 3", "class_": "wd-edge wd-hold"}
    for hold, stages in HOLD_STAGES.items():
        drops = [_connector(hold, stage, boxes) for stage in stages]
        out += [_path(pts[:2], **dash) for pts in drops]
        if len(drops[0]) == 3:  # the bracket the drops hang from, drawn once so the dashes line up
            xs, y = [pts[0][0] for pts in drops] + [boxes[hold].cx], boxes[hold].cy
            out.append(_path([(min(xs), y), (max(xs), y)], **dash))
    for a, b in zip(MAIN_LINE, MAIN_LINE[1:], strict=False):
        pts = [(boxes[a].right, boxes[a].cy), (boxes[b].x, boxes[b].cy)]
        out += [_path(pts, stroke=LINE, stroke_width=1.5, class_="wd-edge"), _arrowhead(pts[0], pts[1], LINE)]
    return out


def workflow_svg(
    *,
    current: CaseState,
    path: Sequence[CaseState],
    deadlines: Mapping[CaseState, tuple[date, bool]] = {},  # noqa: B006 -- read-only default
    lang: str = "zh",
    today: date | None = None,
    dom_id: str = "workflow-diagram",
) -> Markup:
    """Draw the case workflow with `current` highlighted and `path` marked, as inline SVG in a div."""
    today = today or datetime.now(ZoneInfo("Asia/Shanghai")).date()
    word = {key: pair[lang == "en"] for key, pair in WORDS.items()} | {"lang": lang}
    boxes, collector = _layout(lang)
    trail = " → ".join(state_label(state, lang) for state in path) or "—"
    summary = word["desc"].format(current=state_label(current, lang), path=trail)
    width = max(box.right for box in boxes.values()) + 16
    root = {"viewBox": f"0 0 {width:g} {HEIGHT}", "aria_labelledby": f"{dom_id}-title {dom_id}-desc"}
    out = [
        # On a phone the picture keeps a legible size and scrolls inside its box, which therefore takes
        # keyboard focus and is named after the picture.
        f'<div class="workflow-diagram" role="region" tabindex="0" aria-labelledby="{escape(dom_id)}-title">'
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wd-svg" role="img"'
        f'{_attrs(root)} font-family="WenQuanYi Zen Hei, Noto Sans CJK SC, sans-serif">',
        f'<title id="{escape(dom_id)}-title">{escape(word["title"])}</title>',
        f'<desc id="{escape(dom_id)}-desc">{escape(summary)}</desc>',
        *_lines_between(boxes),
    ]
    for a, b in zip(path, path[1:], strict=False):
        out += _edge(a, b, boxes, collector) if a != b else []
    top = boxes[S.REJECTED]
    out.append(_text(top.cx, top.y - 12, word["ends"], class_="wd-ends", font_size=SMALL, fill=MUTED))
    for state, box in boxes.items():
        out += _node(state, box, word, current=state == current, visited=state in set(path) - {current})
    for state, (due, provisional) in deadlines.items():
        if state in MAIN_LINE:  # the holds have no room below them
            out += _deadline(boxes[state], due, provisional, due < today, word)
    out += _legend(word, HEIGHT - 12)
    return Markup("\n".join([*out, "</svg></div>"]))  # noqa: S704 -- every text above went through escape()


def path_from_history(events: Iterable[Transitioned]) -> list[CaseState]:
    """Return the states a case passed through, in order, starting with draft, from its CaseEvent rows."""
    path = [S.DRAFT]
    for event in events:
        for state in (CaseState(event.from_state), CaseState(event.to_state)):
            if state != path[-1]:  # extend_trial stays in testing; a gap in the rows is bridged
                path.append(state)
    return path
