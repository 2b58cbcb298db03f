"""Generate the demo data group by group and write it with Core bulk inserts."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel
from tqdm import tqdm

import models  # noqa: F401  (registers every table on the metadata)
from assessment import default_policy
from models.base import utcnow
from models.commands.policy import StoredPolicy, seed_policy, stored_policy
from models.db import transaction
from models.demo.assessments import build_assessments
from models.demo.common import Ids, Row
from models.demo.funds import build_funds
from models.demo.geography import build_geography
from models.demo.households import build_households
from models.demo.identifiers import Identifiers
from models.demo.pairs import build_pairs
from models.demo.requests import build_requests
from models.demo.volunteers import build_volunteers
from models.enums import AssistanceStatus
from models.geo import District

DemoScale = Literal["small", "district"]

CHUNK_ROWS = 2000
"""Rows per executemany call: big enough to be fast, small enough for steady progress bars."""


@dataclass(frozen=True)
class ScaleSpec:
    """How many of each thing one scale generates."""

    volunteers: int
    households: Mapping[AssistanceStatus, int]
    """Needy households by status (households of elders with status NONE come on top)."""
    exited_households: int
    """Households that were admitted once and have left (status NONE, with history)."""
    elders: int
    paired_share: float = 0.30
    requests: int = 0
    """Open requests for money in the demo year (what an allocation run works on)."""


SCALES: Mapping[DemoScale, ScaleSpec] = {
    "small": ScaleSpec(
        volunteers=600,
        households={
            AssistanceStatus.DIBAO: 140,
            AssistanceStatus.LOW_INCOME: 24,
            AssistanceStatus.SPECIAL_HARDSHIP: 8,
            AssistanceStatus.EDGE: 28,
        },
        exited_households=6,
        elders=500,
        requests=40,
    ),
    # Dongcheng, April 2017: 7,491 dibao households and 193 on special-hardship support.
    "district": ScaleSpec(
        volunteers=30_000,
        households={
            AssistanceStatus.DIBAO: 7_491,
            AssistanceStatus.LOW_INCOME: 1_600,
            AssistanceStatus.SPECIAL_HARDSHIP: 193,
            AssistanceStatus.EDGE: 2_400,
        },
        exited_households=300,
        elders=35_000,
        requests=600,
    ),
}


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`load_demo` did: rows inserted per table, or nothing (``skipped``)."""

    counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def generate_demo(
    scale: DemoScale | ScaleSpec = "small",
    seed: int = 2017,
    *,
    now: datetime | None = None,
    policy: StoredPolicy | None = None,
) -> Iterator[tuple[str, dict[str, list[Row]]]]:
    """The demo rows as ``(group, {table: rows})`` in foreign-key order, one group at a time.

    With the stored ``policy``, households get review dates (from ``now``'s date), dibao
    benefits and need assessments scored under it; without, none of these.

    Pure: no database. The same ``scale`` and ``seed`` give the same rows (apart from the
    ``created_at``/``updated_at`` stamp and the review dates, which follow ``now``). Each group
    draws from its own random stream derived from the seed, so changing how one group is made
    leaves the others as they were.
    """
    if isinstance(scale, ScaleSpec):  # benchmarks ask for sizes of their own
        spec = scale
    elif scale in SCALES:
        spec = SCALES[scale]
    else:
        raise ValueError(f"unknown demo scale {scale!r}; expected one of {get_args(DemoScale)}")
    stamped = now or utcnow()
    stamp: Row = {"created_at": stamped, "updated_at": stamped}
    ids = Ids()

    def stream(group: str) -> random.Random:
        # String seeds are hashed with SHA-512 by random.Random: stable across runs and machines.
        return random.Random(f"bangfu-demo/{seed}/{group}")

    geo = build_geography(stream("geography"), ids, stamp)
    yield "geography", geo.rows
    yield "funds", build_funds(ids, stamp)
    volunteer_rows, volunteers = build_volunteers(
        stream("volunteers"), ids, stamp, geo, spec.volunteers
    )
    yield "volunteers", volunteer_rows
    del volunteer_rows  # the rows are written by now; keep only the summaries for pairing
    household_rows, elders = build_households(
        stream("households"),
        ids,
        stamp,
        geo,
        spec.households,
        spec.exited_households,
        spec.elders,
        Identifiers(stream("identifiers")),
    )
    assessed = (
        build_assessments(
            stream("assessments"),
            ids,
            stamp,
            household_rows,
            policy.policy,
            policy.revision,
            stamped.date(),
        )
        if policy is not None
        else None
    )  # before the households are written: it fills their review and benefit columns
    yield "households", household_rows
    if assessed is not None:
        yield "assessments", assessed
    yield (
        "requests",
        build_requests(stream("requests"), ids, stamp, household_rows["household"], spec.requests),
    )
    del household_rows
    yield "pairs", build_pairs(stream("pairs"), ids, stamp, volunteers, elders, spec.paired_share)


