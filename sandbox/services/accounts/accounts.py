"""Accounts: applicant self-registration, accounts made by admins, login with lockout, passwords, and
ending an account's sessions and tokens.

Registration creates the enterprise, its first user and the eligibility declaration together, or
nothing: the caller commits once, so a refused registration leaves no half-made rows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sandbox.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import (
    ROLE_ORGANISATION_KINDS,
    AccountCreate,
    EligibilityDeclaration,
    Enterprise,
    Locale,
    Organisation,
    PasswordChange,
    PasswordReset,
    Role,
    User,
    UserCreate,
    new_session_nonce,
)
from sandbox.models.base import utcnow
from sandbox.policies import Permission, has_permission
from sandbox.services.accounts import login_throttle, tokens
from sandbox.services.accounts.password_strength import check_password_strength, personal_words
from sandbox.services.accounts.passwords import hash_password, needs_rehash, verify_password
from sandbox.services.common.settings import settings_of
from sandbox.services.common.text_search import text_matches
from sandbox.services.common.validation import validate


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def register_applicant(session: Session, *, data: dict[str, Any]) -> User:
    """Register an enterprise and its first applicant account."""
    account = validate(AccountCreate, data)
    email = normalise_email(account.email)
    if find_user_by_email(session, email) is not None:
        raise ValidationFailed.single("email", N_("An account with this e-mail address already exists."))
    details = account.enterprise
    words = personal_words(
        email, account.display_name, details.name, details.legal_representative, details.contact_name
    )
    check_password_strength(account.password, user_inputs=words)
    if session.exec(select(Enterprise.id).where(Enterprise.uscc == details.uscc)).first() is not None:
        raise ValidationFailed.single(
            "enterprise.uscc",
            N_("This enterprise is already registered. Ask its existing user to invite you."),
        )
    enterprise = Enterprise.model_validate(details.model_dump(include=set(Enterprise.model_fields)))
    session.add(enterprise)
    _flush_or_conflict(session)
    user = User(
        email=email,
        password_hash=hash_password(session, account.password),
        display_name=account.display_name.strip(),
        role=Role.APPLICANT,
        enterprise_id=enterprise.id,
        locale=account.locale,
    )
    session.add(user)
    _flush_or_conflict(session)
    session.add(
        EligibilityDeclaration(
            enterprise_id=enterprise.id,  # type: ignore[arg-type]
            no_major_penalty=details.no_major_penalty,
            no_criminal_record=details.no_criminal_record,
            not_seriously_dishonest=details.not_seriously_dishonest,
            declared_by_id=user.id,  # type: ignore[arg-type]
        )
    )
    session.flush()
    return user


def create_user(session: Session, *, actor: User | None, data: dict[str, Any]) -> User:
    """Create an account of a non-applicant role (admins only)."""
    if not has_permission(actor, Permission.MANAGE_USERS):
        raise PermissionDenied()
    new = validate(UserCreate, data)
    if new.role is Role.APPLICANT:
        raise ValidationFailed.single("role", N_("Applicants register themselves with their enterprise."))
    allowed_kinds = ROLE_ORGANISATION_KINDS.get(new.role)
    organisation = session.get(Organisation, new.organisation_id) if new.organisation_id else None
    if allowed_kinds is not None and (organisation is None or organisation.kind not in allowed_kinds):
        raise ValidationFailed.single(
            "organisation_id", N_("Choose an organisation of a kind this role belongs to.")
        )
    if allowed_kinds is None:
        organisation = None
    email = normalise_email(new.email)
    if find_user_by_email(session, email) is not None:
        raise ValidationFailed.single("email", N_("An account with this e-mail address already exists."))
    check_password_strength(
        new.password,
        user_inputs=personal_words(email, new.display_name, organisation.name if organisation else None),
    )
    user = User(
        email=email,
        password_hash=hash_password(session, new.password),
        display_name=new.display_name.strip(),
        role=new.role,
        organisation_id=organisation.id if organisation else None,
        locale=new.locale,
    )
    session.add(user)
    _flush_or_conflict(session)
    return user


class LoginOutcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    locked_until: datetime | None = None


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    address: str,
    now: datetime | None = None,
) -> LoginResult:
    """Check a login from a client address; failures lock that address out of the account (the caller
    commits them too, even when refusing the login)."""
    now = now or utcnow()
    settings = settings_of(session)
    user = find_user_by_email(session, email)
    if user is not None:
        until = login_throttle.locked_until(session, user_id=user.id, address=address, now=now)  # type: ignore[arg-type]
        if until is not None:
            return LoginResult(LoginOutcome.LOCKED, locked_until=until)
    if not verify_password(session, user.password_hash if user else None, password) or user is None:
        if user is not None:
            until = login_throttle.record_failure(
                session,
                user_id=user.id,  # type: ignore[arg-type]
                address=address,
                max_failures=settings.login_max_failures,
                lockout=settings.login_lockout,
                now=now,
            )
            if until is not None:
                return LoginResult(LoginOutcome.LOCKED, locked_until=until)
        return LoginResult(LoginOutcome.WRONG)
    if not user.active:
        return LoginResult(LoginOutcome.WRONG)
    login_throttle.clear_failures(session, user_id=user.id, address=address)  # type: ignore[arg-type]
    user.last_login_at = now
    if needs_rehash(session, user.password_hash):
        user.password_hash = hash_password(session, password)
    session.add(user)
    session.flush()
    return LoginResult(LoginOutcome.OK, user=user)


def change_password(session: Session, *, user: User, data: dict[str, Any]) -> User:
    """Change the user's password; every browser session and bearer token of the user ends."""
    change = validate(PasswordChange, data)
    if not verify_password(session, user.password_hash, change.current_password):
        raise ValidationFailed.single("current_password", N_("The current password is wrong."))
    if change.new_password == change.current_password:
        raise ValidationFailed.single("new_password", N_("Choose a password different from the current one."))
    check_password_strength(
        change.new_password, user_inputs=account_words(session, user), field="new_password"
    )
    user.password_hash = hash_password(session, change.new_password)
    end_all_sessions(session, user=user)
    return user


