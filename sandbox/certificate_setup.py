"""Wire the certificate services into an app: settings from the configuration, the key passphrase, the font.

The key passphrase comes from `KEY_PASSPHRASE`; without it, one is generated once into
`instance/key_passphrase` (mode 0600), like the secret key. A missing TrueType CJK font is logged loudly
(certificates then fall back to a font viewers may show blank) and shown on the admin keys page.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask

from certificates.fonts import find_cjk_font
from sandbox.instance_secrets import read_or_create
from sandbox.services.trust.settings import TrustSettings, configure


def init_app(app: Flask) -> None:
    config = app.config
    instance = Path(app.instance_path)
    settings = TrustSettings(
        key_dir=Path(config.get("KEY_DIR") or instance / "keys"),
        passphrase=config.get("KEY_PASSPHRASE") or read_or_create(instance / "key_passphrase", length=32),
        public_base_url=config["PUBLIC_BASE_URL"],
        log_origin=config["LOG_ORIGIN"],
        pdf_storage=Path(config.get("CERTIFICATE_STORAGE") or instance / "certificates"),
        font_path=config.get("CJK_FONT_PATH"),
        issuer_id=config.get("ISSUER_ID"),
        status_list_validity=timedelta(hours=int(config["STATUS_LIST_HOURS"])),
        trust_bundle_validity=timedelta(hours=int(config["TRUST_BUNDLE_HOURS"])),
    )
    configure(app.extensions["sandbox.engine"], settings)
    font = find_cjk_font(settings.font_path)
    app.extensions["sandbox.font_warning"] = font.warning
    if font.warning:
        app.logger.error("CERTIFICATE FONT PROBLEM: %s", font.warning)
