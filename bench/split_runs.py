"""A city-scale split matching run through 1 and then 2 arq worker processes (PostgreSQL + Redis).

Generates a city (default: 330 streets of 1.6 x 1.6 km, 600,000 elders aged 80+ and 1,800,000
volunteers; ``--scale 0.2`` for a fifth of it) into its own PostgreSQL database with COPY (once;
later runs reuse it), then starts a district run with ``splitByStreet`` and lets N real
``arq jobs.worker.WorkerSettings`` processes solve its street runs: first with one worker, then
with two (a new run each time). Prints elders paired per second for each and the speed-up of
the second worker; the split run's own metrics give the street-solve times.

Elders and volunteers are spread evenly (three volunteers per elder, a fifth of them with a
workplace anchor elsewhere in the city, capacity 1 or 2), which is harder than the real city
for the boundary rule: every street has neighbours on all sides.

    .venv/bin/python bench/split_runs.py [--scale 0.2] [--fresh] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import numpy as np
from pairing_db import ensure_database
from verdict import verdict

from access.crypto import configure_keyring, current_keyring
from jobs.runner import ArqRunner
from jobs.split_runs import SPLIT
from models.commands.matching import start_run
from models.db import make_engine, make_session_factory, transaction
from models.enums import Project, RunScope, RunStatus
from models.matching_run import MatchingRun
from models.migrations import upgrade
from settings import Settings

CELL_M = 1_600.0
LAT0, LON0 = 39.75, 116.20
METRES_PER_DEGREE = 111_320.0
REDIS = "redis://127.0.0.1:6379/5"
ROOT = Path(__file__).resolve().parents[1]


def _phone_columns(phone: str) -> tuple[str, str]:
    """A volunteer's phone as stored (COPY bypasses the column type): ciphertext and hash."""
    keyring = current_keyring()
    return (
        keyring.encrypt(phone, field="volunteer.phone"),
        keyring.lookup_hash(phone, field="volunteer.phone"),
    )


def _grid(streets: int) -> tuple[int, int]:
    cols = math.ceil(math.sqrt(streets))
    return cols, math.ceil(streets / cols)


