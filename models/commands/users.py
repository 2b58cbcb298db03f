"""Accounts: create users, sign in with a password, end every credential of an account.

Sign-in answers a wrong password and an unknown username with one error after the same work
(a dummy hash is verified), so neither the message nor the timing tells which names exist.
Refresh tokens are in ``models.commands.sessions``, API keys in ``models.commands.api_keys``.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from access.passwords import DEFAULT, Passwords, WeakPassword, check_password_rules
from access.principal import Principal
from models.base import utcnow
from models.commands.crud import Reference, check_references, get_or_raise
from models.db import SessionFactory
from models.enums import Role
from models.errors import DomainError, ErrorCode
from models.geo import Street
from models.station import Station
from models.user import SCOPE_COLUMNS, ApiKey, RefreshToken, User
from models.validation import Checker, Invalid, text
from models.volunteer import Volunteer

BAD_CREDENTIALS = "The username or password is wrong. Check both and try again."

USERNAME_MAX = 64
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
SCOPE_REFERENCES = {
    "street_id": Reference(Street, "street", "streetId"),
    "station_id": Reference(Station, "station", "stationId"),
    "volunteer_id": Reference(Volunteer, "volunteer", "volunteerId"),
}


def normalise_username(value: str) -> str:
    return value.strip().lower()


def _username(value: object) -> str:
    name = normalise_username(str(value))
    if not _USERNAME.match(name):
        raise Invalid(
            "use 3 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class NewUser:
    """An account to create. ``password`` is None only for service accounts (role SERVICE)."""

    username: str
    display_name: str
    role: Role
    password: str | None = None
    street_id: int | None = None
    station_id: int | None = None
    volunteer_id: int | None = None


def check_scope(checker: Checker, new: NewUser) -> None:
    needed = SCOPE_COLUMNS.get(new.role)
    for column, ref in SCOPE_REFERENCES.items():
        given = getattr(new, column) is not None
        if column == needed and not given:
            checker.add(
                ErrorCode.REQUIRED,
                f"{ref.label}: a {new.role.value} account needs the {ref.noun} it works for.",
                ref.label,
            )
        elif column != needed and given:
            checker.add(
                ErrorCode.VALIDATION,
                f"{ref.label}: a {new.role.value} account has no {ref.noun}; leave it empty.",
                ref.label,
            )


def _check_password(checker: Checker, new: NewUser) -> None:
    if new.role is Role.SERVICE:
        if new.password is not None:
            checker.add(
                ErrorCode.VALIDATION,
                "password: service accounts sign in with API keys only; give no password.",
                "password",
            )
        return
    if new.password is None:
        checker.add(ErrorCode.REQUIRED, "password: a password is required.", "password")
        return
    try:
        check_password_rules(new.password, username=new.username)
    except WeakPassword as exc:
        checker.add(ErrorCode.VALIDATION, f"password: {exc}.", "password")


async def create_user(
    session: AsyncSession, new: NewUser, *, passwords: Passwords = DEFAULT
) -> User:
    """Create an account; every problem of the input is reported at once."""
    checker = Checker()
    username = checker.apply(_username, new.username, "username")
    display_name = checker.apply(text(max_length=64), new.display_name, "displayName")
    check_scope(checker, new)
    _check_password(checker, new)
    scope = {column: getattr(new, column) for column in SCOPE_REFERENCES}
    await check_references(session, SCOPE_REFERENCES, scope, checker)
    if username is not None and await _exists(session, col(User.username) == username):
        checker.add(ErrorCode.DUPLICATE, "username: this username is taken.", "username")
    if new.volunteer_id is not None and await _exists(
        session, col(User.volunteer_id) == new.volunteer_id
    ):
        checker.add(
            ErrorCode.DUPLICATE, "volunteerId: this volunteer has an account.", "volunteerId"
        )
    checker.raise_if_any()
    password_hash = None
    if new.password is not None:
        password_hash = await asyncio.to_thread(passwords.hash, new.password)
    user = User(
        username=username,
        display_name=display_name,
        role=new.role,
        password_hash=password_hash,
        **scope,
    )
    session.add(user)
    await session.flush()
    return user


async def _exists(session: AsyncSession, condition: sa.ColumnElement[bool]) -> bool:
    row = await session.execute(sa.select(col(User.id)).where(condition).limit(1))
    return row.first() is not None


@dataclass(frozen=True)
class Authenticated:
    user: User
    new_hash: str | None
    """A hash with today's parameters when the stored one is outdated (store it at sign-in)."""


async def authenticate(
    factory: SessionFactory, username: str, password: str, *, passwords: Passwords = DEFAULT
) -> Authenticated:
    """The active account these credentials open, or UNAUTHENTICATED (one message for every
    reason). Takes a factory, not a session: the database connection is given back before the
    deliberately slow hash check, which runs in a thread."""
    name = normalise_username(username)
    user = None
    if len(name) <= USERNAME_MAX:  # longer names cannot exist: no need to ask the database
        async with factory() as session:
            user = (
                await session.execute(sa.select(User).where(col(User.username) == name))
            ).scalar_one_or_none()
    if user is None or user.password_hash is None:
        await asyncio.to_thread(passwords.verify_dummy, password)
        raise DomainError.one(ErrorCode.UNAUTHENTICATED, BAD_CREDENTIALS)
    stored = user.password_hash
    if not await asyncio.to_thread(passwords.verify, stored, password) or not user.active:
        raise DomainError.one(ErrorCode.UNAUTHENTICATED, BAD_CREDENTIALS)
    new_hash = None
    if passwords.needs_rehash(stored):
        new_hash = await asyncio.to_thread(passwords.hash, password)
    return Authenticated(user, new_hash)


async def revoke_all_tokens(
    session: AsyncSession, user_id: int, *, now: datetime | None = None
) -> User:
    """End every credential of an account at once: access tokens (the token version rises),
    refresh tokens (revoked) and API keys (deactivated)."""
    now = now or utcnow()
    user = await get_or_raise(session, User, user_id, noun="user")
    await session.execute(
        sa.update(User)
        .where(col(User.id) == user_id)
        .values(token_version=col(User.token_version) + 1, version=col(User.version) + 1)
    )
    await session.execute(
        sa.update(RefreshToken)
        .where(col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason="revoke_all")
    )
    await session.execute(
        sa.update(ApiKey)
        .where(col(ApiKey.user_id) == user_id, col(ApiKey.active).is_(True))
        .values(active=False)
    )
    await session.refresh(user)
    return user


def principal_of(
    user: User, *, session_id: str | None = None, api_key_id: int | None = None
) -> Principal:
    """The principal an account's credentials make: its role and the scope ids it carries."""
    return Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        street_id=user.street_id,
        station_id=user.station_id,
        volunteer_id=user.volunteer_id,
        session_id=session_id,
        api_key_id=api_key_id,
    )
