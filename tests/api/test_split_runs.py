"""Split runs: a district run fanned out into street runs and gathered, in-process and through
real arq workers."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from starlette.applications import Starlette

from api.app import create_app
from jobs.matching_job import run_matching
from jobs.split_runs import share_budget
from jobs.worker import make_worker
from models.db import SessionFactory, make_engine, make_session_factory
from models.demo import load_demo
from models.enums import ProposalStatus, Role
from models.geo import District, Street
from models.matching_run import MatchingRun, PairProposal
from models.volunteer import Volunteer
from tests.api.builders import global_id, local_id
from tests.api.conftest import Api, client_for, settings_for
from tests.api.signin import sign_in

START = """mutation($input: MatchingRunStartInput!) { matchingRunStart(input: $input) {
  matchingRun { id status } errors { code field message } } }"""

RUN = """query($id: ID!) { node(id: $id) { ... on MatchingRun {
  status error solverStatus progress { percent phase message }
  metrics { eldersInScope eldersPaired pairsKept pairsBroken gini
            streets { streetName eligible paired } timings { waitS gatherS streetSolveSMax } }
  streetRuns { status parent { id } metrics { eldersPaired } }
  proposals(first: 1) { totalCount } unpaired(first: 1) { totalCount } } } }"""


def test_the_churn_budget_is_shared_by_largest_remainders() -> None:
    assert share_budget(10, [1, 1, 1]) == [4, 3, 3]
    assert share_budget(5, [0, 10, 30]) == [0, 1, 4]
    assert share_budget(3, [0, 0]) == [0, 0]
    assert sum(share_budget(7, [3, 5, 11, 2])) == 7


async def _district(factory: SessionFactory) -> str:
    await load_demo(factory, scale="small")
    async with factory() as session:
        district = (await session.execute(sa.select(col(District.id)))).scalar_one()
    assert district is not None
    return global_id("District", district)


async def _capacities(factory: SessionFactory) -> dict[int, int]:
    async with factory() as session:
        rows = await session.execute(sa.select(col(Volunteer.id), col(Volunteer.capacity)))
        return {v: c for v, c in rows.all() if v is not None}


async def _open_load(factory: SessionFactory, run_id: int) -> Counter[int]:
    """How many of the run's pairs each volunteer has."""
    async with factory() as session:
        rows = await session.execute(
            sa.select(col(PairProposal.volunteer_id)).where(col(PairProposal.run_id) == run_id)
        )
        return Counter(int(v) for v in rows.scalars())


async def test_a_split_district_run_gathers_its_street_runs(app: Starlette, api: Api) -> None:
    factory = app.state.session_factory
    district = await _district(factory)
    whole = await api.ok("matchingRunStart", START, input={"scope": {"districtId": district}})
    split = await api.ok(
        "matchingRunStart",
        START,
        input={"scope": {"districtId": district}, "splitByStreet": True, "churnBudget": 5},
    )
    await app.state.runner.drain()
    whole_run = (await api.data(RUN, id=whole["matchingRun"]["id"]))["node"]
    run = (await api.data(RUN, id=split["matchingRun"]["id"]))["node"]
    assert run["status"] == "SUCCEEDED", run["error"]
    assert run["progress"]["percent"] == 100
    streets = run["streetRuns"]
    assert len(streets) == 17
    assert {s["status"] for s in streets} == {"SUCCEEDED"}
    assert {s["parent"]["id"] for s in streets} == {split["matchingRun"]["id"]}
    m = run["metrics"]
    assert m["eldersPaired"] == sum(s["metrics"]["eldersPaired"] for s in streets)
    assert m["eldersPaired"] == run["proposals"]["totalCount"]
    assert m["eldersPaired"] + run["unpaired"]["totalCount"] == m["eldersInScope"]
    assert m["eldersInScope"] == whole_run["metrics"]["eldersInScope"]
    assert len(m["streets"]) == 17
    assert m["pairsBroken"] <= 5
    assert m["timings"]["waitS"] > 0
    # The boundary costs little: the whole run is optimal, the split one close to it.
    assert m["eldersPaired"] <= whole_run["metrics"]["eldersPaired"]
    assert m["eldersPaired"] >= 0.9 * whole_run["metrics"]["eldersPaired"]  # 95.6 % here
    # Every standing pair is kept, or broken within the shared churn budget.
    assert m["pairsKept"] + m["pairsBroken"] == whole_run["metrics"]["pairsKept"]
    # No volunteer is offered beyond their capacity across the street runs.
    parent_id = local_id(split["matchingRun"]["id"])
    load = await _open_load(factory, parent_id)
    capacity = await _capacities(factory)
    assert all(n <= capacity[v] for v, n in load.items())
    # The street runs' proposals gave way to the split run's copies.
    async with factory() as session:
        statuses = Counter(
            (
                await session.execute(
                    sa.select(col(PairProposal.status))
                    .join(MatchingRun, col(MatchingRun.id) == col(PairProposal.run_id))
                    .where(col(MatchingRun.parent_id) == parent_id)
                )
            ).scalars()
        )
    assert ProposalStatus.PROPOSED not in statuses

    # Executing the split run's job again changes nothing.
    await run_matching(factory, parent_id)
    assert (await _open_load(factory, parent_id)) == load


async def test_a_split_run_is_shared_by_arq_workers(db_url: str, redis_url: str) -> None:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    await load_demo(factory, scale="small")
    async with factory() as session:
        found = await session.execute(sa.select(col(Street.id)).order_by(col(Street.id)).limit(3))
        streets = [s for s in found.scalars() if s is not None]
    settings = settings_for(db_url, redis_url=redis_url)
    app = create_app(settings)
    try:
        async with client_for(app, await sign_in(app, Role.SERVICE)) as api:
            started = await api.ok(
                "matchingRunStart",
                START,
                input={
                    "scope": {"streetIds": [global_id("Street", s) for s in streets]},
                    "splitByStreet": True,
                },
            )
            workers = [make_worker(settings, burst=True, handle_signals=False) for _ in range(2)]
            try:
                await asyncio.gather(*(w.async_run() for w in workers))
            finally:
                for w in workers:
                    await w.close()
            # The split run and its 3 street runs (a resumed run may be delivered twice; the
            # second delivery finds it finished and does nothing).
            assert sum(w.jobs_complete for w in workers) >= 4
            assert sum(w.jobs_failed for w in workers) == 0
            run: dict[str, Any] = (await api.data(RUN, id=started["matchingRun"]["id"]))["node"]
    finally:
        await app.state.runner.close()
        await app.state.engine.dispose()
        await engine.dispose()
    assert run["status"] == "SUCCEEDED", run["error"]
    assert [s["status"] for s in run["streetRuns"]] == ["SUCCEEDED"] * 3
    assert run["metrics"]["eldersPaired"] == run["proposals"]["totalCount"] > 0
