"""Password hashing with Argon2id (argon2-cffi). The parameter profile is set once per process."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
# Compared against when an e-mail is unknown, so that a wrong address costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")


def configure(profile: str) -> None:
    """Use the named argon2 profile (e.g. RFC_9106_LOW_MEMORY; CHEAPEST in tests)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(getattr(profiles, profile))
    _DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    """Return an Argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether `password` matches; spends the same effort when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return whether the hash was made with other parameters than the current profile."""
    return _hasher.check_needs_rehash(password_hash)
