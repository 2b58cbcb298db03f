"""Expected failures of commands: typed problems a user can act on (never a 500)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ErrorCode(enum.StrEnum):
    """What kind of thing went wrong; clients branch on this, people read the message."""

    VALIDATION = "validation"
    """A value is malformed or out of range."""
    REQUIRED = "required"
    """A value that must be given is missing."""
    NOT_FOUND = "not_found"
    """A referenced object does not exist (or is not visible to you)."""
    DUPLICATE = "duplicate"
    """The value must be unique and is taken."""
    CONFLICT = "conflict"
    """Someone else changed the object since you read it (stale ``expectedVersion``)."""
    INVALID_STATE = "invalid_state"
    """The object's current state does not allow this change."""
    UNAUTHENTICATED = "unauthenticated"
    """Wrong credentials, or a session that ended: sign in (again)."""
    FORBIDDEN = "forbidden"
    """Signed in, but your role may not do this."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix: ``field`` is the input path it concerns (``home.latitude``), if any."""

    code: ErrorCode
    message: str
    field: str | None = None


class DomainError(Exception):
    """Raised by a command when its input cannot be applied; nothing has been written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems

    @classmethod
    def one(cls, code: ErrorCode, message: str, field: str | None = None) -> DomainError:
        return cls([Problem(code, message, field)])
