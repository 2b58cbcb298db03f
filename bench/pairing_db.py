"""One matching run of 100,000 elders x 300,000 volunteers through PostgreSQL, end to end.

Loads a demo district of that size into its own PostgreSQL database (once; later runs reuse
it), then runs the real matching job over the whole district, as a worker would: read the
scope, build the problem, solve, re-check every hard rule, save proposals and explanations in
one transaction. Prints the seconds of each phase and their shares; no absolute targets (the
machines are noisy), only ratios measured in this run.

Target (issue 3): saving must not dominate: the save phase takes less time than the solve and
under a third of the whole run (bulk writes, not a row at a time).

    .venv/bin/python bench/pairing_db.py [--elders 100000 --volunteers 300000] [--fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

import asyncpg
from verdict import verdict

from access.crypto import configure_keyring
from jobs.matching_job import run_matching
from models.commands.matching import start_run
from models.db import make_engine, make_session_factory, transaction
from models.demo import ScaleSpec, load_demo
from models.enums import AssistanceStatus, Project, RunScope, RunStatus
from models.geo import District
from models.matching_run import MatchingRun
from models.migrations import upgrade
from settings import Settings

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def spec(elders: int, volunteers: int) -> ScaleSpec:
    """The district demo's mix, scaled to ``elders``."""
    factor = elders / 35_000
    return ScaleSpec(
        volunteers=volunteers,
        households={
            AssistanceStatus.DIBAO: round(7_491 * factor),
            AssistanceStatus.LOW_INCOME: round(1_600 * factor),
            AssistanceStatus.SPECIAL_HARDSHIP: round(193 * factor),
            AssistanceStatus.EDGE: round(2_400 * factor),
        },
        exited_households=round(300 * factor),
        elders=elders,
    )


async def ensure_database(name: str, *, fresh: bool) -> bool:
    """Create the database if it is missing (drop it first with ``fresh``); True if new."""
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        if fresh:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
        return not exists
    finally:
        await admin.close()


async def run(url: str, elders: int, volunteers: int) -> int:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        async with factory() as session:
            district = (await session.execute(District.__table__.select())).first()  # type: ignore[attr-defined]
        if district is None:
            clock = time.perf_counter()
            summary = await load_demo(factory, scale=spec(elders, volunteers), progress=True)
            print(f"loaded {summary.total:,} rows in {time.perf_counter() - clock:.1f} s")
        async with factory() as session:
            district = (await session.execute(District.__table__.select())).first()  # type: ignore[attr-defined]
        assert district is not None
        async with transaction(factory) as session:
            matching_run, _ = await start_run(
                session,
                key=f"bench-{uuid.uuid4()}",
                project=Project.ONE_TO_ONE_80_PLUS,
                scope=RunScope.DISTRICT,
                scope_ids=[district.id],
                params={"time_limit_s": 1800},
                seed=1,
            )
        assert matching_run.id is not None
        clock = time.perf_counter()
        await run_matching(factory, matching_run.id)
        wall = time.perf_counter() - clock
        async with factory() as session:
            done = await session.get(MatchingRun, matching_run.id)
        assert done is not None
        if done.status is not RunStatus.SUCCEEDED:
            print(f"FAIL  run {done.id} {done.status.value}: {done.error}")
            return 1
        return report(done, wall)
    finally:
        await engine.dispose()


def report(done: MatchingRun, wall: float) -> int:
    m = done.metrics
    t = m["timings"]
    print(
        f"run {done.id}: {m['elders_in_scope']:,} elders, {m['volunteers_in_reach']:,} volunteers"
        f" in reach, {m['elders_paired']:,} paired ({done.solver_status}),"
        f" kept {m['pairs_kept']:,}, broken {m['pairs_broken']} + forced {m['pairs_broken_forced']}"
    )
    print(f"{'phase':<8} {'seconds':>8} {'share':>6}")
    for phase in ("load_s", "solve_s", "check_s", "save_s"):
        print(f"{phase[:-2]:<8} {t[phase]:8.2f} {t[phase] / wall:6.1%}")
    print(f"{'whole':<8} {wall:8.2f} (job wall time, progress writes and commit included)")
    checks = [
        ("save faster than solve", t["save_s"] < t["solve_s"]),
        ("save under a third of the run", t["save_s"] < wall / 3),
    ]
    return verdict(checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--elders", type=int, default=100_000)
    parser.add_argument("--volunteers", type=int, default=300_000)
    parser.add_argument("--fresh", action="store_true", help="drop and reload the database")
    args = parser.parse_args()
    configure_keyring(Settings().keyring())  # the demo's identifiers are encrypted
    name = f"bangfu_bench_{args.elders}_{args.volunteers}"
    asyncio.run(ensure_database(name, fresh=args.fresh))
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    upgrade(url)
    return asyncio.run(run(url, args.elders, args.volunteers))


if __name__ == "__main__":
    raise SystemExit(main())
