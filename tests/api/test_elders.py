"""Elders (80+) through the API: registration, changes, deactivation, filters including pairs."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from models.enums import PairStatus
from tests.api import builders as b
from tests.api.conftest import Api

FIELDS = """id active version preferredVolunteerGender age location { latitude longitude }
  languages careNeeds visitSlots { weekday dayPart } person { id name } community { id name }
  currentPair { status volunteer { name } }"""
CREATE = b.mutation_doc("elderCreate", "ElderCreateInput", f"elder {{ {FIELDS} }}")
UPDATE = b.mutation_doc("elderUpdate", "ElderUpdateInput", f"elder {{ {FIELDS} }}")
DEACTIVATE = b.mutation_doc("elderDeactivate", "DeactivateInput", f"elder {{ {FIELDS} }}")
H_UPDATE = b.mutation_doc("householdUpdate", "HouseholdUpdateInput", "household { id }")
P_DEACTIVATE = b.mutation_doc("personDeactivate", "DeactivateInput", "person { id }")

MISSING = 999_999
VISIT = {"latitude": 39.925, "longitude": 116.415}


async def _member(api: Api, community_id: str, age: int, *, days: int = 0, name: str = "") -> str:
    """A person of ``age`` (``days`` short of it when given) heading a new household."""
    hid = await b.household(api, community_id)
    birth = b.years_ago(age, days=days)
    return await b.person(api, hid, name=name or f"{age}岁老人", birthDate=birth)


async def test_register_and_read_back(api: Api) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"])
    pid = await b.person(api, hid, name="李奶奶", gender="FEMALE")
    elder = (await api.ok("elderCreate", CREATE, input={"personId": pid}))["elder"]
    assert elder == {
        "id": elder["id"],
        "active": True,
        "version": 1,
        "preferredVolunteerGender": None,
        "age": b.age_today("1938-05-01"),
        "location": b.HOME,  # the household's, by default
        "languages": ["mandarin"],
        "careNeeds": [],
        "visitSlots": [],
        "person": {"id": pid, "name": "李奶奶"},
        "community": {"id": ids["community"], "name": "多福巷社区"},
        "currentPair": None,
    }
    assert await b.read(api, elder["id"], "Elder", FIELDS) == elder

    pid2 = await _member(api, ids["community"], 80, name="刚满八十")
    full = (
        await api.ok(
            "elderCreate",
            CREATE,
            input={
                "personId": pid2,
                "location": VISIT,
                "preferredVolunteerGender": "FEMALE",
                "languages": ["Beijing-Dialect", "mandarin", "beijing_dialect"],
                "careNeeds": ["VISITS", "CALLS", "VISITS"],
                "visitSlots": [
                    {"weekday": 2, "dayPart": "MORNING"},
                    {"weekday": 2, "dayPart": "MORNING"},
                ],
            },
        )
    )["elder"]
    assert {k: full[k] for k in ("age", "location", "preferredVolunteerGender")} == {
        "age": 80,
        "location": VISIT,
        "preferredVolunteerGender": "FEMALE",
    }
    assert (full["languages"], full["careNeeds"], full["visitSlots"]) == (
        ["beijing_dialect", "mandarin"],
        ["VISITS", "CALLS"],
        [{"weekday": 2, "dayPart": "MORNING"}],
    )
    assert await b.read(api, full["id"], "Elder", FIELDS) == full
    total, nodes = await b.read_list(api, "elders", "id")
    assert (total, nodes) == (2, [{"id": elder["id"]}, {"id": full["id"]}])


async def test_bad_registrations_are_refused_and_create_nothing(api: Api) -> None:
    ids = await b.geo(api)
    c = ids["community"]
    registered = await _member(api, c, 90)
    await b.elder(api, registered)
    young = await _member(api, c, 80, days=1)  # 80 tomorrow
    gone = await _member(api, c, 85)
    await api.ok("personDeactivate", P_DEACTIVATE, input={"id": gone})
    ok_person = await _member(api, c, 88)
    await b.expect_failures(
        api,
        "elderCreate",
        CREATE,
        [
            ("aged 79", {"personId": young}, [("VALIDATION", "personId")]),
            ("registered twice", {"personId": registered}, [("DUPLICATE", "personId")]),
            ("inactive person", {"personId": gone}, [("INVALID_STATE", "personId")]),
            (
                "unknown person",
                {"personId": b.global_id("Person", MISSING)},
                [("NOT_FOUND", "personId")],
            ),
            (
                "a household's id",
                {"personId": b.global_id("Household", 1)},
                [("NOT_FOUND", "personId")],
            ),
            ("garbage id", {"personId": "person-1"}, [("NOT_FOUND", "personId")]),
            (
                "bad location",
                {"personId": ok_person, "location": {"latitude": 39.9, "longitude": 190}},
                [("VALIDATION", "location.longitude")],
            ),
            (
                "bad language",
                {"personId": ok_person, "languages": ["mandarin", "中文"]},
                [("VALIDATION", "languages")],
            ),
            (
                "weekday 7",
                {"personId": ok_person, "visitSlots": [{"weekday": 7, "dayPart": "EVENING"}]},
                [("VALIDATION", "visitSlots")],
            ),
        ],
    )
    assert (await b.read_list(api, "elders"))[0] == 1
    assert (await b.read(api, young, "Person", "age")) == {"age": 79}


async def test_update_and_failed_updates(api: Api) -> None:
    ids = await b.geo(api)
    pid = await _member(api, ids["community"], 86)
    eid = await b.elder(api, pid, preferredVolunteerGender="MALE", careNeeds=["CALLS"])
    changed = (
        await api.ok(
            "elderUpdate",
            UPDATE,
            input={
                "id": eid,
                "expectedVersion": 1,
                "location": VISIT,
                "preferredVolunteerGender": None,
                "languages": ["cantonese"],
                "careNeeds": ["ERRANDS", "MEDICAL_ACCOMPANIMENT"],
                "visitSlots": [{"weekday": 5, "dayPart": "AFTERNOON"}],
            },
        )
    )["elder"]
    assert {
        k: changed[k]
        for k in (
            "version",
            "location",
            "preferredVolunteerGender",
            "languages",
            "careNeeds",
            "visitSlots",
        )
    } == {
        "version": 2,
        "location": VISIT,
        "preferredVolunteerGender": None,
        "languages": ["cantonese"],
        "careNeeds": ["ERRANDS", "MEDICAL_ACCOMPANIMENT"],
        "visitSlots": [{"weekday": 5, "dayPart": "AFTERNOON"}],
    }
    assert await b.read(api, eid, "Elder", FIELDS) == changed
    # A list alone is a change: the version moves.
    needs = (await api.ok("elderUpdate", UPDATE, input={"id": eid, "careNeeds": []}))["elder"]
    assert (needs["careNeeds"], needs["version"]) == ([], 3)

    snapshot = f"{FIELDS} updatedAt"
    before = await b.read(api, eid, "Elder", snapshot)
    await b.expect_failures(
        api,
        "elderUpdate",
        UPDATE,
        [
            (
                "stale version",
                {"id": eid, "expectedVersion": 2, "careNeeds": ["VISITS"]},
                [("CONFLICT", "expectedVersion")],
            ),
            (
                "null location",
                {"id": eid, "location": None},
                [("REQUIRED", "location.latitude"), ("REQUIRED", "location.longitude")],
            ),
            ("null active", {"id": eid, "active": None}, [("REQUIRED", "active")]),
            (
                "bad language after a valid change",
                {"id": eid, "preferredVolunteerGender": "FEMALE", "languages": ["?"]},
                [("VALIDATION", "languages")],
            ),
            (
                "bad slot after a valid change",
                {
                    "id": eid,
                    "location": b.HOME,
                    "careNeeds": ["VISITS"],
                    "visitSlots": [{"weekday": 8, "dayPart": "MORNING"}],
                },
                [("VALIDATION", "visitSlots")],
            ),
            (
                "bad latitude",
                {"id": eid, "location": {"latitude": -90.5, "longitude": 116}},
                [("VALIDATION", "location.latitude")],
            ),
            ("unknown elder", {"id": b.global_id("Elder", MISSING)}, [("NOT_FOUND", "id")]),
            ("a person's id", {"id": pid}, [("NOT_FOUND", "id")]),
        ],
    )
    assert await b.read(api, eid, "Elder", snapshot) == before


async def test_deactivate_and_household_moves(api: Api) -> None:
    ids = await b.geo(api)
    other = await b.community(api, ids["street"], "韶九社区")
    hid = await b.household(api, ids["community"])
    eid = await b.elder(api, await b.person(api, hid))
    # A household that moves takes its elders' community along (lists filter by it).
    await api.ok("householdUpdate", H_UPDATE, input={"id": hid, "communityId": other})
    assert await b.read(api, eid, "Elder", "community { id } version") == {
        "community": {"id": other},
        "version": 2,
    }
    assert await b.read_list(api, "elders", "id", {"communityId": other}) == (1, [{"id": eid}])
    assert await b.read_list(api, "elders", "id", {"communityId": ids["community"]}) == (0, [])

    stale = {"id": eid, "expectedVersion": 1}
    assert await b.fails(api, "elderDeactivate", DEACTIVATE, stale) == [
        ("CONFLICT", "expectedVersion")
    ]
    gone = (await api.ok("elderDeactivate", DEACTIVATE, input={"id": eid, "expectedVersion": 2}))[
        "elder"
    ]
    assert (gone["active"], gone["version"]) == (False, 3)
    assert await b.read(api, eid, "Elder", "active") == {"active": False}
    assert await b.read_list(api, "elders", "id", {"active": False}) == (1, [{"id": eid}])
    back = (await api.ok("elderUpdate", UPDATE, input={"id": eid, "active": True}))["elder"]
    assert (back["active"], back["version"]) == (True, 4)


async def test_filters_and_pages(app: Starlette, api: Api) -> None:
    d = await b.district(api)
    s1 = await b.street(api, d, "东华门街道")
    s2 = await b.street(api, d, "景山街道")
    c1 = await b.community(api, s1, "多福巷社区")
    c2 = await b.community(api, s1, "韶九社区")
    c3 = await b.community(api, s2, "黄化门社区")
    e80 = await b.elder(api, await _member(api, c1, 80))
    e85 = await b.elder(api, await _member(api, c1, 85))
    e89 = await b.elder(api, await _member(api, c2, 90, days=1))  # 90 tomorrow
    e90 = await b.elder(api, await _member(api, c3, 90))
    e95 = await b.elder(api, await _member(api, c3, 95))
    await api.ok("elderDeactivate", DEACTIVATE, input={"id": e95})
    station = await b.station(api, s1, c1)
    volunteer = await b.volunteer(api, [station], name="结对志愿者")
    await b.add_pair(app, volunteer, e80, PairStatus.ACTIVE)
    await b.add_pair(app, volunteer, e85, PairStatus.ENDED)
    await b.add_pair(app, volunteer, e90, PairStatus.PROPOSED)

    async def found(filter: dict[str, Any]) -> list[str]:
        return [n["id"] for n in (await b.read_list(api, "elders", "id", filter))[1]]

    everyone = [e80, e85, e89, e90, e95]
    assert await found({}) == everyone
    assert await found({"communityId": c1}) == [e80, e85]
    assert await found({"streetId": s1}) == [e80, e85, e89]
    assert await found({"streetId": s2}) == [e90, e95]
    assert await found({"minAge": 85}) == [e85, e89, e90, e95]
    assert await found({"minAge": 90}) == [e90, e95]
    assert await found({"maxAge": 89}) == [e80, e85, e89]
    assert await found({"maxAge": 84}) == [e80]
    assert await found({"minAge": 85, "maxAge": 90}) == [e85, e89, e90]
    assert await found({"minAge": 81, "maxAge": 84}) == []
    assert await found({"paired": True}) == [e80, e90]  # active and proposed pairs are live
    assert await found({"paired": False}) == [e85, e89, e95]  # an ended pair is not
    assert await found({"active": True, "paired": False}) == [e85, e89]
    assert await found({"streetId": s2, "minAge": 90, "active": True}) == [e90]
    assert await b.read(api, e80, "Elder", "currentPair { status volunteer { name } }") == {
        "currentPair": {"status": "ACTIVE", "volunteer": {"name": "结对志愿者"}}
    }
    assert await b.read(api, e85, "Elder", "currentPair { status }") == {"currentPair": None}
    assert [n["id"] for n in await b.walk(api, "elders", first=2)] == everyone
    walked = await b.walk(api, "elders", first=1, filter={"minAge": 85, "active": True})
    assert [n["id"] for n in walked] == [e85, e89, e90]

    for field, value, message in (
        ("minAge", 131, "filter.minAge: must be between 0 and 130 (got 131)."),
        ("maxAge", -1, "filter.maxAge: must be between 0 and 130 (got -1)."),
        ("communityId", s1, "filter.communityId: not the id of a Community."),
        ("streetId", "junk", "filter.streetId: not the id of a Street."),
    ):
        messages = await b.query_errors(
            api, "query($f: ElderFilter) { elders(filter: $f) { totalCount } }", f={field: value}
        )
        assert messages == [message]
    messages = await b.query_errors(api, "{ elders(first: 1000) { totalCount } }")
    assert messages == ["first: must be between 1 and 100 (got 1000)."]


P_UPDATE = b.mutation_doc("personUpdate", "PersonUpdateInput", "person { id birthDate }")
H_DEACTIVATE = b.mutation_doc("householdDeactivate", "DeactivateInput", "household { id }")


async def test_an_elders_birth_date_cannot_make_them_younger_than_80(api: Api) -> None:
    ids = await b.geo(api)
    pid = await b.person(api, await b.household(api, ids["community"]))
    eid = await b.elder(api, pid)
    too_young = {"id": pid, "birthDate": b.years_ago(79)}
    assert await b.fails(api, "personUpdate", P_UPDATE, too_young) == [("VALIDATION", "birthDate")]
    assert (await b.read(api, pid, "Person", "birthDate")) == {"birthDate": "1938-05-01"}
    # A correction that keeps them 80+ is fine; once the profile is inactive, any date is.
    await api.ok("personUpdate", P_UPDATE, input={"id": pid, "birthDate": b.years_ago(85)})
    await api.ok("elderDeactivate", DEACTIVATE, input={"id": eid})
    await api.ok("personUpdate", P_UPDATE, input=too_young)


async def test_no_elder_in_an_archived_household_and_deactivating_twice_is_no_change(
    api: Api,
) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"])
    pid = await b.person(api, hid)
    await api.ok("householdDeactivate", H_DEACTIVATE, input={"id": hid})
    refused = await b.fails(api, "elderCreate", CREATE, {"personId": pid})
    assert refused == [("INVALID_STATE", "personId")]
    await api.ok("householdUpdate", H_UPDATE, input={"id": hid, "active": True})
    eid = await b.elder(api, pid)
    first = await api.ok("elderDeactivate", DEACTIVATE, input={"id": eid})
    again = await api.ok("elderDeactivate", DEACTIVATE, input={"id": eid})
    assert first["elder"]["version"] == again["elder"]["version"] == 2