def reset_password(session: Session, *, actor: User, user_id: int, data: dict[str, Any]) -> User:
    """Set a new password for another account (admins); every session and token of that account ends."""
    user = get_user(session, actor=actor, user_id=user_id)
    if user.id == actor.id:
        raise ValidationFailed.single(
            "new_password", N_("Change your own password on your account page; it asks for the current one.")
        )
    reset = validate(PasswordReset, data)
    check_password_strength(
        reset.new_password, user_inputs=account_words(session, user), field="new_password"
    )
    user.password_hash = hash_password(session, reset.new_password)
    end_all_sessions(session, user=user)
    return user


def end_browser_sessions(session: Session, *, user: User) -> None:
    """End every browser session of the user, server-side: login cookies made before stop working."""
    user.session_nonce = new_session_nonce()
    session.add(user)
    session.flush()


def end_all_sessions(session: Session, *, user: User) -> None:
    """End every browser session of the user and revoke every bearer token, for good."""
    end_browser_sessions(session, user=user)
    tokens.revoke_all_tokens(session, user_id=user.id)  # type: ignore[arg-type]


def account_words(session: Session, user: User) -> list[str]:
    """Return the account's own details, which its password must not lean on."""
    enterprise = session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return personal_words(
        user.email,
        user.display_name,
        enterprise.name if enterprise else None,
        organisation.name if organisation else None,
    )


def set_locale(session: Session, *, user: User, locale: str) -> None:
    """Remember the user's interface language."""
    user.locale = Locale(locale)
    session.add(user)
    session.flush()


def load_session_user(session: Session, identity: str) -> User | None:
    """Return the active user behind a login cookie identity ("<id>:<nonce>")."""
    user_id, _, nonce = identity.partition(":")
    if not user_id.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def get_user(session: Session, *, actor: User | None, user_id: int) -> User:
    if not has_permission(actor, Permission.MANAGE_USERS):
        raise PermissionDenied()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def set_user_active(session: Session, *, actor: User, user_id: int, active: bool) -> User:
    """Deactivate or reactivate an account (admins only; never their own)."""
    user = get_user(session, actor=actor, user_id=user_id)
    if user.id == actor.id:
        raise ValidationFailed.single("active", N_("You cannot deactivate your own account."))
    user.active = active
    session.add(user)
    if not active:
        # Revoked tokens stay revoked: reactivating the account later revives none of them.
        end_all_sessions(session, user=user)
    session.flush()
    return user


def list_users(
    session: Session, *, actor: User | None, query: str = "", page: int = 1, per_page: int = 20
) -> tuple[list[User], int]:
    """Return one page of users matching `query` (e-mail or name) and the total count."""
    if not has_permission(actor, Permission.MANAGE_USERS):
        raise PermissionDenied()
    statement = select(User)
    if query.strip():
        statement = statement.where(text_matches(query, User.email, User.display_name))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(User.id)).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total


def _flush_or_conflict(session: Session) -> None:
    # Two registrations racing for one e-mail or USCC: the unique constraint decides, the loser gets 409.
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(N_("This record already exists.")) from None
