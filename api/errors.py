"""Typed user errors in mutation payloads, and the one runner every mutation goes through."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.db import SessionFactory, transaction
from models.errors import DomainError, ErrorCode, Problem

log = logging.getLogger(__name__)
R = TypeVar("R")

UserErrorCode = strawberry.enum(ErrorCode, name="UserErrorCode")


@strawberry.type(description="Something in the input to fix; nothing was changed.")
class UserError:
    code: UserErrorCode  # type: ignore[valid-type]
    message: str
    field: str | None = strawberry.field(
        description="The input path the error concerns, e.g. `home.latitude`; null if general."
    )

    @classmethod
    def of(cls, problem: Problem) -> UserError:
        return cls(code=problem.code, message=problem.message, field=problem.field)


class InputError(Exception):
    """A problem found while reading the GraphQL input (e.g. a malformed id)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


async def run_command(
    factory: SessionFactory, action: Callable[[AsyncSession], Awaitable[R]]
) -> tuple[R | None, list[UserError]]:
    """Run ``action`` in one transaction: all of it is committed, or none of it.

    Expected failures come back as user errors; anything else propagates (and is masked).
    A unique or foreign-key violation means a concurrent change slipped between our checks
    and our writes (two requests with one idempotency key, two creations of one name): the
    action runs once more, when its checks see the other change and answer properly.
    """
    for attempt in range(2):
        try:
            async with transaction(factory) as session:
                result = await action(session)
        except DomainError as exc:
            return None, [UserError.of(p) for p in exc.problems]
        except InputError as exc:
            return None, [UserError.of(exc.problem)]
        except IntegrityError:
            log.warning("integrity error in mutation (concurrent change)", exc_info=True)
            if attempt == 0:
                continue
            problem = Problem(
                ErrorCode.CONFLICT,
                "Your change collided with another change made at the same time; nothing was "
                "saved. Reload and try again.",
            )
            return None, [UserError.of(problem)]
        return result, []
    raise AssertionError("unreachable")
