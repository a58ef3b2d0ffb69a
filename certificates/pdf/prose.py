"""Shared building blocks for the platform's prose documents (agreements, exhibit lists, receipts, the
case collection): paragraph styles in the embedded CJK font, safe Paragraph markup, dates written the
Chinese way, and a bilingual heading. Layout of each document stays with its renderer.
Standard library and reportlab only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle

INK = colors.HexColor("#1f2933")
BRAND = colors.HexColor("#8c1a1a")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#d9dee5")
# No daylight saving since 1991: a fixed offset avoids needing tzdata where these documents are drawn.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def markup(value: str) -> str:
    """Escape text for a reportlab Paragraph (which parses markup); line breaks stay line breaks."""
    return escape(value).replace("\n", "<br/>")


def cn_date(day: date) -> str:
    """Write a date as a Chinese document does: 2026年12月7日."""
    return f"{day.year}年{day.month}月{day.day}日"


def beijing_time(moment: datetime) -> str:
    """Write a UTC moment in Beijing time, Chinese style: 2026年12月7日 14:05（北京时间）."""
    local = moment.astimezone(BEIJING)
    return f"{cn_date(local.date())} {local:%H:%M}（北京时间）"


def style(font: str, name: str, size: float, **extra: Any) -> ParagraphStyle:
    """A paragraph style in `font` that wraps Chinese between any two characters."""
    defaults: dict[str, Any] = {"fontName": font, "fontSize": size, "leading": size * 1.55,
                                "wordWrap": "CJK", "textColor": INK}  # fmt: skip
    return ParagraphStyle(name, **(defaults | extra))


def document_styles(font: str) -> dict[str, ParagraphStyle]:
    """The styles of a one-column legal document: title, subtitle, section, body, small print."""
    return {
        "title": style(font, "title", 20, alignment=1, leading=30, textColor=BRAND),
        "subtitle": style(font, "subtitle", 10, alignment=1, textColor=MUTED, spaceAfter=8),
        "section": style(font, "section", 12, spaceBefore=8, spaceAfter=3, textColor=BRAND),
        "body": style(font, "body", 10.5, spaceAfter=2),
        "cell": style(font, "cell", 8.5, leading=12),
        "small": style(font, "small", 8.5, textColor=MUTED),
    }


def bilingual(zh: str, en: str) -> str:
    """Paragraph markup: the Chinese text, then the English in small grey type."""
    return f"{markup(zh)}　<font size=8 color='#5f6b7a'>{markup(en)}</font>"
