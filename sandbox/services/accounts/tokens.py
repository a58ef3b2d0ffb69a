"""API bearer tokens: issued for e-mail and password, stored as SHA-256 hashes, expiring.

A token ends when it expires, when its holder revokes it (DELETE /api/v1/tokens), and — every token of
the account at once — when the password changes or the account is deactivated. Revocation is a
timestamp on the row and is never undone, so reactivating an account revives none of its old tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from sandbox.models.accounts import ApiToken, User
from sandbox.models.base import utcnow
from sandbox.services.common.settings import settings_of

TOKEN_PREFIX = "sbx_"  # noqa: S105  (a public prefix that makes leaked tokens recognisable)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, *, user: User) -> tuple[str, ApiToken]:
    """Create a token for `user`, living `API_TOKEN_HOURS`; the clear token is returned once, never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    lifetime = settings_of(session).api_token_lifetime
    row = ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + lifetime)  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    return token, row


def user_for_token(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    """Return the active user a live token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = now or utcnow()
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def revoke_token(session: Session, token: str) -> bool:
    """Revoke a token; returns whether it existed."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None:
        return False
    row.revoked_at = utcnow()
    session.add(row)
    session.flush()
    return True


def revoke_all_tokens(session: Session, *, user_id: int, now: datetime | None = None) -> None:
    """Revoke every live token of the account, for good."""
    session.execute(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )
