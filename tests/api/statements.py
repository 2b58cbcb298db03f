"""SQL statements a request sends beyond checking its credentials."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from starlette.applications import Starlette

from tests.api.test_query_count import count_statements

_CREDENTIALS = re.compile(r"\b(app_user|refresh_token|api_key)\b", re.IGNORECASE)
_TRANSACTION = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


@contextmanager
def domain_statements(app: Starlette) -> Iterator[list[str]]:
    """The statements sent inside the block, less transaction control and the credential
    lookup every signed-in request makes (accounts, sign-ins, API keys); filled on exit."""
    found: list[str] = []
    with count_statements(app) as statements:
        yield found
    found.extend(s for s in statements if not _TRANSACTION.match(s) and not _CREDENTIALS.search(s))


@contextmanager
def every_statement(app: Starlette) -> Iterator[list[str]]:
    """Every statement sent inside the block but transaction control, the credential lookup
    included (for requests without credentials, which need none); filled as they are sent."""
    found: list[str] = []

    def record(*args: Any) -> None:
        if not _TRANSACTION.match(str(args[2])):
            found.append(str(args[2]))

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", record)
