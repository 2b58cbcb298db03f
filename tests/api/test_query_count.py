"""Relations resolve through DataLoaders: the statement count of a list does not grow with it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from starlette.applications import Starlette

from models.db import transaction
from models.enums import Gender, Skill, StationKind
from models.geo import Community, District, Street
from models.station import Station
from models.volunteer import Volunteer, VolunteerSkill, VolunteerStation
from tests.api.conftest import Api

VOLUNTEERS_WITH_RELATIONS = """
query($first: Int!) {
  volunteers(first: $first) {
    totalCount
    edges { node {
      name skills languages
      stations { name kind street { name district { name } } community { name } }
    } }
  }
}"""


async def _seed(app: Starlette, volunteers: int) -> None:
    """Volunteers spread over 5 streets' stations, each in two stations with two skills."""
    async with transaction(app.state.session_factory) as session:
        district = District(name="东城区")
        session.add(district)
        await session.flush()
        stations = []
        for s in range(5):
            street = Street(district_id=district.id, name=f"街道{s}")  # type: ignore[arg-type]
            session.add(street)
            await session.flush()
            community = Community(
                street_id=street.id,  # type: ignore[arg-type]
                name=f"社区{s}",
                latitude=39.9,
                longitude=116.4,
            )
            session.add(community)
            await session.flush()
            for k in range(2):
                station = Station(
                    name=f"站{s}-{k}",
                    kind=StationKind.COMMUNITY,
                    street_id=street.id,  # type: ignore[arg-type]
                    community_id=community.id,
                    address="某胡同1号",
                    latitude=39.9,
                    longitude=116.4,
                )
                session.add(station)
                stations.append(station)
        await session.flush()
        skills = list(Skill)
        people = [
            Volunteer(
                name=f"志愿者{i}",
                gender=Gender.FEMALE,
                birth_year=1990,
                phone=f"138{i:08d}",
                home_latitude=39.9,
                home_longitude=116.4,
            )
            for i in range(volunteers)
        ]
        session.add_all(people)
        await session.flush()
        for i, volunteer in enumerate(people):
            for station in (stations[i % 10], stations[(i + 3) % 10]):
                session.add(VolunteerStation(volunteer_id=volunteer.id, station_id=station.id))  # type: ignore[arg-type]
            for skill in (skills[i % len(skills)], skills[(i + 1) % len(skills)]):
                session.add(VolunteerSkill(volunteer_id=volunteer.id, skill=skill))  # type: ignore[arg-type]
        await session.flush()


def is_credential_check(statement: str) -> bool:
    """The one statement per request that reads the caller's account (``api.authentication``)."""
    return "FROM app_user" in statement


@contextmanager
def count_statements(app: Starlette) -> Iterator[list[str]]:
    """The statements the app runs meanwhile, but for each request's credential check."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        if not is_credential_check(str(args[2])):
            statements.append(str(args[2]))

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("size", [10, 100])
async def test_listing_volunteers_costs_a_constant_number_of_statements(
    app: Starlette, api: Api, size: int
) -> None:
    await _seed(app, 100)
    with count_statements(app) as statements:
        data = await api.data(VOLUNTEERS_WITH_RELATIONS, first=size)
    edges = data["volunteers"]["edges"]
    assert len(edges) == size
    assert data["volunteers"]["totalCount"] == 100
    assert all(len(e["node"]["stations"]) == 2 for e in edges)
    assert all(e["node"]["stations"][0]["street"]["district"]["name"] == "东城区" for e in edges)
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # page, count, links, stations, skills, languages, streets, communities, districts
    assert len(queries) == 9, "\n".join(queries)
