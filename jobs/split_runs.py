"""Split matching runs: a district (or many-street) run fanned out into one run per street,
solved by whichever workers are free, and gathered into the one run a coordinator sees.

The parent run's job creates its street runs (idempotently, keyed by the parent's key and the
street), enqueues them, waits while reporting "k of N streets done" as its progress, and then
copies the street runs' proposals and explanations into itself in one transaction, with metrics
over the whole scope. Volunteers are partitioned between the streets (``jobs.partition``) so the
street runs never offer one volunteer twice. The churn budget is shared out over the streets in
proportion to their standing pairs; a street floor applies in each street as it would overall.

If the parent's worker dies, the parent is handed on like any run and its next execution finds
the street runs already there (finished ones are not run again). Cancelling the parent cancels
its street runs.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlmodel import col

from jobs import run_lifecycle as lifecycle
from jobs.partition import partition, store_shares
from jobs.runner import CURRENT_RUNNER
from matching.metrics import gini
from models.base import utcnow
from models.commands import runs
from models.db import SessionFactory, transaction
from models.elder import Elder
from models.enums import PairStatus, ProposalStatus, RunScope, RunStatus
from models.geo import Community, Street
from models.matching_run import MatchingRun, PairProposal, UnpairedElder
from models.pair import Pair
from models.runs import FINISHED
from models.volunteer import Volunteer

SPLIT = "split_by_street"
"""Run parameter: fan the run out into one run per street."""
PARTITION = "split_of"
"""A street run's parameter: its split run's id (whose volunteer shares it reads)."""
POLL_S = 1.0


async def scope_streets(factory: SessionFactory, run: MatchingRun) -> list[int]:
    """The streets a run covers (a communities run is not split: an empty list)."""
    if run.scope is RunScope.STREETS:
        return sorted(set(run.scope_ids))
    if run.scope is RunScope.COMMUNITIES:
        return []
    async with factory() as session:
        rows = await session.execute(
            sa.select(col(Street.id))
            .where(col(Street.district_id).in_(run.scope_ids))
            .order_by(col(Street.id))
        )
        return [int(i) for i in rows.scalars() if i is not None]


def share_budget(budget: int, weights: list[int]) -> list[int]:
    """``budget`` split in proportion to ``weights`` by largest remainders (sums to ``budget``
    when any weight is positive, else all zeros)."""
    total = sum(weights)
    if total == 0 or budget == 0:
        return [0] * len(weights)
    exact = [budget * w / total for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: budget - sum(shares)]:
        shares[i] += 1
    return shares


async def _standing_pairs(factory: SessionFactory, streets: list[int]) -> dict[int, int]:
    async with factory() as session:
        rows = await session.execute(
            sa.select(col(Community.street_id), sa.func.count())
            .select_from(Pair)
            .join(Elder, col(Elder.id) == col(Pair.elder_id))
            .join(Community, col(Community.id) == col(Elder.community_id))
            .where(col(Pair.status) == PairStatus.ACTIVE, col(Community.street_id).in_(streets))
            .group_by(col(Community.street_id))
        )
        return {int(s): int(n) for s, n in rows.all()}


async def _street_runs(
    factory: SessionFactory, parent: MatchingRun, streets: list[int]
) -> list[MatchingRun]:
    """The parent's street runs, with the volunteers' shares, created on its first execution
    (a later execution finds them)."""
    assert parent.id is not None
    async with factory() as session:
        existing = list(
            (
                await session.execute(
                    sa.select(MatchingRun)
                    .where(col(MatchingRun.parent_id) == parent.id)
                    .order_by(col(MatchingRun.id))
                )
            ).scalars()
        )
    if existing:
        return existing
    params: dict[str, Any] = {k: v for k, v in parent.params.items() if k != SPLIT}
    distance = int(params.get("max_distance_m", 1500))
    standing = await _standing_pairs(factory, streets)
    budgets = share_budget(
        int(params.get("churn_budget", 0)), [standing.get(s, 0) for s in streets]
    )
    async with factory() as session:  # reading and searching: no write lock held meanwhile
        shares = await partition(session, streets, max_distance_m=distance, today=date.today())
    children = []
    async with transaction(factory) as session:
        await store_shares(session, parent.id, shares)
        for street, budget in zip(streets, budgets, strict=True):
            child, _ = await runs.start(
                session,
                MatchingRun,
                key=f"{parent.key}/street:{street}",
                project=parent.project,
                scope=RunScope.STREETS,
                scope_ids=[street],
                params={**params, "churn_budget": budget, PARTITION: parent.id},
                seed=parent.seed,
                parent_id=parent.id,
            )
            children.append(child)
    return children


async def _statuses(factory: SessionFactory, ids: list[int]) -> dict[int, RunStatus]:
    async with factory() as session:
        rows = await session.execute(
            sa.select(col(MatchingRun.id), col(MatchingRun.status)).where(
                col(MatchingRun.id).in_(ids)
            )
        )
        return {i: s for i, s in rows.all() if i is not None}


async def _cancel_children(factory: SessionFactory, ids: list[int]) -> None:
    async with transaction(factory) as session:
        await session.execute(
            sa.update(MatchingRun)
            .where(col(MatchingRun.id).in_(ids), col(MatchingRun.status).not_in(FINISHED))
            .values(status=RunStatus.CANCELLED, finished_at=utcnow(), updated_at=utcnow())
        )


async def execute_split(
    factory: SessionFactory,
    parent: MatchingRun,
    streets: list[int],
    run_street: Any,
) -> None:
    """The parent run's job body; ``run_street(factory, id)`` runs one street run in this
    process when no runner is at hand (the command line)."""
    assert parent.id is not None
    clock = time.perf_counter()
    children = await _street_runs(factory, parent, streets)
    ids = [c.id for c in children if c.id is not None]
    runner = CURRENT_RUNNER.get()
    try:
        if runner is not None:
            for child in children:
                if child.status not in FINISHED:
                    assert child.id is not None
                    await runner.enqueue("matching_run", child.id)
        done = 0
        while True:
            statuses = await _statuses(factory, ids)
            finished = sum(s in FINISHED for s in statuses.values())
            if finished > done or done == 0:
                done = finished
                await lifecycle.progress(
                    factory,
                    MatchingRun,
                    parent.id,
                    5 + 85 * done // max(1, len(ids)),
                    "streets",
                    f"{done} of {len(ids)} streets done",
                )
            if finished == len(ids):
                break
            if runner is None:
                waiting = next(i for i in ids if statuses[i] not in FINISHED)
                await run_street(factory, waiting)
            else:
                await asyncio.sleep(POLL_S)
                await lifecycle.heartbeat(factory, MatchingRun, parent.id)
    except lifecycle.RunCancelled:
        await _cancel_children(factory, ids)
        raise
    await _gather(factory, parent.id, ids, streets, time.perf_counter() - clock)


async def _gather(
    factory: SessionFactory, run_id: int, ids: list[int], streets: list[int], wait_s: float
) -> None:
    """Copy the street runs' results into the parent, with metrics over the whole scope."""
    clock = time.perf_counter()
    async with factory() as session:
        children = list(
            (
                await session.execute(sa.select(MatchingRun).where(col(MatchingRun.id).in_(ids)))
            ).scalars()
        )
        failed = [c for c in children if c.status is not RunStatus.SUCCEEDED]
        if failed:
            names = ", ".join(f"street run {c.id} ({c.status.value})" for c in failed)
            raise RuntimeError(
                f"{len(failed)} of {len(children)} street runs did not succeed: {names}. "
                "Start the run again (a new key) to retry them."
            )
    children_runs = col(PairProposal.run_id).in_(ids)
    async with factory() as session:
        over = (
            await session.execute(
                sa.select(sa.func.count()).select_from(
                    sa.select(col(PairProposal.volunteer_id))
                    .join(Volunteer, col(Volunteer.id) == col(PairProposal.volunteer_id))
                    .where(children_runs)
                    .group_by(col(PairProposal.volunteer_id), col(Volunteer.capacity))
                    .having(sa.func.count() > col(Volunteer.capacity))
                    .subquery()
                )
            )
        ).scalar_one()
    if over:  # the partition makes this impossible unless the data changed mid-run
        raise RuntimeError(
            f"{over} volunteers were proposed beyond their capacity by the street runs "
            "together (the data changed while the run worked); start the run again."
        )
    async with lifecycle.finishing(factory, MatchingRun, run_id) as (session, run):
        pairs = await _copy_results(session, run_id, ids)
        statuses = Counter(c.solver_status or "UNKNOWN" for c in children)
        run.solver_status = (
            "OPTIMAL"
            if set(statuses) == {"OPTIMAL"}
            else ", ".join(f"{s} x{n}" for s, n in sorted(statuses.items()))
        )
        run.metrics = combined_metrics(
            [c.metrics for c in children],
            timings={"wait_s": wait_s, "gather_s": time.perf_counter() - clock},
        )
        run.progress_message = (
            f"{pairs[0]} pairs, {pairs[1]} elders unpaired, {len(children)} street runs"
        )


