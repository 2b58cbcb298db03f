"""Who is acting: the name history rows record in their ``recorded_by`` column.

A context variable, so commands need no extra parameter and every entry point sets it once:
the API per request (``api:anonymous`` until accounts exist, then the user), jobs
(``job:<name>``), the command line (``cli``). Nothing that records history runs without one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

ACTOR_LENGTH = 64
_ACTOR: ContextVar[str] = ContextVar("bangfu_actor", default="system")


def current_actor() -> str:
    return _ACTOR.get()


def set_actor(name: str) -> None:
    """Name the actor for the rest of the current task (a request, a job)."""
    _ACTOR.set(name[:ACTOR_LENGTH])


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Record ``name`` as the actor of everything done inside the block."""
    token = _ACTOR.set(name[:ACTOR_LENGTH])
    try:
        yield
    finally:
        _ACTOR.reset(token)
