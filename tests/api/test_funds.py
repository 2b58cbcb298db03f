"""Charity funds and their yearly budgets through the API; money as decimal strings, kept in fen."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from starlette.applications import Starlette

from models.fund import FundBudget
from tests.api import builders as b
from tests.api.conftest import Api

FIELDS = "id name purpose active version budgets { year amount }"
CREATE = b.mutation_doc("fundCreate", "FundCreateInput", f"fund {{ {FIELDS} }}")
UPDATE = b.mutation_doc("fundUpdate", "FundUpdateInput", f"fund {{ {FIELDS} }}")
DEACTIVATE = b.mutation_doc("fundDeactivate", "DeactivateInput", f"fund {{ {FIELDS} }}")

MISSING = 999_999


def _fund(**extra: Any) -> dict[str, Any]:
    return {"name": "助老基金", "purpose": "高龄老人结对帮扶", **extra}


async def _create(api: Api, **extra: Any) -> dict[str, Any]:
    fund: dict[str, Any] = (await api.ok("fundCreate", CREATE, input=_fund(**extra)))["fund"]
    return fund


async def _budget_rows(app: Starlette) -> list[tuple[int, int, int]]:
    """Every stored budget as (fund id, year, fen), straight from the table."""
    async with app.state.session_factory() as session:
        rows = await session.execute(
            sa.select(FundBudget).order_by(col(FundBudget.fund_id), col(FundBudget.year))
        )
        return [(r.fund_id, r.year, r.budget_fen) for r in rows.scalars()]


async def test_create_and_read_money_as_decimal_strings(app: Starlette, api: Api) -> None:
    fund = await _create(
        api,
        name=" 助老  基金 ",
        budgets=[
            {"year": 2026, "amount": "0"},
            {"year": 2025, "amount": " 1000.50 "},
            {"year": 2027, "amount": 12},
            {"year": 2028, "amount": "999999999999999.99"},
            {"year": 2029, "amount": "-0"},
        ],
    )
    assert fund == {
        "id": fund["id"],
        "name": "助老 基金",
        "purpose": "高龄老人结对帮扶",
        "active": True,
        "version": 1,
        "budgets": [  # oldest first, whatever the input order
            {"year": 2025, "amount": "1000.50"},
            {"year": 2026, "amount": "0.00"},
            {"year": 2027, "amount": "12.00"},
            {"year": 2028, "amount": "999999999999999.99"},
            {"year": 2029, "amount": "0.00"},
        ],
    }
    assert await b.read(api, fund["id"], "Fund", FIELDS) == fund
    assert await b.read(api, fund["id"], "Fund", "a: budget(year: 2025) b: budget(year: 2030)") == {
        "a": "1000.50",
        "b": None,
    }
    assert await b.read_list(api, "funds", FIELDS) == (1, [fund])
    fid = b.local_id(fund["id"])
    assert await _budget_rows(app) == [  # integer fen, never a float
        (fid, 2025, 100050),
        (fid, 2026, 0),
        (fid, 2027, 1200),
        (fid, 2028, 99999999999999999),
        (fid, 2029, 0),
    ]
    empty = await _create(api, name="应急基金")
    assert empty["budgets"] == []


async def test_bad_funds_are_refused_and_leave_no_fund(app: Starlette, api: Api) -> None:
    await _create(api, budgets=[{"year": 2026, "amount": "5.00"}])
    ok = _fund(name="助学基金")
    good = {"year": 2026, "amount": "100.00"}
    await b.expect_failures(
        api,
        "fundCreate",
        CREATE,
        [
            (
                "negative amount",
                {**ok, "budgets": [{"year": 2026, "amount": "-0.01"}]},
                [("VALIDATION", "budgets[0].amount")],
            ),
            (
                "second budget negative",
                {**ok, "budgets": [good, {"year": 2027, "amount": "-100"}]},
                [("VALIDATION", "budgets[1].amount")],
            ),
            (
                "year 1999",
                {**ok, "budgets": [{"year": 1999, "amount": "1"}]},
                [("VALIDATION", "budgets[0].year")],
            ),
            (
                "year 2201",
                {**ok, "budgets": [good, {"year": 2201, "amount": "1"}]},
                [("VALIDATION", "budgets[1].year")],
            ),
            (
                "a year twice",
                {**ok, "budgets": [good, {"year": 2026, "amount": "1"}]},
                [("DUPLICATE", "budgets[1].year")],
            ),
            (
                "bad year and amount",
                {**ok, "budgets": [{"year": 1, "amount": "-1"}]},
                [("VALIDATION", "budgets[0].year"), ("VALIDATION", "budgets[0].amount")],
            ),
            ("blank name", {**ok, "name": " "}, [("VALIDATION", "name")]),
            ("name of 129", {**ok, "name": "基" * 129}, [("VALIDATION", "name")]),
            ("blank purpose", {**ok, "purpose": ""}, [("VALIDATION", "purpose")]),
            ("purpose of 1001", {**ok, "purpose": "用" * 1001}, [("VALIDATION", "purpose")]),
            ("duplicate name", {**ok, "name": " 助老基金 "}, [("DUPLICATE", "name")]),
            (
                "duplicate name with a good budget",
                {**ok, "name": "助老基金", "budgets": [good]},
                [("DUPLICATE", "name")],
            ),
        ],
    )
    assert (await b.read_list(api, "funds"))[0] == 1
    assert [row[1:] for row in await _budget_rows(app)] == [(2026, 500)]


async def test_amounts_that_are_not_decimal_strings_are_query_errors(
    app: Starlette, api: Api
) -> None:
    for amount in (12.5, "12.345", "abc", "1e3", "1,000.00", True, ""):
        messages = await b.query_errors(
            api, CREATE, input=_fund(budgets=[{"year": 2026, "amount": amount}])
        )
        assert len(messages) == 1, amount
        assert "budgets[0].amount" in messages[0], messages
        assert "Money" in messages[0], messages
    assert await b.read_list(api, "funds") == (0, [])
    assert await _budget_rows(app) == []
    # A number written in the query text itself is read from its digits (no float rounding).
    literal = await api.data(
        """mutation { fundCreate(input: {name: "字面基金", purpose: "测试",
             budgets: [{year: 2026, amount: 12.5}, {year: 2027, amount: "3.10"}]}) {
             fund { budgets { amount } } errors { code } } }"""
    )
    assert literal["fundCreate"] == {
        "fund": {"budgets": [{"amount": "12.50"}, {"amount": "3.10"}]},
        "errors": [],
    }
    messages = await b.query_errors(
        api,
        """mutation { fundCreate(input: {name: "n", purpose: "p",
             budgets: [{year: 2026, amount: 1.005}]}) { fund { id } errors { code } } }""",
    )
    assert messages == [
        'Money must be a decimal string of yuan with at most 2 decimals, e.g. "1234.50"; '
        "got '1.005'."
    ]


async def test_update_replaces_the_years_given(app: Starlette, api: Api) -> None:
    fund = await _create(
        api, budgets=[{"year": 2025, "amount": "100.00"}, {"year": 2026, "amount": "200.00"}]
    )
    fid = fund["id"]
    changed = (
        await api.ok(
            "fundUpdate",
            UPDATE,
            input={
                "id": fid,
                "expectedVersion": 1,
                "name": "助老帮扶基金",
                "purpose": "八十岁以上老人",
                "budgets": [{"year": 2026, "amount": "250.75"}, {"year": 2027, "amount": "1"}],
            },
        )
    )["fund"]
    assert changed == {
        "id": fid,
        "name": "助老帮扶基金",
        "purpose": "八十岁以上老人",
        "active": True,
        "version": 2,
        "budgets": [
            {"year": 2025, "amount": "100.00"},  # not named: kept
            {"year": 2026, "amount": "250.75"},
            {"year": 2027, "amount": "1.00"},
        ],
    }
    assert await b.read(api, fid, "Fund", FIELDS) == changed
    # Budgets alone are a change of the fund: its version moves.
    budgets_only = (
        await api.ok(
            "fundUpdate", UPDATE, input={"id": fid, "budgets": [{"year": 2025, "amount": "0"}]}
        )
    )["fund"]
    assert (budgets_only["version"], budgets_only["budgets"][0]) == (
        3,
        {"year": 2025, "amount": "0.00"},
    )
    # Null or empty budgets leave every year as it is.
    no_budgets: list[list[dict[str, str]] | None] = [None, []]
    for budgets in no_budgets:
        same = (await api.ok("fundUpdate", UPDATE, input={"id": fid, "budgets": budgets}))["fund"]
        assert same == budgets_only
    local = b.local_id(fid)
    assert await _budget_rows(app) == [(local, 2025, 0), (local, 2026, 25075), (local, 2027, 100)]


async def test_failed_updates_change_nothing(app: Starlette, api: Api) -> None:
    fund = await _create(api, budgets=[{"year": 2026, "amount": "100.00"}])
    await _create(api, name="助学基金")
    fid = fund["id"]
    snapshot = f"{FIELDS} updatedAt"
    before = await b.read(api, fid, "Fund", snapshot)
    rows = await _budget_rows(app)
    new_budget = [{"year": 2026, "amount": "999.00"}]
    await b.expect_failures(
        api,
        "fundUpdate",
        UPDATE,
        [
            (
                "stale version",
                {"id": fid, "expectedVersion": 2, "name": "新", "budgets": new_budget},
                [("CONFLICT", "expectedVersion")],
            ),
            (
                "one bad budget among good ones",
                {
                    "id": fid,
                    "name": "新名字",
                    "budgets": [*new_budget, {"year": 2027, "amount": "-5.00"}],
                },
                [("VALIDATION", "budgets[1].amount")],
            ),
            (
                "taken name with a good budget",
                {"id": fid, "name": "助学基金", "budgets": new_budget},
                [("DUPLICATE", "name")],
            ),
            ("null name", {"id": fid, "name": None}, [("REQUIRED", "name")]),
            ("null purpose", {"id": fid, "purpose": None}, [("REQUIRED", "purpose")]),
            ("null active", {"id": fid, "active": None}, [("REQUIRED", "active")]),
            (
                "unknown fund",
                {"id": b.global_id("Fund", MISSING), "budgets": new_budget},
                [("NOT_FOUND", "id")],
            ),
            ("a person's id", {"id": b.global_id("Person", 1), "name": "x"}, [("NOT_FOUND", "id")]),
        ],
    )
    assert await b.read(api, fid, "Fund", snapshot) == before
    assert await _budget_rows(app) == rows


async def test_deactivate_filter_and_pages(api: Api) -> None:
    names = [f"基金{i}" for i in range(5)]
    ids = [(await _create(api, name=name))["id"] for name in names]
    stale = {"id": ids[1], "expectedVersion": 9}
    assert await b.fails(api, "fundDeactivate", DEACTIVATE, stale) == [
        ("CONFLICT", "expectedVersion")
    ]
    for fid in (ids[1], ids[3]):
        gone = (await api.ok("fundDeactivate", DEACTIVATE, input={"id": fid}))["fund"]
        assert (gone["active"], gone["version"]) == (False, 2)
    assert await b.read(api, ids[1], "Fund", "active") == {"active": False}
    assert await b.read_list(api, "funds", "name", {"active": False}) == (
        2,
        [{"name": "基金1"}, {"name": "基金3"}],
    )
    assert (await b.read_list(api, "funds", "id", {"active": True}))[1] == [
        {"id": ids[0]},
        {"id": ids[2]},
        {"id": ids[4]},
    ]
    assert [n["name"] for n in await b.walk(api, "funds", first=2, fields="name")] == names
    walked = await b.walk(api, "funds", first=2, filter={"active": True})
    assert [n["id"] for n in walked] == [ids[0], ids[2], ids[4]]
    messages = await b.query_errors(api, "{ funds(first: 101) { totalCount } }")
    assert messages == ["first: must be between 1 and 100 (got 101)."]
    messages = await b.query_errors(api, '{ funds(after: "not a cursor") { totalCount } }')
    assert messages[0].startswith("after:")
