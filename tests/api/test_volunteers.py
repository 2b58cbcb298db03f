"""Volunteers through the API: registration, changes, deactivation, phone rules, filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api import builders as b
from tests.api.conftest import Api

FIELDS = """id name gender birthYear phone capacity vetted active version
  home { latitude longitude } workplace { latitude longitude }
  stations { id } skills languages availability { weekday dayPart }"""
CREATE = b.mutation_doc("volunteerCreate", "VolunteerCreateInput", f"volunteer {{ {FIELDS} }}")
UPDATE = b.mutation_doc("volunteerUpdate", "VolunteerUpdateInput", f"volunteer {{ {FIELDS} }}")
DEACTIVATE = b.mutation_doc("volunteerDeactivate", "DeactivateInput", f"volunteer {{ {FIELDS} }}")

MISSING = 999_999
THIS_YEAR = date.today().year
WORK = {"latitude": 39.91, "longitude": 116.46}


async def _stations(api: Api, count: int) -> list[str]:
    """``count`` stations in one street (one community)."""
    ids = await b.geo(api)
    stations = [ids["station"]]
    for i in range(1, count):
        stations.append(await b.station(api, ids["street"], ids["community"], name=f"站{i}"))
    return stations


async def _count(api: Api, filter: dict[str, Any] | None = None) -> int:
    return (await b.read_list(api, "volunteers", "id", filter))[0]


async def test_register_with_everything_and_read_back(api: Api) -> None:
    st = await _stations(api, 2)
    data = b.volunteer_input(
        [st[1], st[0], st[1]],
        name=" 王  芳 ",
        phone="138-1234 5678",
        workplace=WORK,
        skills=["MEDICAL", "IT", "MEDICAL"],
        languages=["Mandarin", "beijing-dialect", "mandarin"],
        availability=[
            {"weekday": 0, "dayPart": "MORNING"},
            {"weekday": 6, "dayPart": "EVENING"},
            {"weekday": 0, "dayPart": "MORNING"},
        ],
        capacity=3,
        vetted=True,
    )
    volunteer = (await api.ok("volunteerCreate", CREATE, input=data))["volunteer"]
    assert volunteer == {
        "id": volunteer["id"],
        "name": "王 芳",
        "gender": "FEMALE",
        "birthYear": 1990,
        "phone": "138****5678",  # normalised, then masked in every response
        "capacity": 3,
        "vetted": True,
        "active": True,
        "version": 1,
        "home": b.HOME,
        "workplace": WORK,
        "stations": [{"id": st[1]}, {"id": st[0]}],
        "skills": ["MEDICAL", "IT"],
        "languages": ["mandarin", "beijing_dialect"],
        "availability": [
            {"weekday": 0, "dayPart": "MORNING"},
            {"weekday": 6, "dayPart": "EVENING"},
        ],
    }
    assert await b.read(api, volunteer["id"], "Volunteer", FIELDS) == volunteer
    assert await b.read_list(api, "volunteers", FIELDS) == (1, [volunteer])

    # Defaults: mandarin, capacity 1, not vetted, no workplace, no stations, skills or slots.
    minimal = {k: v for k, v in b.volunteer_input([]).items() if k != "stationIds"}
    plain = (await api.ok("volunteerCreate", CREATE, input={**minimal, "phone": "010-6512 3456"}))[
        "volunteer"
    ]
    assert {k: plain[k] for k in ("phone", "capacity", "vetted", "workplace", "languages")} == {
        "phone": "010****3456",
        "capacity": 1,
        "vetted": False,
        "workplace": None,
        "languages": ["mandarin"],
    }
    assert (plain["stations"], plain["skills"], plain["availability"]) == ([], [], [])


async def test_bad_registrations_are_refused_and_leave_no_volunteer(api: Api) -> None:
    st = await _stations(api, 1)
    await b.volunteer(api, st)
    ok = b.volunteer_input(st, phone="13900000000")
    await b.expect_failures(
        api,
        "volunteerCreate",
        CREATE,
        [
            (
                "home latitude",
                {**ok, "home": {"latitude": 90.01, "longitude": 116.4}},
                [("VALIDATION", "home.latitude")],
            ),
            (
                "home longitude",
                {**ok, "home": {"latitude": 39.9, "longitude": -200}},
                [("VALIDATION", "home.longitude")],
            ),
            (
                "workplace latitude",
                {**ok, "workplace": {"latitude": -95, "longitude": 116.4}},
                [("VALIDATION", "workplace.latitude")],
            ),
            (
                "born in the future",
                {**ok, "birthYear": THIS_YEAR + 1},
                [("VALIDATION", "birthYear")],
            ),
            ("aged 9", {**ok, "birthYear": THIS_YEAR - 9}, [("VALIDATION", "birthYear")]),
            ("aged 111", {**ok, "birthYear": THIS_YEAR - 111}, [("VALIDATION", "birthYear")]),
            ("short phone", {**ok, "phone": "12345"}, [("VALIDATION", "phone")]),
            ("letters in phone", {**ok, "phone": "1381234567a"}, [("VALIDATION", "phone")]),
            ("blank name", {**ok, "name": "  "}, [("VALIDATION", "name")]),
            ("name of 65", {**ok, "name": "名" * 65}, [("VALIDATION", "name")]),
            ("capacity 21", {**ok, "capacity": 21}, [("VALIDATION", "capacity")]),
            ("capacity -1", {**ok, "capacity": -1}, [("VALIDATION", "capacity")]),
            ("bad language", {**ok, "languages": ["mandarin", "x"]}, [("VALIDATION", "languages")]),
            (
                "weekday 7",
                {**ok, "availability": [{"weekday": 7, "dayPart": "MORNING"}]},
                [("VALIDATION", "availability")],
            ),
            (
                "unknown station",
                {**ok, "stationIds": [b.global_id("Station", MISSING)]},
                [("NOT_FOUND", "stationIds[0]")],
            ),
            (
                "second station unknown",
                {**ok, "stationIds": [st[0], b.global_id("Station", MISSING)]},
                [("NOT_FOUND", "stationIds[1]")],
            ),
            (
                "two unknown stations",
                {
                    **ok,
                    "stationIds": [b.global_id("Station", MISSING), b.global_id("Station", 12345)],
                },
                [("NOT_FOUND", "stationIds[0]"), ("NOT_FOUND", "stationIds[1]")],
            ),
            (
                "a community's id as a station",
                {**ok, "stationIds": [st[0], b.global_id("Community", 1)]},
                [("NOT_FOUND", "stationIds[1]")],
            ),
            ("garbage station id", {**ok, "stationIds": ["zz"]}, [("NOT_FOUND", "stationIds[0]")]),
            (
                "several problems at once",
                {**ok, "phone": "1", "home": {"latitude": 91, "longitude": 181}},
                [
                    ("VALIDATION", "phone"),
                    ("VALIDATION", "home.latitude"),
                    ("VALIDATION", "home.longitude"),
                ],
            ),
        ],
    )
    assert await _count(api) == 1  # only the first, valid volunteer


async def test_phone_is_unique_among_a_stations_active_volunteers(api: Api) -> None:
    a, bb, c = await _stations(api, 3)
    first = await b.volunteer(api, [a], phone="13812345678")
    dup = [("DUPLICATE", "phone")]
    assert await b.fails(api, "volunteerCreate", CREATE, b.volunteer_input([a])) == dup
    same_digits = b.volunteer_input([a], phone="138 1234-5678")
    assert await b.fails(api, "volunteerCreate", CREATE, same_digits) == dup
    assert await b.fails(api, "volunteerCreate", CREATE, b.volunteer_input([c, a])) == dup
    # The same phone in another station is fine.
    other = await b.volunteer(api, [bb], name="李明")
    assert await _count(api) == 2

    # Moving into the station, or changing the phone into a clash, is refused.
    assert (
        await b.fails(api, "volunteerUpdate", UPDATE, {"id": other, "stationIds": [bb, a]}) == dup
    )
    third = await b.volunteer(api, [a], name="赵六", phone="13700000000")
    assert (
        await b.fails(api, "volunteerUpdate", UPDATE, {"id": third, "phone": "13812345678"}) == dup
    )
    # Keeping one's own phone is not a clash, and not a change: the version stays.
    same = await api.ok("volunteerUpdate", UPDATE, input={"id": first, "phone": "13812345678"})
    assert same["volunteer"]["version"] == 1

    # An inactive volunteer's phone is free again, but then they cannot be reactivated there.
    await api.ok("volunteerDeactivate", DEACTIVATE, input={"id": first})
    successor = await b.volunteer(api, [a], name="孙七")
    assert await b.fails(api, "volunteerUpdate", UPDATE, {"id": first, "active": True}) == dup
    assert await b.read(api, first, "Volunteer", "active version") == {
        "active": False,
        "version": 2,
    }
    await api.ok("volunteerDeactivate", DEACTIVATE, input={"id": successor})
    back = await api.ok("volunteerUpdate", UPDATE, input={"id": first, "active": True})
    assert (back["volunteer"]["active"], back["volunteer"]["version"]) == (True, 3)


async def test_update_changes_what_is_given_and_replaces_lists(api: Api) -> None:
    a, bb = await _stations(api, 2)
    vid = await b.volunteer(api, [a], skills=["IT"], workplace=WORK)
    changed = (
        await api.ok(
            "volunteerUpdate",
            UPDATE,
            input={
                "id": vid,
                "expectedVersion": 1,
                "name": "王芳芳",
                "gender": "MALE",
                "birthYear": 1985,
                "phone": "+86 139 0000 0000",
                "home": {"latitude": 40.0, "longitude": 116.3},
                "workplace": None,
                "stationIds": [bb],
                "skills": ["LEGAL", "TUTORING"],
                "languages": ["cantonese"],
                "availability": [{"weekday": 3, "dayPart": "AFTERNOON"}],
                "capacity": 0,
                "vetted": True,
            },
        )
    )["volunteer"]
    assert changed == {
        "id": vid,
        "name": "王芳芳",
        "gender": "MALE",
        "birthYear": 1985,
        "phone": "+86*******0000",
        "capacity": 0,
        "vetted": True,
        "active": True,
        "version": 2,
        "home": {"latitude": 40.0, "longitude": 116.3},
        "workplace": None,
        "stations": [{"id": bb}],
        "skills": ["LEGAL", "TUTORING"],
        "languages": ["cantonese"],
        "availability": [{"weekday": 3, "dayPart": "AFTERNOON"}],
    }
    assert await b.read(api, vid, "Volunteer", FIELDS) == changed

    # A list alone is a change too: the version moves, so a stale editor is refused.
    only_skills = (await api.ok("volunteerUpdate", UPDATE, input={"id": vid, "skills": ["IT"]}))[
        "volunteer"
    ]
    assert (only_skills["skills"], only_skills["version"]) == (["IT"], 3)
    no_stations = (await api.ok("volunteerUpdate", UPDATE, input={"id": vid, "stationIds": []}))[
        "volunteer"
    ]
    assert (no_stations["stations"], no_stations["version"]) == ([], 4)
    # Null for a list, like leaving it out, keeps it (and changes nothing).
    kept = (
        await api.ok(
            "volunteerUpdate", UPDATE, input={"id": vid, "skills": None, "languages": None}
        )
    )["volunteer"]
    assert (kept["skills"], kept["languages"], kept["version"]) == (["IT"], ["cantonese"], 4)
    assert await b.read(api, vid, "Volunteer", FIELDS) == kept


async def test_failed_updates_change_nothing(api: Api) -> None:
    a, bb = await _stations(api, 2)
    await b.volunteer(api, [bb], name="李明")  # the same phone, in the other station
    vid = await b.volunteer(api, [a], skills=["IT"], languages=["mandarin"])
    snapshot = f"{FIELDS} updatedAt"
    before = await b.read(api, vid, "Volunteer", snapshot)
    await b.expect_failures(
        api,
        "volunteerUpdate",
        UPDATE,
        [
            (
                "stale version",
                {"id": vid, "expectedVersion": 2, "skills": ["LEGAL"]},
                [("CONFLICT", "expectedVersion")],
            ),
            (
                "unknown station among changes",
                {
                    "id": vid,
                    "name": "新名",
                    "skills": ["LEGAL"],
                    "stationIds": [bb, b.global_id("Station", MISSING)],
                },
                [("NOT_FOUND", "stationIds[1]")],
            ),
            (
                "duplicate phone in the new station",
                {"id": vid, "name": "新名", "stationIds": [bb], "skills": ["LEGAL"]},
                [("DUPLICATE", "phone")],
            ),
            (
                "bad slot after a valid name change",
                {
                    "id": vid,
                    "name": "新名",
                    "skills": ["LEGAL"],
                    "availability": [{"weekday": -1, "dayPart": "EVENING"}],
                },
                [("VALIDATION", "availability")],
            ),
            (
                "bad language with new stations",
                {"id": vid, "stationIds": [], "languages": ["!"]},
                [("VALIDATION", "languages")],
            ),
            (
                "bad home",
                {"id": vid, "home": {"latitude": 0, "longitude": 180.5}},
                [("VALIDATION", "home.longitude")],
            ),
            ("null name", {"id": vid, "name": None}, [("REQUIRED", "name")]),
            ("null phone", {"id": vid, "phone": None}, [("REQUIRED", "phone")]),
            ("null birth year", {"id": vid, "birthYear": None}, [("REQUIRED", "birthYear")]),
            ("null gender", {"id": vid, "gender": None}, [("REQUIRED", "gender")]),
            ("null capacity", {"id": vid, "capacity": None}, [("REQUIRED", "capacity")]),
            (
                "null home",
                {"id": vid, "home": None},
                [("REQUIRED", "home.latitude"), ("REQUIRED", "home.longitude")],
            ),
            (
                "unknown volunteer",
                {"id": b.global_id("Volunteer", MISSING), "name": "x"},
                [("NOT_FOUND", "id")],
            ),
            ("a station's id", {"id": a, "name": "x"}, [("NOT_FOUND", "id")]),
        ],
    )
    assert await b.read(api, vid, "Volunteer", snapshot) == before


async def test_deactivate(api: Api) -> None:
    st = await _stations(api, 1)
    vid = await b.volunteer(api, st)
    stale = await b.fails(api, "volunteerDeactivate", DEACTIVATE, {"id": vid, "expectedVersion": 3})
    assert stale == [("CONFLICT", "expectedVersion")]
    missing = await b.fails(
        api, "volunteerDeactivate", DEACTIVATE, {"id": b.global_id("Volunteer", MISSING)}
    )
    assert missing == [("NOT_FOUND", "id")]
    gone = (
        await api.ok("volunteerDeactivate", DEACTIVATE, input={"id": vid, "expectedVersion": 1})
    )["volunteer"]
    assert (gone["active"], gone["version"], gone["stations"]) == (False, 2, [{"id": st[0]}])
    assert await b.read(api, vid, "Volunteer", "active version") == {"active": False, "version": 2}


async def test_filters_and_pages(api: Api) -> None:
    a, bb = await _stations(api, 2)
    v1 = await b.volunteer(api, [a], name="一", phone="13800000001", skills=["MEDICAL", "IT"])
    v2 = await b.volunteer(
        api, [a, bb], name="二", phone="13800000002", languages=["beijing_dialect"]
    )
    v3 = await b.volunteer(
        api, [bb], name="三", phone="13800000003", skills=["IT"], languages=["mandarin", "english"]
    )
    v4 = await b.volunteer(api, [], name="四", phone="13800000004")
    v5 = await b.volunteer(api, [a], name="五", phone="13800000005", skills=["IT"])
    await api.ok("volunteerDeactivate", DEACTIVATE, input={"id": v5})

    async def names(filter: dict[str, Any]) -> list[str]:
        return [n["name"] for n in (await b.read_list(api, "volunteers", "name", filter))[1]]

    assert await names({}) == ["一", "二", "三", "四", "五"]
    assert await names({"stationId": a}) == ["一", "二", "五"]
    assert await names({"stationId": bb}) == ["二", "三"]
    assert await names({"skill": "IT"}) == ["一", "三", "五"]
    assert await names({"skill": "LEGAL"}) == []
    assert await names({"language": "mandarin"}) == ["一", "三", "四", "五"]
    assert await names({"language": " Beijing_Dialect "}) == ["二"]
    assert await names({"language": "english"}) == ["三"]
    assert await names({"active": False}) == ["五"]
    assert await names({"active": True, "skill": "IT", "stationId": a}) == ["一"]
    assert await names({"stationId": b.global_id("Station", MISSING)}) == []
    walked = await b.walk(api, "volunteers", first=2)
    assert [n["id"] for n in walked] == [v1, v2, v3, v4, v5]
    walked = await b.walk(api, "volunteers", first=1, filter={"skill": "IT", "active": True})
    assert [n["id"] for n in walked] == [v1, v3]

    for bad in ("junk", v1):
        messages = await b.query_errors(
            api,
            "query($s: ID) { volunteers(filter: {stationId: $s}) { totalCount } }",
            s=bad,
        )
        assert messages == ["filter.stationId: not the id of a Station."]
    for first in (0, 101):
        messages = await b.query_errors(
            api, "query($n: Int) { volunteers(first: $n) { totalCount } }", n=first
        )
        assert messages == [f"first: must be between 1 and 100 (got {first})."]
    messages = await b.query_errors(api, '{ volunteers(after: "Y3Vyc29yOg==") { totalCount } }')
    assert messages[0].startswith("after:")
