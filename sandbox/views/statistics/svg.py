"""Server-rendered SVG charts: horizontal bars (grouped or stacked) and lines, for the statistics pages.

Pure drawing: the caller passes text already translated and plain numbers; every text is escaped with
`xml.sax.saxutils`. The pages' Content-Security-Policy forbids scripts and inline styles, so the SVG
uses presentation attributes only, carries its own accessible <title> and <desc>, and writes every
value as text next to its mark. Imports the standard library only — no Flask, tested without an app.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

FONT_FAMILY = "WenQuanYi Zen Hei, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
INK, MUTED, LINE, GRID, TARGET = "#1d2733", "#5b6675", "#9aa5b4", "#e3e7ec", "#1d2733"
# sandbox.css: --accent, --brand, --ok, --warn, --muted, then tints of accent and brand, and --ink.
PALETTE = ("#1f5fa8", "#b3261e", "#1e7a3e", "#9a6700", "#5b6675", "#7fa6d6", "#e0928d", "#1d2733")
LIGHT = frozenset({"#7fa6d6", "#e0928d", "#c5ccd6"})
FONT, SMALL, WIDTH = 12.0, 10.5, 720.0
Number = int | float


def number(value: Number) -> str:
    """Format a count or a median: integers plainly, halves with one decimal."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Number | None]
    colour: str | None = None


@dataclass(frozen=True)
class ChartSpec:
    """What to draw; every text is already in the reader's language."""

    dom_id: str
    title: str
    description: str
    categories: Sequence[str]
    series: Sequence[Series]
    value_axis: str = ""
    fmt: Callable[[Number], str] = number
    targets: Sequence[Number | None] | None = None  # one marker per category (e.g. a deadline)
    target_label: str = ""
    empty_text: str = "—"


def text_width(text: str, size: float = FONT) -> float:
    """Estimate the drawn width of `text`: CJK characters are square, others a little over half."""
    return sum(size if ord(char) >= 0x2E80 else size * 0.6 for char in text)


