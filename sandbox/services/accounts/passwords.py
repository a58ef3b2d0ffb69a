"""Password hashing with Argon2id (argon2-cffi), with the parameter profile of the session's settings.

The profile is `ARGON2_PROFILE`, read like every setting through `settings_of(session)` (tests use the
cheapest). A hasher is made once per profile and kept, so apps with different profiles in one process
each hash with their own.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from sandbox.services.common.settings import settings_of


@cache
def _hasher(profile: str) -> tuple[PasswordHasher, str]:
    """The hasher of an argon2 profile, and the hash compared against when an e-mail is unknown (so that
    a wrong address costs as long as a wrong password)."""
    hasher = PasswordHasher.from_parameters(getattr(profiles, profile))
    return hasher, hasher.hash("not a real password")


def hash_password(session: Session, password: str) -> str:
    """Return an Argon2id hash of `password`."""
    hasher, _ = _hasher(settings_of(session).argon2_profile)
    return hasher.hash(password)


def verify_password(session: Session, password_hash: str | None, password: str) -> bool:
    """Return whether `password` matches; spends the same effort when there is no hash."""
    hasher, dummy_hash = _hasher(settings_of(session).argon2_profile)
    try:
        return hasher.verify(password_hash or dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(session: Session, password_hash: str) -> bool:
    """Return whether the hash was made with other parameters than the current profile."""
    hasher, _ = _hasher(settings_of(session).argon2_profile)
    return hasher.check_needs_rehash(password_hash)
