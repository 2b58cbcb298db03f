"""Where the tests find PostgreSQL and Redis, and what to do when they are missing.

Without ``BANGFU_REQUIRE_SERVICES=1`` a missing service skips the tests that need it, with a
message naming it; with it (CI), a missing service fails them.
"""

from __future__ import annotations

import asyncio
import os

import pytest

PG_ADMIN_URL = os.environ.get(
    "BANGFU_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# One database per test process, so that concurrent runs (two terminals, CI) never collide.
PG_TEST_DB = os.environ.get("BANGFU_TEST_PG_DB", f"bangfu_test_{os.getpid()}")
REDIS_URL = os.environ.get("BANGFU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def services_required() -> bool:
    return os.environ.get("BANGFU_REQUIRE_SERVICES") == "1"


def missing(what: str, why: object) -> None:
    """Skip (or, when services are required, fail) because ``what`` is not reachable."""
    message = f"{what} is not reachable ({why}); start it or set BANGFU_TEST_* URLs"
    if services_required():
        pytest.fail(f"BANGFU_REQUIRE_SERVICES=1 but {message}", pytrace=False)
    pytest.skip(message)


def pg_url(database: str = PG_TEST_DB) -> str:
    """The SQLAlchemy (asyncpg) URL of a test database on the admin URL's server."""
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


async def drop_pg_database(database: str = PG_TEST_DB) -> None:
    """Drop a test database (at the end of the session); a missing server is ignored."""
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect(PG_ADMIN_URL), timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await conn.close()


async def recreate_pg_database(database: str = PG_TEST_DB) -> None:
    """Drop and create an empty PostgreSQL database, or skip/fail when the server is away."""
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect(PG_ADMIN_URL), timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        missing(f"PostgreSQL at {PG_ADMIN_URL}", exc)
        return
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