def fit(text: str, width: float, size: float = FONT) -> str:
    """Shorten `text` with an ellipsis so that it fits in `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def nice_scale(top: float, *, integers: bool) -> tuple[float, float]:
    """Return (axis maximum, tick step) with steps of 1, 2 or 5 × 10ⁿ and about five ticks."""
    if top <= 0:
        return 1.0, 1.0
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(step, 1.0)
    return math.ceil(top / step) * step, step


def _attrs(attributes: dict[str, object]) -> str:
    return "".join(
        f" {key.rstrip('_').replace('_', '-')}={quoteattr(str(value))}"
        for key, value in attributes.items()
        if value is not None
    )


def _text(x: float, y: float, content: str, **attributes: object) -> str:
    look = {"font_size": FONT, "fill": INK} | attributes
    return f'<text x="{x:.1f}" y="{y:.1f}"{_attrs(look)}>{escape(content)}</text>'


def _colour(spec: ChartSpec, index: int) -> str:
    return spec.series[index].colour or PALETTE[index % len(PALETTE)]


def _summary(spec: ChartSpec) -> str:
    """The data as one sentence, for screen readers (the <desc>)."""
    parts = []
    for i, category in enumerate(spec.categories):
        values = [f"{s.label} {spec.fmt(v)}" for s in spec.series if (v := s.values[i]) is not None]
        if spec.targets and (target := spec.targets[i]) is not None:
            values.append(f"{spec.target_label} {spec.fmt(target)}")
        parts.append(f"{category}: {', '.join(values) or spec.empty_text}")
    return " ".join(filter(None, [spec.description, "; ".join(parts)]))


def _open(spec: ChartSpec, width: float, height: float) -> list[str]:
    ids = f"{spec.dom_id}-title {spec.dom_id}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="100%"'
        f"{_attrs({'role': 'img', 'aria_labelledby': ids, 'font_family': FONT_FAMILY, 'class': 'chart'})}>",
        f"<title id={quoteattr(spec.dom_id + '-title')}>{escape(spec.title)}</title>",
        f"<desc id={quoteattr(spec.dom_id + '-desc')}>{escape(_summary(spec))}</desc>",
    ]


def _legend(spec: ChartSpec, width: float, y: float) -> tuple[list[str], float]:
    """Draw the legend in rows from the left; return the marks and the y below it."""
    items = [(s.label, _colour(spec, i), False) for i, s in enumerate(spec.series)]
    if spec.targets and any(t is not None for t in spec.targets):
        items.append((spec.target_label, TARGET, True))
    if len(items) < 2 and not (items and items[-1][2]):
        return [], y
    out, x = [], 8.0
    for label, colour, is_target in items:
        item_w = 22 + text_width(label, SMALL) + 14
        if x + item_w > width and x > 8:
            x, y = 8.0, y + 18
        if is_target:
            out.append(
                f'<line x1="{x + 6:.1f}" y1="{y - 10:.1f}" x2="{x + 6:.1f}" y2="{y + 2:.1f}"'
                f' stroke="{TARGET}" stroke-width="2.5"/>'
            )
        else:
            out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="12" height="10" rx="2" fill="{colour}"/>')
        out.append(_text(x + 18, y, label, font_size=SMALL, fill=INK))
        x += item_w
    return out, y + 14


def bar_chart(spec: ChartSpec, *, stacked: bool = False, width: float = WIDTH) -> str:
    """Draw horizontal bars, one row per category: side by side per series, or stacked."""
    n_series = max(len(spec.series), 1)
    label_w = min(max((text_width(c) for c in spec.categories), default=60) + 12, 230)
    x0, x1 = label_w + 8, width - 70
    bar = 16.0 if stacked or n_series == 1 else 12.0
    row = bar + 12 if stacked or n_series == 1 else bar * n_series + 12
    legend, top = _legend(spec, width, 22)
    top += 6
    height = top + row * max(len(spec.categories), 1) + 40
    out = _open(spec, width, height) + legend
    values = [[v or 0 for v in s.values] for s in spec.series]
    totals = [sum(column) for column in zip(*values, strict=True)] if values else []
    peak = max(totals if stacked else [v for vs in values for v in vs] or [0], default=0)
    peak = max([peak, *[t for t in spec.targets or [] if t is not None]])
    integers = all(float(v).is_integer() for vs in values for v in vs)
    axis_max, step = nice_scale(peak, integers=integers)
    scale = (x1 - x0) / axis_max
    bottom = top + row * max(len(spec.categories), 1)
    ticks = int(round(axis_max / step))
    for k in range(ticks + 1):
        x = x0 + k * step * scale
        out.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{GRID}"/>')
        out.append(
            _text(x, bottom + 14, spec.fmt(k * step), font_size=SMALL, fill=MUTED, text_anchor="middle")
        )
    out.append(
        _text((x0 + x1) / 2, bottom + 32, spec.value_axis, font_size=SMALL, fill=MUTED, text_anchor="middle")
    )
    out.append(f'<line x1="{x0:.1f}" y1="{top:.1f}" x2="{x0:.1f}" y2="{bottom:.1f}" stroke="{LINE}"/>')
    if not spec.categories:
        out.append(_text((x0 + x1) / 2, top + row / 2 + 4, spec.empty_text, fill=MUTED, text_anchor="middle"))
    for i, category in enumerate(spec.categories):
        y = top + i * row + 6
        out.append(_text(label_w, y + (row - 12) / 2 + 4, fit(category, label_w - 4), text_anchor="end"))
        out.extend(
            _stack(spec, i, values, x0, y, bar, scale)
            if stacked
            else _group(spec, i, values, x0, y, bar, scale)
        )
        target = spec.targets[i] if spec.targets else None
        if target is not None:
            tx = x0 + target * scale
            out.append(
                f'<line x1="{tx:.1f}" y1="{y - 3:.1f}" x2="{tx:.1f}" y2="{y + row - 9:.1f}"'
                f' stroke="{TARGET}" stroke-width="2.5"><title>{escape(spec.target_label)}'
                f" {escape(spec.fmt(target))}</title></line>"
            )
            out.append(_target_text(spec, i, x0, tx, y + bar - 4, scale))
    out.append("</svg>")
    return "\n".join(out)


def _on(fill: str) -> str:
    """Text colour on a bar: white on the strong colours, ink on the light tints."""
    return INK if fill in LIGHT else "#ffffff"


def _target_text(spec: ChartSpec, i: int, x0: float, tx: float, y: float, scale: float) -> str:
    """The target's value beside its marker, on whichever side the bar's own label leaves free."""
    label = spec.fmt(spec.targets[i])  # type: ignore[arg-type, index]
    drawn = [s.values[i] or 0 for s in spec.series]
    value_end = x0 + max(drawn, default=0) * scale + 4 + text_width(spec.fmt(max(drawn, default=0)), SMALL)
    value_start = x0 + max(drawn, default=0) * scale
    right = tx + 5
    if value_start - 2 <= right + text_width(label, SMALL) and right <= value_end + 2:
        return _text(tx - 5, y, label, font_size=SMALL, fill=MUTED, text_anchor="end")
    return _text(right, y, label, font_size=SMALL, fill=MUTED)


def _group(
    spec: ChartSpec, i: int, values: list[list[Number]], x0: float, y: float, bar: float, scale: float
) -> list[str]:
    out = []
    for j, series in enumerate(spec.series):
        value = series.values[i]
        by = y + j * bar
        if value:
            out.append(
                f'<rect x="{x0:.1f}" y="{by:.1f}" width="{value * scale:.1f}" height="{bar - 2:.1f}"'
                f' fill="{_colour(spec, j)}"/>'
            )
        shown = spec.fmt(value) if value is not None else "—"
        out.append(_text(x0 + (value or 0) * scale + 4, by + bar - 4, shown, font_size=SMALL, fill=INK))
    return out


def _stack(
    spec: ChartSpec, i: int, values: list[list[Number]], x0: float, y: float, bar: float, scale: float
) -> list[str]:
    out, x = [], x0
    for j, series in enumerate(spec.series):
        value = values[j][i]
        if not value:
            continue
        w = value * scale
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar:.1f}" fill="{_colour(spec, j)}">'
            f"<title>{escape(series.label)} {escape(spec.fmt(value))}</title></rect>"
        )
        label = spec.fmt(value)
        if text_width(label, SMALL) + 6 <= w:
            out.append(
                _text(
                    x + w / 2,
                    y + bar - 4,
                    label,
                    font_size=SMALL,
                    fill=_on(_colour(spec, j)),
                    text_anchor="middle",
                )
            )
        x += w
    # A stack with an unknown (hidden) part has no known total: a dash, not a wrong number.
    unknown = any(series.values[i] is None for series in spec.series)
    total = sum(values[j][i] for j in range(len(spec.series)))
    label = "—" if unknown else spec.fmt(total)
    out.append(_text(x + 4, y + bar - 3, label, font_size=FONT, fill=INK, font_weight="bold"))
    return out


def line_chart(spec: ChartSpec, *, width: float = WIDTH, height: float = 300) -> str:
    """Draw one line per series over the categories (e.g. months), each point labelled with its value."""
    legend, top = _legend(spec, width, 22)
    top += 14
    x0, x1, bottom = 56.0, width - 24, height - 44
    out = _open(spec, width, height) + legend
    values = [v for s in spec.series for v in s.values if v is not None]
    axis_max, step = nice_scale(max(values, default=0), integers=all(float(v).is_integer() for v in values))
    scale = (bottom - top) / axis_max
    for k in range(int(round(axis_max / step)) + 1):
        y = bottom - k * step * scale
        out.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(_text(x0 - 6, y + 4, spec.fmt(k * step), font_size=SMALL, fill=MUTED, text_anchor="end"))
    out.append(
        _text(
            12,
            (top + bottom) / 2,
            spec.value_axis,
            font_size=SMALL,
            fill=MUTED,
            text_anchor="middle",
            transform=f"rotate(-90 12 {(top + bottom) / 2:.1f})",
        )
    )
    n = len(spec.categories)
    if n == 0:
        out.append(
            _text((x0 + x1) / 2, (top + bottom) / 2, spec.empty_text, fill=MUTED, text_anchor="middle")
        )
    xs = [x0 + (x1 - x0) * ((k + 0.5) / n) for k in range(n)]
    every = max(1, math.ceil(n / 12))
    for k, (x, category) in enumerate(zip(xs, spec.categories, strict=True)):
        if k % every == 0:
            out.append(_text(x, bottom + 18, category, font_size=SMALL, fill=MUTED, text_anchor="middle"))
    for j, series in enumerate(spec.series):
        colour = _colour(spec, j)
        points = [(x, bottom - v * scale, v) for x, v in zip(xs, series.values, strict=True) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for x, y, v in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
            if n <= 24:
                out.append(
                    _text(x, y - 7 - 12 * j, spec.fmt(v), font_size=SMALL, fill=colour, text_anchor="middle")
                )
    out.append(f'<line x1="{x0:.1f}" y1="{bottom:.1f}" x2="{x1:.1f}" y2="{bottom:.1f}" stroke="{LINE}"/>')
    out.append("</svg>")
    return "\n".join(out)
