"""Sensitive fields by role, the access log (reads, reveals, changes), and children's files,
through the real app on SQLite and PostgreSQL (the world of the authorization matrix)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette

from models.id_number import make_id_number
from tests.api import builders as b
from tests.api.conftest import Api
from tests.api.test_authorization_matrix import AU, CO, DA, SC, SS, SW, VO, World, build_world

ID_NUMBER = make_id_number("110101", date(1938, 5, 1), 17)
PHONE = "13912345678"
PERSON = """query($id: ID!) { node(id: $id) { ... on Person {
  name idNumber phone disabilityGrade seriousIllness identityCategory } } }"""
ASSESSMENT = """query($id: ID!) { node(id: $id) { ... on NeedAssessment {
  score incomePerPerson consumptionPerPerson membersMentallyIll membersIllOrDisabled } } }"""
HOUSEHOLD = """query($id: ID!) { node(id: $id) { ... on Household {
  address benefit incomeStability members { name } } } }"""
LOG = """query($filter: AccessLogFilter) { accessLog(filter: $filter, first: 100) { nodes {
  kind actor role recordType recordId fields purpose before after requestId } } }"""
REVEAL = b.mutation_doc("identifierReveal", "IdentifierRevealInput", "value")
PERSON_UPDATE = b.mutation_doc("personUpdate", "PersonUpdateInput", "person { id phone }")


@pytest.fixture
async def world(app: Starlette, api: Api) -> Any:
    stack: list[Any] = []
    built = await build_world(app, api, stack)
    await api.ok(
        "personUpdate",
        PERSON_UPDATE,
        input={"id": built.ids["P1"], "idNumber": ID_NUMBER, "phone": PHONE},
    )
    yield built
    for manager in reversed(stack):
        await manager.__aexit__(None, None, None)


async def node(world: World, role: str, query: str, key: str) -> dict[str, Any] | None:
    result: dict[str, Any] | None = (await world.clients[role].data(query, id=world.ids[key]))[
        "node"
    ]
    return result


async def log(world: World, **filter: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await world.clients[AU].data(LOG, filter=filter))["accessLog"][
        "nodes"
    ]
    return nodes


async def test_sensitive_fields_show_only_to_the_roles_that_need_them(world: World) -> None:
    admin = await node(world, DA, PERSON, "P1")
    coordinator = await node(world, SC, PERSON, "P1")
    volunteer = await node(world, VO, PERSON, "P1")
    assert admin is not None
    assert coordinator is not None
    assert volunteer is not None
    assert admin["idNumber"] == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    assert admin["phone"] == "139****5678"
    assert (admin["disabilityGrade"], admin["seriousIllness"]) == (0, False)
    assert (coordinator["disabilityGrade"], coordinator["seriousIllness"]) == (0, False)
    assert volunteer["name"] == "老人1"  # the elder they visit
    assert (volunteer["disabilityGrade"], volunteer["seriousIllness"]) == (None, None)
    assert volunteer["phone"] == "139****5678"  # masked for everyone

    income = {role: await node(world, role, ASSESSMENT, "A1") for role in (DA, SS, SW, CO, SC)}
    full = income[DA]
    assert full is not None
    assert full["incomePerPerson"] == "1000.00"
    assert income[CO] == {**full, "membersMentallyIll": None, "membersIllOrDisabled": None}
    assert income[SC] == {**full, "incomePerPerson": None, "consumptionPerPerson": None}
    assert income[SS] == income[SW] == full

    home = await node(world, SC, HOUSEHOLD, "H1")
    assert home is not None
    assert (home["benefit"], home["incomeStability"]) == (None, None)
    officer = await node(world, CO, HOUSEHOLD, "H1")
    assert officer is not None
    assert officer["members"] == []  # no members' files for the charity association
    assert officer["benefit"] is not None


async def test_every_sensitive_read_has_its_access_log_row(world: World) -> None:
    before = await log(world, kind="READ", recordId=world.ids["P1"])
    await node(world, SS, PERSON, "P1")
    await node(world, SS, "query($id: ID!) { node(id: $id) { id } }", "P1")  # nothing sensitive
    await node(world, SC, PERSON, "P2")  # out of scope: nothing sent, nothing logged

    after = await log(world, kind="READ", recordId=world.ids["P1"])
    added = after[len(before) :]
    assert [(r["actor"], r["role"], r["recordType"]) for r in added] == [
        ("user:matrix.ss", "street_staff", "Person")
    ]
    assert added[0]["fields"] == [
        "disabilityGrade",
        "idNumber",
        "identityCategory",
        "phone",
        "seriousIllness",
    ]
    assert added[0]["requestId"]
    assert await log(world, kind="READ", recordId=world.ids["P2"]) == []


async def test_a_full_identifier_needs_a_purpose_a_scope_and_leaves_a_trace(
    world: World,
) -> None:
    staff = world.clients[SS]

    async def reveal(api: Api, key: str, field: str, purpose: str) -> dict[str, Any]:
        return await api.post(
            REVEAL, input={"id": world.ids[key], "field": field, "purpose": purpose}
        )

    shown = (await reveal(staff, "P1", "ID_NUMBER", "核对低保申请人身份"))["data"]
    assert shown["identifierReveal"] == {"value": ID_NUMBER, "errors": []}
    no_reason = (await reveal(staff, "P1", "PHONE", " "))["data"]["identifierReveal"]
    assert no_reason["value"] is None
    assert [e["field"] for e in no_reason["errors"]] == ["purpose"]
    other = (await reveal(staff, "P2", "PHONE", "联系家属"))["data"]["identifierReveal"]
    assert [(e["code"], e["field"]) for e in other["errors"]] == [("NOT_FOUND", "id")]
    auditor = await reveal(world.clients[AU], "P1", "PHONE", "审计")
    assert auditor["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    volunteer = (await reveal(staff, "V1", "PHONE", "联系志愿者"))["data"]["identifierReveal"]
    assert volunteer == {"value": "13800000001", "errors": []}

    reveals = await log(world, kind="REVEAL")
    assert [(r["actor"], r["recordId"], r["fields"], r["purpose"]) for r in reveals] == [
        ("user:matrix.ss", world.ids["P1"], ["id_number"], "核对低保申请人身份"),
        ("user:matrix.ss", world.ids["V1"], ["phone"], "联系志愿者"),
    ]


async def test_changes_are_logged_before_and_after_with_identifiers_masked(
    world: World, api: Api
) -> None:
    await api.ok(
        "personUpdate", PERSON_UPDATE, input={"id": world.ids["P1"], "phone": "13700001111"}
    )
    changes = await log(world, kind="CHANGE", recordId=world.ids["P1"])
    last = changes[-1]
    assert last["actor"] == "user:test.district-admin"
    assert last["fields"] == ["phone"]
    assert (last["before"], last["after"]) == ({"phone": "139****5678"}, {"phone": "137****1111"})
    created = await log(world, kind="CHANGE", recordId=world.ids["H2"])
    assert created[0]["before"] is None
    assert created[0]["after"]["address"] == "多福巷2号"


async def test_only_administrators_and_auditors_read_the_log(world: World) -> None:
    for role in (SS, SC, SW, CO, VO):
        body = await world.clients[role].post(LOG)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    assert await world.clients[DA].data(LOG)


async def test_the_log_cannot_be_altered(world: World, app: Starlette) -> None:
    await node(world, SS, PERSON, "P1")
    for statement in ("UPDATE access_log SET actor = 'nobody'", "DELETE FROM access_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with app.state.engine.begin() as conn:
                await conn.execute(sa.text(statement))
    assert await log(world, kind="READ")


async def test_coordinators_do_not_see_childrens_files(world: World, api: Api) -> None:
    await b.person(api, world.ids["H1"], name="孙女", birthDate="2019-03-01", relation="GRANDCHILD")
    street = await node(world, SS, HOUSEHOLD, "H1")
    station = await node(world, SC, HOUSEHOLD, "H1")
    assert street is not None
    assert station is not None
    assert sorted(m["name"] for m in street["members"]) == ["孙女", "老人1"]
    assert [m["name"] for m in station["members"]] == ["老人1"]
