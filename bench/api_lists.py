"""How the cost of a list grows with its page size (DataLoaders keep it sub-linear).

Loads the small demo district into a temporary SQLite database, then times the same list query
at page sizes 10 and 100 through the real app (ASGI, in process). Prints per-item cost ratios
measured in this run; no absolute targets (the machines are noisy).

Target: a page of 100 volunteers with stations, streets and skills costs well under 10x a page
of 10 (the statements are the same in number; only rows grow), and the number of SQL statements
is the same for both.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import event

from access.crypto import configure_keyring
from api.app import create_app
from models.db import make_engine, make_session_factory
from models.demo import load_demo
from models.migrations import upgrade
from settings import Settings

QUERY = """query($first: Int!) { volunteers(first: $first) { edges { node {
  name skills languages availability { weekday dayPart }
  stations { name kind street { name } community { name } } } } } }"""
ROUNDS = 15


async def _time(client: httpx.AsyncClient, first: int) -> float:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = await client.post(
            "/graphql", json={"query": QUERY, "variables": {"first": first}}
        )
        samples.append(time.perf_counter() - start)
        assert "errors" not in response.json(), response.text
    return statistics.median(samples)


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        configure_keyring(Settings(_env_file=None).keyring())  # the demo's identifiers
        engine = make_engine(url)
        await load_demo(make_session_factory(engine), scale="small")
        await engine.dispose()
        app = create_app(Settings(_env_file=None, database_url=url))
        statements: list[str] = []
        event.listen(
            app.state.engine.sync_engine,
            "before_cursor_execute",
            lambda *args: statements.append(str(args[2])),
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            counts = {}
            for first in (10, 100):
                statements.clear()
                await client.post("/graphql", json={"query": QUERY, "variables": {"first": first}})
                counts[first] = sum(
                    1 for s in statements if s.lstrip().upper().startswith("SELECT")
                )
            small = await _time(client, 10)
            large = await _time(client, 100)
        await app.state.engine.dispose()
    ratio = large / small
    for first, seconds in ((10, small), (100, large)):
        print(
            f"volunteers page of {first:>3}: {seconds * 1000:7.1f} ms "
            f"(median of {ROUNDS}), {counts[first]} SELECTs"
        )
    print(f"ratio 100/10: {ratio:.2f}x for 10x the items (per-item cost {ratio / 10:.2f}x)")
    ok = counts[10] == counts[100] and ratio < 10
    print("OK" if ok else "FAIL: statements grow with the page or the cost is linear")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
