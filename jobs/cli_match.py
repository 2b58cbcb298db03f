"""``bangfu match``: start a run, execute it here with a progress bar, print the metrics."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid

import sqlalchemy as sa
from sqlmodel import col
from tqdm import tqdm

from jobs.matching_job import run_matching
from models.commands.matching import start_run
from models.db import make_engine, make_session_factory, transaction
from models.enums import Project, RunScope, RunStatus
from models.errors import DomainError
from models.geo import District, Street
from models.matching_run import MatchingRun
from settings import Settings


async def match_from_cli(
    settings: Settings,
    *,
    street: str | None,
    district: str | None,
    max_distance_m: int,
    churn_budget: int,
    street_floor: float | None,
    seed: int,
) -> int:
    """Exit status 0 when the run succeeded, 1 when it failed, 2 on bad arguments."""
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        async with factory() as session:
            if street is not None:
                stmt = sa.select(col(Street.id)).where(col(Street.name) == street)
                scope = RunScope.STREETS
            else:
                stmt = sa.select(col(District.id))
                if district:
                    stmt = stmt.where(col(District.name) == district)
                scope = RunScope.DISTRICT
            ids = [i for i in (await session.execute(stmt)).scalars() if i is not None]
        if not ids:
            print(
                f"match: no {'street' if street else 'district'} named {street or district!r}",
                file=sys.stderr,
            )
            return 2
        params = {
            "max_distance_m": max_distance_m,
            "churn_budget": churn_budget,
            "street_floor": street_floor,
            "time_limit_s": 600,
        }
        try:
            async with transaction(factory) as session:
                run, _ = await start_run(
                    session,
                    key=f"cli-{uuid.uuid4()}",
                    project=Project.ONE_TO_ONE_80_PLUS,
                    scope=scope,
                    scope_ids=ids,
                    params=params,
                    seed=seed,
                )
        except DomainError as exc:
            print(f"match: {exc}", file=sys.stderr)
            return 2
        assert run.id is not None
        job = asyncio.create_task(run_matching(factory, run.id))
        with tqdm(total=100, unit="%", desc="matching", file=sys.stderr) as bar:
            while True:
                done = job.done()
                async with factory() as session:
                    current = await session.get(MatchingRun, run.id)
                assert current is not None
                bar.set_postfix_str(current.progress_phase)
                bar.update(current.progress_percent - bar.n)
                if done:
                    break
                await asyncio.sleep(0.2)
        await job
        if current.status is not RunStatus.SUCCEEDED:
            print(f"match: run {run.id} {current.status.value}: {current.error}", file=sys.stderr)
            return 1
        print(
            json.dumps(
                {"run": run.id, "solver_status": current.solver_status, **current.metrics},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    finally:
        await engine.dispose()
