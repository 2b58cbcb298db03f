"""With Redis configured, a run started through the API is executed by a real arq worker."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col

from api.app import create_app
from jobs.worker import make_worker
from models.db import make_engine, make_session_factory, transaction
from models.demo import load_demo
from models.enums import Role
from models.geo import Street
from models.matching_run import MatchingRun
from tests.api.builders import global_id
from tests.api.conftest import client_for, settings_for
from tests.api.signin import sign_in
from tests.jobs.test_matching_job import _start


async def test_a_run_started_through_the_api_is_done_by_an_arq_worker(
    db_url: str, redis_url: str
) -> None:
    engine = make_engine(db_url)
    await load_demo(make_session_factory(engine), scale="small")
    async with engine.connect() as conn:
        street = (await conn.execute(sa.select(col(Street.id)).limit(1))).scalar_one()
        assert street is not None
    await engine.dispose()

    settings = settings_for(db_url, redis_url=redis_url)
    app = create_app(settings)
    try:
        async with client_for(app, await sign_in(app, Role.SERVICE)) as api:
            started = await api.ok(
                "matchingRunStart",
                """mutation($input: MatchingRunStartInput!) { matchingRunStart(input: $input) {
                   matchingRun { id status } errors { code field message } } }""",
                input={"scope": {"streetIds": [global_id("Street", street)]}},
            )
            run_id = started["matchingRun"]["id"]
            assert started["matchingRun"]["status"] == "QUEUED"

            worker = make_worker(settings, burst=True, handle_signals=False)
            try:
                await worker.async_run()
            finally:
                await worker.close()
            assert worker.jobs_complete == 1
            assert worker.jobs_failed == 0

            data = await api.data(
                """query($id: ID!) { node(id: $id) { ... on MatchingRun {
                   status metrics { eldersInScope eldersPaired } } } }""",
                id=run_id,
            )
    finally:
        await app.state.runner.close()
        await app.state.engine.dispose()
    run = data["node"]
    assert run["status"] == "SUCCEEDED"
    assert 0 < run["metrics"]["eldersPaired"] <= run["metrics"]["eldersInScope"]


async def test_the_plain_arq_command_runs_bangfu_jobs(db_url: str, redis_url: str) -> None:
    """`arq jobs.worker.WorkerSettings --burst`, a real worker process configured by BANGFU_*
    variables, picks up a queued run (resumed at its start) and completes it."""

    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    run_id = await _start(factory, "arq-cli")
    env = {
        **os.environ,
        "BANGFU_DATABASE_URL": db_url,
        "BANGFU_REDIS_URL": redis_url,
        "BANGFU_SCHEDULES": "{}",
    }
    arq = Path(sys.executable).parent / "arq"
    process = await asyncio.create_subprocess_exec(
        str(arq), "jobs.worker.WorkerSettings", "--burst",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, output.decode()
    async with transaction(factory) as session:
        run = await session.get(MatchingRun, run_id)
        assert run is not None
        assert run.status.value == "succeeded", output.decode()
    await engine.dispose()
