"""Volunteer stations through the API: create, update, deactivate, filters and pages."""

from __future__ import annotations

from typing import Any

from tests.api import builders as b
from tests.api.conftest import Api

FIELDS = """id name kind address active version location { latitude longitude }
  street { id name } community { id name }"""
CREATE = b.mutation_doc("stationCreate", "StationCreateInput", f"station {{ {FIELDS} }}")
UPDATE = b.mutation_doc("stationUpdate", "StationUpdateInput", f"station {{ {FIELDS} }}")
DEACTIVATE = b.mutation_doc("stationDeactivate", "DeactivateInput", f"station {{ {FIELDS} }}")

MISSING = 999_999


async def _two_streets(api: Api) -> dict[str, str]:
    """东华门街道 with 多福巷社区 and 韶九社区; 景山街道 with 黄化门社区 (no stations)."""
    d = await b.district(api)
    s1 = await b.street(api, d, "东华门街道")
    s2 = await b.street(api, d, "景山街道")
    return {
        "street": s1,
        "other_street": s2,
        "community": await b.community(api, s1, "多福巷社区"),
        "community2": await b.community(api, s1, "韶九社区"),
        "other_community": await b.community(api, s2, "黄化门社区"),
    }


def _input(ids: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "name": "多福巷志愿服务站",
        "kind": "COMMUNITY",
        "streetId": ids["street"],
        "communityId": ids["community"],
        "address": "多福巷1号",
        "location": b.HOME,
        **extra,
    }


async def test_create_and_read_back(api: Api) -> None:
    ids = await _two_streets(api)
    station = (await api.ok("stationCreate", CREATE, input=_input(ids, name=" 多福巷  站 ")))[
        "station"
    ]
    assert station == {
        "id": station["id"],
        "name": "多福巷 站",  # inner runs of spaces collapse
        "kind": "COMMUNITY",
        "address": "多福巷1号",
        "active": True,
        "version": 1,
        "location": b.HOME,
        "street": {"id": ids["street"], "name": "东华门街道"},
        "community": {"id": ids["community"], "name": "多福巷社区"},
    }
    assert await b.read(api, station["id"], "Station", FIELDS) == station

    building = (
        await api.ok(
            "stationCreate",
            CREATE,
            input=_input(ids, name="王府井商务楼宇站", kind="BUSINESS_BUILDING", communityId=None),
        )
    )["station"]
    assert (building["kind"], building["community"]) == ("BUSINESS_BUILDING", None)
    without_key = _input(ids, name="社工机构站", kind="SOCIAL_WORK_AGENCY")
    del without_key["communityId"]
    agency = (await api.ok("stationCreate", CREATE, input=without_key))["station"]
    assert agency["community"] is None
    total, nodes = await b.read_list(api, "stations", "id name")
    assert total == 3
    assert [n["id"] for n in nodes] == [station["id"], building["id"], agency["id"]]


async def test_bad_creates_are_refused_and_create_nothing(api: Api) -> None:
    ids = await _two_streets(api)
    await b.expect_failures(
        api,
        "stationCreate",
        CREATE,
        [
            ("blank name", _input(ids, name="  "), [("VALIDATION", "name")]),
            ("name of 129 characters", _input(ids, name="站" * 129), [("VALIDATION", "name")]),
            ("blank address", _input(ids, address=""), [("VALIDATION", "address")]),
            ("address of 257", _input(ids, address="号" * 257), [("VALIDATION", "address")]),
            (
                "bad latitude",
                _input(ids, location={"latitude": 95, "longitude": 116.4}),
                [("VALIDATION", "location.latitude")],
            ),
            (
                "bad longitude",
                _input(ids, location={"latitude": 39.9, "longitude": 400}),
                [("VALIDATION", "location.longitude")],
            ),
            (
                "unknown street",
                _input(ids, streetId=b.global_id("Street", MISSING)),
                [("NOT_FOUND", "streetId")],
            ),
            (
                "a community's id as streetId",
                _input(ids, streetId=ids["community"]),
                [("NOT_FOUND", "streetId")],
            ),
            ("garbage streetId", _input(ids, streetId="???"), [("NOT_FOUND", "streetId")]),
            (
                "unknown community",
                _input(ids, communityId=b.global_id("Community", MISSING)),
                [("NOT_FOUND", "communityId")],
            ),
            (
                "a street's id as communityId",
                _input(ids, communityId=ids["street"]),
                [("NOT_FOUND", "communityId")],
            ),
            (
                "community of another street",
                _input(ids, communityId=ids["other_community"]),
                [("VALIDATION", "communityId")],
            ),
            (
                "several problems at once",
                _input(ids, name="", location={"latitude": -90.1, "longitude": 0}),
                [("VALIDATION", "name"), ("VALIDATION", "location.latitude")],
            ),
        ],
    )
    assert await b.read_list(api, "stations") == (0, [])


