"""The authorization matrix: every role x every operation x its own / another scope, through
the real app on SQLite and PostgreSQL.

Two streets, each with a community, a station, a volunteer, a household with an elder (80+)
paired with that volunteer, an assessment and a request for help. Every role is signed in
with the first street's scope where it has one (street staff of street 1, the coordinator of
station 1, a social worker with household 1's case, the volunteer of station 1). Each case
states independently of the code what must happen: the object is seen (or changed), or it is
"not found" exactly like a missing one, or the operation is refused (FORBIDDEN, or
UNAUTHENTICATED without credentials). Every mismatch is collected; the test fails listing
them all, with the number of unexpected allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from starlette.applications import Starlette

from models.enums import PairStatus, Role
from tests.api import builders as b
from tests.api.conftest import Api, client_for
from tests.api.lifecycle_builders import store_policy
from tests.api.signin import sign_in

DA, CA, SS, SC = "DA", "CA", "SS", "SC"
SW, CO, AU, VO, SV, ANON = "SW", "CO", "AU", "VO", "SV", "ANON"
ROLES = (DA, CA, SS, SC, SW, CO, AU, VO, SV, ANON)
DISTRICT_WIDE = {DA, CA, AU, SV}
"""Roles that see the whole district."""
OWN_ONLY = {SS, SC, SW}
"""Roles that see their own side (street 1's) and not the other."""

Expect = str
SEEN, HIDDEN, FORBIDDEN, UNAUTHENTICATED = "seen", "not found", "FORBIDDEN", "UNAUTHENTICATED"
DONE = "done"


@dataclass
class World:
    ids: dict[str, str]
    """Objects by key: ``H1`` (household of street 1), ``H2`` (of street 2), ``P1``..."""
    clients: dict[str, Api]


ASSESSMENT = {
    "assessedOn": "2026-03-01",
    "incomePerPerson": "1000.00",
    "consumptionPerPerson": "1000.00",
    "childrenOutOfSchool": 0,
    "membersIllOrDisabled": 1,
    "livingSpaceM2PerPerson": 10,
    "membersMentallyIll": 0,
    "distressScore": 0,
}
RECORD = b.mutation_doc(
    "householdAssessmentRecord", "HouseholdAssessmentInput", "needAssessment { id }"
)
REQUEST = b.mutation_doc(
    "assistanceRequestCreate", "AssistanceRequestCreateInput", "assistanceRequest { id }"
)
CASE = b.mutation_doc("caseAssign", "CaseAssignInput", "caseAssignment { id }")


async def _side(api: Api, app: Starlette, district: str, n: int) -> dict[str, str]:
    street = await b.street(api, district, f"街道{n}")
    community = await b.community(api, street, f"社区{n}")
    station = await b.station(api, street, community, name=f"服务站{n}")
    volunteer = await b.volunteer(api, [station], phone=f"1380000000{n}")
    household = await b.household(
        api, community, status="DIBAO", statusSince="2025-01-01", reason="已认定"
    )
    person = await b.person(api, household, name=f"老人{n}", phone=f"1391234567{n}")
    elder = await b.elder(api, person)
    await b.add_pair(app, volunteer, elder, PairStatus.ACTIVE)
    assessment = await api.ok(
        "householdAssessmentRecord", RECORD, input={"householdId": household, **ASSESSMENT}
    )
    request = await api.ok(
        "assistanceRequestCreate",
        REQUEST,
        input={"householdId": household, "year": 2026, "amount": "800.00", "purpose": "助餐"},
    )
    links = await api.data(
        """query($v: ID!, $h: ID!) {
          v: node(id: $v) { ... on Volunteer { pairs { id } } }
          h: node(id: $h) { ... on Household { statusHistory { id } } } }""",
        v=volunteer,
        h=household,
    )
    return {
        f"S{n}": street,
        f"C{n}": community,
        f"T{n}": station,
        f"V{n}": volunteer,
        f"H{n}": household,
        f"P{n}": person,
        f"E{n}": elder,
        f"A{n}": assessment["needAssessment"]["id"],
        f"R{n}": request["assistanceRequest"]["id"],
        f"X{n}": links["v"]["pairs"][0]["id"],
        f"K{n}": links["h"]["statusHistory"][0]["id"],
    }


async def build_world(app: Starlette, api: Api, stack: list[Any]) -> World:
    await store_policy(app)
    district = await b.district(api)
    ids = {**await _side(api, app, district, 1), **await _side(api, app, district, 2)}
    local = {key: b.local_id(value) for key, value in ids.items()}
    accounts = {
        DA: (Role.DISTRICT_ADMIN, {}),
        CA: (Role.CIVIL_AFFAIRS, {}),
        SS: (Role.STREET_STAFF, {"street_id": local["S1"]}),
        SC: (Role.STATION_COORDINATOR, {"station_id": local["T1"]}),
        SW: (Role.SOCIAL_WORKER, {}),
        CO: (Role.CHARITY_OFFICER, {}),
        AU: (Role.AUDITOR, {}),
        VO: (Role.VOLUNTEER, {"volunteer_id": local["V1"]}),
        SV: (Role.SERVICE, {}),
    }
    clients: dict[str, Api] = {}
    for key, (role, scope) in accounts.items():
        headers = await sign_in(app, role, f"matrix.{key.lower()}", **scope)
        clients[key] = await stack_client(stack, app, headers)
    clients[ANON] = await stack_client(stack, app, {})
    worker = await _user_id(clients[SW])
    assigned = await api.ok("caseAssign", CASE, input={"userId": worker, "householdId": ids["H1"]})
    ids["Q1"] = assigned["caseAssignment"]["id"]
    # The caseAssign cases give cases to a second social worker, so that the first one's
    # scope (household 1 only) stays as it is while the matrix runs.
    other = await stack_client(stack, app, await sign_in(app, Role.SOCIAL_WORKER, "matrix.sw2"))
    ids["U_SW2"] = await _user_id(other)
    return World(ids, clients)


async def stack_client(stack: list[Any], app: Starlette, headers: dict[str, str]) -> Api:
    manager = client_for(app, headers)
    stack.append(manager)
    return await manager.__aenter__()


async def _user_id(api: Api) -> str:
    return str((await api.data("{ me { id } }"))["me"]["id"])


# --- what each role must see ------------------------------------------------------------------


def visible(role: str, key: str) -> bool:
    """Whether ``role`` sees the object ``key`` (``H1``, ``P2``...): the independent answer."""
    kind, side = key[0], key[1]
    own = side == "1"
    if role in DISTRICT_WIDE:
        return True
    if role in (SS, SC, SW):
        return own
    if role == CO:
        return kind in "HAR"  # households with a request, assessments, requests
    if role == VO:
        return own and kind in "VXEPH"  # self, own pair, its elder, that person and home
    return False


NODE_KEYS = ("H", "P", "E", "V", "X", "A", "R", "K")
"""Household, Person, Elder, Volunteer, pair, Assessment, Request, status change."""


def node_expectation(role: str, key: str) -> Expect:
    if role == ANON:
        return UNAUTHENTICATED
    return SEEN if visible(role, key) else HIDDEN


LISTS: dict[str, tuple[str, set[str]]] = {
    # list field -> (key letter of its objects, roles that may use it)
    "households": ("H", {DA, CA, SS, SC, SW, CO, AU, SV, VO}),
    "elders": ("E", {DA, CA, SS, SC, SW, AU, SV, VO}),
    "volunteers": ("V", {DA, CA, SS, SC, SW, AU, SV, VO}),
    "assistanceRequests": ("R", {DA, CA, SS, SC, SW, CO, AU, SV}),
    "assistanceApplications": ("-", {DA, CA, SS, SC, SW, AU, SV}),
    "caseAssignments": ("Q", {DA, CA, SS, SW, AU}),
    "ledger": ("-", {DA, CA, CO, AU, SV}),
    "allocationRuns": ("-", {DA, CA, CO, AU, SV}),
    "matchingRuns": ("-", {DA, CA, SS, SC, AU, SV}),
    "pairRules": ("-", {DA, CA, SS, SC, AU, SV}),
    "funds": ("-", {DA, CA, SS, SC, SW, CO, AU, SV}),
    "users": ("-", {DA, AU}),
    "serviceRecords": ("-", {DA, CA, SS, SC, AU, SV, VO}),
    "accessLog": ("-", {DA, AU}),
    "streets": ("S", set(ROLES) - {ANON}),
    "stations": ("T", set(ROLES) - {ANON}),
}


def list_expectation(role: str, field: str) -> tuple[Expect, set[str]]:
    letter, roles = LISTS[field]
    if role == ANON:
        return UNAUTHENTICATED, set()
    if role not in roles:
        return FORBIDDEN, set()
    if letter in "ST":  # the map: everyone sees it all
        return SEEN, {f"{letter}1", f"{letter}2"}
    if letter == "Q":  # one assignment, of household 1
        return SEEN, {"Q1"} if role in DISTRICT_WIDE | {SS, SW} else set()
    if letter == "-":
        return SEEN, set()
    return SEEN, {f"{letter}{n}" for n in "12" if visible(role, f"{letter}{n}")}


# --- what each role may change ----------------------------------------------------------------

CASEWORK = {DA, CA, SS, SC, SW}
PAIRING = {DA, CA, SS, SC}


@dataclass(frozen=True)
class Change:
    name: str
    input_type: str
    selection: str
    roles: set[str]
    """Roles that may use it at all; the others get FORBIDDEN."""
    target: str
    """The key letter of the object it names (its scope decides own / other)."""
    sides: tuple[str, ...] = ("1", "2")
    district_only: bool = False
    """Only district-wide roles may name the other side's objects (street/station admins
    their own only); with ``target`` on the map, where everyone *sees* both sides."""

    def data(self, ids: dict[str, str], side: str) -> dict[str, Any]:
        key = f"{self.target}{side}"
        data: dict[str, Any] = INPUTS[self.name](ids, side, ids[key])
        return data


INPUTS: dict[str, Any] = {
    "householdUpdate": lambda ids, s, t: {"id": t, "address": f"多福巷{s}号"},
    "personUpdate": lambda ids, s, t: {"id": t, "name": f"老人{s}"},
    "elderUpdate": lambda ids, s, t: {"id": t, "languages": ["mandarin"]},
    "volunteerUpdate": lambda ids, s, t: {"id": t, "capacity": 1},
    "stationUpdate": lambda ids, s, t: {"id": t, "name": f"服务站{s}"},
    "communityUpdate": lambda ids, s, t: {"id": t, "name": f"社区{s}"},
    "streetUpdate": lambda ids, s, t: {"id": t, "name": f"街道{s}"},
    "householdAssessmentRecord": lambda ids, s, t: {"householdId": t, **ASSESSMENT},
    "assistanceRequestCreate": lambda ids, s, t: {
        "householdId": t,
        "year": 2026,
        "amount": "100.00",
        "purpose": "助洁",
    },
    "personCreate": lambda ids, s, t: {
        "householdId": t,
        "name": "家属",
        "gender": "FEMALE",
        "birthDate": "1970-01-01",
        "relation": "CHILD",
        "labourCapacity": "FULL",
    },
    "householdCreate": lambda ids, s, t: {
        "communityId": t,
        "address": "新址",
        "location": b.HOME,
    },
    "pairRuleCreate": lambda ids, s, t: {
        "kind": "FORBID",
        "volunteerId": ids[f"V{s}"],
        "elderId": t,
        "reason": "矩阵测试",
    },
    "caseAssign": lambda ids, s, t: {"userId": ids["U_SW2"], "householdId": t},
    "identifierReveal": lambda ids, s, t: {"id": t, "field": "PHONE", "purpose": "矩阵测试"},
    "serviceRecord": lambda ids, s, t: {
        "pairId": t,
        "servedOn": date.today().isoformat(),
        "kind": "VISIT",
        "minutes": 45,
    },
    "assistanceRequestReject": lambda ids, s, t: {"id": t, "reason": "矩阵测试"},
}

CHANGES = [
    Change("householdUpdate", "HouseholdUpdateInput", "household { id }", CASEWORK, "H"),
    Change("personUpdate", "PersonUpdateInput", "person { id }", CASEWORK, "P"),
    Change("elderUpdate", "ElderUpdateInput", "elder { id }", CASEWORK, "E"),
    Change("volunteerUpdate", "VolunteerUpdateInput", "volunteer { id }", PAIRING, "V"),
    Change(
        "householdAssessmentRecord",
        "HouseholdAssessmentInput",
        "needAssessment { id }",
        CASEWORK,
        "H",
    ),
    Change(
        "assistanceRequestCreate",
        "AssistanceRequestCreateInput",
        "assistanceRequest { id }",
        CASEWORK,
        "H",
    ),
    Change("personCreate", "PersonCreateInput", "person { id }", PAIRING, "H"),
    Change("pairRuleCreate", "PairRuleCreateInput", "pairRule { id }", PAIRING, "E"),
    Change("caseAssign", "CaseAssignInput", "caseAssignment { id }", {DA, CA, SS}, "H"),
    Change("identifierReveal", "IdentifierRevealInput", "value", CASEWORK, "P"),
    Change("serviceRecord", "ServiceRecordInput", "serviceRecord { id }", PAIRING | {VO}, "X"),
    Change(
        "stationUpdate",
        "StationUpdateInput",
        "station { id }",
        {DA, CA, SS, SC},
        "T",
        district_only=True,
    ),
    Change(
        "householdCreate",
        "HouseholdCreateInput",
        "household { id }",
        PAIRING,
        "C",
        district_only=True,
    ),
    Change(
        "communityUpdate",
        "CommunityUpdateInput",
        "community { id }",
        {DA, CA},
        "C",
    ),
    Change("streetUpdate", "StreetUpdateInput", "street { id }", {DA, CA}, "S"),
    Change(
        "assistanceRequestReject",
        "AssistanceRequestDecisionInput",
        "assistanceRequest { id }",
        {DA, CO},
        "R",
    ),
]


def change_expectation(role: str, change: Change, side: str) -> Expect:
    if role == ANON:
        return UNAUTHENTICATED
    if role not in change.roles:
        return FORBIDDEN
    if role in DISTRICT_WIDE or role == CO:
        return DONE
    own = side == "1"
    if change.district_only or change.target in "SCT":
        return DONE if own else HIDDEN
    return DONE if own and visible(role, f"{change.target}{side}") else HIDDEN


# --- running the cases --------------------------------------------------------------------------


def _outcome_of_errors(errors: list[dict[str, Any]]) -> Expect:
    codes = {e.get("extensions", {}).get("code") for e in errors}
    if codes == {UNAUTHENTICATED}:
        return UNAUTHENTICATED
    if codes == {FORBIDDEN}:
        return FORBIDDEN
    return f"errors {errors}"


async def _post(api: Api, query: str, **variables: Any) -> dict[str, Any]:
    response: httpx.Response = await api.client.post(
        "/graphql", json={"query": query, "variables": variables}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def node_outcome(api: Api, node_id: str) -> Expect:
    body = await _post(api, "query($id: ID!) { node(id: $id) { id } }", id=node_id)
    if body.get("errors"):
        return _outcome_of_errors(body["errors"])
    return SEEN if body["data"]["node"] == {"id": node_id} else HIDDEN


async def list_outcome(api: Api, field: str, known: dict[str, str]) -> tuple[Expect, set[str]]:
    body = await _post(api, f"{{ {field}(first: 100) {{ nodes {{ id }} }} }}")
    if body.get("errors"):
        return _outcome_of_errors(body["errors"]), set()
    by_id = {v: k for k, v in known.items()}
    return SEEN, {by_id[n["id"]] for n in body["data"][field]["nodes"] if n["id"] in by_id}


async def change_outcome(api: Api, change: Change, data: dict[str, Any]) -> Expect:
    doc = b.mutation_doc(change.name, change.input_type, change.selection)
    body = await _post(api, doc, input=data)
    if body.get("errors"):
        return _outcome_of_errors(body["errors"])
    errors = body["data"][change.name]["errors"]
    if not errors:
        return DONE
    if all(e["code"] == "NOT_FOUND" for e in errors):
        return HIDDEN
    if all(e["code"] in ("DUPLICATE", "CONFLICT", "INVALID_STATE") for e in errors):
        return DONE  # passed the checks of access; the domain refused a repeat
    return f"errors {errors}"


def unexpected_allow(got: Any, want: Any) -> bool:
    """Whether an outcome shows or does more than it should (not merely less)."""
    if isinstance(got, tuple):
        return got[0] == SEEN and (want[0] != SEEN or bool(got[1] - want[1]))
    return got in (SEEN, DONE) and want not in (SEEN, DONE)


async def test_every_role_sees_and_changes_only_its_scope(app: Starlette, api: Api) -> None:
    stack: list[Any] = []
    try:
        world = await build_world(app, api, stack)
        mismatches: list[str] = []
        allows = cases = 0

        def check(role: str, what: str, got: Any, want: Any) -> None:
            nonlocal allows, cases
            cases += 1
            if got != want:
                allows += unexpected_allow(got, want)
                mismatches.append(f"{role} {what}: got {got}, want {want}")

        known = {k: v for k, v in world.ids.items() if k[0] in "HEVRQST"}
        for role in ROLES:
            client = world.clients[role]
            for letter in NODE_KEYS:
                for side in "12":
                    key = f"{letter}{side}"
                    got = await node_outcome(client, world.ids[key])
                    check(role, f"node({key})", got, node_expectation(role, key))
            for field in LISTS:
                got_list = await list_outcome(client, field, known)
                check(role, field, got_list, list_expectation(role, field))
        for role in ROLES:
            client = world.clients[role]
            for change in CHANGES:
                for side in change.sides:
                    got = await change_outcome(client, change, change.data(world.ids, side))
                    check(
                        role, f"{change.name}({side})", got, change_expectation(role, change, side)
                    )
        assert not mismatches, f"{allows} unexpected allows; " + "\n".join(mismatches)
        assert cases >= 400, cases
    finally:
        for manager in reversed(stack):
            await manager.__aexit__(None, None, None)


WALKS = {
    "households": """{ households(first: 10) { nodes { id community { name street { name } }
      members { name household { id } elder { id community { name } person { name } } }
      statusHistory { id } assessments { id household { id } } applications { id }
      reviews { id } benefitHistory { id } assessment { id } } } }""",
    "elders": """{ elders(first: 50) { nodes { id community { name }
      person { name household { id address } elder { id } } currentPair { id
        volunteer { id stations { name } } elder { id } } } } }""",
    "volunteers": """{ volunteers(first: 50) { nodes { id stations { name street { name } }
      pairs { id elder { id person { name } } volunteer { id } } } } }""",
    "assistanceRequests": """{ assistanceRequests(first: 50) { nodes { id
      household { id community { name } } } } }""",
    "caseAssignments": """{ caseAssignments(first: 50) { nodes { id user { username }
      household { id members { name } } } } }""",
    "pairRules": """{ pairRules(first: 50) { nodes { id volunteer { id } elder { id } } } }""",
    "me": """{ me { username street { name } station { name community { name } }
      volunteer { name pairs { elder { person { household { address } } } } } } }""",
}


async def test_every_role_walks_every_relation_it_reaches_without_a_hole(
    app: Starlette, api: Api
) -> None:
    """Scopes are closed under the relations a client can follow: a non-null relation from a
    row in scope never leads out of it (that would be an error, not a hidden row)."""
    stack: list[Any] = []
    try:
        world = await build_world(app, api, stack)
        await api.ok(  # a rule, so that pairRules has something to walk
            "pairRuleCreate",
            b.mutation_doc("pairRuleCreate", "PairRuleCreateInput", "pairRule { id }"),
            input=INPUTS["pairRuleCreate"](world.ids, "1", world.ids["E1"]),
        )
        holes = []
        for role in ROLES:
            if role == ANON:
                continue
            for name, query in WALKS.items():
                body = await _post(world.clients[role], query)
                errors = [
                    e
                    for e in body.get("errors", [])
                    if e.get("extensions", {}).get("code") != FORBIDDEN
                ]
                if errors:
                    holes.append(f"{role} {name}: {errors}")
        assert not holes, "\n".join(holes)
    finally:
        for manager in reversed(stack):
            await manager.__aexit__(None, None, None)
