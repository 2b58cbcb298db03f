"""Alembic migrations on SQLite and PostgreSQL: they build every table, match the models, go back.

These tests build and drop the whole schema, so they use databases of their own (tmp SQLite files,
scratch PostgreSQL databases apart from the shared test database): one migrated once per module
for the read-only checks, and a fresh one for the round trip.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from alembic import command
from models.db import make_engine, make_session_factory
from models.demo import load_demo
from models.migrations import alembic_config, downgrade, upgrade
from tests.services import PG_TEST_DB, drop_pg_database, pg_url, recreate_pg_database

BACKENDS = ["sqlite", "postgres"]
APP_TABLES = frozenset(SQLModel.metadata.tables)

T = TypeVar("T")


@asynccontextmanager
async def scratch_database(backend: str, directory: Path, name: str) -> AsyncIterator[str]:
    """The URL of an empty database called ``name`` that nothing else uses; dropped after."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{directory / name}.db"
        return
    database = f"{PG_TEST_DB}_{name}"
    await recreate_pg_database(database)
    try:
        yield pg_url(database)
    finally:
        await drop_pg_database(database)


@pytest.fixture(scope="module", params=BACKENDS)
async def head_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A database migrated from empty to head once per module; the tests only read it."""
    directory = tmp_path_factory.mktemp("migrations")
    async with scratch_database(request.param, directory, "migrations") as url:
        assert await inspect_db(url, table_names) == set()
        await asyncio.to_thread(upgrade, url)
        yield url


@pytest.fixture(params=BACKENDS)
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of its own, for a test that changes the schema."""
    async with scratch_database(request.param, tmp_path, "migrations_round_trip") as url:
        yield url


async def inspect_db(url: str, look: Callable[[Connection], T]) -> T:
    """Run ``look`` on a sync connection to ``url`` (through a fresh async engine)."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(look)
    finally:
        await engine.dispose()


def table_names(conn: Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def current_revisions(conn: Connection) -> set[str]:
    return set(MigrationContext.configure(conn).get_current_heads())


def model_diffs(conn: Connection) -> list[Any]:
    """Alembic's autogenerate differences between the database and the models (as env.py)."""
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    diffs: list[Any] = compare_metadata(context, SQLModel.metadata)
    return diffs


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


async def test_upgrade_from_empty_creates_every_table(head_url: str) -> None:
    assert await inspect_db(head_url, table_names) == APP_TABLES | {"alembic_version"}
    assert await inspect_db(head_url, current_revisions) == {head_revision()}


async def test_migrations_match_the_models(head_url: str) -> None:
    diffs = await inspect_db(head_url, model_diffs)

    assert diffs == [], (
        "the migrations differ from the models; write a migration "
        "(alembic revision --autogenerate) for:\n" + "\n".join(map(repr, diffs))
    )


async def test_alembic_check_finds_nothing_to_generate(head_url: str) -> None:
    """`alembic check` through env.py itself (its own compare options); raises on any diff."""
    await asyncio.to_thread(command.check, alembic_config(head_url))


def check_constraint_names(conn: Connection) -> dict[str, set[str]]:
    inspector = sa.inspect(conn)
    return {
        table: {str(ck["name"]) for ck in inspector.get_check_constraints(table)}
        for table in APP_TABLES
    }


def live_pair_index(conn: Connection) -> dict[str, Any]:
    indexes = {ix["name"]: ix for ix in sa.inspect(conn).get_indexes("pair")}
    return dict(indexes["uq_pair_elder_live"])


async def test_check_constraints_and_the_partial_index_are_migrated(head_url: str) -> None:
    """Autogenerate ignores CHECK constraints and index predicates, so compare them here."""
    expected = {
        table.name: {str(c.name) for c in table.constraints if isinstance(c, sa.CheckConstraint)}
        for table in SQLModel.metadata.tables.values()
    }
    assert await inspect_db(head_url, check_constraint_names) == expected
    assert "ck_fund_budget_budget_non_negative" in expected["fund_budget"]
    assert "ck_pair_pairstatus" in expected["pair"]

    index = await inspect_db(head_url, live_pair_index)
    assert index["unique"]
    assert index["column_names"] == ["elder_id"]
    predicate = {k: v for k, v in index["dialect_options"].items() if k.endswith("_where")}
    assert len(predicate) == 1, index
    assert "proposed" in str(next(iter(predicate.values())))


async def test_downgrade_to_base_then_upgrade_again(empty_url: str) -> None:
    assert await inspect_db(empty_url, table_names) == set()
    await asyncio.to_thread(upgrade, empty_url)
    assert await inspect_db(empty_url, table_names) == APP_TABLES | {"alembic_version"}

    await asyncio.to_thread(downgrade, empty_url, "base")

    assert await inspect_db(empty_url, table_names) <= {"alembic_version"}
    assert await inspect_db(empty_url, current_revisions) == set()

    await asyncio.to_thread(upgrade, empty_url)

    assert await inspect_db(empty_url, table_names) == APP_TABLES | {"alembic_version"}
    assert await inspect_db(empty_url, current_revisions) == {head_revision()}
    assert await inspect_db(empty_url, model_diffs) == []


def test_one_head_and_a_linear_history() -> None:
    scripts = script_directory()
    heads = scripts.get_heads()
    assert len(heads) == 1, f"several heads {heads}: merge them (alembic merge heads)"
    assert len(scripts.get_bases()) == 1, f"several bases {scripts.get_bases()}"

    chain = list(scripts.walk_revisions())  # head first, down to the base
    assert chain[0].revision == heads[0]
    assert chain[-1].down_revision is None
    for newer, older in pairwise(chain):
        assert newer.down_revision == older.revision, (
            f"{newer.revision} does not follow {older.revision}"
        )
    for revision in chain:
        assert not revision.is_merge_point, f"{revision.revision} merges branches"
        assert not revision.is_branch_point, f"{revision.revision} starts a branch"


async def migrated_with_demo(url: str) -> None:
    """Migrate the empty database at ``url`` to head and load the small demo."""
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    try:
        await load_demo(make_session_factory(engine))
    finally:
        await engine.dispose()


def row_counts(conn: Connection) -> dict[str, int]:
    return {
        name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
        for name, table in SQLModel.metadata.tables.items()
        if name in sa.inspect(conn).get_table_names()
    }


async def test_a_step_down_and_up_keeps_every_row(empty_url: str) -> None:
    """Batch mode rebuilds tables on SQLite; with foreign keys on, dropping a parent table
    would cascade into its children. The data must come through whole."""
    await migrated_with_demo(empty_url)
    before = await inspect_db(empty_url, row_counts)
    assert before["fund_budget"] == 18
    assert before["ledger_entry"] == 18  # one opening budget row per fund

    previous = script_directory().get_revision(head_revision()).down_revision
    assert isinstance(previous, str)
    await asyncio.to_thread(downgrade, empty_url, previous)
    await asyncio.to_thread(upgrade, empty_url)

    assert await inspect_db(empty_url, row_counts) == before


def rewrite_ledger(statement: str) -> Callable[[Connection], None]:
    def run(conn: Connection) -> None:
        conn.exec_driver_sql(statement)

    return run


@pytest.mark.parametrize(
    "statement", ["UPDATE ledger_entry SET amount_fen = 1", "DELETE FROM ledger_entry"]
)
async def test_the_ledger_cannot_be_rewritten_in_the_database(
    empty_url: str, statement: str
) -> None:
    await migrated_with_demo(empty_url)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        await inspect_db(empty_url, rewrite_ledger(statement))
    counts = await inspect_db(empty_url, row_counts)
    assert counts["ledger_entry"] == 18
