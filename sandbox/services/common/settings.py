"""The settings services work with, and the one way they arrive: on the database session.

`create_app` builds one frozen `ServiceSettings` from the Flask configuration (`from_config`, a pure
function of the configuration, the instance folder and the key passphrase) and `sandbox.db` puts it in
the `info` of every session it opens: the request's session, a CLI command's, and those that tests,
benchmarks and workers open with `sandbox.db.open_session(app)`. A service reads the settings from the
session it was given, with `settings_of(session)`. No service takes a setting as an argument, reads the
Flask configuration or keeps one in a module global, so two apps in one process (tests build many) each
work with their own. The configuration is read once, when the app is built: changing `app.config`
afterwards does not reach the services.

Imports no flask, like every service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from argon2 import Parameters, profiles
from sqlmodel import Session

from sandbox.services.trust.settings import TrustSettings
from workflows.states import CaseState

# The key of the settings in `Session.info`.
INFO_KEY = "sandbox.settings"


@dataclass(frozen=True)
class ServiceSettings:
    """Everything the services take from the configuration."""

    trust: TrustSettings
    stage_days: Mapping[CaseState, int]  # working days per stage (STAGE_DEADLINE_DAYS)
    dispute_days: Mapping[str, int]  # working days to acknowledge and to mediate a dispute
    review_days: int  # calendar days to ask for a review of a revocation (CERTIFICATE_REVIEW_DAYS)
    login_max_failures: int
    login_lockout: timedelta
    api_token_lifetime: timedelta
    upload_max_bytes: int
    argon2_profile: str  # a profile of `argon2.profiles` (CHEAPEST keeps tests fast)
    font_path: str | None  # the TrueType CJK font of generated PDFs (None: look in the usual places)

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], *, instance: Path, key_passphrase: str
    ) -> ServiceSettings:
        """Read the settings from a configuration; folders default to ones in `instance`."""
        profile = str(config["ARGON2_PROFILE"])
        if not isinstance(getattr(profiles, profile, None), Parameters):
            raise ValueError(f"ARGON2_PROFILE: argon2 has no profile named {profile!r}")
        return cls(
            trust=TrustSettings(
                key_dir=Path(config.get("KEY_DIR") or instance / "keys"),
                passphrase=key_passphrase,
                public_base_url=config["PUBLIC_BASE_URL"],
                log_origin=config["LOG_ORIGIN"],
                pdf_storage=Path(config.get("CERTIFICATE_STORAGE") or instance / "certificates"),
                issuer_id=config.get("ISSUER_ID"),
                status_list_validity=timedelta(hours=int(config["STATUS_LIST_HOURS"])),
                trust_bundle_validity=timedelta(hours=int(config["TRUST_BUNDLE_HOURS"])),
                seal_number=str(config["SEAL_NUMBER"]),
            ),
            stage_days=MappingProxyType(dict(config["STAGE_DEADLINE_DAYS"])),
            dispute_days=MappingProxyType(dict(config["DISPUTE_DEADLINE_DAYS"])),
            review_days=int(config["CERTIFICATE_REVIEW_DAYS"]),
            login_max_failures=int(config["LOGIN_MAX_FAILURES"]),
            login_lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
            api_token_lifetime=timedelta(hours=config["API_TOKEN_HOURS"]),
            upload_max_bytes=int(config["UPLOAD_MAX_BYTES"]),
            argon2_profile=profile,
            font_path=config.get("CJK_FONT_PATH"),
        )


def settings_of(session: Session) -> ServiceSettings:
    """Return the settings that came with `session`."""
    try:
        return cast(ServiceSettings, session.info[INFO_KEY])
    except KeyError:
        raise RuntimeError(
            "This database session carries no service settings: open it with sandbox.db.open_session(app)."
        ) from None
