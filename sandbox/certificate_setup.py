"""Wire the certificate services into an app: settings from the configuration, the key passphrase, the font.

The key passphrase comes from `KEY_PASSPHRASE`; without it, one is generated once into
`instance/key_passphrase` (mode 0600), like the secret key. A missing TrueType CJK font is logged loudly
(certificates then fall back to a font viewers may show blank) and shown on the admin keys page.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from certificates.fonts import find_cjk_font
from sandbox.services.trust_settings import TrustSettings, configure


def init_app(app: Flask) -> None:
    config = app.config
    instance = Path(app.instance_path)
    settings = TrustSettings(
        key_dir=Path(config.get("KEY_DIR") or instance / "keys"),
        passphrase=config.get("KEY_PASSPHRASE") or _instance_passphrase(instance),
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


def _instance_passphrase(instance: Path) -> str:
    """Read the key passphrase kept in the instance folder, generating it on first start."""
    path = instance / "key_passphrase"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        passphrase = secrets.token_urlsafe(32)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker won the race
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(passphrase)
        return passphrase
