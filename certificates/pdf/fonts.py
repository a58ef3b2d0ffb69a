"""The Chinese font of the certificate PDF: find a TrueType-outline CJK font and register it with reportlab.

This module owns the font policy: a configured path first, then known Debian locations; only fonts
with TrueType outlines and CJK glyphs are accepted, because reportlab can embed those and nothing else
(CFF/OpenType CJK fonts such as Noto Sans CJK are refused). Without one, it falls back to the built-in
``STSong-Light`` CID font, which is *not embedded* (viewers without Adobe-GB1 data show blank Chinese),
and says so in a warning the app must log loudly and show on an admin page. Imports reportlab only.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FALLBACK_CID_FONT = "STSong-Light"
# (path, subfont index within a .ttc collection)
KNOWN_LOCATIONS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
# Every character the certificate's fixed text uses must be in the font, not only "some CJK".
REQUIRED_CHARACTERS = "出盒证明企业名称统一社会信用代码项目行备案编号测试期间边界附加条件日结论书发机构验"

_lock = threading.Lock()
_registered: dict[tuple[str, int], CJKFont] = {}


@dataclass(frozen=True)
class CJKFont:
    name: str  # the reportlab font name to pass to setFont
    path: str | None  # None for the built-in CID font
    subfont_index: int
    embedded: bool
    warning: str | None  # set whenever an operator should act: log it loudly, show it to admins


def _font_name(path: str, index: int) -> str:
    return f"SandboxCJK-{re.sub(r'[^A-Za-z0-9]+', '-', Path(path).stem)}-{index}"


def _load(path: str, index: int) -> CJKFont:
    """Register one TrueType font (once per process: parsing a CJK font takes ~0.2 s)."""
    key = (os.path.realpath(path), index)
    with _lock:
        if key not in _registered:
            font = TTFont(_font_name(path, index), key[0], subfontIndex=index)
            missing = [c for c in REQUIRED_CHARACTERS if ord(c) not in font.face.charToGlyph]
            if missing:
                raise TTFError(f"{path} has no glyphs for {''.join(missing[:5])}…")
            pdfmetrics.registerFont(font)
            _registered[key] = CJKFont(font.fontName, key[0], index, embedded=True, warning=None)
        return _registered[key]


def find_cjk_font(
    configured: str | os.PathLike[str] | None = None,
    *,
    subfont_index: int = 0,
    candidates: tuple[tuple[str, int], ...] = KNOWN_LOCATIONS,
) -> CJKFont:
    """Return a registered CJK font: the configured one, a known TrueType one, or the CID fallback."""
    problems: list[str] = []
    tries = ([(os.fspath(configured), subfont_index)] if configured else []) + list(candidates)
    for number, (path, index) in enumerate(tries):
        if not os.path.isfile(path):
            if configured and number == 0:
                problems.append(f"configured font {path} does not exist")
            continue
        try:
            font = _load(path, index)
        except (TTFError, OSError, ValueError) as exc:  # CFF outlines, no CJK glyphs, unreadable
            problems.append(f"{path}: {exc}")
            continue
        if configured and number > 0:
            # The operator asked for a font we could not use; the PDF is fine, but they must know.
            return CJKFont(font.name, font.path, font.subfont_index, True, "; ".join(problems))
        return font
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    tried = "; ".join(problems) or "no font at " + ", ".join(p for p, _ in candidates)
    warning = (
        f"No usable TrueType CJK font ({tried}). Certificates use the built-in {FALLBACK_CID_FONT} "
        "font, which is NOT embedded: viewers without Adobe-GB1 data show the Chinese text as blank. "
        "Install fonts-wqy-zenhei or configure a TrueType-outline CJK font."
    )
    return CJKFont(FALLBACK_CID_FONT, None, 0, embedded=False, warning=warning)
