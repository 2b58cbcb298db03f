"""The charity association's 18 special funds and their budgets for the demo year."""

from __future__ import annotations

from models.demo.common import Ids, Row
from models.demo.vocab import BUDGET_YEAR, FUNDS


def build_funds(ids: Ids, stamp: Row) -> dict[str, list[Row]]:
    """One row per fund and one budget per fund for :data:`BUDGET_YEAR` (fixed, seed-free)."""
    funds: list[Row] = []
    budgets: list[Row] = []
    for spec in FUNDS:
        fund_id = ids.next("charity_fund")
        funds.append(
            {
                **stamp,
                "id": fund_id,
                "version": 1,
                "name": spec.name,
                "purpose": spec.purpose,
                "active": True,
            }
        )
        budgets.append(
            {
                **stamp,
                "id": ids.next("fund_budget"),
                "fund_id": fund_id,
                "year": BUDGET_YEAR,
                "budget_fen": spec.budget_yuan * 100,
            }
        )
    return {"charity_fund": funds, "fund_budget": budgets}