async def _copy_results(session: Any, run_id: int, ids: list[int]) -> tuple[int, int]:
    """The street runs' proposals and explanations copied into the split run by
    INSERT ... SELECT (no rows through Python: a city has hundreds of thousands); the street
    runs' open proposals give way to the copies. Returns (pairs, unpaired)."""
    now = utcnow()
    counts = []
    for model in (PairProposal, UnpairedElder):
        table: Any = model.__table__  # type: ignore[union-attr]
        await session.execute(sa.delete(table).where(table.c.run_id == run_id))
        copied = [c for c in table.c if c.name not in ("id", "run_id", "created_at", "updated_at")]
        source = sa.select(
            *copied,
            sa.literal(run_id).label("run_id"),
            sa.literal(now, type_=table.c.created_at.type).label("created_at"),
            sa.literal(now, type_=table.c.updated_at.type).label("updated_at"),
        ).where(table.c.run_id.in_(ids))
        names = [c.name for c in copied] + ["run_id", "created_at", "updated_at"]
        result = await session.execute(sa.insert(table).from_select(names, source))
        counts.append(int(result.rowcount))
    proposals: Any = PairProposal.__table__  # type: ignore[attr-defined]
    await session.execute(
        sa.update(proposals)
        .where(proposals.c.run_id.in_(ids), proposals.c.status == ProposalStatus.PROPOSED.value)
        .values(status=ProposalStatus.SUPERSEDED.value, updated_at=now)
    )
    return counts[0], counts[1]


