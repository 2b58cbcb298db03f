"""Requests, grants, donations and the ledger through the API: the money rules and invariants.

Per fund and year, budgeted >= awarded >= paid, whatever the order or concurrency of requests;
the ledger alone gives the same balances as the stored ones; an idempotency key never moves
money twice; bad input is a typed error that changes nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from starlette.applications import Starlette

from models.commands.ledger import reconcile
from models.grant import Grant, LedgerEntry
from tests.api import builders as b
from tests.api.conftest import Api

YEAR = 2026
ERRORS = "errors { code field message }"
FUND_CREATE = b.mutation_doc("fundCreate", "FundCreateInput", "fund { id }")
REQUEST_CREATE = b.mutation_doc(
    "assistanceRequestCreate", "AssistanceRequestCreateInput", "assistanceRequest { id status }"
)
AWARD = b.mutation_doc("grantAward", "GrantAwardInput", "grant { id status amount version }")
PAY = b.mutation_doc("grantPay", "GrantPayInput", "grant { id status paidOn version }")
CANCEL = b.mutation_doc("grantCancel", "GrantCancelInput", "grant { id status cancelReason }")
DONATE = b.mutation_doc("donationRecord", "DonationRecordInput", "donation { id amount donor }")
FUND_YEAR = f"""query($id: ID!) {{ node(id: $id) {{ ... on Fund {{
  year(year: {YEAR}) {{ amount awarded paid available }} }} }} }}"""


async def fund(api: Api, budget: str = "10000.00", **extra: Any) -> str:
    data = {
        "name": extra.pop("name", "高龄老人关爱专项基金"),
        "purpose": "80岁以上老人帮扶",
        "budgets": [{"year": YEAR, "amount": budget}],
        **extra,
    }
    payload = await api.ok("fundCreate", FUND_CREATE, input=data)
    return str(payload["fund"]["id"])


async def elder_household(api: Api, community: str, **person: Any) -> str:
    """A household whose head is 88 (tag ELDER_80), plus what ``person`` says."""
    household = await b.household(api, community)
    await b.person(api, household, birthDate="1938-05-01", **person)
    return household


async def year_of(api: Api, fund_id: str) -> dict[str, str]:
    data = await api.data(FUND_YEAR, id=fund_id)
    year: dict[str, str] = data["node"]["year"]
    return year


async def stored_and_derived(app: Starlette) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Balances per (fund, year) as stored, and as derived from the ledger alone."""
    async with app.state.session_factory() as session:
        pairs = await reconcile(session)
    stored = {(r.fund_id, r.year): (r.budget_fen, r.awarded_fen, r.paid_fen) for r, _ in pairs}
    derived = {(r.fund_id, r.year): (d.budget_fen, d.awarded_fen, d.paid_fen) for r, d in pairs}
    return stored, derived


async def ledger_agrees(api: Api) -> bool:
    """The auditors' view: every fund year's stored balances equal the ledger's sums."""
    data = await api.data("{ ledgerCheck { agrees ledgerAwarded storedAwarded } }")
    checks = data["ledgerCheck"]
    return bool(checks) and all(c["agrees"] for c in checks)


async def ledger_rows(app: Starlette, kind: str | None = None) -> int:
    async with app.state.session_factory() as session:
        stmt = sa.select(sa.func.count()).select_from(LedgerEntry)
        if kind is not None:
            stmt = stmt.where(col(LedgerEntry.kind) == kind)
        return int((await session.execute(stmt)).scalar_one())


def award(fund_id: str, household: str, amount: str, key: str, **extra: Any) -> dict[str, Any]:
    return {
        "fundId": fund_id,
        "householdId": household,
        "year": YEAR,
        "amount": amount,
        "idempotencyKey": key,
        **extra,
    }


