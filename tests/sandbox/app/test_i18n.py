"""Both interface languages: complete catalogs, the switch, English pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests import factories

ROOT = Path(__file__).resolve().parents[3]


def test_every_interface_string_has_a_chinese_translation(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "sandbox/translations/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(wanted - translated)
    assert not missing, f"untranslated (run `make messages`, then translate): {missing}"
    assert len(wanted) > 100


def test_chinese_is_the_default(client) -> None:
    page = client.get("/", headers={"Accept-Language": "en-US,en"}).get_data(as_text=True)
    assert "北京经开区数据监管沙盒" in page and 'lang="zh-CN"' in page


def test_switch_to_english_and_back(client) -> None:
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and "E-mail address" in page and 'lang="en"' in page
    client.post("/language", data={"locale": "zh"})
    assert "电子邮箱" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_refused(client) -> None:
    assert client.post("/language", data={"locale": "fr"}).status_code == 400


def test_signed_in_users_keep_their_choice(app, client, session) -> None:
    user = factories.make_user(session, "regulator")
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    client.post("/language", data={"locale": "en"})
    client.post("/logout")
    fresh = app.test_client()  # another browser: the choice comes from the account
    fresh.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert "Workspace" in fresh.get("/dashboard").get_data(as_text=True)


def test_validation_messages_in_english(client) -> None:
    client.post("/language", data={"locale": "en"})
    page = client.post("/register", data={"enterprise.uscc": "123"}).get_data(as_text=True)
    assert "A unified social credit code has exactly 18 characters." in page
    assert "This field is required." in page


def test_catalogs_are_not_marked_fuzzy() -> None:
    # `pybabel compile` silently skips a catalog whose header is fuzzy: the interface would fall back
    # to English on a fresh clone.
    for lang in ("zh", "en"):
        with (ROOT / f"sandbox/translations/{lang}/LC_MESSAGES/messages.po").open("rb") as handle:
            assert not read_po(handle).fuzzy, lang
