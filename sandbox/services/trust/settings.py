"""Where the certificate services find their settings: key folder, passphrase, URLs, validity periods.

The application registers one `TrustSettings` per database engine when it starts (`configure`), and
services look them up from the session they are given (`settings_for`), so `approve_exit` can issue a
certificate without any Flask import and without new parameters on every caller.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from sandbox.errors import N_, SandboxError

ISSUER_NAMES = {
    "zh-CN": "北京经济技术开发区数据监管沙盒办公室",
    "en": "Beijing E-Town Data Regulatory Sandbox Office",
}


@dataclass(frozen=True)
class TrustSettings:
    key_dir: Path
    passphrase: str
    public_base_url: str
    log_origin: str
    pdf_storage: Path
    font_path: str | None = None
    issuer_id: str | None = None
    status_list_validity: timedelta = timedelta(hours=24)
    trust_bundle_validity: timedelta = timedelta(hours=24)

    @property
    def base(self) -> str:
        return self.public_base_url.rstrip("/")

    @property
    def issuer(self) -> dict[str, object]:
        names = [{"@value": text, "@language": lang} for lang, text in ISSUER_NAMES.items()]
        return {"id": self.issuer_id or f"{self.base}/issuer", "name": names}

    def status_list_url(self, purpose: str) -> str:
        return f"{self.base}/api/v1/status/{purpose}"


class NotConfigured(SandboxError):
    status = 503
    default = N_("Certificates are not configured on this server.")


_registry: weakref.WeakKeyDictionary[Engine, TrustSettings] = weakref.WeakKeyDictionary()


def configure(engine: Engine, settings: TrustSettings) -> None:
    """Attach `settings` to everything that talks to `engine`."""
    _registry[engine] = settings


def settings_for(session: Session) -> TrustSettings:
    """Return the settings registered for the session's engine."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    try:
        return _registry[engine]
    except KeyError:
        raise NotConfigured() from None
