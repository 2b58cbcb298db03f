"""Charity funds and their yearly budgets in GraphQL."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from strawberry import UNSET

from api.context import Info
from api.entity import VERSION_DOC, Entity
from api.enums import HouseholdTagEnum
from api.mutations import apply_update, deactivate_mutation, mutation, payload_type
from api.nodes import from_row, given
from api.pagination import Connection, paginate
from api.scalars import Money
from models.commands import crud
from models.commands.funds import FUND, checked_budgets, set_budgets
from models.enums import HouseholdTag
from models.fund import CharityFund, FundBudget


@strawberry.type(description="A fund's money in one calendar year: budgeted >= awarded >= paid.")
class FundYearBudget:
    year: int
    amount: Money = strawberry.field(description="The budget, donations included.")
    awarded: Money = strawberry.field(description="Granted and not cancelled, paid or not.")
    paid: Money
    available: Money = strawberry.field(description="Budget not yet awarded.")


def _year(row: FundBudget) -> FundYearBudget:
    return FundYearBudget(
        year=row.year,
        amount=Money(row.budget_fen),
        awarded=Money(row.awarded_fen),
        paid=Money(row.paid_fen),
        available=Money(row.budget_fen - row.awarded_fen),
    )


@strawberry.type(name="Fund", description="A restricted special fund (专项基金).")
class FundNode(Entity):
    model = CharityFund
    version: int = strawberry.field(description=VERSION_DOC)
    name: str
    purpose: str = strawberry.field(description="What the fund may pay for (restricted use).")
    active: bool

    @strawberry.field(description="Budgets by year, oldest first.")
    async def budgets(self, info: Info) -> list[FundYearBudget]:
        rows = await info.context.loaders.children(FundBudget, "fund_id").load(self.row.id)
        return [_year(r) for r in sorted(rows, key=lambda r: r.year)]

    @strawberry.field(description="The budget of one year, null if none was set.")
    async def budget(self, info: Info, year: int) -> Money | None:
        rows = await info.context.loaders.children(FundBudget, "fund_id").load(self.row.id)
        return next((Money(r.budget_fen) for r in rows if r.year == year), None)

    @strawberry.field(description="One year's budget, awarded, paid and available money.")
    async def year(self, info: Info, year: int) -> FundYearBudget | None:
        rows = await info.context.loaders.children(FundBudget, "fund_id").load(self.row.id)
        return next((_year(r) for r in rows if r.year == year), None)

    @strawberry.field(description="Household tags the fund may pay for (none: any household).")
    def eligible_tags(self) -> list[HouseholdTagEnum]:  # type: ignore[valid-type]
        return [HouseholdTag(t) for t in self.row.eligible_tags]

    @strawberry.field(description="Most one household may get from the fund in a year.")
    def household_cap(self) -> Money | None:
        cap = self.row.household_cap_fen
        return None if cap is None else Money(cap)

    @strawberry.field(description="No grant below this amount.")
    def min_grant(self) -> Money:
        return Money(self.row.min_grant_fen)


def fund_node(row: CharityFund) -> FundNode:
    return from_row(FundNode, row)


@strawberry.input
class FundFilter:
    active: bool | None = None


@strawberry.type
class FundQuery:
    @strawberry.field(description="The charity association's funds.")
    async def funds(
        self,
        info: Info,
        filter: FundFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[FundNode]:
        f = filter or FundFilter()
        where = [] if f.active is None else [col(CharityFund.active).is_(f.active)]
        return await paginate(info, CharityFund, where, fund_node, first=first, after=after)


@strawberry.input
class FundBudgetInput:
    year: int
    amount: Money


@strawberry.input
class FundCreateInput:
    name: str
    purpose: str
    budgets: list[FundBudgetInput] = strawberry.field(default_factory=list)
    eligible_tags: list[HouseholdTagEnum] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list, description="Households it may pay (none: any household)."
    )
    household_cap: Money | None = strawberry.field(
        default=None, description="Most per household and year (null: no cap)."
    )
    min_grant: Money = strawberry.field(default=Money(0), description="No grant below this.")


@strawberry.input
class FundUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    name: str | None = UNSET
    purpose: str | None = UNSET
    budgets: list[FundBudgetInput] | None = strawberry.field(
        default=UNSET, description="Budgets to set (by year); years not named are kept."
    )
    active: bool | None = UNSET
    eligible_tags: list[HouseholdTagEnum] | None = UNSET  # type: ignore[valid-type]
    household_cap: Money | None = UNSET
    min_grant: Money | None = UNSET


FundPayload = payload_type(FundNode, "Fund")


def _budgets(values: list[FundBudgetInput] | None) -> dict[int, int]:
    return checked_budgets([(b.year, b.amount) for b in values or []])


def _rules(data: FundCreateInput | FundUpdateInput) -> dict[str, Any]:
    """The fund's eligibility, cap and minimum as attribute values (only those given)."""
    rules = given(data, "eligible_tags", "household_cap", "min_grant")
    renamed = {"household_cap": "household_cap_fen", "min_grant": "min_grant_fen"}
    out = {renamed.get(k, k): v for k, v in rules.items()}
    if "eligible_tags" in out:
        out["eligible_tags"] = [str(t.value) for t in out["eligible_tags"] or []]
    return out


async def _create(session: AsyncSession, data: FundCreateInput) -> CharityFund:
    budgets = _budgets(data.budgets)
    fund = await crud.create(session, FUND, {**given(data, "name", "purpose"), **_rules(data)})
    assert fund.id is not None
    await set_budgets(session, fund.id, budgets)
    return fund


async def _update(session: AsyncSession, data: FundUpdateInput) -> CharityFund:
    budgets = _budgets(None if data.budgets is UNSET else data.budgets)
    changes = {**given(data, "name", "purpose", "active"), **_rules(data)}
    # New budgets are a change of the fund: its version moves.
    fund = await apply_update(session, FUND, "Fund", data, changes, touch=bool(budgets))
    assert fund.id is not None
    await set_budgets(session, fund.id, budgets)
    return fund


@strawberry.type
class FundMutation:
    fund_create = mutation(
        FundNode,
        FundPayload,
        FundCreateInput,
        _create,
        description="Create a restricted fund, with budgets by year.",
    )
    fund_update = mutation(
        FundNode,
        FundPayload,
        FundUpdateInput,
        _update,
        description="Change a fund; budgets given replace those years' budgets.",
    )
    fund_deactivate = deactivate_mutation(FundNode, FundPayload, FUND, "Fund")
