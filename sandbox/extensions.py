"""Flask extensions, created unbound here and attached to each app in `create_app`.

Also the rate limits that more than one blueprint applies: the public verification endpoints (the page
and the API, which read uploaded PDFs and render them) are limited per client address by
`VERIFY_RATE_LIMIT`, in the store `RATELIMIT_STORAGE_URI` names (shared between workers with Redis).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from sandbox.errors import N_

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

VERIFY_LIMITED = N_("Too many verifications from your address. Please wait a minute and try again.")
# Messages a rate limit may carry instead of the generic one; the error handler translates them.
LIMIT_MESSAGES = frozenset({VERIFY_LIMITED})


def verify_rate_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]
