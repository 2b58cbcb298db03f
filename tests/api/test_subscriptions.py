"""A run's progress over WebSocket (graphql-transport-ws), through the real app served by
uvicorn on a local port."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
import websockets
from sqlmodel import col
from starlette.applications import Starlette

from api.app import create_app
from api.ids import encode_id
from models.commands.matching import start_run
from models.db import make_engine, make_session_factory, transaction
from models.demo import load_demo
from models.enums import Project, Role, RunScope
from models.geo import Street
from tests.api.conftest import settings_for
from tests.api.signin import sign_in
from tests.test_serve import free_port

PROGRESS = """subscription($id: ID!) { runProgress(id: $id) {
  __typename status progress { percent phase }
  ... on MatchingRun { metrics { eldersPaired } } } }"""


@pytest.fixture
async def app(db_url: str) -> Starlette:
    return create_app(settings_for(db_url))


@pytest.fixture
async def served(app: Starlette) -> AsyncIterator[str]:
    async with serving(app) as address:
        yield address


@asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[str]:
    """The app on a free local port, in this event loop; yields its host:port."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn stopped before it started"
        await asyncio.sleep(0.05)
    yield f"127.0.0.1:{port}"
    server.should_exit = True
    await task


async def _subscribe(
    address: str,
    run_id: str,
    subscribed: asyncio.Event | None = None,
    *,
    credentials: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every message of one subscription, up to its end; ``subscribed`` is set at the first.
    The credentials travel in ``connection_init`` (browsers cannot set WebSocket headers)."""
    async with websockets.connect(
        f"ws://{address}/graphql", subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": credentials or {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": PROGRESS, "variables": {"id": run_id}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        messages = []
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
            messages.append(message)
            if subscribed is not None:
                subscribed.set()
            if message["type"] in ("complete", "error"):
                return messages


async def test_a_client_sees_a_run_advance_to_its_end(
    db_url: str, app: Starlette, served: str
) -> None:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    await load_demo(factory, scale="small")
    async with transaction(factory) as session:
        street = (await session.execute(sa.select(col(Street.id)).limit(1))).scalar_one()
        assert street is not None
        queued, _ = await start_run(
            session,
            key="watched",
            project=Project.ONE_TO_ONE_80_PLUS,
            scope=RunScope.STREETS,
            scope_ids=[street],
            params={},
            seed=0,
        )
    await engine.dispose()
    assert queued.id is not None
    run_id = encode_id("MatchingRun", queued.id)
    staff = await sign_in(app, Role.STREET_STAFF, street_id=street)

    subscribed = asyncio.Event()
    watching = asyncio.create_task(_subscribe(served, run_id, subscribed, credentials=staff))
    await asyncio.wait_for(subscribed.wait(), timeout=30)  # it has seen the queued run
    await app.state.runner.enqueue("matching_run", queued.id)
    run = await watching

    updates = [m["payload"]["data"]["runProgress"] for m in run if m["type"] == "next"]
    assert run[-1]["type"] == "complete"
    assert updates[0]["status"] == "QUEUED"
    assert len(updates) >= 2
    percents = [u["progress"]["percent"] for u in updates]
    assert percents == sorted(percents)  # progress never goes back
    assert all(u["__typename"] == "MatchingRun" for u in updates)
    last = updates[-1]
    assert (last["status"], last["progress"]) == ("SUCCEEDED", {"percent": 100, "phase": "done"})
    assert last["metrics"]["eldersPaired"] > 0
    assert all(u["metrics"] is None for u in updates[:-1])  # metrics only once it succeeded

    wrong = await _subscribe(served, encode_id("Street", street), credentials=staff)
    assert "not the id of a matching or allocation run" in json.dumps(wrong)

    anonymous = await _subscribe(served, run_id)
    assert anonymous[-1]["type"] == "error"
    assert anonymous[-1]["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    auditor = await _subscribe(served, run_id, credentials=await sign_in(app, Role.AUDITOR))
    assert auditor[-1]["type"] == "complete"  # auditors read every run
    with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
        await _subscribe(served, run_id, credentials={"Authorization": "Bearer forged"})
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_a_principal_over_its_rate_limit_cannot_open_more_connections(db_url: str) -> None:
    limited = create_app(settings_for(db_url, rate_limit_requests=2, rate_limit_window_s=600))
    auditor = await sign_in(limited, Role.AUDITOR)
    run_id = encode_id("MatchingRun", 1)  # no such run: each subscription ends at once
    async with serving(limited) as address:
        for _ in range(2):
            answered = await _subscribe(address, run_id, credentials=auditor)
            assert answered[-1]["type"] == "complete"  # accepted: "no such run", then the end
        with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
            await _subscribe(address, run_id, credentials=auditor)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    await limited.state.runner.close()
    await limited.state.engine.dispose()
