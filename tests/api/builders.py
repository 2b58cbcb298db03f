"""Build objects through the public API, so tests set up data as a client would."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from typing import Any

from starlette.applications import Starlette

from models.db import transaction
from models.enums import PairStatus
from models.pair import Pair
from tests.api.conftest import Api

ERRORS = "errors { code message field }"

DISTRICT_CREATE = f"""mutation($input: DistrictCreateInput!) {{
  districtCreate(input: $input) {{ district {{ id name version }} {ERRORS} }} }}"""
STREET_CREATE = f"""mutation($input: StreetCreateInput!) {{
  streetCreate(input: $input) {{ street {{ id name version }} {ERRORS} }} }}"""
COMMUNITY_CREATE = f"""mutation($input: CommunityCreateInput!) {{
  communityCreate(input: $input) {{ community {{ id name version }} {ERRORS} }} }}"""
STATION_CREATE = f"""mutation($input: StationCreateInput!) {{
  stationCreate(input: $input) {{ station {{ id name kind version }} {ERRORS} }} }}"""
VOLUNTEER_CREATE = f"""mutation($input: VolunteerCreateInput!) {{
  volunteerCreate(input: $input) {{ volunteer {{ id name phone version }} {ERRORS} }} }}"""
HOUSEHOLD_CREATE = f"""mutation($input: HouseholdCreateInput!) {{
  householdCreate(input: $input) {{ household {{ id status version }} {ERRORS} }} }}"""
PERSON_CREATE = f"""mutation($input: PersonCreateInput!) {{
  personCreate(input: $input) {{ person {{ id name age version }} {ERRORS} }} }}"""
ELDER_CREATE = f"""mutation($input: ElderCreateInput!) {{
  elderCreate(input: $input) {{ elder {{ id age version }} {ERRORS} }} }}"""
FUND_CREATE = f"""mutation($input: FundCreateInput!) {{
  fundCreate(input: $input) {{
    fund {{ id name version budgets {{ year amount }} }} {ERRORS} }} }}"""

HOME = {"latitude": 39.92, "longitude": 116.41}


async def district(api: Api, name: str = "东城区") -> str:
    payload = await api.ok("districtCreate", DISTRICT_CREATE, input={"name": name})
    return str(payload["district"]["id"])


async def street(api: Api, district_id: str, name: str = "东华门街道") -> str:
    payload = await api.ok(
        "streetCreate", STREET_CREATE, input={"districtId": district_id, "name": name}
    )
    return str(payload["street"]["id"])


async def community(api: Api, street_id: str, name: str = "多福巷社区") -> str:
    payload = await api.ok(
        "communityCreate",
        COMMUNITY_CREATE,
        input={"streetId": street_id, "name": name, "location": HOME},
    )
    return str(payload["community"]["id"])


async def station(api: Api, street_id: str, community_id: str | None, **extra: Any) -> str:
    data = {
        "name": "多福巷志愿服务站",
        "kind": "COMMUNITY",
        "streetId": street_id,
        "communityId": community_id,
        "address": "多福巷1号",
        "location": HOME,
        **extra,
    }
    payload = await api.ok("stationCreate", STATION_CREATE, input=data)
    return str(payload["station"]["id"])


async def geo(api: Api) -> dict[str, str]:
    """A district with one street, one community and its station: their ids."""
    d = await district(api)
    s = await street(api, d)
    c = await community(api, s)
    st = await station(api, s, c)
    return {"district": d, "street": s, "community": c, "station": st}


def volunteer_input(station_ids: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "name": "王芳",
        "gender": "FEMALE",
        "birthYear": 1990,
        "phone": "13812345678",
        "home": HOME,
        "stationIds": station_ids,
        **extra,
    }


async def volunteer(api: Api, station_ids: list[str], **extra: Any) -> str:
    payload = await api.ok(
        "volunteerCreate", VOLUNTEER_CREATE, input=volunteer_input(station_ids, **extra)
    )
    return str(payload["volunteer"]["id"])


async def household(api: Api, community_id: str, **extra: Any) -> str:
    data = {"communityId": community_id, "address": "多福巷2号", "location": HOME, **extra}
    payload = await api.ok("householdCreate", HOUSEHOLD_CREATE, input=data)
    return str(payload["household"]["id"])


async def person(api: Api, household_id: str, **extra: Any) -> str:
    data = {
        "householdId": household_id,
        "name": "张大爷",
        "gender": "MALE",
        "birthDate": "1938-05-01",
        "relation": "HEAD",
        "labourCapacity": "NONE",
        **extra,
    }
    payload = await api.ok("personCreate", PERSON_CREATE, input=data)
    return str(payload["person"]["id"])


async def elder(api: Api, person_id: str, **extra: Any) -> str:
    payload = await api.ok("elderCreate", ELDER_CREATE, input={"personId": person_id, **extra})
    return str(payload["elder"]["id"])


# --- Helpers for behaviour tests: reading back, errors, lists ------------------------------------

Issue = tuple[str, str | None]
"""A user error as ``(code, field)``."""

BadCase = tuple[str, dict[str, Any], list[Issue]]
"""A bad-input case: ``(case id, input, the errors it must give)``."""

_SUFFIX = re.compile(
    r"(Create|Update|Deactivate|StatusChange|Award|Pay|Cancel|Record|Withdraw|Reject)$"
)


def global_id(type_name: str, number: int | str) -> str:
    """A well-formed global id (``base64("Type:number")``), e.g. of a row that does not exist."""
    return base64.b64encode(f"{type_name}:{number}".encode()).decode()


def local_id(gid: str) -> int:
    """The integer primary key inside a global id."""
    return int(base64.b64decode(gid).decode().split(":", 1)[1])


def issues(payload: dict[str, Any]) -> list[Issue]:
    """A payload's errors as ``(code, field)`` pairs, in order."""
    return [(e["code"], e["field"]) for e in payload["errors"]]


