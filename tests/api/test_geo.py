"""Districts, streets and communities through the API: create, update, deactivate, lists, node."""

from __future__ import annotations

from tests.api import builders as b
from tests.api.conftest import Api

D_FIELDS = "id name code active version"
S_FIELDS = "id name code active version district { id name }"
C_FIELDS = "id name active version location { latitude longitude } street { id name }"

D_CREATE = b.mutation_doc("districtCreate", "DistrictCreateInput", f"district {{ {D_FIELDS} }}")
D_UPDATE = b.mutation_doc("districtUpdate", "DistrictUpdateInput", f"district {{ {D_FIELDS} }}")
D_DEACTIVATE = b.mutation_doc("districtDeactivate", "DeactivateInput", f"district {{ {D_FIELDS} }}")
S_CREATE = b.mutation_doc("streetCreate", "StreetCreateInput", f"street {{ {S_FIELDS} }}")
S_UPDATE = b.mutation_doc("streetUpdate", "StreetUpdateInput", f"street {{ {S_FIELDS} }}")
S_DEACTIVATE = b.mutation_doc("streetDeactivate", "DeactivateInput", f"street {{ {S_FIELDS} }}")
C_CREATE = b.mutation_doc("communityCreate", "CommunityCreateInput", f"community {{ {C_FIELDS} }}")
C_UPDATE = b.mutation_doc("communityUpdate", "CommunityUpdateInput", f"community {{ {C_FIELDS} }}")
C_DEACTIVATE = b.mutation_doc(
    "communityDeactivate", "DeactivateInput", f"community {{ {C_FIELDS} }}"
)

MISSING = 999_999


async def test_create_district_street_community_and_read_them_back(api: Api) -> None:
    district = (
        await api.ok("districtCreate", D_CREATE, input={"name": "  东城区 ", "code": "110101"})
    )["district"]
    assert {k: district[k] for k in ("name", "code", "active", "version")} == {
        "name": "东城区",  # trimmed
        "code": "110101",
        "active": True,
        "version": 1,
    }
    street = (
        await api.ok(
            "streetCreate", S_CREATE, input={"districtId": district["id"], "name": "东华门街道"}
        )
    )["street"]
    assert street["district"] == {"id": district["id"], "name": "东城区"}
    assert (street["name"], street["code"], street["active"], street["version"]) == (
        "东华门街道",
        None,
        True,
        1,
    )
    location = {"latitude": 39.9133, "longitude": 116.4035}
    community = (
        await api.ok(
            "communityCreate",
            C_CREATE,
            input={"streetId": street["id"], "name": "多福巷社区", "location": location},
        )
    )["community"]
    assert community["location"] == location
    assert community["street"] == {"id": street["id"], "name": "东华门街道"}

    assert await b.read(api, district["id"], "District", D_FIELDS) == district
    assert await b.read(api, street["id"], "Street", S_FIELDS) == street
    assert await b.read(api, community["id"], "Community", C_FIELDS) == community
    assert await b.read_list(api, "districts", "id name") == (
        1,
        [{"id": district["id"], "name": "东城区"}],
    )
    assert await b.read_list(api, "streets", "id", {"districtId": district["id"]}) == (
        1,
        [{"id": street["id"]}],
    )
    assert await b.read_list(api, "communities", "id", {"streetId": street["id"]}) == (
        1,
        [{"id": community["id"]}],
    )
    nested = await b.read(
        api,
        district["id"],
        "District",
        "streets { totalCount nodes { name communities { totalCount nodes { name } } } }",
    )
    assert nested == {
        "streets": {
            "totalCount": 1,
            "nodes": [
                {
                    "name": "东华门街道",
                    "communities": {"totalCount": 1, "nodes": [{"name": "多福巷社区"}]},
                }
            ],
        }
    }


async def test_same_names_are_fine_under_different_parents(api: Api) -> None:
    d1 = await b.district(api, "东城区")
    d2 = await b.district(api, "西城区")
    s1 = await b.street(api, d1, "交道口街道")
    s2 = await b.street(api, d2, "交道口街道")  # same street name, other district
    await b.community(api, s1, "菊儿社区")
    await b.community(api, s2, "菊儿社区")  # same community name, other street
    assert (await b.read_list(api, "streets"))[0] == 2
    assert (await b.read_list(api, "communities"))[0] == 2


