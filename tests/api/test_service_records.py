"""Service records and a volunteer's own profile, through the real app on SQLite and
PostgreSQL (the world of the authorization matrix: volunteer 1 is paired with elder 1)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.api import builders as b
from tests.api.conftest import Api
from tests.api.test_authorization_matrix import SC, SS, SW, VO, World, build_world

RECORD = b.mutation_doc(
    "serviceRecord", "ServiceRecordInput", "serviceRecord { id kind minutes recordedBy }"
)
RECORDS = """{ serviceRecords(first: 50) { nodes { id minutes pair { id } } } }"""
PROFILE = b.mutation_doc(
    "volunteerProfileUpdate",
    "VolunteerProfileInput",
    "volunteer { id phone skills languages capacity }",
)
TODAY = date.today()


@pytest.fixture
async def world(app: Starlette, api: Api) -> Any:
    stack: list[Any] = []
    yield await build_world(app, api, stack)
    for manager in reversed(stack):
        await manager.__aexit__(None, None, None)


def visit(world: World, pair: str, served_on: date = TODAY, **extra: Any) -> dict[str, Any]:
    return {
        "pairId": world.ids[pair],
        "servedOn": served_on.isoformat(),
        "kind": "VISIT",
        "minutes": 40,
        **extra,
    }


async def test_volunteers_record_their_own_visits_and_coordinators_read_them(
    world: World,
) -> None:
    volunteer = world.clients[VO]
    done = await volunteer.ok(
        "serviceRecord", RECORD, input=visit(world, "X1", note="聊天、量血压")
    )
    assert done["serviceRecord"]["recordedBy"] == "user:matrix.vo"
    await world.clients[SC].ok("serviceRecord", RECORD, input=visit(world, "X1", kind="ERRAND"))

    other = await volunteer.mutate("serviceRecord", RECORD, input=visit(world, "X2"))
    assert [(e["code"], e["field"]) for e in other["errors"]] == [("NOT_FOUND", "pairId")]
    early = await volunteer.mutate(
        "serviceRecord", RECORD, input=visit(world, "X1", TODAY - timedelta(days=1))
    )
    future = await volunteer.mutate(
        "serviceRecord", RECORD, input=visit(world, "X1", TODAY + timedelta(days=1))
    )
    long = await volunteer.mutate("serviceRecord", RECORD, input=visit(world, "X1", minutes=0))
    assert [e["field"] for e in early["errors"]] == ["servedOn"]
    assert [e["field"] for e in future["errors"]] == ["servedOn"]
    assert [e["field"] for e in long["errors"]] == ["minutes"]

    for role in (VO, SC, SS):
        nodes = (await world.clients[role].data(RECORDS))["serviceRecords"]["nodes"]
        assert [n["pair"]["id"] for n in nodes] == [world.ids["X1"]] * 2, role
    social = await world.clients[SW].post(RECORDS)
    assert social["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_volunteer_keeps_their_own_profile_but_not_their_stations(world: World) -> None:
    volunteer = world.clients[VO]
    changed = await volunteer.ok(
        "volunteerProfileUpdate",
        PROFILE,
        input={
            "phone": "13600001234",
            "skills": ["COMPANIONSHIP", "ERRANDS"],
            "languages": ["cantonese"],
        },
    )
    assert changed["volunteer"]["phone"] == "136****1234"
    assert changed["volunteer"]["skills"] == ["COMPANIONSHIP", "ERRANDS"]
    assert changed["volunteer"]["capacity"] == 1
    refused = await volunteer.post(
        b.mutation_doc("volunteerUpdate", "VolunteerUpdateInput", "volunteer { id }"),
        input={"id": world.ids["V1"], "capacity": 5},
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    staff = await world.clients[SS].post(PROFILE, input={"phone": "13600001234"})
    assert staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
