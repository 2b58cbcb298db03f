"""The principal: who a request acts for, with the scope its role gives."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from models.enums import Role


class CredentialProblem(enum.StrEnum):
    """Why credentials sent with a request were not accepted (the request is then anonymous)."""

    EXPIRED = "expired"
    """The access token's time is over: refresh it."""
    INVALID = "invalid"
    """Not a token or key of ours, altered, or malformed."""
    REVOKED = "revoked"
    """Signed out, revoked, or the account was deactivated."""


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in user (by access token or API key), or nobody (:data:`ANONYMOUS`).

    The scope ids are those of the account's role: ``street_id`` for street staff,
    ``station_id`` for station coordinators, ``volunteer_id`` for volunteers; none otherwise.
    """

    user_id: int | None = None
    username: str | None = None
    role: Role | None = None
    street_id: int | None = None
    station_id: int | None = None
    volunteer_id: int | None = None
    session_id: str | None = None
    """The sign-in (refresh-token family) of an access token."""
    api_key_id: int | None = None
    """The key a service account signed in with."""

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def actor(self) -> str:
        """The name history rows record for what this principal does."""
        return f"user:{self.username}" if self.is_authenticated else "api:anonymous"

    @classmethod
    def anonymous(cls) -> Principal:
        return ANONYMOUS


ANONYMOUS = Principal()
