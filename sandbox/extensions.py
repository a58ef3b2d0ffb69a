"""Flask extensions, created unbound here and attached to each app in `create_app`.

Also the rate limits that more than one blueprint applies: the public verification endpoints (the page
and the API, which read uploaded PDFs and render them) are limited per client address by
`VERIFY_RATE_LIMIT`, the progress lookups (page and API) by `PROGRESS_RATE_LIMIT`, in the store
`RATELIMIT_STORAGE_URI` names (shared between workers with Redis).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import Babel, gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])



def verify_limited() -> str:
    """What a client over the verification limit is told, in its language."""
    return gettext("Too many verifications from your address. Please wait a minute and try again.")


def verify_rate_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def progress_limited() -> str:
    """What a client over the progress lookup limit is told, in its language."""
    return gettext("Too many progress lookups from your address. Please wait a minute and try again.")


def progress_rate_limit() -> str:
    """Progress lookups per client address (`PROGRESS_RATE_LIMIT`): guessing codes must not pay."""
    return current_app.config["PROGRESS_RATE_LIMIT"]