async def test_bad_creates_are_refused_with_the_field_to_fix_and_create_nothing(api: Api) -> None:
    ids = await b.geo(api)  # 东城区 / 东华门街道 / 多福巷社区
    d, s = ids["district"], ids["street"]
    await b.expect_failures(
        api,
        "districtCreate",
        D_CREATE,
        [
            ("blank name", {"name": "   "}, [("VALIDATION", "name")]),
            ("name of 65 characters", {"name": "区" * 65}, [("VALIDATION", "name")]),
            ("code of 17 characters", {"name": "新区", "code": "1" * 17}, [("VALIDATION", "code")]),
            ("duplicate name", {"name": "东城区"}, [("DUPLICATE", "name")]),
            ("duplicate after trimming", {"name": " 东城区  "}, [("DUPLICATE", "name")]),
            (
                "blank name and long code",
                {"name": "", "code": "1" * 17},
                [("VALIDATION", "name"), ("VALIDATION", "code")],
            ),
        ],
    )
    await b.expect_failures(
        api,
        "streetCreate",
        S_CREATE,
        [
            (
                "unknown district",
                {"districtId": b.global_id("District", MISSING), "name": "新街道"},
                [("NOT_FOUND", "districtId")],
            ),
            (
                "a street's id as districtId",
                {"districtId": s, "name": "新街道"},
                [("NOT_FOUND", "districtId")],
            ),
            (
                "garbage id",
                {"districtId": "not-an-id", "name": "新街道"},
                [("NOT_FOUND", "districtId")],
            ),
            (
                "id zero",
                {"districtId": b.global_id("District", 0), "name": "新街道"},
                [("NOT_FOUND", "districtId")],
            ),
            (
                "duplicate in district",
                {"districtId": d, "name": "东华门街道"},
                [("DUPLICATE", "name")],
            ),
            ("blank name", {"districtId": d, "name": "\t"}, [("VALIDATION", "name")]),
            (
                "name of 65 characters",
                {"districtId": d, "name": "街" * 65},
                [("VALIDATION", "name")],
            ),
        ],
    )
    ok = {"streetId": s, "name": "新社区", "location": b.HOME}
    await b.expect_failures(
        api,
        "communityCreate",
        C_CREATE,
        [
            (
                "latitude 90.5",
                {**ok, "location": {"latitude": 90.5, "longitude": 116.4}},
                [("VALIDATION", "location.latitude")],
            ),
            (
                "longitude -180.01",
                {**ok, "location": {"latitude": 39.9, "longitude": -180.01}},
                [("VALIDATION", "location.longitude")],
            ),
            (
                "both coordinates",
                {**ok, "location": {"latitude": -91, "longitude": 181}},
                [("VALIDATION", "location.latitude"), ("VALIDATION", "location.longitude")],
            ),
            (
                "unknown street",
                {**ok, "streetId": b.global_id("Street", MISSING)},
                [("NOT_FOUND", "streetId")],
            ),
            ("a district's id as streetId", {**ok, "streetId": d}, [("NOT_FOUND", "streetId")]),
            ("duplicate in street", {**ok, "name": "多福巷社区"}, [("DUPLICATE", "name")]),
            ("blank name", {**ok, "name": " "}, [("VALIDATION", "name")]),
        ],
    )
    # Coordinates on the edge of the globe are valid.
    edge = {**ok, "name": "边缘社区", "location": {"latitude": -90, "longitude": 180}}
    await api.ok("communityCreate", C_CREATE, input=edge)
    assert (await b.read_list(api, "districts"))[0] == 1
    assert (await b.read_list(api, "streets"))[0] == 1
    assert (await b.read_list(api, "communities"))[0] == 2


async def test_updates_change_only_what_is_given_and_bump_the_version(api: Api) -> None:
    ids = await b.geo(api)
    district = (
        await api.ok("districtUpdate", D_UPDATE, input={"id": ids["district"], "code": "110101"})
    )["district"]
    assert (district["name"], district["code"], district["version"]) == ("东城区", "110101", 2)
    district = (
        await api.ok(
            "districtUpdate",
            D_UPDATE,
            input={"id": ids["district"], "expectedVersion": 2, "name": "东城", "code": None},
        )
    )["district"]
    assert (district["name"], district["code"], district["version"]) == ("东城", None, 3)
    assert await b.read(api, ids["district"], "District", D_FIELDS) == district

    street = (
        await api.ok(
            "streetUpdate", S_UPDATE, input={"id": ids["street"], "name": "景山街道", "code": "01"}
        )
    )["street"]
    assert (street["name"], street["code"], street["version"]) == ("景山街道", "01", 2)
    assert await b.read(api, ids["street"], "Street", S_FIELDS) == street

    moved = {"latitude": 39.93, "longitude": 116.42}
    community = (
        await api.ok(
            "communityUpdate",
            C_UPDATE,
            input={"id": ids["community"], "location": moved, "expectedVersion": 1},
        )
    )["community"]
    assert (community["name"], community["location"], community["version"]) == (
        "多福巷社区",
        moved,
        2,
    )
    assert await b.read(api, ids["community"], "Community", C_FIELDS) == community

    # Keeping one's own name is not a duplicate, and not a change: the version stays.
    same = await api.ok("districtUpdate", D_UPDATE, input={"id": ids["district"], "name": "东城"})
    assert same["district"]["version"] == 3


