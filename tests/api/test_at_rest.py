"""Nothing the API stores holds an identifier in clear: after writing known ID-card and phone
numbers through it (creations, changes, refused duplicates, look-ups), the SQLite file with
its WAL, and every text and JSON column of PostgreSQL (and ``pg_dump``, when installed), hold
none of them, while they do hold the member's name in clear (so the search itself works)."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from models.db import make_engine
from models.enums import Role
from models.id_number import make_id_number
from tests.api import builders as b
from tests.api.conftest import Api, client_for
from tests.api.signin import sign_in
from tests.services import PG_ADMIN_URL

BORN = date(1951, 7, 23)
ID_NUMBERS = [make_id_number("110101", BORN, n) for n in (101, 203, 305)]
PHONES = ["13987654321", "15011112222", "18600001111", "13700007777"]
NAME = "扫描测试"
"""Stored in clear: finding it proves that the scan reads the stored rows."""
SECRETS = [*ID_NUMBERS, *PHONES]

P_CREATE = b.mutation_doc("personCreate", "PersonCreateInput", "person { id version }")
P_UPDATE = b.mutation_doc("personUpdate", "PersonUpdateInput", "person { id version }")
V_UPDATE = b.mutation_doc("volunteerUpdate", "VolunteerUpdateInput", "volunteer { id }")
HOUSEHOLDS = "query($f: HouseholdFilter) { households(filter: $f) { totalCount } }"


async def _write_identifiers(api: Api) -> None:
    ids = await b.geo(api)
    first, second = [await b.household(api, ids["community"]) for _ in range(2)]
    member = {
        "name": NAME,
        "gender": "MALE",
        "birthDate": BORN.isoformat(),
        "relation": "HEAD",
        "labourCapacity": "NONE",
    }
    created = await api.ok(
        "personCreate",
        P_CREATE,
        input={"householdId": first, **member, "idNumber": ID_NUMBERS[0], "phone": PHONES[0]},
    )
    refused = await api.mutate(
        "personCreate", P_CREATE, input={"householdId": second, **member, "idNumber": ID_NUMBERS[0]}
    )
    assert b.issues(refused) == [("DUPLICATE", "idNumber")]
    await api.ok(
        "personUpdate",
        P_UPDATE,
        input={"id": created["person"]["id"], "idNumber": ID_NUMBERS[1], "phone": PHONES[1]},
    )
    await api.ok(
        "personCreate",
        P_CREATE,
        input={"householdId": second, **member, "idNumber": ID_NUMBERS[2], "phone": PHONES[1]},
    )
    volunteer = await b.volunteer(api, [ids["station"]], name=NAME, phone=PHONES[2])
    await api.ok("volunteerUpdate", V_UPDATE, input={"id": volunteer, "phone": PHONES[3]})
    for f, count in (({"memberIdNumber": ID_NUMBERS[1]}, 1), ({"memberPhone": PHONES[1]}, 2)):
        assert (await api.data(HOUSEHOLDS, f=f))["households"]["totalCount"] == count


def _found(data: bytes) -> list[str]:
    """The secrets (and the clear-text marker) that occur in ``data``, in any likely encoding."""
    found = []
    for value in [*SECRETS, NAME]:
        if any(value.encode(codec) in data for codec in ("utf-8", "utf-16-le", "utf-16-be")):
            found.append(value)
    return found


def _sqlite_files(path: Path) -> bytes:
    return b"".join(
        f.read_bytes() for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if f.exists()
    )


async def test_no_identifier_is_stored_in_clear(api: Api, app: Starlette, db_url: str) -> None:
    await _write_identifiers(api)
    await app.state.engine.dispose()  # every connection closed: what is on disk is all there is

    if make_url(db_url).get_backend_name() == "sqlite":
        path = Path(str(make_url(db_url).database))
        before_checkpoint = _sqlite_files(path)
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        after_checkpoint = _sqlite_files(path)
        assert _found(before_checkpoint) == [NAME]
        assert _found(after_checkpoint) == [NAME]
        return

    assert await _postgres_columns_holding(db_url) == {NAME: {"person.name", "volunteer.name"}}
    pg_dump = shutil.which("pg_dump")
    if pg_dump is not None:
        assert _found(await asyncio.to_thread(_pg_dump, pg_dump, db_url)) == [NAME]


async def _postgres_columns_holding(db_url: str) -> dict[str, set[str]]:
    """For each secret (and the marker), the ``table.column``s whose text contains it, over
    every text, character and JSON column of every table."""
    engine = make_engine(db_url)
    found: dict[str, set[str]] = {}
    try:
        async with engine.connect() as conn:
            columns = (
                await conn.execute(
                    sa.text(
                        "SELECT table_name, column_name FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND data_type IN "
                        "('text', 'character varying', 'character', 'json', 'jsonb')"
                    )
                )
            ).all()
            assert len(columns) > 50  # the whole schema, not a few tables
            for table, column in columns:
                for value in [*SECRETS, NAME]:
                    hits = await conn.execute(
                        sa.text(
                            f'SELECT count(*) FROM "{table}" '  # noqa: S608  (catalogue names)
                            f'WHERE strpos("{column}"::text, :value) > 0'
                        ),
                        {"value": value},
                    )
                    if hits.scalar_one():
                        found.setdefault(value, set()).add(f"{table}.{column}")
    finally:
        await engine.dispose()
    return found


def _pg_dump(pg_dump: str, db_url: str) -> bytes:
    database = make_url(db_url).database
    server = make_url(PG_ADMIN_URL).set(database=database)
    dumped = subprocess.run(  # noqa: S603  (pg_dump of our own test database)
        [pg_dump, "--data-only", "--no-owner", server.render_as_string(hide_password=False)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert b"COPY public.person" in dumped.stdout
    return dumped.stdout


READS = [
    "{ households(first: 50) { nodes { members { name idNumber phone } } } }",
    "{ volunteers(first: 50) { nodes { name phone } } }",
    "{ accessLog(first: 100) { nodes { kind recordType fields before after } } }",
]


async def test_no_response_carries_an_identifier_in_clear(api: Api, app: Starlette) -> None:
    """Every response body of the writes above (creations, changes, the refused duplicate,
    look-ups) and of reading it all back, by an administrator and an auditor, holds none of
    the identifiers: they come back masked, also in the access log's before/after."""
    bodies: list[bytes] = []

    async def keep(response: httpx.Response) -> None:  # as text, not \u escapes
        text = json.dumps(json.loads(await response.aread()), ensure_ascii=False)
        bodies.append(text.encode())

    api.client.event_hooks["response"].append(keep)
    await _write_identifiers(api)
    async with client_for(app, await sign_in(app, Role.AUDITOR)) as auditor:
        auditor.client.event_hooks["response"].append(keep)
        for query in READS:
            assert await api.data(query)
            assert await auditor.data(query)
    assert len(bodies) >= 2 * len(READS) + 8
    assert _found(b"".join(bodies)) == [NAME]
