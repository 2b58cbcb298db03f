"""Charity funds and their yearly budgets in GraphQL."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from strawberry import UNSET

from api.context import Info
from api.entity import VERSION_DOC, Entity
from api.mutations import apply_update, deactivate_mutation, mutation, payload_type
from api.nodes import from_row, given
from api.pagination import Connection, paginate
from api.scalars import Money
from models.commands import crud
from models.commands.funds import FUND, checked_budgets, set_budgets
from models.fund import CharityFund, FundBudget


@strawberry.type(description="A fund's budget for one calendar year.")
class FundYearBudget:
    year: int
    amount: Money


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
        return [
            FundYearBudget(year=r.year, amount=Money(r.budget_fen))
            for r in sorted(rows, key=lambda r: r.year)
        ]

    @strawberry.field(description="The budget of one year, null if none was set.")
    async def budget(self, info: Info, year: int) -> Money | None:
        rows = await info.context.loaders.children(FundBudget, "fund_id").load(self.row.id)
        return next((Money(r.budget_fen) for r in rows if r.year == year), None)


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


FundPayload = payload_type(FundNode, "Fund")


def _budgets(values: list[FundBudgetInput] | None) -> dict[int, int]:
    return checked_budgets([(b.year, b.amount) for b in values or []])


async def _create(session: AsyncSession, data: FundCreateInput) -> CharityFund:
    budgets = _budgets(data.budgets)
    fund = await crud.create(session, FUND, given(data, "name", "purpose"))
    assert fund.id is not None
    await set_budgets(session, fund.id, budgets)
    return fund


async def _update(session: AsyncSession, data: FundUpdateInput) -> CharityFund:
    budgets = _budgets(None if data.budgets is UNSET else data.budgets)
    changes = given(data, "name", "purpose", "active")
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
