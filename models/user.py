"""Accounts: users with a role and its scope, their refresh tokens, and service API keys.

No secret is stored in a form that can be used: passwords as argon2 hashes, refresh tokens as
SHA-256 digests (they are long random strings), API keys as HMAC-SHA256 digests keyed by the
server's secret key. The table is ``app_user`` because ``user`` is reserved in PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, UTCDateTime, Versioned, enum_type
from models.enums import Role

SCOPE_COLUMNS: dict[Role, str] = {
    Role.STREET_STAFF: "street_id",
    Role.STATION_COORDINATOR: "station_id",
    Role.VOLUNTEER: "volunteer_id",
}
"""The scoped roles and the column naming their scope; every other role has none of them."""


def _scope_check(role: Role, column: str) -> sa.CheckConstraint:
    # Exactly the scoped role has the column: a district role with a stale street_id would
    # leave it unclear whether the account is scoped.
    return sa.CheckConstraint(
        f"(role = '{role.value}' AND {column} IS NOT NULL) "
        f"OR (role <> '{role.value}' AND {column} IS NULL)",
        name=f"{column.removesuffix('_id')}_scope",
    )


class User(Table, Versioned, table=True):
    """A person's (or a machine's) account."""

    __tablename__ = "app_user"
    __table_args__ = (
        *(_scope_check(role, column) for role, column in SCOPE_COLUMNS.items()),
        sa.CheckConstraint("token_version >= 0", name="token_version_non_negative"),
        sa.CheckConstraint(
            "password_hash IS NOT NULL OR role = 'service'", name="password_unless_service"
        ),
    )

    username: str = Field(max_length=64, unique=True)
    """Lower-case; what the person types to sign in."""
    password_hash: str | None = Field(default=None, max_length=255)
    """argon2id (PHC string); null only for service accounts, which sign in with API keys."""
    display_name: str = Field(max_length=64)
    role: Role = Field(sa_type=enum_type(Role), index=True)
    street_id: int | None = Field(default=None, foreign_key="street.id", index=True)
    station_id: int | None = Field(default=None, foreign_key="station.id", index=True)
    volunteer_id: int | None = Field(default=None, foreign_key="volunteer.id", unique=True)
    """A volunteer has one account at most."""
    active: bool = True
    token_version: int = 0
    """Part of every access token; raising it invalidates all of the user's access tokens."""
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RefreshToken(Table, table=True):
    """One refresh token. Each use replaces it by a new one of the same family (rotation);
    presenting a replaced one again means it was copied, so the whole family is revoked."""

    __tablename__ = "refresh_token"
    __table_args__ = (
        sa.CheckConstraint(
            "(revoked_at IS NULL AND revoked_reason IS NULL) "
            "OR (revoked_at IS NOT NULL AND revoked_reason IS NOT NULL)",
            name="revoked_with_reason",
        ),
    )

    jti: str = Field(max_length=32, unique=True)
    """A random public id of the token (safe to log; the token itself is not)."""
    token_hash: str = Field(max_length=64, unique=True)
    """SHA-256 (hex) of the token the client holds."""
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    family_id: str = Field(max_length=32, index=True)
    """One sign-in: the first token and every token that replaced it; access tokens carry it."""
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, max_length=16)
    """``rotated``, ``logout``, ``reuse`` or ``revoke_all``."""
    replaced_by_id: int | None = Field(default=None, foreign_key="refresh_token.id")


class ApiKey(Table, table=True):
    """A service account's key: ``bfk_<prefix>_<secret>``; only the prefix and a keyed hash of
    the whole key are stored, so the key is shown once, when created."""

    __tablename__ = "api_key"

    prefix: str = Field(max_length=16, unique=True)
    secret_hash: str = Field(max_length=64)
    """HMAC-SHA256 (hex) of the whole key, keyed by a key derived from the server's secret."""
    name: str = Field(max_length=128)
    """What the key is for, e.g. ``nightly verification import``."""
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    active: bool = Field(default=True)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