async def test_a_grant_from_request_to_payment(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    fund_id = await fund(api, eligibleTags=["ELDER_80"], householdCap="3000.00", minGrant="200.00")
    household = await elder_household(api, ids["community"])
    request = await api.ok(
        "assistanceRequestCreate",
        REQUEST_CREATE,
        input={
            "householdId": household,
            "year": YEAR,
            "amount": "2500.00",
            "purpose": "助餐",
            "urgency": 50,
        },
    )
    request_id = request["assistanceRequest"]["id"]

    granted = await api.ok(
        "grantAward", AWARD, input=award(fund_id, household, "1000.50", "k1", requestId=request_id)
    )
    grant = granted["grant"]
    assert (grant["status"], grant["amount"]) == ("AWARDED", "1000.50")
    assert await year_of(api, fund_id) == {
        "amount": "10000.00",
        "awarded": "1000.50",
        "paid": "0.00",
        "available": "8999.50",
    }
    node = await b.read(api, request_id, "AssistanceRequest", "status grants { id }")
    assert node == {"status": "AWARDED", "grants": [{"id": grant["id"]}]}

    paid = await api.ok(
        "grantPay",
        PAY,
        input={"grantId": grant["id"], "paidOn": "2026-03-01", "idempotencyKey": "p1"},
    )
    assert paid["grant"]["status"] == "PAID"
    assert (await year_of(api, fund_id))["paid"] == "1000.50"
    # Paying again with the same key is the same payment; with a new key it is refused.
    again = await api.ok(
        "grantPay",
        PAY,
        input={"grantId": grant["id"], "paidOn": "2026-03-01", "idempotencyKey": "p1"},
    )
    assert again["grant"] == paid["grant"]
    twice = await b.fails(
        api,
        "grantPay",
        PAY,
        {"grantId": grant["id"], "paidOn": "2026-03-02", "idempotencyKey": "p2"},
    )
    assert twice == [("INVALID_STATE", "grantId")]
    cancel = await b.fails(
        api, "grantCancel", CANCEL, {"grantId": grant["id"], "reason": "x", "idempotencyKey": "c1"}
    )
    assert cancel == [("INVALID_STATE", "grantId")]

    assert await ledger_rows(app) == 3  # opening budget, award, payment
    stored, derived = await stored_and_derived(app)
    assert stored == derived


async def test_cancelling_returns_the_money(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    fund_id = await fund(api, budget="500.00")
    household = await elder_household(api, ids["community"])
    grant = (await api.ok("grantAward", AWARD, input=award(fund_id, household, "500", "a")))[
        "grant"
    ]
    assert (await year_of(api, fund_id))["available"] == "0.00"
    cancelled = await api.ok(
        "grantCancel",
        CANCEL,
        input={"grantId": grant["id"], "reason": "家庭已搬离", "idempotencyKey": "c"},
    )
    assert cancelled["grant"]["status"] == "CANCELLED"
    assert await year_of(api, fund_id) == {
        "amount": "500.00",
        "awarded": "0.00",
        "paid": "0.00",
        "available": "500.00",
    }
    stored, derived = await stored_and_derived(app)
    assert stored == derived


async def test_the_rules_of_a_fund_refuse_and_change_nothing(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    fund_id = await fund(
        api, budget="5000.00", eligibleTags=["ELDER_80"], householdCap="3000.00", minGrant="200.00"
    )
    household = await elder_household(api, ids["community"])
    young = await b.household(api, ids["community"])
    await b.person(api, young, birthDate="1980-01-01")
    request = await api.ok(
        "assistanceRequestCreate",
        REQUEST_CREATE,
        input={
            "householdId": household,
            "year": YEAR,
            "amount": "300.00",
            "purpose": "助餐",
            "urgency": 50,
        },
    )
    request_id = request["assistanceRequest"]["id"]
    await api.ok("grantAward", AWARD, input=award(fund_id, household, "2900", "first"))
    before = await stored_and_derived(app)
    grants_before = await count_grants(app)

    await b.expect_failures(
        api,
        "grantAward",
        AWARD,
        [
            ("negative", award(fund_id, household, "-5", "n1"), [("VALIDATION", "amount")]),
            ("zero", award(fund_id, household, "0", "n2"), [("VALIDATION", "amount")]),
            (
                "unknown fund",
                award(b.global_id("Fund", 999_999), household, "300", "n3"),
                [("NOT_FOUND", "fundId")],
            ),
            (
                "not eligible",
                award(fund_id, young, "300", "n4"),
                [("INVALID_STATE", "householdId")],
            ),
            (
                "below minimum",
                award(fund_id, household, "199.99", "n5"),
                [("VALIDATION", "amount")],
            ),
            ("over the cap", award(fund_id, household, "200", "n6"), [("INVALID_STATE", "amount")]),
            (
                "over the need",
                award(fund_id, household, "300.01", "n7", requestId=request_id),
                [("INVALID_STATE", "amount")],
            ),
            (
                "bad year",
                {**award(fund_id, household, "300", "n8"), "year": 1999},
                [("VALIDATION", "year")],
            ),
            (
                "blank key",
                award(fund_id, household, "300", "  "),
                [("VALIDATION", "idempotencyKey")],
            ),
            (
                "key reused for another grant",
                award(fund_id, household, "250", "first"),
                [("CONFLICT", "idempotencyKey")],
            ),
        ],
    )
    # More than two decimals is refused by the Money scalar before anything runs.
    body = await api.post(AWARD, input=award(fund_id, household, "300.001", "n9"))
    assert body.get("data") is None
    assert "at most 2 decimals" in body["errors"][0]["message"]

    other = await fund(api, budget="100.00", name="临时救助专项基金")
    over = await b.fails(api, "grantAward", AWARD, award(other, household, "100.01", "n10"))
    assert over == [("INVALID_STATE", "amount")]

    stored, derived = await stored_and_derived(app)
    assert stored == derived
    assert {k: v for k, v in stored.items() if k in before[0]} == before[0]
    assert await count_grants(app) == grants_before


async def count_grants(app: Starlette) -> int:
    async with app.state.session_factory() as session:
        return int(
            (await session.execute(sa.select(sa.func.count()).select_from(Grant))).scalar_one()
        )


async def test_concurrent_awards_never_overspend(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    fund_id = await fund(api, budget="10500.00")
    households = [await elder_household(api, ids["community"]) for _ in range(16)]

    payloads = await asyncio.gather(
        *(
            api.mutate("grantAward", AWARD, input=award(fund_id, h, "1000.00", f"race-{i}"))
            for i, h in enumerate(households)
        )
    )
    won = [p for p in payloads if p["errors"] == []]
    lost = [p for p in payloads if p["errors"] != []]
    assert len(won) == 10
    assert all(p["errors"][0]["code"] == "INVALID_STATE" for p in lost)
    assert await year_of(api, fund_id) == {
        "amount": "10500.00",
        "awarded": "10000.00",
        "paid": "0.00",
        "available": "500.00",
    }
    assert await ledger_rows(app, "award") == 10
    stored, derived = await stored_and_derived(app)
    assert stored == derived
    assert await ledger_agrees(api)


async def test_concurrent_awards_to_one_household_respect_its_cap(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    fund_id = await fund(api, budget="100000.00", householdCap="3000.00")
    household = await elder_household(api, ids["community"])
    payloads = await asyncio.gather(
        *(
            api.mutate("grantAward", AWARD, input=award(fund_id, household, "1000.00", f"cap-{i}"))
            for i in range(6)
        )
    )
    assert sum(p["errors"] == [] for p in payloads) == 3
    assert (await year_of(api, fund_id))["awarded"] == "3000.00"


async def test_one_key_sent_many_times_at_once_moves_money_once(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    fund_id = await fund(api)
    household = await elder_household(api, ids["community"])
    payloads = await asyncio.gather(
        *(
            api.mutate("grantAward", AWARD, input=award(fund_id, household, "700.00", "same"))
            for _ in range(6)
        )
    )
    assert [p["errors"] for p in payloads] == [[]] * 6
    assert len({p["grant"]["id"] for p in payloads}) == 1
    assert await ledger_rows(app, "award") == 1
    assert (await year_of(api, fund_id))["awarded"] == "700.00"


async def test_donations_raise_the_budget_once_per_key(app: Starlette, api: Api) -> None:
    fund_id = await fund(api, budget="100.00")
    gift = {
        "fundId": fund_id,
        "year": YEAR,
        "donor": "某爱心企业",
        "amount": "2000.00",
        "receivedOn": "2026-02-01",
        "restriction": "仅用于高龄老人助餐",
        "idempotencyKey": "gift-1",
    }
    first = await api.ok("donationRecord", DONATE, input=gift)
    again = await api.ok("donationRecord", DONATE, input=gift)
    assert first["donation"] == again["donation"]
    assert (await year_of(api, fund_id))["amount"] == "2100.00"
    assert await ledger_rows(app, "donation") == 1
    # A donation for a year without a budget opens that year.
    await api.ok("donationRecord", DONATE, input={**gift, "year": 2027, "idempotencyKey": "g2"})
    bad = await b.fails(
        api, "donationRecord", DONATE, {**gift, "amount": "0", "idempotencyKey": "g3"}
    )
    assert bad == [("VALIDATION", "amount")]
    stored, derived = await stored_and_derived(app)
    assert stored == derived
    assert stored[(b.local_id(fund_id), 2027)] == (200_000, 0, 0)


async def test_a_budget_cannot_go_below_what_is_awarded(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    fund_id = await fund(api, budget="1000.00")
    household = await elder_household(api, ids["community"])
    await api.ok("grantAward", AWARD, input=award(fund_id, household, "800", "a"))
    update = b.mutation_doc("fundUpdate", "FundUpdateInput", "fund { id }")
    refused = await b.fails(
        api, "fundUpdate", update, {"id": fund_id, "budgets": [{"year": YEAR, "amount": "799.99"}]}
    )
    assert refused == [("INVALID_STATE", "budgets")]
    await api.ok(
        "fundUpdate", update, input={"id": fund_id, "budgets": [{"year": YEAR, "amount": "800"}]}
    )
    assert (await year_of(api, fund_id))["available"] == "0.00"
    assert await ledger_rows(app, "budget_cut") == 1
    stored, derived = await stored_and_derived(app)
    assert stored == derived


async def test_the_audit_notices_a_balance_changed_behind_the_ledger(
    app: Starlette, api: Api
) -> None:
    fund_id = await fund(api, budget="1000.00")
    assert await ledger_agrees(api)
    async with app.state.session_factory() as session, session.begin():
        # Someone with database access changes a balance without a ledger row.
        await session.execute(
            sa.text("UPDATE fund_budget SET awarded_fen = awarded_fen + 1 WHERE fund_id = :f"),
            {"f": b.local_id(fund_id)},
        )
    data = await api.data(
        f"{{ ledgerCheck(year: {YEAR}) {{ fundId agrees storedAwarded ledgerAwarded }} }}"
    )
    assert data["ledgerCheck"] == [
        {"fundId": fund_id, "agrees": False, "storedAwarded": "0.01", "ledgerAwarded": "0.00"}
    ]
