"""Shared fixtures: real SQLite and real PostgreSQL databases, migrated by Alembic.

Every database test runs on both backends (``backend`` parameter). Each backend is migrated once
per session; after each test every table is emptied. (An outer transaction rolled back per test
would not do here: the API reads through several sessions at once, as in production, and they
must see what the test wrote.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from access.crypto import Keyring, configure_keyring
from models.append_only import APPEND_ONLY_TABLES, pg_trigger
from models.db import SessionFactory, make_engine, make_session_factory
from models.migrations import upgrade
from settings import Settings
from tests.services import REDIS_URL, drop_pg_database, missing, pg_url, recreate_pg_database

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    """The keys of the test settings (development keys derived from the secret key)."""
    return Settings(_env_file=None).keyring()


@pytest.fixture(autouse=True)
def _keyring_in_use(keyring: Keyring) -> None:
    """Every test starts with the test settings' keys in use, as an entry point would configure
    them: an app built with other keys (production tests) or a rotation test changes them."""
    configure_keyring(keyring)


@pytest.fixture(scope="session")
def tmp_session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bangfu")


@pytest.fixture(scope="session", params=BACKENDS)
async def migrated_url(request: pytest.FixtureRequest, tmp_session_dir: Path) -> AsyncIterator[str]:
    """A database URL, migrated to head once per session and backend."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_session_dir / 'test.db'}"
        await asyncio.to_thread(upgrade, url)
        yield url
        return
    await recreate_pg_database()
    url = pg_url()
    await asyncio.to_thread(upgrade, url)
    yield url
    await drop_pg_database()


async def empty_all_tables(engine: AsyncEngine) -> None:
    """Delete every row of every table, children first.

    DELETE, not TRUNCATE: on the few rows a test writes it is about 30 times faster on
    PostgreSQL. Ids are not reset; tests must not depend on them.
    """
    async with engine.begin() as conn:
        guards = await conn.run_sync(_lift_append_only_guards)
        for table in reversed(SQLModel.metadata.sorted_tables):
            await conn.execute(table.delete())
        await conn.run_sync(_restore_append_only_guards, guards)


def _lift_append_only_guards(conn: Connection) -> list[str]:
    """Switch off the append-only triggers inside the cleaning transaction (the application
    never does this: only a database owner can). Returns what to restore."""
    if conn.dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {pg_trigger(table)}")
        return []
    rows = [
        row
        for table in APPEND_ONLY_TABLES
        for row in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (table,),
        ).all()
    ]
    for name, _ in rows:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [sql for _, sql in rows]


def _restore_append_only_guards(conn: Connection, triggers: list[str]) -> None:
    if conn.dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {pg_trigger(table)}")
    for sql in triggers:
        conn.exec_driver_sql(sql)


@pytest.fixture
async def db_url(migrated_url: str) -> AsyncIterator[str]:
    """A migrated, empty database for one test (on SQLite, then on PostgreSQL)."""
    yield migrated_url
    engine = make_engine(migrated_url)
    try:
        await empty_all_tables(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> SessionFactory:
    return make_session_factory(engine)


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    client = Redis.from_url(REDIS_URL)
    try:
        await asyncio.wait_for(client.ping(), timeout=3)
    except (TimeoutError, OSError) as exc:
        await client.aclose()
        missing(f"Redis at {REDIS_URL}", exc)
    await client.flushdb()
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()
