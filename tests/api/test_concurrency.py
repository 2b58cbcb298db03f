"""Concurrent writers queue rather than fail, on SQLite as on PostgreSQL."""

from __future__ import annotations

import asyncio

from tests.api import builders
from tests.api.conftest import Api


async def test_concurrent_mutations_all_succeed(api: Api) -> None:
    ids = await builders.geo(api)

    async def create(i: int) -> dict[str, object]:
        data = builders.volunteer_input([ids["station"]], phone=f"1390000{i:04d}", name=f"志{i}")
        return await api.mutate("volunteerCreate", builders.VOLUNTEER_CREATE, input=data)

    payloads = await asyncio.gather(*(create(i) for i in range(12)))
    assert [p["errors"] for p in payloads] == [[]] * 12
    total = await api.data("{ volunteers { totalCount } }")
    assert total["volunteers"]["totalCount"] == 12


async def test_concurrent_edits_of_one_object_never_lose_an_update(api: Api) -> None:
    ids = await builders.geo(api)
    vid = await builders.volunteer(api, [ids["station"]])
    mutation = """mutation($input: VolunteerUpdateInput!) {
      volunteerUpdate(input: $input) { volunteer { version } errors { code } } }"""

    async def edit(capacity: int) -> dict[str, object]:
        return await api.mutate(
            "volunteerUpdate",
            mutation,
            input={"id": vid, "capacity": capacity, "expectedVersion": 1},
        )

    payloads = await asyncio.gather(*(edit(c) for c in range(2, 8)))
    winners = [p for p in payloads if p["errors"] == []]
    losers = [p for p in payloads if p["errors"] != []]
    assert len(winners) == 1
    assert all(p["errors"] == [{"code": "CONFLICT"}] for p in losers)
    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Volunteer { version } } }", id=vid
    )
    assert node["node"]["version"] == 2