async def test_bad_updates_are_refused_and_change_nothing(api: Api) -> None:
    ids = await b.geo(api)
    await b.district(api, "西城区")
    await b.street(api, ids["district"], "景山街道")
    await b.community(api, ids["street"], "黄化门社区")
    snapshots = (
        ("District", f"{D_FIELDS} updatedAt", ids["district"]),
        ("Street", f"{S_FIELDS} updatedAt", ids["street"]),
        ("Community", f"{C_FIELDS} updatedAt", ids["community"]),
    )
    before = [
        await b.read(api, node_id, type_name, fields) for type_name, fields, node_id in snapshots
    ]
    d, s, c = ids["district"], ids["street"], ids["community"]
    await b.expect_failures(
        api,
        "districtUpdate",
        D_UPDATE,
        [
            (
                "stale version",
                {"id": d, "expectedVersion": 0, "name": "新"},
                [("CONFLICT", "expectedVersion")],
            ),
            ("null name", {"id": d, "name": None}, [("REQUIRED", "name")]),
            ("null active", {"id": d, "active": None}, [("REQUIRED", "active")]),
            ("blank name", {"id": d, "name": "  "}, [("VALIDATION", "name")]),
            ("taken name", {"id": d, "name": "西城区"}, [("DUPLICATE", "name")]),
            (
                "unknown id",
                {"id": b.global_id("District", MISSING), "name": "新"},
                [("NOT_FOUND", "id")],
            ),
            ("a street's id", {"id": s, "name": "新"}, [("NOT_FOUND", "id")]),
            ("garbage id", {"id": "%%%", "name": "新"}, [("NOT_FOUND", "id")]),
        ],
    )
    await b.expect_failures(
        api,
        "streetUpdate",
        S_UPDATE,
        [
            (
                "stale version",
                {"id": s, "expectedVersion": 2, "name": "新"},
                [("CONFLICT", "expectedVersion")],
            ),
            ("null name", {"id": s, "name": None}, [("REQUIRED", "name")]),
            ("taken name in district", {"id": s, "name": "景山街道"}, [("DUPLICATE", "name")]),
            ("code of 17 characters", {"id": s, "code": "x" * 17}, [("VALIDATION", "code")]),
        ],
    )
    await b.expect_failures(
        api,
        "communityUpdate",
        C_UPDATE,
        [
            (
                "stale version",
                {"id": c, "expectedVersion": 5, "name": "新"},
                [("CONFLICT", "expectedVersion")],
            ),
            (
                "null location",
                {"id": c, "location": None},
                [("REQUIRED", "location.latitude"), ("REQUIRED", "location.longitude")],
            ),
            (
                "bad latitude",
                {"id": c, "location": {"latitude": 100, "longitude": 116.4}},
                [("VALIDATION", "location.latitude")],
            ),
            ("taken name in street", {"id": c, "name": "黄化门社区"}, [("DUPLICATE", "name")]),
            ("null name", {"id": c, "name": None}, [("REQUIRED", "name")]),
        ],
    )
    after = [
        await b.read(api, node_id, type_name, fields) for type_name, fields, node_id in snapshots
    ]
    assert after == before


