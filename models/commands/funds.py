"""Commands on charity funds and their yearly budgets (integer fen)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.commands.common import unique_name
from models.commands.crud import EntitySpec, FieldSpec, get_or_raise
from models.errors import ErrorCode
from models.fund import CharityFund
from models.validation import YEAR, Checker, distinct, non_negative_fen, positive_fen, text

FUND = EntitySpec(
    CharityFund,
    "fund",
    {
        "name": FieldSpec("name", text(max_length=128)),
        "purpose": FieldSpec("purpose", text(max_length=1000)),
        "household_cap_fen": FieldSpec("householdCap", positive_fen, required=False),
        "min_grant_fen": FieldSpec("minGrant", non_negative_fen, required=False),
        "eligible_tags": FieldSpec("eligibleTags", distinct, required=False),
    },
    check=unique_name(
        CharityFund, within=None, message="name: a fund named {name} already exists."
    ),
)


def checked_budgets(budgets: list[tuple[int, int]], label: str = "budgets") -> dict[int, int]:
    """Validated {year: fen}; each year at most once."""
    checker = Checker()
    result: dict[int, int] = {}
    for index, (year, amount) in enumerate(budgets):
        y = checker.apply(YEAR, year, f"{label}[{index}].year")
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
    """Set the fund's budget for each given year (each change a ledger movement)."""
    from models.commands.ledger import set_budget

    await get_or_raise(session, CharityFund, fund_id, noun="fund")
    for year, fen in budgets.items():
        await set_budget(session, fund_id, year, fen)
