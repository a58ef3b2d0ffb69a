"""JSON API v1: bearer tokens only (no cookies, so no CSRF), problem+json errors, OpenAPI 3.1.

The blueprint and the `route(...)` decorator are in `sandbox.api.routing`; importing this package imports
the route modules, which registers their routes on the blueprint `bp`, in the order below.
"""

from __future__ import annotations

from sandbox.api.routing import bp

# isort: off
from sandbox.api.accounts import accounts  # noqa: F401
from sandbox.api.admin import admin  # noqa: F401
from sandbox.api.cases import records  # noqa: F401
from sandbox.api.cases import cases  # noqa: F401
from sandbox.api.trust import reviews  # noqa: F401
from sandbox.api.trust import certificates  # noqa: F401
from sandbox.api.legal import disputes  # noqa: F401
from sandbox.api.legal import exemptions  # noqa: F401
from sandbox.api.legal import agreements  # noqa: F401
from sandbox.api.cases import lookups  # noqa: F401
from sandbox.api.cases import progress  # noqa: F401
from sandbox.api.cases import handoffs  # noqa: F401
from sandbox.api.accounts import notifications  # noqa: F401
from sandbox.api.decisions import proposals  # noqa: F401
from sandbox.api.vouchers import redemptions  # noqa: F401
from sandbox.api.publication import registry  # noqa: F401
from sandbox.api.accounts import settings  # noqa: F401
from sandbox.api.statistics import statistics  # noqa: F401
from sandbox.api.publication import typical_cases  # noqa: F401
from sandbox.api.publication import guide  # noqa: F401
from sandbox.api.statistics import open_data  # noqa: F401
from sandbox.api.vouchers import providers  # noqa: F401
from sandbox.api.vouchers import vouchers  # noqa: F401
from sandbox.api.vouchers import support  # noqa: F401
# isort: on

__all__ = ["bp"]
