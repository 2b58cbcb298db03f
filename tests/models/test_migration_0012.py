"""Migration 0012 on SQLite and PostgreSQL: the volunteers' clear phones are encrypted (with
their lookup hashes), read back through the models, and decrypted again on the way down."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url

from access.crypto import Keyring
from models.db import make_engine, make_session_factory
from models.migrations import downgrade, upgrade
from models.volunteer import Volunteer
from tests.models.test_migrations import BACKENDS, inspect_db, scratch_database

PHONES = ["13811112222", "01065123456", "+8613900001111"]


@asynccontextmanager
async def database_at_0011(backend: str, directory: Path) -> AsyncIterator[str]:
    """A database at revision 0011 with volunteers whose phones are in clear."""
    async with scratch_database(backend, directory, "migration_0012") as url:
        await asyncio.to_thread(upgrade, url, "0011")
        await inspect_db(url, _insert_volunteers)
        yield url


@pytest.fixture(params=BACKENDS)
async def url_at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_at_0011(request.param, tmp_path) as url:
        yield url


def _insert_volunteers(conn: Connection) -> None:
    now = datetime.now(UTC)
    volunteer = sa.table(
        "volunteer",
        *(sa.column(name) for name in ("created_at", "updated_at", "version", "name", "gender")),
        *(sa.column(name) for name in ("birth_year", "phone", "home_latitude", "home_longitude")),
        *(sa.column(name) for name in ("capacity", "vetted", "active")),
    )
    conn.execute(
        sa.insert(volunteer),
        [
            {
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "name": f"志愿者{i}",
                "gender": "female",
                "birth_year": 1990,
                "phone": phone,
                "home_latitude": 39.9,
                "home_longitude": 116.4,
                "capacity": 1,
                "vetted": False,
                "active": True,
            }
            for i, phone in enumerate(PHONES)
        ],
    )
    conn.commit()


def _stored(conn: Connection) -> list[Any]:
    columns = {c["name"] for c in sa.inspect(conn).get_columns("volunteer")}
    hashed = "phone_hash" if "phone_hash" in columns else "NULL"
    return list(conn.execute(sa.text(f"SELECT phone, {hashed} FROM volunteer ORDER BY id")))  # noqa: S608


async def test_upgrade_encrypts_the_clear_phones_and_downgrade_decrypts_them(
    url_at_0011: str, keyring: Keyring
) -> None:
    await asyncio.to_thread(upgrade, url_at_0011)

    stored = await inspect_db(url_at_0011, _stored)
    assert [row[0].split(":")[:2] for row in stored] == [["v1", keyring.data_key_id]] * 3
    assert not any(phone in row[0] for row in stored for phone in PHONES)
    assert [row[1] for row in stored] == [
        keyring.lookup_hash(p, field="volunteer.phone") for p in PHONES
    ]
    engine = make_engine(url_at_0011)
    try:
        async with make_session_factory(engine)() as session:
            volunteers = (await session.execute(sa.select(Volunteer))).scalars().all()
    finally:
        await engine.dispose()
    assert sorted(v.phone for v in volunteers) == sorted(PHONES)

    await asyncio.to_thread(downgrade, url_at_0011, "0011")

    assert [row[0] for row in await inspect_db(url_at_0011, _stored)] == PHONES


def _secure_delete(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA secure_delete").scalar_one())


async def test_no_clear_phone_is_left_in_the_sqlite_file(tmp_path: Path) -> None:
    """Our SQLite connections zero what they free (PRAGMA secure_delete), so the pages of the
    old table do not keep the clear phones. (PostgreSQL keeps dead rows until VACUUM FULL,
    which the README says to run after this upgrade.)"""
    async with database_at_0011("sqlite", tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        assert await inspect_db(url, _secure_delete) == 1
    path = Path(str(make_url(url).database))
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    data = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))

    assert "志愿者0".encode() in data  # the rows are there
    assert not [p for p in PHONES if p.encode() in data]
