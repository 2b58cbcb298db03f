"""Access tokens (short-lived JWTs, HS256) and refresh tokens (opaque, stored only hashed).

An access token names its user (``sub``), role, the user's token version (``ver``: raising it
on the account ends every token), the sign-in it belongs to (``sid``: the refresh-token family,
so signing out ends it at once), a unique ``jti``, ``iat`` and ``exp``. The role in a token is
for clients to read; the server takes the role and scope from the account on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

ALGORITHM = "HS256"
ISSUER = "bangfu"
LEEWAY_S = 10
"""Clock difference tolerated between the servers that issue and check tokens."""
REFRESH_PREFIX = "bfr_"
"""Marks refresh tokens, so that secret scanners and people recognise one in a log or paste."""


class InvalidToken(Exception):
    """The token is not one of ours, was altered, or is malformed."""


class ExpiredToken(InvalidToken):
    """The token was ours but its time is over (the client should refresh)."""


def derive_key(secret: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose from the server's secret (keys never serve two uses)."""
    return hmac.new(secret.encode(), f"bangfu/{purpose}".encode(), hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    role: str
    token_version: int
    session_id: str
    jti: str
    issued_at: datetime
    expires_at: datetime


def issue_access_token(
    *,
    secret: str,
    user_id: int,
    role: str,
    token_version: int,
    session_id: str,
    lifetime: timedelta,
    now: datetime | None = None,
) -> tuple[str, AccessClaims]:
    """A signed access token valid for ``lifetime`` from ``now`` (default: the current time)."""
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    claims = AccessClaims(
        user_id=user_id,
        role=role,
        token_version=token_version,
        session_id=session_id,
        jti=uuid.uuid4().hex,
        issued_at=issued,
        expires_at=issued + lifetime,
    )
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "sub": str(claims.user_id),
        "role": claims.role,
        "ver": claims.token_version,
        "sid": claims.session_id,
        "jti": claims.jti,
        "iat": claims.issued_at,
        "exp": claims.expires_at,
    }
    token = jwt.encode(payload, derive_key(secret, "access-token"), algorithm=ALGORITHM)
    return token, claims


def decode_access_token(token: str, *, secret: str) -> AccessClaims:
    """The claims of a valid, unexpired token; :class:`ExpiredToken` or :class:`InvalidToken`."""
    try:
        payload = jwt.decode(
            token,
            derive_key(secret, "access-token"),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            leeway=LEEWAY_S,
            options={"require": ["iss", "sub", "ver", "sid", "jti", "iat", "exp", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise ExpiredToken("the access token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"not a valid access token ({type(exc).__name__})") from exc
    try:
        return AccessClaims(
            user_id=int(payload["sub"]),
            role=str(payload["role"]),
            token_version=_int(payload["ver"]),
            session_id=str(payload["sid"]),
            jti=str(payload["jti"]),
            issued_at=datetime.fromtimestamp(payload["iat"], UTC),
            expires_at=datetime.fromtimestamp(payload["exp"], UTC),
        )
    except (TypeError, ValueError) as exc:
        raise InvalidToken("an access token claim has the wrong type") from exc


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not an integer")
    return value


def new_refresh_token() -> str:
    """An opaque refresh token: 256 random bits, URL-safe."""
    return REFRESH_PREFIX + secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """What is stored for a refresh token: its SHA-256 (hex). The token has 256 random bits,
    so a plain digest cannot be reversed by guessing; it does not depend on the secret key."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_id() -> str:
    """A random id for a token row or a token family (32 hex characters)."""
    return uuid.uuid4().hex
