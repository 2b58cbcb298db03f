"""Commands on charity funds and their yearly budgets (integer fen)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.commands.common import unique_name
from models.commands.crud import EntitySpec, FieldSpec, get_or_raise
from models.errors import ErrorCode
from models.fund import CharityFund, FundBudget
from models.validation import Checker, int_range, non_negative_fen, text

FUND = EntitySpec(
    CharityFund,
    "fund",
    {
        "name": FieldSpec("name", text(max_length=128)),
        "purpose": FieldSpec("purpose", text(max_length=1000)),
    },
    check=unique_name(
        CharityFund, within=None, message="name: a fund named {name} already exists."
    ),
)

_YEAR = int_range(2000, 2200)


def checked_budgets(budgets: list[tuple[int, int]], label: str = "budgets") -> dict[int, int]:
    """Validated {year: fen}; each year at most once."""
    checker = Checker()
    result: dict[int, int] = {}
    for index, (year, amount) in enumerate(budgets):
        y = checker.apply(_YEAR, year, f"{label}[{index}].year")
        fen = checker.apply(non_negative_fen, amount, f"{label}[{index}].amount")
        if y in result:
            checker.add(
                ErrorCode.DUPLICATE,
                f"{label}[{index}].year: year {y} is given twice.",
                f"{label}[{index}].year",
            )
        if y is not None and fen is not None:
            result[y] = fen
    checker.raise_if_any()
    return result


async def set_budgets(session: AsyncSession, fund_id: int, budgets: dict[int, int]) -> None:
    """Insert or replace the fund's budget for each given year."""
    await get_or_raise(session, CharityFund, fund_id, noun="fund")
    existing = {
        b.year: b
        for b in (
            await session.execute(sa.select(FundBudget).where(col(FundBudget.fund_id) == fund_id))
        ).scalars()
    }
    for year, fen in budgets.items():
        if year in existing:
            existing[year].budget_fen = fen
        else:
            session.add(FundBudget(fund_id=fund_id, year=year, budget_fen=fen))
    await session.flush()
