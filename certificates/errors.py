"""The one error hierarchy of the certificates package.

Every verifier raises `CertificateVerificationError` (or a subclass) with a machine-readable `code`,
so that the web page, the API and the offline CLI can name the failed check in the user's language.
"""

from __future__ import annotations


class CertificateError(Exception):
    """Base class for everything this package raises on purpose."""


class CertificateKeyError(CertificateError):
    """A key could not be loaded, decrypted or used (wrong passphrase, unknown kid, wrong state)."""


class CertificateVerificationError(CertificateError):
    """A check failed; `code` names which one (e.g. ``signature``, ``digest``, ``inclusion``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class IndeterminateError(CertificateVerificationError):
    """The answer cannot be known from what we have (e.g. a stale trust bundle or status list)."""