async def test_update_changes_only_what_is_given(api: Api) -> None:
    ids = await _two_streets(api)
    sid = await b.station(api, ids["street"], ids["community"])
    moved = {"latitude": 39.95, "longitude": 116.38}
    station = (
        await api.ok(
            "stationUpdate",
            UPDATE,
            input={
                "id": sid,
                "expectedVersion": 1,
                "name": "新名字站",
                "kind": "ENTERPRISE",
                "address": "新地址2号",
                "location": moved,
                "communityId": ids["community2"],
            },
        )
    )["station"]
    assert station == {
        "id": sid,
        "name": "新名字站",
        "kind": "ENTERPRISE",
        "address": "新地址2号",
        "active": True,
        "version": 2,
        "location": moved,
        "street": {"id": ids["street"], "name": "东华门街道"},
        "community": {"id": ids["community2"], "name": "韶九社区"},
    }
    assert await b.read(api, sid, "Station", FIELDS) == station

    # Moving to another street together with one of its communities, then leaving no community.
    station = (
        await api.ok(
            "stationUpdate",
            UPDATE,
            input={
                "id": sid,
                "streetId": ids["other_street"],
                "communityId": ids["other_community"],
            },
        )
    )["station"]
    assert (station["street"]["name"], station["community"]["name"], station["version"]) == (
        "景山街道",
        "黄化门社区",
        3,
    )
    station = (await api.ok("stationUpdate", UPDATE, input={"id": sid, "communityId": None}))[
        "station"
    ]
    assert (station["community"], station["version"]) == (None, 4)
    assert await b.read(api, sid, "Station", FIELDS) == station


async def test_bad_updates_are_refused_and_change_nothing(api: Api) -> None:
    ids = await _two_streets(api)
    sid = await b.station(api, ids["street"], ids["community"])
    before = await b.read(api, sid, "Station", f"{FIELDS} updatedAt")
    await b.expect_failures(
        api,
        "stationUpdate",
        UPDATE,
        [
            (
                "stale version",
                {"id": sid, "expectedVersion": 2, "name": "新名字站"},
                [("CONFLICT", "expectedVersion")],
            ),
            (
                "street changes but the community is the old street's",
                {"id": sid, "streetId": ids["other_street"]},
                [("VALIDATION", "communityId")],
            ),
            (
                "community of another street",
                {"id": sid, "communityId": ids["other_community"]},
                [("VALIDATION", "communityId")],
            ),
            ("null street", {"id": sid, "streetId": None}, [("REQUIRED", "streetId")]),
            ("null kind", {"id": sid, "kind": None}, [("REQUIRED", "kind")]),
            ("null name", {"id": sid, "name": None}, [("REQUIRED", "name")]),
            ("null address", {"id": sid, "address": None}, [("REQUIRED", "address")]),
            (
                "null location",
                {"id": sid, "location": None},
                [("REQUIRED", "location.latitude"), ("REQUIRED", "location.longitude")],
            ),
            ("null active", {"id": sid, "active": None}, [("REQUIRED", "active")]),
            (
                "unknown street",
                {"id": sid, "streetId": b.global_id("Street", MISSING)},
                [("NOT_FOUND", "streetId")],
            ),
            (
                "unknown station",
                {"id": b.global_id("Station", MISSING), "name": "x"},
                [("NOT_FOUND", "id")],
            ),
            ("a street's id", {"id": ids["street"], "name": "x"}, [("NOT_FOUND", "id")]),
        ],
    )
    assert await b.read(api, sid, "Station", f"{FIELDS} updatedAt") == before


