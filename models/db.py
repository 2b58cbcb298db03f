"""Engines and sessions. Nothing here runs at import time: callers pass the URL in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers run beside the writer.
    # pysqlite's own transaction handling is disabled (SQLAlchemy's documented fix) so that
    # SAVEPOINTs and BEGIN behave; SQLAlchemy emits BEGIN itself in the "begin" event below.
    # Deleted and overwritten content is zeroed (secure_delete, whatever the build's default),
    # so that nothing a migration or an update replaced lingers in free pages of the file.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


WRITE_OPTION = "bangfu_write"


def _sqlite_on_begin(connection: Any) -> None:
    # A writer takes the write lock at BEGIN (IMMEDIATE), waiting up to busy_timeout for
    # another writer; a deferred BEGIN would fail at once ("database is locked") when two
    # transactions that both read first then try to write.
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for ``url`` with SQLite made to enforce foreign keys. Statement
    parameters stay out of error messages and logs (they hold people's data)."""
    if is_sqlite(url):
        engine = create_async_engine(
            url, echo=echo, hide_parameters=True, connect_args={"timeout": 30}
        )
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine
    return create_async_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True)


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded values after commit (async code must not lazy-load)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A session inside one write transaction: committed on success, rolled back on exception.

    On SQLite the transaction begins IMMEDIATE, so concurrent writers queue instead of failing.
    """
    async with factory() as session, session.begin():
        await session.connection(execution_options={WRITE_OPTION: True})
        yield session


IN_CHUNK = 5000
"""Ids per IN list: SQLite and asyncpg cap the parameters of one statement (32,766 / 32,767)."""


async def rows_in_chunks(
    session: AsyncSession, statement: Callable[[list[int]], Any], ids: Sequence[int]
) -> list[Any]:
    """All rows of ``statement(chunk)`` over ``ids`` in chunks of :data:`IN_CHUNK`.

    Column selects only: they run on the session's connection as Core statements, without the
    ORM's per-row work (several times faster for the millions of rows a district run reads)."""
    connection = await session.connection()
    rows: list[Any] = []
    for start in range(0, len(ids), IN_CHUNK):
        chunk = list(ids[start : start + IN_CHUNK])
        rows += (await connection.execute(statement(chunk))).all()
    return rows
