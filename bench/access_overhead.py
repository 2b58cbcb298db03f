"""What scoping and the access log cost a list query, on the district-scale demo.

Loads the Dongcheng-scale demo (about 11,700 households, 35,000 elders, 30,000 volunteers) into
a temporary SQLite file, makes the demo accounts, signs each in through the real app (ASGI, in
process) and times, as medians in this run:

- street staff listing households and elders without a filter (their scope adds its condition)
  against the district administrator listing the same rows with a ``streetId`` filter;
- the station coordinator likewise against the administrator's ``communityId`` filter (their
  scope is the station's community, adults only);
- the administrator's page of households with members' health fields (every record read gets
  its access-log row, written when the request ends) against the same page without them.

Targets: scoped lists within 1.5x of the filtered administrator's; the access log within 1.5x.

    python bench/access_overhead.py [--scale small|district]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import col
from verdict import verdict

from access.crypto import configure_keyring
from api.app import create_app
from api.ids import encode_id
from models.db import make_engine, make_session_factory, transaction
from models.demo import load_demo
from models.demo.accounts import DEMO_PASSWORD, create_demo_accounts
from models.migrations import upgrade
from models.station import Station
from models.user import User
from settings import Settings

ROUNDS = 41
TARGET = 1.5
HOUSEHOLDS = """query($f: HouseholdFilter) { households(first: 100, filter: $f) {
  nodes { id address status members { name birthDate } } } }"""
ELDERS = """query($f: ElderFilter) { elders(first: 100, filter: $f) {
  nodes { id age person { name } } } }"""
HEALTH = """{ households(first: 100) { nodes { id address
  members { name birthDate disabilityGrade seriousIllness } } } }"""
PLAIN = """{ households(first: 100) { nodes { id address members { name birthDate } } } }"""
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }"


Request = tuple[str, str, dict[str, Any]]
"""(access token, query, variables)."""


async def _once(client: httpx.AsyncClient, request: Request) -> float:
    token, query, variables = request
    start = time.perf_counter()
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = time.perf_counter() - start
    assert "errors" not in response.json(), response.text
    return elapsed


async def _pair(
    client: httpx.AsyncClient, measured: Request, baseline: Request
) -> tuple[float, float]:
    """Medians of both, taken alternately (so a noisy moment hits both alike)."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(ROUNDS):
        a.append(await _once(client, measured))
        b.append(await _once(client, baseline))
    return statistics.median(a), statistics.median(b)


async def _login(client: httpx.AsyncClient, username: str) -> str:
    response = await client.post(
        "/graphql",
        json={
            "query": LOGIN,
            "variables": {"i": {"username": username, "password": DEMO_PASSWORD}},
        },
    )
    token: str = response.json()["data"]["login"]["accessToken"]
    return token


async def main(scale: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(_env_file=None, database_url=url)
        await asyncio.to_thread(upgrade, url)
        configure_keyring(settings.keyring())
        engine = make_engine(url)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        await load_demo(factory, scale=scale)  # type: ignore[arg-type]
        async with transaction(factory) as session:
            await create_demo_accounts(session)
            station_id = (
                await session.execute(
                    sa.select(col(User.station_id)).where(col(User.username) == "demo.station")
                )
            ).scalar_one()
            station = await session.get(Station, station_id)
            assert station is not None
        await engine.dispose()
        print(f"demo ({scale}) loaded in {time.perf_counter() - started:.0f} s")
        street = {"streetId": encode_id("Street", station.street_id)}
        community = {"communityId": encode_id("Community", station.community_id or 0)}

        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            admin = await _login(client, "demo.admin")
            staff = await _login(client, "demo.street")
            coordinator = await _login(client, "demo.station")
            cases: dict[str, tuple[Request, Request]] = {
                "households street": (
                    (staff, HOUSEHOLDS, {}),
                    (admin, HOUSEHOLDS, {"f": street}),
                ),
                "elders street": ((staff, ELDERS, {}), (admin, ELDERS, {"f": street})),
                "households community": (
                    (coordinator, HOUSEHOLDS, {}),
                    (admin, HOUSEHOLDS, {"f": community}),
                ),
                "elders community": (
                    (coordinator, ELDERS, {}),
                    (admin, ELDERS, {"f": community}),
                ),
                "access log": ((admin, HEALTH, {}), (admin, PLAIN, {})),
            }
            for measured, baseline in cases.values():  # warm up: caches, prepared plans
                await _pair(client, measured, baseline)
            times = {name: await _pair(client, *pair) for name, pair in cases.items()}
        await app.state.engine.dispose()
    checks = []
    for name, (took, base) in times.items():
        ratio = took / base
        print(
            f"{name:<22} {took * 1000:7.1f} ms against {base * 1000:7.1f} ms "
            f"(medians of {ROUNDS}, alternating): {ratio:5.2f}x"
        )
        checks.append((f"{name}: {ratio:.2f}x <= {TARGET}x", ratio <= TARGET))
    return verdict(checks, memory_note="demo load and queries")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("small", "district"), default="district")
    raise SystemExit(asyncio.run(main(parser.parse_args().scale)))
