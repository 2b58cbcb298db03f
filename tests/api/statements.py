"""SQL statements a request sends beyond checking its credentials."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

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