def combined_metrics(parts: list[dict[str, Any]], *, timings: dict[str, float]) -> dict[str, Any]:
    """The whole scope's metrics from its street runs' (sums; distance weighted by pairs;
    Gini over every street's coverage)."""

    def total(name: str) -> int:
        return sum(int(m.get(name, 0)) for m in parts)

    paired = total("elders_paired")
    streets = sorted((s for m in parts for s in m.get("streets", [])), key=lambda s: s["street_id"])
    coverage = np.array([float(s["coverage"]) for s in streets], dtype=float)
    distance = sum(
        float(m.get("mean_distance_m", 0)) * int(m.get("elders_paired", 0)) for m in parts
    )
    solve = [float(m.get("timings", {}).get("solve_s", 0)) for m in parts]
    return {
        "elders_in_scope": total("elders_in_scope"),
        "elders_paired": paired,
        "volunteers_in_reach": total("volunteers_in_reach"),
        "total_cost": total("total_cost"),
        "mean_distance_m": distance / paired if paired else 0.0,
        "pairs_kept": total("pairs_kept"),
        "pairs_broken": total("pairs_broken"),
        "pairs_broken_forced": total("pairs_broken_forced"),
        "gini": gini(coverage) if coverage.size else 0.0,
        "solve_seconds": sum(float(m.get("solve_seconds", 0)) for m in parts),
        "streets": streets,
        "timings": {
            **{k: round(v, 3) for k, v in timings.items()},
            "street_solve_s_total": round(sum(solve), 3),
            "street_solve_s_max": round(max(solve, default=0.0), 3),
        },
    }
