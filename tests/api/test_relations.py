"""Relations across domain modules: a volunteer's pairs, a person's elder profile."""

from __future__ import annotations

from starlette.applications import Starlette

from models.enums import PairStatus
from tests.api import builders as b
from tests.api.conftest import Api


async def test_volunteer_pairs_and_person_elder(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    vid = await b.volunteer(api, [ids["station"]], capacity=2)
    hid = await b.household(api, ids["community"])
    old = await b.person(api, hid)
    young = await b.person(api, hid, name="张小明", birthDate="1990-01-01", relation="CHILD")
    eid = await b.elder(api, old)
    await b.add_pair(app, vid, eid, PairStatus.ENDED)
    await b.add_pair(app, vid, eid, PairStatus.ACTIVE)

    data = await api.data(
        """query($v: ID!, $old: ID!, $young: ID!) {
          v: node(id: $v) { ... on Volunteer {
            all: pairs { status elder { id } }
            active: pairs(status: ACTIVE) { status volunteer { id } } } }
          old: node(id: $old) { ... on Person { elder { id age } } }
          young: node(id: $young) { ... on Person { elder { id } } } }""",
        v=vid,
        old=old,
        young=young,
    )
    assert data["v"]["all"] == [
        {"status": "ACTIVE", "elder": {"id": eid}},
        {"status": "ENDED", "elder": {"id": eid}},
    ]
    assert data["v"]["active"] == [{"status": "ACTIVE", "volunteer": {"id": vid}}]
    assert data["old"]["elder"]["id"] == eid
    assert data["old"]["elder"]["age"] >= 80
    assert data["young"]["elder"] is None
