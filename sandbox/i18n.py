"""Interface language: Simplified Chinese unless the user chose English.

Web pages follow the user's saved choice (or the session's, before login); the API follows the
request's Accept-Language header. Service messages are translated here, at the edge. `lang()` is the one
answer to "which language is this request in" for everything that holds both texts (rule packs, labels).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, session
from flask_babel import get_locale, gettext
from flask_login import current_user

from sandbox.errors import Bilingual, Message
from sandbox.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages, default=default) or default
    if current_user and current_user.is_authenticated:
        return str(current_user.locale)
    chosen = session.get("locale")
    return chosen if isinstance(chosen, str) and chosen in languages else default


def lang() -> str:
    """Return the current interface language: "zh" or "en"."""
    return "en" if str(get_locale()) == "en" else "zh"


def bilingual(item: Any) -> str:
    """Pick the current language's text of anything with `zh` and `en` (a rule-pack item, a sector)."""
    return item.zh if lang() == "zh" else item.en


def in_language(pair: tuple[str, str]) -> str:
    """Pick the current language's half of a (zh, en) pair."""
    zh, en = pair
    return zh if lang() == "zh" else en


def translate(message: Message | Bilingual) -> str:
    """Return a service message in the current language."""
    if isinstance(message, Bilingual):
        return bilingual(message)
    return gettext(message.msgid, **message.params)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
