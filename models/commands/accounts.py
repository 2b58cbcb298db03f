"""Managing accounts after they exist: role and scope, deactivation, passwords.

Whatever changes who an account is (its role, its scope, its password, whether it is active)
ends all of its sign-ins and keys at once (``revoke_all_tokens``), so nothing issued under the
old terms goes on working.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from access.passwords import DEFAULT, Passwords, WeakPassword, check_password_rules
from models.commands.crud import check_references, check_version, get_or_raise, write_changes
from models.commands.users import SCOPE_REFERENCES, NewUser, check_scope, revoke_all_tokens
from models.enums import Role
from models.errors import DomainError, ErrorCode
from models.user import User
from models.validation import Checker, text

_TERMS = ("role", "street_id", "station_id", "volunteer_id")


@dataclass(frozen=True)
class AccountChanges:
    """What to change (None: leave as is). A new role names its scope anew: the scope ids
    given replace the old ones (a street-staff account moved to a station needs
    ``station_id`` and loses its ``street_id``)."""

    display_name: str | None = None
    role: Role | None = None
    street_id: int | None = None
    station_id: int | None = None
    volunteer_id: int | None = None
    active: bool | None = None


async def update_account(
    session: AsyncSession, user_id: int, changes: AccountChanges, *, expected_version: int | None
) -> User:
    user = await get_or_raise(session, User, user_id, noun="user")
    check_version(user, expected_version, "user")
    checker = Checker()
    values: dict[str, Any] = {}
    if changes.display_name is not None:
        values["display_name"] = checker.apply(
            text(max_length=64), changes.display_name, "displayName"
        )
    scope_given = any(getattr(changes, c) is not None for c in _TERMS)
    if scope_given:
        role = changes.role or user.role
        terms = NewUser(
            username=user.username,
            display_name=user.display_name,
            role=role,
            street_id=changes.street_id,
            station_id=changes.station_id,
            volunteer_id=changes.volunteer_id,
        )
        if changes.role is None:  # the scope of the same role moves: keep what is not given
            terms = replace(
                terms,
                **{c: getattr(changes, c) or getattr(user, c) for c in SCOPE_REFERENCES},
            )
        check_scope(checker, terms)
        if (role is Role.SERVICE) != (user.role is Role.SERVICE):
            checker.add(
                ErrorCode.VALIDATION,
                "role: people and service accounts cannot become each other; make a new account.",
                "role",
            )
        scope = {c: getattr(terms, c) for c in SCOPE_REFERENCES}
        await check_references(session, SCOPE_REFERENCES, scope, checker)
        values.update(role=role, **scope)
    if changes.active is not None:
        values["active"] = changes.active
    checker.raise_if_any()
    ends_sessions = any(values.get(k, getattr(user, k)) != getattr(user, k) for k in _TERMS) or (
        values.get("active") is False and user.active
    )
    user = await write_changes(session, user, values, noun="user")
    if ends_sessions:
        assert user.id is not None
        user = await revoke_all_tokens(session, user.id)
    return user


def _new_password(password: str, username: str, passwords: Passwords) -> str:
    try:
        check_password_rules(password, username=username)
    except WeakPassword as exc:
        raise DomainError.one(ErrorCode.VALIDATION, f"newPassword: {exc}.", "newPassword") from None
    return passwords.hash(password)


async def set_password(
    session: AsyncSession, user_id: int, password: str, *, passwords: Passwords = DEFAULT
) -> User:
    """A new password (an administrator's reset): every sign-in of the account ends."""
    user = await get_or_raise(session, User, user_id, noun="user")
    if user.role is Role.SERVICE:
        raise DomainError.one(
            ErrorCode.VALIDATION, "id: service accounts sign in with API keys only.", "id"
        )
    user.password_hash = await asyncio.to_thread(_new_password, password, user.username, passwords)
    await session.flush()
    return await revoke_all_tokens(session, user_id)