async def test_deactivate_and_reactivate(api: Api) -> None:
    ids = await b.geo(api)
    other = await b.street(api, ids["district"], "景山街道")
    for name, doc, key in (
        ("districtDeactivate", D_DEACTIVATE, "district"),
        ("streetDeactivate", S_DEACTIVATE, "street"),
        ("communityDeactivate", C_DEACTIVATE, "community"),
    ):
        stale = await b.fails(api, name, doc, {"id": ids[key], "expectedVersion": 2})
        assert stale == [("CONFLICT", "expectedVersion")]
        missing = await b.fails(api, name, doc, {"id": b.global_id(key.capitalize(), MISSING)})
        assert missing == [("NOT_FOUND", "id")]
        node = (await api.ok(name, doc, input={"id": ids[key], "expectedVersion": 1}))[key]
        assert (node["active"], node["version"]) == (False, 2)
        assert (await b.read(api, ids[key], key.capitalize(), "active version")) == {
            "active": False,
            "version": 2,
        }
    assert await b.read_list(api, "streets", "id", {"active": False}) == (
        1,
        [{"id": ids["street"]}],
    )
    assert await b.read_list(api, "streets", "id", {"active": True}) == (1, [{"id": other}])
    assert await b.read_list(api, "communities", "id", {"active": True}) == (0, [])

    back = await api.ok("streetUpdate", S_UPDATE, input={"id": ids["street"], "active": True})
    assert (back["street"]["active"], back["street"]["version"]) == (True, 3)
    assert (await b.read_list(api, "streets", "id", {"active": True}))[0] == 2


async def test_lists_paginate_with_cursors(api: Api) -> None:
    d = await b.district(api)
    other = await b.district(api, "西城区")
    names = [f"街道{i}" for i in range(7)]
    for name in names:
        await b.street(api, d, name)
    await b.street(api, other, "别的街道")
    for first in (1, 3, 7, 100):
        nodes = await b.walk(api, "streets", first=first, fields="name", filter={"districtId": d})
        assert [n["name"] for n in nodes] == names
    everything = await b.walk(api, "streets", first=4, fields="name")
    assert [n["name"] for n in everything] == [*names, "别的街道"]
    empty = await b.walk(
        api, "streets", first=5, filter={"districtId": b.global_id("District", MISSING)}
    )
    assert empty == []

    page = (
        await api.data(
            """query($d: ID!) { district: node(id: $d) { ... on District {
                 streets(first: 2) { totalCount pageInfo { hasNextPage }
                   nodes { name district { name } } } } } }""",
            d=d,
        )
    )["district"]["streets"]
    assert page == {
        "totalCount": 7,
        "pageInfo": {"hasNextPage": True},
        "nodes": [
            {"name": "街道0", "district": {"name": "东城区"}},
            {"name": "街道1", "district": {"name": "东城区"}},
        ],
    }


async def test_list_arguments_out_of_range_are_graphql_errors(api: Api) -> None:
    d = await b.district(api)
    await b.street(api, d)
    for first in (0, -1, 101):
        messages = await b.query_errors(
            api, "query($n: Int) { streets(first: $n) { totalCount } }", n=first
        )
        assert messages == [f"first: must be between 1 and 100 (got {first})."]
    assert (await api.data("{ streets(first: 100) { totalCount } }"))["streets"]["totalCount"] == 1
    messages = await b.query_errors(api, "{ districts(first: 101) { totalCount } }")
    assert messages[0].startswith("first:")
    for cursor in ("garbage", "", "Y3Vyc29yOmFiYw==", b.global_id("Street", 1)):  # cursor:abc
        messages = await b.query_errors(
            api, "query($c: String) { streets(after: $c) { totalCount } }", c=cursor
        )
        assert len(messages) == 1, messages
        assert messages[0].startswith("after:"), messages
    for bad in ("garbage", b.global_id("Street", 1)):
        messages = await b.query_errors(
            api,
            "query($d: ID) { streets(filter: {districtId: $d}) { totalCount } }",
            d=bad,
        )
        assert messages == ["filter.districtId: not the id of a District."]
        messages = await b.query_errors(
            api,
            "query($s: ID) { communities(filter: {streetId: $s}) { totalCount } }",
            s=bad if bad == "garbage" else d,
        )
        assert messages == ["filter.streetId: not the id of a Street."]


async def test_node_returns_null_for_missing_malformed_and_unknown_ids(api: Api) -> None:
    d = await b.district(api)
    query = "query($id: ID!) { node(id: $id) { id } }"
    for node_id in (
        b.global_id("District", MISSING),
        b.global_id("District", "abc"),
        b.global_id("District", -1),
        b.global_id("Spaceship", 1),
        "not base64 at all!",
        "",
    ):
        assert await api.data(query, id=node_id) == {"node": None}, node_id
    assert await api.data(query, id=d) == {"node": {"id": d}}
    nodes = await api.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        ids=[b.global_id("Street", 1), d, "junk"],
    )
    assert nodes == {"nodes": [None, {"id": d}, None]}
