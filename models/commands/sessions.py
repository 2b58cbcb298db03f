"""Refresh tokens: sign-ins (token families), rotation with reuse detection, signing out,
and the one query that turns an access token into a :class:`Principal`.

Each use of a refresh token revokes it and issues its successor in the same family; a revoked
token presented again was copied, and the whole family (that sign-in) is revoked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from access import tokens
from access.principal import Principal
from models.base import utcnow
from models.commands.users import BAD_CREDENTIALS, principal_of
from models.errors import DomainError, ErrorCode
from models.user import RefreshToken, User

SESSION_ENDED = "Your session has ended; sign in again."


@dataclass(frozen=True)
class IssuedRefresh:
    """A refresh token for the client (shown once) and the account it signs in."""

    user: User
    token: str
    family_id: str
    expires_at: datetime


async def _insert_refresh(
    session: AsyncSession, user: User, family_id: str, *, lifetime: timedelta, now: datetime
) -> tuple[RefreshToken, IssuedRefresh]:
    assert user.id is not None
    token = tokens.new_refresh_token()
    row = RefreshToken(
        jti=tokens.new_token_id(),
        token_hash=tokens.hash_refresh_token(token),
        user_id=user.id,
        family_id=family_id,
        expires_at=now + lifetime,
    )
    session.add(row)
    await session.flush()
    return row, IssuedRefresh(user, token, family_id, row.expires_at)


async def start_session(
    session: AsyncSession,
    user_id: int,
    *,
    lifetime: timedelta,
    new_hash: str | None = None,
    now: datetime | None = None,
) -> IssuedRefresh:
    """Begin a sign-in: a refresh token of a new family (and the rehashed password, if any)."""
    now = now or utcnow()
    user = await session.get(User, user_id)
    if user is None or not user.active:
        raise DomainError.one(ErrorCode.UNAUTHENTICATED, BAD_CREDENTIALS)
    user.last_login_at = now
    if new_hash is not None:
        user.password_hash = new_hash
    _, issued = await _insert_refresh(
        session, user, tokens.new_token_id(), lifetime=lifetime, now=now
    )
    return issued


async def _revoke_family(
    session: AsyncSession, family_id: str, *, reason: str, now: datetime
) -> int:
    result = await session.execute(
        sa.update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RefreshRefused:
    """Why a refresh token was not accepted; ``family_revoked`` when it had been used before."""

    reason: str
    family_id: str | None = None
    family_revoked: bool = False


async def rotate_refresh_token(
    session: AsyncSession, token: str, *, lifetime: timedelta, now: datetime | None = None
) -> IssuedRefresh | RefreshRefused:
    """Exchange a refresh token for its successor in the same family.

    A refusal is returned, not raised: when a revoked token comes back (reuse), revoking its
    family must be committed, and a raised DomainError would roll it back.
    """
    now = now or utcnow()
    row = (
        await session.execute(
            sa.select(RefreshToken).where(
                col(RefreshToken.token_hash) == tokens.hash_refresh_token(token)
            )
        )
    ).scalar_one_or_none()
    if row is None:
        return RefreshRefused("unknown")
    if row.revoked_at is not None:
        revoked = await _revoke_family(session, row.family_id, reason="reuse", now=now)
        return RefreshRefused("reuse", row.family_id, family_revoked=revoked > 0)
    if row.expires_at <= now:
        return RefreshRefused("expired", row.family_id)
    user = await session.get(User, row.user_id)
    if user is None or not user.active:
        await _revoke_family(session, row.family_id, reason="revoke_all", now=now)
        return RefreshRefused("inactive", row.family_id)
    # One conditional UPDATE: of two requests racing with one token, exactly one wins; the
    # other sees a used token, which is what a copied token looks like.
    won = await session.execute(
        sa.update(RefreshToken)
        .where(col(RefreshToken.id) == row.id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason="rotated")
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        await _revoke_family(session, row.family_id, reason="reuse", now=now)
        return RefreshRefused("reuse", row.family_id, family_revoked=True)
    successor, issued = await _insert_refresh(
        session, user, row.family_id, lifetime=lifetime, now=now
    )
    await session.execute(
        sa.update(RefreshToken)
        .where(col(RefreshToken.id) == row.id)
        .values(replaced_by_id=successor.id)
    )
    return issued


async def end_session(
    session: AsyncSession,
    *,
    token: str | None = None,
    family_id: str | None = None,
    user_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Sign out: revoke the family of ``token``, or ``family_id`` of ``user_id``. Whether a
    live token was revoked; an unknown or used token is no error (signing out twice is fine)."""
    now = now or utcnow()
    if token is not None:
        family = (
            await session.execute(
                sa.select(col(RefreshToken.family_id)).where(
                    col(RefreshToken.token_hash) == tokens.hash_refresh_token(token)
                )
            )
        ).scalar_one_or_none()
    else:
        family = (
            await session.execute(
                sa.select(col(RefreshToken.family_id))
                .where(
                    col(RefreshToken.family_id) == family_id,
                    col(RefreshToken.user_id) == user_id,
                )
                .limit(1)
            )
        ).scalar_one_or_none()
    if family is None:
        return False
    return await _revoke_family(session, family, reason="logout", now=now) > 0


async def principal_for_access_token(
    session: AsyncSession, claims: tokens.AccessClaims
) -> Principal | None:
    """The principal of a verified access token, in one query: None when the account is
    inactive, its token version moved on, or the token's sign-in has ended."""
    live_session = (
        sa.select(col(RefreshToken.id))
        .where(
            col(RefreshToken.family_id) == claims.session_id,
            col(RefreshToken.user_id) == claims.user_id,
            col(RefreshToken.revoked_at).is_(None),
        )
        .exists()
    )
    user = (
        await session.execute(
            sa.select(User).where(
                col(User.id) == claims.user_id,
                col(User.active).is_(True),
                col(User.token_version) == claims.token_version,
                live_session,
            )
        )
    ).scalar_one_or_none()
    return None if user is None else principal_of(user, session_id=claims.session_id)
