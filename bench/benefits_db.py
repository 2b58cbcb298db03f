"""Benefit recomputation in the database after a standard change, for a district's caseload.

Loads 7,500 dibao households (about 12,200 members, Dongcheng's caseload in 2017) into a fresh
SQLite file and, when it is reachable, a fresh PostgreSQL database, computes every benefit once
under the 1,450-yuan standard, records a new standard (1,500 yuan from 2025-07-01) and times
``recompute_all_benefits``: read households and members, categorise, compute, write every changed
amount and its history row, commit. The baseline, measured in the same run, is the pure
``assessment.recompute_benefits`` on the same households (no database). Target: under 10 s.

    python bench/benefits_db.py [--households 7500] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from pairing_db import ensure_database
from verdict import verdict

import models
from access.crypto import configure_keyring
from assessment import recompute_benefits
from models.base import utcnow
from models.commands.benefits import household_members, recompute_all_benefits
from models.commands.policy import NewValue, change_policy, ensure_policy, stored_policy
from models.db import make_engine, make_session_factory, transaction
from models.migrations import upgrade
from settings import Settings

TARGET_S = 10.0
SEED = 20170401
BEFORE, AFTER = dt.date(2025, 6, 1), dt.date(2025, 7, 1)


def _rows(households: int) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    rng = np.random.default_rng(SEED)
    now = utcnow()
    homes = [
        {
            "id": h,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "community_id": 1 + h % 17,
            "address": f"{h}号",
            "latitude": 39.92,
            "longitude": 116.41,
            "status": "dibao",
            "active": True,
            "benefit_fen": 0,
        }
        for h in range(1, households + 1)
    ]
    sizes = rng.choice([1, 2, 3, 4], size=households, p=[0.55, 0.32, 0.09, 0.04])
    people = []
    for h, size in enumerate(sizes, start=1):
        for m in range(int(size)):
            age = int(rng.integers(5, 95))
            people.append(
                {
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "household_id": h,
                    "name": f"成员{h}-{m}",
                    "gender": "female" if rng.random() < 0.5 else "male",
                    "birth_date": dt.date(2025 - age, 1 + m, 10),
                    "relation": "head" if m == 0 else "other",
                    "disability_grade": int(rng.choice([0, 0, 0, 0, 1, 3])),
                    "serious_illness": bool(rng.random() < 0.15),
                    "labour_capacity": "none" if age >= 60 or age < 18 else "partial",
                    "student": 6 <= age < 18,
                    "living_alone": False,
                    "active": True,
                }
            )
    return homes, people


async def _load(url: str, households: int) -> None:
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    homes, people = _rows(households)
    meta = models.Household.metadata
    async with transaction(factory) as session:
        await session.execute(
            sa.insert(meta.tables["district"]), [{"id": 1, "name": "东城区", **stamp}]
        )
        await session.execute(
            sa.insert(meta.tables["street"]),
            [{"id": s, "district_id": 1, "name": f"街道{s}", **stamp} for s in range(1, 18)],
        )
        await session.execute(
            sa.insert(meta.tables["community"]),
            [
                {
                    "id": c,
                    "street_id": c,
                    "name": f"社区{c}",
                    "latitude": 39.92,
                    "longitude": 116.41,
                    **stamp,
                }
                for c in range(1, 18)
            ],
        )
        await session.execute(sa.insert(meta.tables["household"]), homes)
        await session.execute(sa.insert(meta.tables["person"]), people)
    await ensure_policy(factory, None)
    async with transaction(factory) as session:
        policy = await stored_policy(session)
        await recompute_all_benefits(session, on=BEFORE, policy=policy, reason="opening")
        await change_policy(
            session,
            effective_on=AFTER,
            values=[NewValue("dibao_standard_fen", "150000")],
            note="benchmark: new standard",
        )
    await engine.dispose()


async def _measure(url: str, households: int) -> tuple[float, float, int]:
    """(database seconds, pure-core seconds, households changed)."""
    await _load(url, households)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        start = time.perf_counter()
        async with transaction(factory) as session:
            policy = await stored_policy(session)
            result = await recompute_all_benefits(
                session, on=AFTER, policy=policy, reason="standard 1,500 yuan"
            )
        db_s = time.perf_counter() - start
        async with factory() as session:
            policy = await stored_policy(session)
            ids = list(range(1, households + 1))
            members = await household_members(session, ids, AFTER)
        benefit_households = [m.benefit for m in members.values() if m.benefit is not None]
        start = time.perf_counter()
        recompute_benefits(benefit_households, policy.policy, AFTER)
        core_s = time.perf_counter() - start
    finally:
        await engine.dispose()
    return db_s, core_s, result.changed


async def main_async(households: int, postgres: bool) -> int:
    checks = []
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")]
        if postgres:
            try:
                await ensure_database("bangfu_bench_benefits", fresh=True)
            except OSError as err:
                print(f"PostgreSQL unreachable ({err}); SQLite only")
            else:
                targets.append(
                    ("PostgreSQL", "postgresql+asyncpg://postgres@127.0.0.1/bangfu_bench_benefits")
                )
        for name, url in targets:
            db_s, core_s, changed = await _measure(url, households)
            print(
                f"{name:10s} {households} households, {changed} changed: "
                f"database {db_s:.2f} s, core alone {core_s:.2f} s, ratio {db_s / core_s:.1f}x"
            )
            checks.append(
                (f"{name}: recomputation in the database under {TARGET_S:.0f} s", db_s < TARGET_S)
            )
    return verdict(checks, memory_note="both databases, loading included")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--households", type=int, default=7_500)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    configure_keyring(Settings().keyring())  # members' identifiers are encrypted
    return asyncio.run(main_async(args.households, not args.no_postgres))


if __name__ == "__main__":
    raise SystemExit(main())
