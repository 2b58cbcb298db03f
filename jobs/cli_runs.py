"""``bangfu match`` and ``bangfu allocate``: start a run, execute it here with a progress bar,
print the metrics as JSON. Exit status 0 when the run succeeded, 1 when it failed, 2 on bad
arguments."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from tqdm import tqdm

from jobs.allocation_job import run_allocation
from jobs.matching_job import run_matching
from jobs.split_runs import SPLIT
from models.allocation_run import AllocationRun
from models.base import Table
from models.commands.allocation import start_allocation_run
from models.commands.matching import start_run
from models.db import SessionFactory, make_engine, make_session_factory, transaction
from models.enums import Project, RunScope, RunStatus
from models.errors import DomainError
from models.geo import District, Street
from models.matching_run import MatchingRun
from settings import Settings

Start = Callable[[AsyncSession, str], Awaitable[tuple[Table, bool]]]


async def _execute(
    settings: Settings,
    model: type[Table],
    start: Start,
    job: Callable[[SessionFactory, int], Coroutine[Any, Any, None]],
    label: str,
) -> int:
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        try:
            async with transaction(factory) as session:
                run, _ = await start(session, f"cli-{uuid.uuid4()}")
        except DomainError as exc:
            print(f"{label}: {exc}", file=sys.stderr)
            return 2
        assert run.id is not None
        task = asyncio.create_task(job(factory, run.id))
        current: Any = None
        with tqdm(total=100, unit="%", desc=label, file=sys.stderr) as bar:
            while True:
                done = task.done()
                async with factory() as session:
                    current = await session.get(model, run.id)
                assert current is not None
                bar.set_postfix_str(current.progress_phase)
                bar.update(current.progress_percent - bar.n)
                if done:
                    break
                await asyncio.sleep(0.2)
        await task
        if current.status is not RunStatus.SUCCEEDED:
            print(f"{label}: run {run.id} {current.status.value}: {current.error}", file=sys.stderr)
            return 1
        report = {"run": run.id, "solver_status": current.solver_status, **current.metrics}
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    finally:
        await engine.dispose()


async def _ids(settings: Settings, stmt: Any) -> list[int]:
    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            return [i for i in (await session.execute(stmt)).scalars() if i is not None]
    finally:
        await engine.dispose()


async def match_from_cli(
    settings: Settings,
    *,
    street: str | None,
    district: str | None,
    max_distance_m: int,
    churn_budget: int,
    street_floor: float | None,
    seed: int,
    split_by_street: bool = False,
) -> int:
    if street is not None:
        stmt = sa.select(col(Street.id)).where(col(Street.name) == street)
        scope = RunScope.STREETS
    else:
        stmt = sa.select(col(District.id))
        if district:
            stmt = stmt.where(col(District.name) == district)
        scope = RunScope.DISTRICT
    ids = await _ids(settings, stmt)
    if not ids:
        what = "street" if street else "district"
        print(f"match: no {what} named {street or district!r}", file=sys.stderr)
        return 2
    params = {
        "max_distance_m": max_distance_m,
        "churn_budget": churn_budget,
        "street_floor": street_floor,
        "time_limit_s": 600,
        **({SPLIT: True} if split_by_street else {}),
    }

    async def start(session: AsyncSession, key: str) -> tuple[Table, bool]:
        return await start_run(
            session,
            key=key,
            project=Project.ONE_TO_ONE_80_PLUS,
            scope=scope,
            scope_ids=ids,
            params=params,
            seed=seed,
        )

    return await _execute(settings, MatchingRun, start, run_matching, "match")


async def allocate_from_cli(
    settings: Settings,
    *,
    year: int,
    streets: list[str],
    street_floor: float | None,
    strict_floors: bool,
) -> int:
    street_ids = await _ids(
        settings, sa.select(col(Street.id)).where(col(Street.name).in_(streets))
    )
    if len(street_ids) != len(set(streets)):
        print(f"allocate: not every street in {streets} exists", file=sys.stderr)
        return 2
    params = {"street_floor": street_floor, "strict_floors": strict_floors, "time_limit_s": 600}

    async def start(session: AsyncSession, key: str) -> tuple[Table, bool]:
        return await start_allocation_run(
            session,
            key=key,
            year=year,
            fund_ids=[],
            street_ids=street_ids,
            params=params,
            seed=0,
        )

    return await _execute(settings, AllocationRun, start, run_allocation, "allocate")