async def database_has_data(session_factory: async_sessionmaker[AsyncSession]) -> bool:
    """Whether any district exists (then the demo, or real data, has been loaded already)."""
    async with session_factory() as session:
        return await _has_district(session)


async def _has_district(session: AsyncSession) -> bool:
    district = SQLModel.metadata.tables[District.__tablename__]
    found = await session.execute(sa.select(district.c.id).limit(1))
    return found.first() is not None


async def reset_id_sequences(session: AsyncSession) -> None:
    """Move every table's id sequence past its largest id (PostgreSQL; no-op elsewhere).

    Rows inserted with explicit ids leave SERIAL sequences at 1, and the next ORM insert would
    collide with an existing id.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in SQLModel.metadata.sorted_tables:
        if "id" not in table.columns:
            continue
        # Quoted, because pg_get_serial_sequence parses its argument as an identifier.
        quoted = f'"{table.name}"'
        next_id = sa.func.coalesce(sa.func.max(table.c.id), 0) + 1
        sequence = sa.func.pg_get_serial_sequence(quoted, "id")
        await session.execute(sa.select(sa.func.setval(sequence, next_id, False)))


async def load_demo(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    scale: DemoScale | ScaleSpec = "small",
    seed: int = 2017,
    progress: bool = False,
    now: datetime | None = None,
) -> DemoSummary:
    """Fill an empty database with a Dongcheng-shaped demo district; skip one that has data.

    Everything is written in one transaction, so a failed load leaves nothing behind and a
    database that has a district always has the whole demo (``make serve`` may call this on
    every start). ``progress`` shows a bar per table group on stderr.
    """
    counts: dict[str, int] = {}
    # A write transaction: on SQLite it begins IMMEDIATE, so the emptiness check and the
    # inserts happen under one lock; on PostgreSQL a second concurrent loader fails on the
    # district's unique name and rolls back, leaving the first one's data.
    async with transaction(session_factory) as session:
        if await _has_district(session):
            return DemoSummary(skipped=True)
        seeded = await seed_policy(session, default_policy(), numbered=True)
        if seeded:
            counts["policy_parameter"] = seeded
        policy = await stored_policy(session)
        for group, tables in generate_demo(scale, seed, now=now, policy=policy):
            total = sum(len(rows) for rows in tables.values())
            with tqdm(
                total=total, desc=f"demo {group}", unit="row", file=sys.stderr, disable=not progress
            ) as bar:
                for name, rows in tables.items():
                    table = SQLModel.metadata.tables[name]
                    for start in range(0, len(rows), CHUNK_ROWS):
                        chunk = rows[start : start + CHUNK_ROWS]
                        await session.execute(sa.insert(table), chunk)
                        bar.update(len(chunk))
                    counts[name] = counts.get(name, 0) + len(rows)
        await reset_id_sequences(session)
    return DemoSummary(counts=counts)
