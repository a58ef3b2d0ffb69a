"""Offline verification: the evidence comes from a signed trust bundle instead of a database.

The CLI (`python -m certificates verify …`) and anyone holding the office's trust bundle verify this
way. The bundle vouches for keys, status lists and the latest checkpoint only through its root key, so
the root must be pinned (`expected_root_fingerprint`): an unpinned root makes the answer indeterminate,
never valid, and the report names the fingerprint it would have trusted. No network, no flask.

Public API:
    evidence_from_trust_bundle(trust_bundle, report, *, expected_root_fingerprint=None, now)
                                                   -> Evidence | None
    verify_with_trust_bundle(bundle, trust_bundle, *, expected_root_fingerprint=None, expected_digest=None,
                             now=None) -> Report
    with_trust_bundle(trust_bundle, check, *, expected_root_fingerprint=None, now=None) -> Report
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from certificates._internal.report import INDETERMINATE, PASS, CheckRun, Report
from certificates._internal.timefmt import LONG_AGO
from certificates.bundle import (
    CertificateBundle,
    root_fingerprint,
    trusted_root_kid,
    trusted_sm2_root_kid,
    verify_trust_bundle,
)
from certificates.errors import CertificateError, IndeterminateError
from certificates.verifier import Evidence, verify_bundle

__all__ = ["evidence_from_trust_bundle", "verify_with_trust_bundle", "with_trust_bundle"]


def evidence_from_trust_bundle(
    trust_bundle: Mapping[str, Any] | str | bytes,
    report: Report,
    *,
    expected_root_fingerprint: str | None = None,
    now: datetime,
) -> Evidence | None:
    """Check the trust bundle into `report` (check ``trust_bundle``); return its evidence, or None.

    Without `expected_root_fingerprint` the bundle vouches only for itself: anyone can sign a trust
    bundle with a root key of their own, so the check is then indeterminate (never valid), and the
    report names the fingerprint of the root it would have trusted so a person can compare it.
    """
    run = CheckRun(report)
    try:
        trusted = verify_trust_bundle(trust_bundle, expected_root_fingerprint, now=now)
        stale: CertificateError | None = None
    except IndeterminateError as exc:
        # Still show what can be shown: the signature was checked, only the date is past.
        try:
            trusted, stale = verify_trust_bundle(trust_bundle, expected_root_fingerprint, now=LONG_AGO), exc
        except CertificateError:
            run.failed("trust_bundle", exc)
            return None
    except CertificateError as exc:
        run.failed("trust_bundle", exc)
        return None
    key_set = trusted.key_set()
    kid = trusted_root_kid(trust_bundle)
    report.root_fingerprint = root_fingerprint(key_set.get(kid).public_key) if kid else None
    national = trusted_sm2_root_kid(trust_bundle)
    report.sm2_root_fingerprint = root_fingerprint(key_set.get(national).public_key) if national else None
    if stale is not None:
        run.failed("trust_bundle", stale)
    elif expected_root_fingerprint is None:
        run.add("trust_bundle", INDETERMINATE, "unpinned",
                f"the root key {report.root_fingerprint} is not pinned: compare it with the published "
                "fingerprint and pass it with --root-fingerprint (or SANDBOX_ROOT_FINGERPRINT)")  # fmt: skip
    else:
        run.add("trust_bundle", PASS)
    lists = {str(item.get("id")): item for item in trusted.status_lists if isinstance(item, Mapping)}
    return Evidence(key_set=key_set, status_lists=lists, checkpoints=(trusted.checkpoint,)
                    if trusted.checkpoint else ())  # fmt: skip


def verify_with_trust_bundle(
    bundle: CertificateBundle | Mapping[str, Any] | str | bytes,
    trust_bundle: Mapping[str, Any] | str | bytes,
    *,
    expected_root_fingerprint: str | None = None,
    expected_digest: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Verify offline with only a signed trust bundle (keys, status lists, latest checkpoint)."""

    def check(evidence: Evidence, report: Report, at: datetime) -> Report:
        return verify_bundle(bundle, evidence, expected_digest=expected_digest, now=at, report=report)

    pin = expected_root_fingerprint
    return with_trust_bundle(trust_bundle, check, expected_root_fingerprint=pin, now=now)


def with_trust_bundle(
    trust_bundle: Mapping[str, Any] | str | bytes,
    check: Callable[[Evidence, Report, datetime], Report],
    *,
    expected_root_fingerprint: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Check the trust bundle, then run `check(evidence, report, now)` with what it vouches for."""
    report = Report()
    now = now or datetime.now(UTC)
    evidence = evidence_from_trust_bundle(
        trust_bundle, report, expected_root_fingerprint=expected_root_fingerprint, now=now
    )
    return report if evidence is None else check(evidence, report, now)
