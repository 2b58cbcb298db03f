"""API keys of service accounts: create, revoke, and the principal a key opens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from access import keys
from access.principal import Principal
from models.base import utcnow
from models.commands.crud import get_or_raise
from models.commands.users import principal_of
from models.enums import Role
from models.errors import ErrorCode
from models.user import ApiKey, User
from models.validation import Checker, text

API_KEY_TOUCH_INTERVAL = timedelta(minutes=5)
"""``last_used_at`` of an API key is written at most this often (not on every request)."""


@dataclass(frozen=True)
class CreatedApiKey:
    api_key: ApiKey
    key: str
    """The whole key, to show once: only its hash is stored."""


async def create_api_key(
    session: AsyncSession, *, user_id: int, name: str, secret: str
) -> CreatedApiKey:
    """A new key for an active service account."""
    checker = Checker()
    clean_name = checker.apply(text(max_length=128), name, "name")
    user = await session.get(User, user_id)
    if user is None:
        checker.add(ErrorCode.NOT_FOUND, "userId: no user with this id exists.", "userId")
    elif user.role is not Role.SERVICE or not user.active:
        checker.add(
            ErrorCode.VALIDATION,
            "userId: API keys are for active service accounts; people sign in with a password.",
            "userId",
        )
    checker.raise_if_any()
    generated = keys.generate_api_key(secret=secret)
    row = ApiKey(
        prefix=generated.prefix, secret_hash=generated.secret_hash, name=clean_name, user_id=user_id
    )
    session.add(row)
    await session.flush()
    return CreatedApiKey(row, generated.key)


async def revoke_api_key(session: AsyncSession, key_id: int) -> ApiKey:
    """Deactivate a key for good (revoking it again changes nothing)."""
    row = await get_or_raise(session, ApiKey, key_id, noun="API key")
    row.active = False
    await session.flush()
    return row


@dataclass(frozen=True)
class KeyMatch:
    principal: Principal
    touch: bool
    """Whether ``last_used_at`` is old enough to be written again."""
    new_hash: str | None = None
    """The key's hash under the current secret, when it matched under a retiring one."""


async def principal_for_api_key(
    session: AsyncSession, key: str, *, secrets: Sequence[str], now: datetime | None = None
) -> KeyMatch | None:
    """The service account an API key opens (one query), or None; ``secrets`` are the
    current secret key first, then those being retired."""
    prefix = keys.key_prefix(key)
    if prefix is None:
        return None
    found = (
        await session.execute(
            sa.select(ApiKey, User)
            .join(User, col(User.id) == col(ApiKey.user_id))
            .where(
                col(ApiKey.prefix) == prefix,
                col(ApiKey.active).is_(True),
                col(User.active).is_(True),
            )
        )
    ).first()
    if found is None:
        return None
    api_key, user = found
    matched = next(
        (
            i
            for i, s in enumerate(secrets)
            if keys.verify_api_key(key, api_key.secret_hash, secret=s)
        ),
        None,
    )
    if matched is None:
        return None
    now = now or utcnow()
    stale = api_key.last_used_at is None or now - api_key.last_used_at > API_KEY_TOUCH_INTERVAL
    renewed = None if matched == 0 else keys.hash_api_key(key.strip(), secret=secrets[0])
    return KeyMatch(
        principal_of(user, api_key_id=api_key.id),
        touch=stale or renewed is not None,
        new_hash=renewed,
    )


async def touch_api_key(
    session: AsyncSession,
    key_id: int,
    *,
    now: datetime | None = None,
    new_hash: str | None = None,
) -> None:
    """Record that a key was used (for finding keys nobody uses any more), and store its hash
    under the current secret key when it was found under a retiring one."""
    values: dict[str, object] = {"last_used_at": now or utcnow()}
    if new_hash is not None:
        values["secret_hash"] = new_hash
    await session.execute(sa.update(ApiKey).where(col(ApiKey.id) == key_id).values(**values))