async def test_deactivate(api: Api) -> None:
    ids = await _two_streets(api)
    sid = await b.station(api, ids["street"], ids["community"])
    assert await b.fails(
        api, "stationDeactivate", DEACTIVATE, {"id": sid, "expectedVersion": 7}
    ) == [("CONFLICT", "expectedVersion")]
    assert await b.fails(api, "stationDeactivate", DEACTIVATE, {"id": ids["community"]}) == [
        ("NOT_FOUND", "id")
    ]
    station = (await api.ok("stationDeactivate", DEACTIVATE, input={"id": sid}))["station"]
    assert (station["active"], station["version"]) == (False, 2)
    assert await b.read(api, sid, "Station", "active version") == {"active": False, "version": 2}
    again = (await api.ok("stationUpdate", UPDATE, input={"id": sid, "active": True}))["station"]
    assert (again["active"], again["version"]) == (True, 3)


async def test_filters_and_pages(api: Api) -> None:
    ids = await _two_streets(api)
    s, s2, c, c2 = ids["street"], ids["other_street"], ids["community"], ids["community2"]
    a = await b.station(api, s, c, name="A")
    bb = await b.station(api, s, c2, name="B", kind="ENTERPRISE")
    cc = await b.station(api, s, None, name="C", kind="BUSINESS_BUILDING")
    d = await b.station(api, s2, ids["other_community"], name="D")
    e = await b.station(api, s2, None, name="E", kind="ENTERPRISE")
    await api.ok("stationDeactivate", DEACTIVATE, input={"id": e})

    async def names(filter: dict[str, Any]) -> list[str]:
        total, nodes = await b.read_list(api, "stations", "id name", filter)
        assert total == len(nodes)
        return [n["name"] for n in nodes]

    assert await names({}) == ["A", "B", "C", "D", "E"]
    assert await names({"streetId": s}) == ["A", "B", "C"]
    assert await names({"streetId": s2}) == ["D", "E"]
    assert await names({"communityId": c2}) == ["B"]
    assert await names({"kind": "ENTERPRISE"}) == ["B", "E"]
    assert await names({"kind": "COMMUNITY"}) == ["A", "D"]
    assert await names({"kind": "SOCIAL_WORK_AGENCY"}) == []
    assert await names({"active": False}) == ["E"]
    assert await names({"active": True, "kind": "ENTERPRISE"}) == ["B"]
    assert await names({"streetId": s2, "kind": "COMMUNITY", "active": True}) == ["D"]
    assert await names({"streetId": s, "communityId": ids["other_community"]}) == []
    assert await names({"communityId": b.global_id("Community", MISSING)}) == []

    walked = await b.walk(api, "stations", first=2, fields="id")
    assert [n["id"] for n in walked] == [a, bb, cc, d, e]
    walked = await b.walk(api, "stations", first=1, fields="id", filter={"streetId": s})
    assert [n["id"] for n in walked] == [a, bb, cc]

    for field, bad in (("streetId", c), ("streetId", "junk"), ("communityId", s)):
        messages = await b.query_errors(
            api,
            "query($f: StationFilter) { stations(filter: $f) { totalCount } }",
            f={field: bad},
        )
        assert len(messages) == 1
        assert messages[0].startswith(f"filter.{field}: not the id of a"), messages
    messages = await b.query_errors(api, "{ stations(first: 101) { totalCount } }")
    assert messages == ["first: must be between 1 and 100 (got 101)."]
    messages = await b.query_errors(api, '{ stations(after: "nope") { totalCount } }')
    assert messages[0].startswith("after:")
