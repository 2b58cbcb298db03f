"""ID-card and phone numbers through the API: full values in, masked values out, exact look-up
by the full value, uniqueness as a typed error, and no error message that repeats a value."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from models.id_number import make_id_number
from tests.api import builders as b
from tests.api.conftest import Api

BORN = date(1938, 5, 1)  # the builders' member
ID_A = make_id_number("110101", BORN, 11)  # 11010119380501011X
ID_B = make_id_number("110101", BORN, 13)
PHONE = "13912345678"

P_FIELDS = "id idNumber phone version household { id }"
P_CREATE = b.mutation_doc("personCreate", "PersonCreateInput", f"person {{ {P_FIELDS} }}")
P_UPDATE = b.mutation_doc("personUpdate", "PersonUpdateInput", f"person {{ {P_FIELDS} }}")
HOUSEHOLDS = """query($filter: HouseholdFilter) {
  households(filter: $filter, first: 10) { totalCount nodes { id members { id idNumber } } } }"""


def _member(household_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "householdId": household_id,
        "name": "张大爷",
        "gender": "MALE",
        "birthDate": BORN.isoformat(),
        "relation": "HEAD",
        "labourCapacity": "NONE",
        **extra,
    }


async def _households(api: Api, **filter: str) -> list[str]:
    found = (await api.data(HOUSEHOLDS, filter=filter))["households"]
    assert found["totalCount"] == len(found["nodes"])
    return [node["id"] for node in found["nodes"]]


async def test_a_member_is_written_in_full_and_read_masked(api: Api) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"])
    assert ID_A.endswith("X")
    written = ID_A.lower()  # a lower-case x is normalised
    created = await api.ok(
        "personCreate",
        P_CREATE,
        input=_member(hid, idNumber=f" {written[:6]} {written[6:]}", phone="139-1234 5678"),
    )
    person = created["person"]

    assert person["idNumber"] == f"{ID_A[:4]}**********{ID_A[-4:]}"
    assert person["phone"] == "139****5678"
    assert await b.read(api, person["id"], "Person", P_FIELDS) == person
    household = await b.read(api, hid, "Household", "members { idNumber phone }")
    assert household == {"members": [{"idNumber": person["idNumber"], "phone": "139****5678"}]}
    without = await api.ok("personCreate", P_CREATE, input=_member(hid, relation="SPOUSE"))
    assert (without["person"]["idNumber"], without["person"]["phone"]) == (None, None)


async def test_households_are_found_by_a_members_full_id_or_phone(api: Api) -> None:
    ids = await b.geo(api)
    first, second, third = [await b.household(api, ids["community"]) for _ in range(3)]
    await api.ok("personCreate", P_CREATE, input=_member(first, idNumber=ID_A, phone=PHONE))
    await api.ok("personCreate", P_CREATE, input=_member(second, idNumber=ID_B, phone=PHONE))
    await api.ok("personCreate", P_CREATE, input=_member(third))

    assert await _households(api, memberIdNumber=ID_A) == [first]
    assert await _households(api, memberIdNumber=f"{ID_B[:9]} {ID_B[9:].lower()}") == [second]
    assert await _households(api, memberPhone="139 1234 5678") == [first, second]
    assert await _households(api, memberPhone=PHONE, memberIdNumber=ID_B) == [second]
    unused = make_id_number("110101", BORN, 15)
    assert await _households(api, memberIdNumber=unused) == []
    assert await _households(api, memberPhone="13900000000") == []


async def test_a_malformed_look_up_is_an_error_that_does_not_repeat_it(api: Api) -> None:
    typo = ID_A[:-2] + str((int(ID_A[-2]) + 1) % 10) + ID_A[-1]
    for filter, label in (
        ({"memberIdNumber": typo}, "filter.memberIdNumber"),
        ({"memberPhone": "139123x5678"}, "filter.memberPhone"),
    ):
        body = await api.post(HOUSEHOLDS, filter=filter)
        assert body["data"] is None
        assert body["errors"][0]["message"].startswith(f"{label}: ")
        assert next(iter(filter.values())) not in json.dumps(body, ensure_ascii=False)


async def test_an_id_number_belongs_to_one_person(api: Api) -> None:
    ids = await b.geo(api)
    first, second = [await b.household(api, ids["community"]) for _ in range(2)]
    owner = (await api.ok("personCreate", P_CREATE, input=_member(first, idNumber=ID_A)))["person"]

    payload = await api.mutate(
        "personCreate", P_CREATE, input=_member(second, idNumber=ID_A.lower())
    )

    assert payload["person"] is None
    assert b.issues(payload) == [("DUPLICATE", "idNumber")]
    assert ID_A not in json.dumps(payload)
    # Many members may have no number; a person keeping their own number is no clash.
    await api.ok("personCreate", P_CREATE, input=_member(second))
    await api.ok("personCreate", P_CREATE, input=_member(second, relation="SPOUSE"))
    kept = await api.ok("personUpdate", P_UPDATE, input={"id": owner["id"], "idNumber": ID_A})
    assert kept["person"]["version"] == owner["version"]  # no change, no new version


async def test_numbers_change_and_are_removed_by_update(api: Api) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"])
    created = await api.ok("personCreate", P_CREATE, input=_member(hid, idNumber=ID_A))
    pid = created["person"]["id"]

    changed = await api.ok(
        "personUpdate", P_UPDATE, input={"id": pid, "idNumber": ID_B, "phone": PHONE}
    )

    assert changed["person"]["idNumber"] == f"{ID_B[:4]}**********{ID_B[-4:]}"
    assert changed["person"]["phone"] == "139****5678"
    assert changed["person"]["version"] == 2
    assert await _households(api, memberIdNumber=ID_A) == []
    assert await _households(api, memberIdNumber=ID_B) == [hid]
    assert await _households(api, memberPhone=PHONE) == [hid]
    # The freed number can go to someone else.
    other = await b.household(api, ids["community"])
    await api.ok("personCreate", P_CREATE, input=_member(other, idNumber=ID_A))

    removed = await api.ok(
        "personUpdate", P_UPDATE, input={"id": pid, "idNumber": None, "phone": None}
    )

    assert (removed["person"]["idNumber"], removed["person"]["phone"]) == (None, None)
    assert await _households(api, memberIdNumber=ID_B) == []
    assert await _households(api, memberPhone=PHONE) == []


async def test_bad_numbers_are_refused_without_repeating_them(api: Api) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"])
    pid = await b.person(api, hid, idNumber=ID_A)
    typo = ID_B[:-2] + str((int(ID_B[-2]) + 3) % 10) + ID_B[-1]
    other_birthday = make_id_number("110101", date(1938, 5, 2), 11)
    cases: list[tuple[str, dict[str, Any], list[b.Issue]]] = [
        (
            "check digit",
            _member(hid, relation="SPOUSE", idNumber=typo),
            [("VALIDATION", "idNumber")],
        ),
        (
            "short",
            _member(hid, relation="SPOUSE", idNumber=ID_B[:17]),
            [("VALIDATION", "idNumber")],
        ),
        (
            "another birth date",
            _member(hid, relation="SPOUSE", idNumber=other_birthday),
            [("VALIDATION", "idNumber")],
        ),
        (
            "bad phone",
            _member(hid, relation="SPOUSE", phone="1391234567x"),
            [("VALIDATION", "phone")],
        ),
    ]
    for case, data, expected in cases:
        payload = await api.mutate("personCreate", P_CREATE, input=data)
        assert b.issues(payload) == expected, case
        shown = json.dumps(payload)
        for value in (typo, ID_B[:17], other_birthday, "1391234567x"):
            assert value not in shown, case

    # A corrected birth date must agree with the number the member already has.
    moved = await api.mutate("personUpdate", P_UPDATE, input={"id": pid, "birthDate": "1938-05-02"})
    assert b.issues(moved) == [("VALIDATION", "idNumber")]
    both = await api.ok(
        "personUpdate",
        P_UPDATE,
        input={"id": pid, "birthDate": "1938-05-02", "idNumber": other_birthday},
    )
    assert both["person"]["idNumber"].endswith(other_birthday[-4:])


async def test_volunteers_are_found_by_their_full_phone(api: Api) -> None:
    ids = await b.geo(api)
    first = await b.volunteer(api, [ids["station"]], phone="13812345678")
    await b.volunteer(api, [ids["station"]], name="李明", phone="13812345679")

    count, found = await b.read_list(api, "volunteers", "id phone", {"phone": "138-1234 5678"})

    assert (count, found) == (1, [{"id": first, "phone": "138****5678"}])
    assert await b.read_list(api, "volunteers", "id", {"phone": "13800000000"}) == (0, [])
    body = await api.post(
        "query($f: VolunteerFilter) { volunteers(filter: $f) { totalCount } }",
        f={"phone": "12"},
    )
    assert body["errors"][0]["message"].startswith("filter.phone: must be a phone number")
