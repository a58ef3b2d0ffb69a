"""Wire the certificate services into an app: the key passphrase, the font.

The key passphrase comes from `KEY_PASSPHRASE`; without it, one is generated once into
`instance/key_passphrase` (mode 0600), like the secret key. It goes into the app's `ServiceSettings`
with the rest of the certificate settings. A missing TrueType CJK font is logged loudly (certificates
then fall back to a font viewers may show blank) and shown on the admin keys page.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from certificates.pdf.fonts import find_cjk_font
from sandbox.instance_secrets import read_or_create
from sandbox.services.common.settings import ServiceSettings


def key_passphrase(app: Flask) -> str:
    """Return the configured key passphrase, or the one generated into the instance folder."""
    configured: str | None = app.config.get("KEY_PASSPHRASE")
    return configured or read_or_create(Path(app.instance_path) / "key_passphrase", length=32)


def init_app(app: Flask, settings: ServiceSettings) -> None:
    """Check the certificates' font once, at start-up."""
    font = find_cjk_font(settings.font_path)
    app.extensions["sandbox.font_warning"] = font.warning
    if font.warning:
        app.logger.error("CERTIFICATE FONT PROBLEM: %s", font.warning)