async def _load(dsn: str, streets: int, elders: int, volunteers: int, seed: int) -> None:
    """Bulk-load the city with COPY (ids given, so the rows are the same for a seed)."""
    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    cols, _ = _grid(streets)
    dlat = CELL_M / METRES_PER_DEGREE
    dlon = dlat / math.cos(math.radians(LAT0))
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table(
            "district",
            records=[(1, now, now, "城市", None, True, 1)],
            columns=["id", "created_at", "updated_at", "name", "code", "active", "version"],
        )
        street_rows, community_rows = [], []
        for s in range(streets):
            r, c = divmod(s, cols)
            street_rows.append((s + 1, now, now, 1, f"街道{s + 1}", None, True, 1))
            for q in range(4):
                c_lat = LAT0 + (r + 0.25 + 0.5 * (q // 2)) * dlat
                c_lon = LON0 + (c + 0.25 + 0.5 * (q % 2)) * dlon
                community_rows.append(
                    (s * 4 + q + 1, now, now, s + 1, f"社区{s}-{q}", c_lat, c_lon, True, 1)
                )
        await conn.copy_records_to_table(
            "street",
            records=street_rows,
            columns=[
                "id",
                "created_at",
                "updated_at",
                "district_id",
                "name",
                "code",
                "active",
                "version",
            ],
        )
        await conn.copy_records_to_table(
            "community",
            records=community_rows,
            columns=[
                "id",
                "created_at",
                "updated_at",
                "street_id",
                "name",
                "latitude",
                "longitude",
                "active",
                "version",
            ],
        )
        street = rng.integers(0, streets, size=elders)
        row, col = np.divmod(street, cols)
        fy, fx = rng.random(elders), rng.random(elders)
        lat = LAT0 + (row + fy) * dlat
        lon = LON0 + (col + fx) * dlon
        community = street * 4 + (fy >= 0.5) * 2 + (fx >= 0.5) + 1
        born = [date(1930 + int(a), 6, 1) for a in rng.integers(0, 15, size=elders)]
        ids = range(1, elders + 1)
        await conn.copy_records_to_table(
            "household",
            records=[
                (
                    i,
                    now,
                    now,
                    1,
                    int(community[i - 1]),
                    f"{i}号",
                    float(lat[i - 1]),
                    float(lon[i - 1]),
                    "none",
                    True,
                    0,
                )
                for i in ids
            ],
            columns=[
                "id",
                "created_at",
                "updated_at",
                "version",
                "community_id",
                "address",
                "latitude",
                "longitude",
                "status",
                "active",
                "benefit_fen",
            ],
        )
        await conn.copy_records_to_table(
            "person",
            records=[
                (
                    i,
                    now,
                    now,
                    1,
                    i,
                    f"老人{i}",
                    "female" if i % 2 else "male",
                    born[i - 1],
                    "head",
                    None,
                    0,
                    False,
                    "none",
                    False,
                    bool(i % 3 == 0),
                    True,
                )
                for i in ids
            ],
            columns=[
                "id",
                "created_at",
                "updated_at",
                "version",
                "household_id",
                "name",
                "gender",
                "birth_date",
                "relation",
                "identity_category",
                "disability_grade",
                "serious_illness",
                "labour_capacity",
                "student",
                "living_alone",
                "active",
            ],
        )
        await conn.copy_records_to_table(
            "elder",
            records=[
                (
                    i,
                    now,
                    now,
                    1,
                    i,
                    int(community[i - 1]),
                    float(lat[i - 1]),
                    float(lon[i - 1]),
                    None,
                    True,
                )
                for i in ids
            ],
            columns=[
                "id",
                "created_at",
                "updated_at",
                "version",
                "person_id",
                "community_id",
                "latitude",
                "longitude",
                "preferred_volunteer_gender",
                "active",
            ],
        )
        rows, cols_ = _grid(streets)[1], cols
        height, width = rows * dlat, cols_ * dlon
        v_lat = LAT0 + rng.random(volunteers) * height
        v_lon = LON0 + rng.random(volunteers) * width
        works = rng.random(volunteers) < 0.2
        w_lat = LAT0 + rng.random(volunteers) * height
        w_lon = LON0 + rng.random(volunteers) * width
        capacity = np.where(rng.random(volunteers) < 0.2, 2, 1)
        await conn.copy_records_to_table(
            "volunteer",
            records=[
                (
                    i + 1,
                    now,
                    now,
                    1,
                    f"志愿者{i}",
                    "female" if i % 2 else "male",
                    1990,
                    *_phone_columns(f"1{i:010d}"),
                    float(v_lat[i]),
                    float(v_lon[i]),
                    float(w_lat[i]) if works[i] else None,
                    float(w_lon[i]) if works[i] else None,
                    int(capacity[i]),
                    True,
                    True,
                )
                for i in range(volunteers)
            ],
            columns=[
                "id",
                "created_at",
                "updated_at",
                "version",
                "name",
                "gender",
                "birth_year",
                "phone",
                "phone_hash",
                "home_latitude",
                "home_longitude",
                "work_latitude",
                "work_longitude",
                "capacity",
                "vetted",
                "active",
            ],
        )
        for table in (
            "district",
            "street",
            "community",
            "household",
            "person",
            "elder",
            "volunteer",
        ):
            sequence = f"pg_get_serial_sequence('\"{table}\"', 'id')"
            highest = f'(SELECT max(id) FROM "{table}")'  # noqa: S608  (our own table names)
            await conn.execute(f"SELECT setval({sequence}, {highest})")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _workers(n: int, url: str) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "BANGFU_DATABASE_URL": url,
        "BANGFU_REDIS_URL": REDIS,
        "BANGFU_SCHEDULES": "{}",
        "PYTHONPATH": str(ROOT),
    }
    arq = Path(sys.executable).parent / "arq"
    return [
        subprocess.Popen(  # noqa: S603  (our own worker, fixed arguments)
            [str(arq), "jobs.worker.WorkerSettings"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(n)
    ]


async def _one_run(url: str, workers: int) -> tuple[float, dict[str, object]]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    procs = _workers(workers, url)
    runner = ArqRunner(REDIS)
    try:
        await asyncio.sleep(3)  # the workers connect and start listening
        async with transaction(factory) as session:
            run, _ = await start_run(
                session,
                key=f"bench-split-{uuid.uuid4()}",
                project=Project.ONE_TO_ONE_80_PLUS,
                scope=RunScope.DISTRICT,
                scope_ids=[1],
                params={
                    "max_distance_m": 1500,
                    "churn_budget": 0,
                    "time_limit_s": 600,
                    SPLIT: True,
                },
                seed=0,
            )
        assert run.id is not None
        clock = time.perf_counter()
        await runner.enqueue("matching_run", run.id)
        last = ""
        while True:
            await asyncio.sleep(2)
            async with factory() as session:
                done = await session.get(MatchingRun, run.id)
                assert done is not None
            if done.progress_message != last:
                last = done.progress_message or ""
                print(f"  {time.perf_counter() - clock:6.0f} s  {last}", flush=True)
            if done.status in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED):
                break
        wall = time.perf_counter() - clock
        if done.status is not RunStatus.SUCCEEDED:
            raise SystemExit(f"the run ended {done.status.value}: {done.error}")
        return wall, dict(done.metrics)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
        await runner.close()
        await engine.dispose()


async def main_async(scale: float, fresh: bool, worker_counts: list[int]) -> int:
    streets = max(2, round(330 * scale))
    elders, volunteers = round(600_000 * scale), round(1_800_000 * scale)
    name = f"bangfu_bench_city_{streets}"
    url = f"postgresql+asyncpg://postgres@127.0.0.1/{name}"
    created = await ensure_database(name, fresh=fresh)
    flush = ArqRunner(REDIS)  # the bench's own Redis database: no job ids of earlier attempts
    await (await flush._connected()).flushdb()
    await flush.close()
    await asyncio.to_thread(upgrade, url)  # a reused database may predate a migration
    if not created:  # runs an interrupted earlier bench left behind would be resumed first
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1/{name}")
        try:
            await conn.execute(
                "UPDATE matching_run SET status = 'cancelled' WHERE status IN ('queued', 'running')"
            )
        finally:
            await conn.close()
    if created:
        clock = time.perf_counter()
        await _load(f"postgresql://postgres@127.0.0.1/{name}", streets, elders, volunteers, 2026)
        took = time.perf_counter() - clock
        print(f"loaded {streets} streets, {elders} elders, {volunteers} volunteers in {took:.0f} s")
    else:
        print(f"reusing {name} ({streets} streets, {elders} elders, {volunteers} volunteers)")
    rates: dict[int, float] = {}
    for n in worker_counts:
        print(f"{n} worker process(es):")
        wall, m = await _one_run(url, n)
        paired = int(m["elders_paired"])  # type: ignore[call-overload]
        rates[n] = paired / wall
        t = m["timings"]
        print(
            f"  {paired} of {m['elders_in_scope']} elders paired in {wall:.0f} s: "
            f"{rates[n]:.0f} elders/s; street solves {t['street_solve_s_total']:.0f} s in all, "  # type: ignore[index]
            f"longest {t['street_solve_s_max']:.1f} s"  # type: ignore[index]
        )
    checks: list[tuple[str, bool]] = []
    if 1 in rates and 2 in rates:
        speedup = rates[2] / rates[1]
        print(f"speed-up of the second worker: {speedup:.2f}x (2 cores here, shared by both)")
        checks.append(
            ("a second worker does not slow the run down (speed-up >= 0.9)", speedup >= 0.9)
        )
    return verdict(checks, memory_note="this process only; the workers are separate")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the city (0.2: a fifth)")
    parser.add_argument("--fresh", action="store_true", help="drop and reload the database")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--load-only", action="store_true", help="load the city, run nothing")
    args = parser.parse_args()
    configure_keyring(Settings().keyring())  # the workers it starts read the same settings
    return asyncio.run(main_async(args.scale, args.fresh, [] if args.load_only else args.workers))


if __name__ == "__main__":
    raise SystemExit(main())
