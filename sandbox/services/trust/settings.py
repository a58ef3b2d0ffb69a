"""The certificate services' settings: key folder, passphrase, URLs, validity periods.

They are the `trust` part of `sandbox.services.common.settings.ServiceSettings`, which comes with the
session every service is given: `settings_of(session).trust`. That is how `approve_exit` issues a
certificate without any Flask import and without new parameters on every caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from certificates.pdf.seal import DEFAULT_SEAL_NUMBER

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
    issuer_id: str | None = None
    status_list_validity: timedelta = timedelta(hours=24)
    trust_bundle_validity: timedelta = timedelta(hours=24)
    seal_number: str = DEFAULT_SEAL_NUMBER  # the office seal's number, printed on it (SEAL_NUMBER)

    @property
    def base(self) -> str:
        return self.public_base_url.rstrip("/")

    @property
    def issuer(self) -> dict[str, object]:
        names = [{"@value": text, "@language": lang} for lang, text in ISSUER_NAMES.items()]
        return {"id": self.issuer_id or f"{self.base}/issuer", "name": names}

    def status_list_url(self, purpose: str) -> str:
        return f"{self.base}/api/v1/status/{purpose}"
