"""Households, their members and their status history through the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.applications import Starlette

from tests.api import builders as b
from tests.api import lifecycle_builders as lb
from tests.api.conftest import Api

HISTORY = "statusHistory { id kind fromStatus toStatus effectiveOn reason }"
H_FIELDS = f"""id address status active version location {{ latitude longitude }}
  community {{ id name }} {HISTORY}"""
P_FIELDS = """id name gender birthDate relation identityCategory disabilityGrade seriousIllness
  labourCapacity student livingAlone active version age household { id }"""
H_CREATE = b.mutation_doc("householdCreate", "HouseholdCreateInput", f"household {{ {H_FIELDS} }}")
H_UPDATE = b.mutation_doc("householdUpdate", "HouseholdUpdateInput", f"household {{ {H_FIELDS} }}")
H_DEACTIVATE = b.mutation_doc(
    "householdDeactivate", "DeactivateInput", f"household {{ {H_FIELDS} }}"
)
STATUS = b.mutation_doc(
    "householdStatusChange", "HouseholdStatusChangeInput", f"household {{ {H_FIELDS} }}"
)
P_CREATE = b.mutation_doc("personCreate", "PersonCreateInput", f"person {{ {P_FIELDS} }}")
P_UPDATE = b.mutation_doc("personUpdate", "PersonUpdateInput", f"person {{ {P_FIELDS} }}")
P_DEACTIVATE = b.mutation_doc("personDeactivate", "DeactivateInput", f"person {{ {P_FIELDS} }}")

MISSING = 999_999
TODAY = date.today().isoformat()
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _household(community_id: str, **extra: Any) -> dict[str, Any]:
    return {"communityId": community_id, "address": "多福巷2号", "location": b.HOME, **extra}


def _person(household_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "householdId": household_id,
        "name": "张大爷",
        "gender": "MALE",
        "birthDate": "1938-05-01",
        "relation": "HEAD",
        "labourCapacity": "NONE",
        **extra,
    }


async def _status(api: Api, hid: str, status: str, on: str, reason: str | None = None) -> Any:
    data = {"id": hid, "status": status, "effectiveOn": on, "reason": reason}
    return (await api.ok("householdStatusChange", STATUS, input=data))["household"]


async def test_open_households_and_read_back(api: Api) -> None:
    ids = await b.geo(api)
    plain = (await api.ok("householdCreate", H_CREATE, input=_household(ids["community"])))[
        "household"
    ]
    assert plain == {
        "id": plain["id"],
        "address": "多福巷2号",
        "status": "NONE",
        "active": True,
        "version": 1,
        "location": b.HOME,
        "community": {"id": ids["community"], "name": "多福巷社区"},
        "statusHistory": [],
    }
    dibao = (
        await api.ok(
            "householdCreate",
            H_CREATE,
            input=_household(
                ids["community"],
                address=" 多福巷 3号 ",
                status="DIBAO",
                statusSince="2020-03-01",
                reason="  因病致贫 ",
            ),
        )
    )["household"]
    assert (dibao["address"], dibao["status"], dibao["version"]) == ("多福巷 3号", "DIBAO", 1)
    [entry] = dibao["statusHistory"]
    assert {k: v for k, v in entry.items() if k != "id"} == {
        "kind": "ENTERED",
        "fromStatus": None,
        "toStatus": "DIBAO",
        "effectiveOn": "2020-03-01",
        "reason": "因病致贫",
    }
    edge = (
        await api.ok("householdCreate", H_CREATE, input=_household(ids["community"], status="EDGE"))
    )["household"]
    assert [(h["effectiveOn"], h["reason"]) for h in edge["statusHistory"]] == [
        (TODAY, "registered")
    ]
    assert await b.read(api, plain["id"], "Household", H_FIELDS) == plain
    assert await b.read(api, dibao["id"], "Household", H_FIELDS) == dibao
    assert await b.read(api, entry["id"], "StatusChange", "kind toStatus") == {
        "kind": "ENTERED",
        "toStatus": "DIBAO",
    }
    total, nodes = await b.read_list(api, "households", "id status")
    assert (total, [n["status"] for n in nodes]) == (3, ["NONE", "DIBAO", "EDGE"])


async def test_bad_households_are_refused_and_create_nothing(api: Api) -> None:
    ids = await b.geo(api)
    ok = _household(ids["community"])
    await b.expect_failures(
        api,
        "householdCreate",
        H_CREATE,
        [
            (
                "unknown community",
                {**ok, "communityId": b.global_id("Community", MISSING)},
                [("NOT_FOUND", "communityId")],
            ),
            ("a street's id", {**ok, "communityId": ids["street"]}, [("NOT_FOUND", "communityId")]),
            ("garbage id", {**ok, "communityId": "@@"}, [("NOT_FOUND", "communityId")]),
            ("blank address", {**ok, "address": " "}, [("VALIDATION", "address")]),
            ("address of 257", {**ok, "address": "址" * 257}, [("VALIDATION", "address")]),
            (
                "bad location",
                {**ok, "location": {"latitude": 91, "longitude": 116}},
                [("VALIDATION", "location.latitude")],
            ),
            (
                "status since tomorrow",
                {**ok, "status": "DIBAO", "statusSince": TOMORROW},
                [("VALIDATION", "statusSince")],
            ),
            (
                "status since 1989",
                {**ok, "status": "DIBAO", "statusSince": "1989-12-31"},
                [("VALIDATION", "statusSince")],
            ),
            (
                "reason of 501",
                {**ok, "status": "LOW_INCOME", "reason": "因" * 501},
                [("VALIDATION", "reason")],
            ),
        ],
    )
    assert await b.read_list(api, "households") == (0, [])


async def test_update_household(api: Api) -> None:
    ids = await b.geo(api)
    other = await b.community(api, ids["street"], "韶九社区")
    hid = await b.household(api, ids["community"], status="DIBAO")
    moved = {"latitude": 39.93, "longitude": 116.42}
    changed = (
        await api.ok(
            "householdUpdate",
            H_UPDATE,
            input={
                "id": hid,
                "expectedVersion": 1,
                "address": "韶九胡同5号",
                "location": moved,
                "communityId": other,
            },
        )
    )["household"]
    assert (changed["address"], changed["location"], changed["community"], changed["version"]) == (
        "韶九胡同5号",
        moved,
        {"id": other, "name": "韶九社区"},
        2,
    )
    assert (changed["status"], len(changed["statusHistory"])) == ("DIBAO", 1)
    assert await b.read(api, hid, "Household", H_FIELDS) == changed

    snapshot = f"{H_FIELDS} updatedAt"
    before = await b.read(api, hid, "Household", snapshot)
    await b.expect_failures(
        api,
        "householdUpdate",
        H_UPDATE,
        [
            (
                "stale version",
                {"id": hid, "expectedVersion": 1, "address": "新"},
                [("CONFLICT", "expectedVersion")],
            ),
            ("null community", {"id": hid, "communityId": None}, [("REQUIRED", "communityId")]),
            ("null address", {"id": hid, "address": None}, [("REQUIRED", "address")]),
            (
                "null location",
                {"id": hid, "location": None},
                [("REQUIRED", "location.latitude"), ("REQUIRED", "location.longitude")],
            ),
            ("null active", {"id": hid, "active": None}, [("REQUIRED", "active")]),
            (
                "unknown community",
                {"id": hid, "communityId": b.global_id("Community", MISSING)},
                [("NOT_FOUND", "communityId")],
            ),
            (
                "unknown household",
                {"id": b.global_id("Household", MISSING), "address": "新"},
                [("NOT_FOUND", "id")],
            ),
        ],
    )
    assert await b.read(api, hid, "Household", snapshot) == before


async def test_status_history_is_appended_never_rewritten(app: Starlette, api: Api) -> None:
    await lb.store_policy(app)
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"], status="DIBAO", statusSince="2021-01-01")
    [entered] = (await b.read(api, hid, "Household", HISTORY) or {})["statusHistory"]

    async def change(status: str, on: str, reason: str | None) -> dict[str, Any]:
        household: dict[str, Any] = await _status(api, hid, status, on, reason)
        return household

    async def enrol(status: str, on: str, _reason: str | None) -> dict[str, Any]:
        """Re-entry goes through an application whose checks all passed."""
        application = await lb.apply(api, hid, on, status)
        await lb.record(api, application["id"], lb.checks("PASSED", on))
        await lb.enrol(api, application["id"], on)
        node = await b.read(api, hid, "Household", H_FIELDS)
        assert node is not None
        return node

    steps = [
        (change, "NONE", "2022-06-30", "就业收入超标", "EXITED", "DIBAO", "就业收入超标"),
        (enrol, "LOW_INCOME", "2023-01-01", None, "RE_ENTERED", "NONE", None),
        (change, "DIBAO", "2023-01-01", " 收入下降 ", "CHANGED", "LOW_INCOME", "收入下降"),
    ]
    history: list[dict[str, Any]] = [entered]
    for version, (step, status, on, reason, kind, old, stored) in enumerate(steps, start=2):
        household = await step(status, on, reason)
        assert (household["status"], household["version"]) == (status, version)
        *earlier, last = household["statusHistory"]
        assert earlier == history  # every earlier row, ids included, is as it was
        assert {k: v for k, v in last.items() if k not in ("id", "reason")} == {
            "kind": kind,
            "fromStatus": old,
            "toStatus": status,
            "effectiveOn": on,
        }
        if stored is not None:
            assert last["reason"] == stored
        history.append(last)
    assert await b.read(api, hid, "Household", f"version {HISTORY}") == {
        "version": 4,
        "statusHistory": history,
    }
    assert [h["kind"] for h in history] == ["ENTERED", "EXITED", "RE_ENTERED", "CHANGED"]


async def test_bad_status_changes_are_refused_and_change_nothing(api: Api) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"], status="DIBAO", statusSince="2024-05-01")
    snapshot = f"status version updatedAt {HISTORY}"
    before = await b.read(api, hid, "Household", snapshot)
    exit_ = {"id": hid, "status": "NONE", "effectiveOn": "2025-01-01", "reason": "收入提高"}
    await b.expect_failures(
        api,
        "householdStatusChange",
        STATUS,
        [
            ("same status", {**exit_, "status": "DIBAO"}, [("INVALID_STATE", "status")]),
            ("exit without reason", {**exit_, "reason": None}, [("REQUIRED", "reason")]),
            ("exit with a blank reason", {**exit_, "reason": "   "}, [("REQUIRED", "reason")]),
            (
                "before the last change",
                {**exit_, "effectiveOn": "2024-04-30"},
                [("VALIDATION", "effectiveOn")],
            ),
            ("in the future", {**exit_, "effectiveOn": TOMORROW}, [("VALIDATION", "effectiveOn")]),
            (
                "before 1990",
                {**exit_, "effectiveOn": "1989-12-31"},
                [("VALIDATION", "effectiveOn")],
            ),
            ("reason of 501", {**exit_, "reason": "因" * 501}, [("VALIDATION", "reason")]),
            (
                "stale version",
                {**exit_, "expectedVersion": 2},
                [("CONFLICT", "expectedVersion")],
            ),
            (
                "unknown household",
                {**exit_, "id": b.global_id("Household", MISSING)},
                [("NOT_FOUND", "id")],
            ),
            ("a person's id", {**exit_, "id": b.global_id("Person", 1)}, [("NOT_FOUND", "id")]),
        ],
    )
    assert await b.read(api, hid, "Household", snapshot) == before

    # The same day as the last change is fine; an archived household takes no changes.
    await _status(api, hid, "NONE", "2024-05-01", "收入提高")
    await api.ok("householdDeactivate", H_DEACTIVATE, input={"id": hid})
    archived = {"id": hid, "status": "DIBAO", "effectiveOn": TODAY}
    assert await b.fails(api, "householdStatusChange", STATUS, archived) == [
        ("INVALID_STATE", "id")
    ]


async def test_a_household_on_assistance_cannot_be_archived(api: Api) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"], status="DIBAO")
    refused = [("INVALID_STATE", "id")]
    assert await b.fails(api, "householdDeactivate", H_DEACTIVATE, {"id": hid}) == refused
    assert await b.fails(api, "householdUpdate", H_UPDATE, {"id": hid, "active": False}) == refused
    assert await b.read(api, hid, "Household", "status active version") == {
        "status": "DIBAO",
        "active": True,
        "version": 1,
    }
    await _status(api, hid, "NONE", TODAY, "迁出本区")
    stale = {"id": hid, "expectedVersion": 1}
    assert await b.fails(api, "householdDeactivate", H_DEACTIVATE, stale) == [
        ("CONFLICT", "expectedVersion")
    ]
    archived = (
        await api.ok("householdDeactivate", H_DEACTIVATE, input={"id": hid, "expectedVersion": 2})
    )["household"]
    assert (archived["active"], archived["version"], archived["status"]) == (False, 3, "NONE")
    assert await b.read(api, hid, "Household", "active version") == {"active": False, "version": 3}
    back = (await api.ok("householdUpdate", H_UPDATE, input={"id": hid, "active": True}))[
        "household"
    ]
    assert (back["active"], back["version"]) == (True, 4)


async def test_members_create_update_and_rules(api: Api) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"])
    head = (
        await api.ok(
            "personCreate",
            P_CREATE,
            input=_person(
                hid,
                name=" 张 大爷 ",
                identityCategory="MAN_60_PLUS",
                disabilityGrade=2,
                seriousIllness=True,
                livingAlone=True,
            ),
        )
    )["person"]
    assert head == {
        "id": head["id"],
        "name": "张 大爷",
        "gender": "MALE",
        "birthDate": "1938-05-01",
        "relation": "HEAD",
        "identityCategory": "MAN_60_PLUS",
        "disabilityGrade": 2,
        "seriousIllness": True,
        "labourCapacity": "NONE",
        "student": False,
        "livingAlone": True,
        "active": True,
        "version": 1,
        "age": b.age_today("1938-05-01"),
        "household": {"id": hid},
    }
    assert await b.read(api, head["id"], "Person", P_FIELDS) == head
    child = await b.person(
        api, hid, name="张小明", birthDate="2012-09-01", relation="GRANDCHILD", student=True
    )
    ok = _person(hid, relation="SPOUSE")
    await b.expect_failures(
        api,
        "personCreate",
        P_CREATE,
        [
            ("second head", {**ok, "relation": "HEAD"}, [("DUPLICATE", "relation")]),
            ("born tomorrow", {**ok, "birthDate": TOMORROW}, [("VALIDATION", "birthDate")]),
            ("born in 1899", {**ok, "birthDate": "1899-12-31"}, [("VALIDATION", "birthDate")]),
            ("blank name", {**ok, "name": ""}, [("VALIDATION", "name")]),
            ("name of 65", {**ok, "name": "张" * 65}, [("VALIDATION", "name")]),
            ("disability 5", {**ok, "disabilityGrade": 5}, [("VALIDATION", "disabilityGrade")]),
            ("disability -1", {**ok, "disabilityGrade": -1}, [("VALIDATION", "disabilityGrade")]),
            (
                "unknown household",
                {**ok, "householdId": b.global_id("Household", MISSING)},
                [("NOT_FOUND", "householdId")],
            ),
            (
                "a community's id",
                {**ok, "householdId": ids["community"]},
                [("NOT_FOUND", "householdId")],
            ),
        ],
    )
    members = await b.read(api, hid, "Household", "members { id }")
    assert members == {"members": [{"id": head["id"]}, {"id": child}]}

    changed = (
        await api.ok(
            "personUpdate",
            P_UPDATE,
            input={
                "id": child,
                "expectedVersion": 1,
                "name": "张明",
                "labourCapacity": "PARTIAL",
                "identityCategory": "STUDENT",
                "student": False,
            },
        )
    )["person"]
    assert (changed["name"], changed["labourCapacity"], changed["identityCategory"]) == (
        "张明",
        "PARTIAL",
        "STUDENT",
    )
    assert (changed["student"], changed["relation"], changed["version"]) == (False, "GRANDCHILD", 2)
    cleared = (
        await api.ok("personUpdate", P_UPDATE, input={"id": child, "identityCategory": None})
    )["person"]
    assert (cleared["identityCategory"], cleared["version"]) == (None, 3)
    assert await b.read(api, child, "Person", P_FIELDS) == cleared

    snapshot = f"{P_FIELDS} updatedAt"
    before = await b.read(api, child, "Person", snapshot)
    await b.expect_failures(
        api,
        "personUpdate",
        P_UPDATE,
        [
            ("a second head", {"id": child, "relation": "HEAD"}, [("DUPLICATE", "relation")]),
            (
                "stale version",
                {"id": child, "expectedVersion": 1, "name": "x"},
                [("CONFLICT", "expectedVersion")],
            ),
            ("null name", {"id": child, "name": None}, [("REQUIRED", "name")]),
            ("null gender", {"id": child, "gender": None}, [("REQUIRED", "gender")]),
            ("null birth date", {"id": child, "birthDate": None}, [("REQUIRED", "birthDate")]),
            ("null relation", {"id": child, "relation": None}, [("REQUIRED", "relation")]),
            (
                "null labour capacity",
                {"id": child, "labourCapacity": None},
                [("REQUIRED", "labourCapacity")],
            ),
            (
                "null disability grade",
                {"id": child, "disabilityGrade": None},
                [("REQUIRED", "disabilityGrade")],
            ),
            ("born tomorrow", {"id": child, "birthDate": TOMORROW}, [("VALIDATION", "birthDate")]),
            (
                "unknown person",
                {"id": b.global_id("Person", MISSING), "name": "x"},
                [("NOT_FOUND", "id")],
            ),
        ],
    )
    assert await b.read(api, child, "Person", snapshot) == before


async def test_person_deactivate_frees_the_head_and_deactivates_the_elder(api: Api) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"])
    head = await b.person(api, hid)
    elder = await b.elder(api, head)
    assert await b.fails(
        api, "personDeactivate", P_DEACTIVATE, {"id": head, "expectedVersion": 4}
    ) == [("CONFLICT", "expectedVersion")]
    assert await b.fails(api, "personDeactivate", P_DEACTIVATE, {"id": hid}) == [
        ("NOT_FOUND", "id")
    ]
    assert await b.read(api, elder, "Elder", "active version") == {"active": True, "version": 1}

    gone = (
        await api.ok("personDeactivate", P_DEACTIVATE, input={"id": head, "expectedVersion": 1})
    )["person"]
    assert (gone["active"], gone["version"]) == (False, 2)
    assert await b.read(api, elder, "Elder", "active version") == {"active": False, "version": 2}
    assert await b.read_list(api, "elders", "id", {"active": True}) == (0, [])

    # With the old head gone, a new head may be registered; the old one cannot come back as head.
    new_head = await b.person(api, hid, name="张建国", birthDate="1965-02-03")
    assert await b.fails(api, "personUpdate", P_UPDATE, {"id": head, "active": True}) == [
        ("DUPLICATE", "relation")
    ]
    back = await api.ok(
        "personUpdate", P_UPDATE, input={"id": head, "active": True, "relation": "PARENT"}
    )
    assert (back["person"]["active"], back["person"]["relation"]) == (True, "PARENT")
    members = await b.read(api, hid, "Household", "members { id relation active }")
    assert members == {
        "members": [
            {"id": head, "relation": "PARENT", "active": True},
            {"id": new_head, "relation": "HEAD", "active": True},
        ]
    }


async def test_household_filters_and_pages(api: Api) -> None:
    d = await b.district(api)
    s1 = await b.street(api, d, "东华门街道")
    s2 = await b.street(api, d, "景山街道")
    c1 = await b.community(api, s1, "多福巷社区")
    c2 = await b.community(api, s1, "韶九社区")
    c3 = await b.community(api, s2, "黄化门社区")
    h1 = await b.household(api, c1, status="DIBAO")
    h2 = await b.household(api, c1)
    h3 = await b.household(api, c2, status="LOW_INCOME")
    h4 = await b.household(api, c3, status="DIBAO")
    h5 = await b.household(api, c3)
    await api.ok("householdDeactivate", H_DEACTIVATE, input={"id": h5})

    async def found(filter: dict[str, Any]) -> list[str]:
        return [n["id"] for n in (await b.read_list(api, "households", "id", filter))[1]]

    assert await found({}) == [h1, h2, h3, h4, h5]
    assert await found({"communityId": c1}) == [h1, h2]
    assert await found({"streetId": s1}) == [h1, h2, h3]
    assert await found({"streetId": s2}) == [h4, h5]
    assert await found({"status": "DIBAO"}) == [h1, h4]
    assert await found({"status": "NONE", "streetId": s2}) == [h5]
    assert await found({"status": "SPECIAL_HARDSHIP"}) == []
    assert await found({"active": False}) == [h5]
    assert await found({"active": True, "streetId": s2}) == [h4]
    assert await found({"communityId": c3, "streetId": s1}) == []
    assert [n["id"] for n in await b.walk(api, "households", first=2)] == [h1, h2, h3, h4, h5]
    walked = await b.walk(api, "households", first=1, filter={"streetId": s1})
    assert [n["id"] for n in walked] == [h1, h2, h3]

    for field, bad in (("communityId", s1), ("streetId", c1), ("streetId", "x")):
        messages = await b.query_errors(
            api,
            "query($f: HouseholdFilter) { households(filter: $f) { totalCount } }",
            f={field: bad},
        )
        assert len(messages) == 1
        assert messages[0].startswith(f"filter.{field}: not the id of a"), messages
    messages = await b.query_errors(api, "{ households(first: 0) { totalCount } }")
    assert messages == ["first: must be between 1 and 100 (got 0)."]
    messages = await b.query_errors(api, '{ households(after: "!!") { totalCount } }')
    assert messages[0].startswith("after:")