def payload_object(name: str) -> str:
    """The payload's object field of a mutation: ``districtCreate`` -> ``district``."""
    return _SUFFIX.sub("", name)


async def fails(api: Api, name: str, query: str, data: dict[str, Any]) -> list[Issue]:
    """Run a mutation that must fail as data (no object); return its ``(code, field)`` pairs."""
    payload = await api.mutate(name, query, input=data)
    assert payload[payload_object(name)] is None, payload
    assert payload["errors"], f"{name} succeeded but should not have: {data}"
    for error in payload["errors"]:
        assert error["message"].strip(), error
    return issues(payload)


async def expect_failures(api: Api, name: str, query: str, cases: list[BadCase]) -> None:
    """Run every case (each must fail with exactly its errors); report all mismatches at once."""
    mismatches = []
    for case_id, data, expected in cases:
        got = await fails(api, name, query, data)
        if got != expected:
            mismatches.append(f"{case_id}: expected {expected}, got {got}")
    assert mismatches == [], "\n".join(mismatches)


async def read(api: Api, node_id: str, type_name: str, fields: str) -> dict[str, Any] | None:
    """``node(id:)`` with ``fields`` of ``type_name``."""
    data = await api.data(
        f"query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{ {fields} }} }} }}", id=node_id
    )
    node: dict[str, Any] | None = data["node"]
    return node


async def read_list(
    api: Api, list_field: str, fields: str = "id", filter: dict[str, Any] | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """``totalCount`` and the nodes of a list (at most one page of 100), filtered."""
    declared, passed = _filter_args(list_field, filter)
    data = await api.data(
        f"""query{declared} {{ {list_field}(first: 100{passed}) {{
              totalCount nodes {{ {fields} }} }} }}""",
        **({} if filter is None else {"filter": filter}),
    )
    connection = data[list_field]
    nodes: list[dict[str, Any]] = connection["nodes"]
    assert len(nodes) == connection["totalCount"], "more than one page: use walk()"
    return int(connection["totalCount"]), nodes


_FILTERS = {
    "streets": "StreetFilter",
    "communities": "CommunityFilter",
    "stations": "StationFilter",
    "volunteers": "VolunteerFilter",
    "households": "HouseholdFilter",
    "elders": "ElderFilter",
    "funds": "FundFilter",
}


def _filter_args(list_field: str, filter: dict[str, Any] | None) -> tuple[str, str]:
    """The variable declaration and argument for a list's filter (none when not given)."""
    if filter is None:
        return "", ""
    return f"($filter: {_FILTERS[list_field]})", ", filter: $filter"


async def walk(
    api: Api,
    list_field: str,
    *,
    first: int,
    fields: str = "id",
    filter: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Every node of a list, page by page (``first``/``after``), checking each page's info."""
    declared, passed = _filter_args(list_field, filter)
    args = "$first: Int!, $after: String" + (", " + declared[1:-1] if declared else "")
    call = "first: $first, after: $after" + passed
    query = f"""query({args}) {{ {list_field}({call}) {{
        totalCount pageInfo {{ hasNextPage hasPreviousPage endCursor }}
        edges {{ cursor node {{ {fields} }} }} }} }}"""
    nodes: list[dict[str, Any]] = []
    after: str | None = None
    totals = set()
    while True:
        variables: dict[str, Any] = {"first": first, "after": after}
        if filter is not None:
            variables["filter"] = filter
        page = (await api.data(query, **variables))[list_field]
        totals.add(page["totalCount"])
        edges = page["edges"]
        info = page["pageInfo"]
        assert len(edges) <= first
        assert info["hasPreviousPage"] is (after is not None)
        assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
        nodes.extend(edge["node"] for edge in edges)
        if not info["hasNextPage"]:
            break
        assert len(edges) == first, "a page before the last must be full"
        after = info["endCursor"]
    assert totals == {len(nodes)}, f"totalCount {totals} but walked {len(nodes)} items"
    return nodes


async def query_errors(api: Api, query: str, **variables: Any) -> list[str]:
    """The messages of a request that must fail with GraphQL errors (and no data)."""
    body = await api.post(query, **variables)
    assert "errors" in body, body
    assert body.get("data") is None, body
    return [str(e["message"]) for e in body["errors"]]


def years_ago(years: int, *, days: int = 0) -> str:
    """The ISO date ``years`` years before today, then ``days`` days later (29 Feb -> 28 Feb)."""
    today = date.today()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return (day + timedelta(days=days)).isoformat()


def mutation_doc(name: str, input_type: str, selection: str) -> str:
    """``mutation($input: <input_type>!) { <name>(input: $input) { <selection> errors } }``."""
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} {ERRORS} }} }}"


def age_today(birth: str) -> int:
    """Whole years of age today for an ISO birth date."""
    born, today = date.fromisoformat(birth), date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


async def add_pair(app: Starlette, volunteer: str, elder: str, status: PairStatus) -> None:
    """A pair row written directly (pairs are made by matching runs, not by a plain mutation)."""
    today = date.today()
    async with transaction(app.state.session_factory) as session:
        session.add(
            Pair(
                volunteer_id=local_id(volunteer),
                elder_id=local_id(elder),
                status=status,
                started_on=today,
                ended_on=today if status is PairStatus.ENDED else None,
                end_reason="搬家" if status is PairStatus.ENDED else None,
            )
        )
