"""The charity association's 18 special funds and their budgets for the demo year."""

from __future__ import annotations

from models.demo.common import Ids, Row
from models.demo.vocab import BUDGET_YEAR, FUND_RULES, FUNDS
from models.enums import LedgerKind


def build_funds(ids: Ids, stamp: Row) -> dict[str, list[Row]]:
    """One row per fund, its budget for :data:`BUDGET_YEAR` and the ledger's opening entry
    for it (fixed, seed-free)."""
    funds: list[Row] = []
    budgets: list[Row] = []
    ledger: list[Row] = []
    for spec in FUNDS:
        fund_id = ids.next("charity_fund")
        tags, cap_yuan, min_yuan = FUND_RULES[spec.name]
        funds.append(
            {
                **stamp,
                "id": fund_id,
                "version": 1,
                "name": spec.name,
                "purpose": spec.purpose,
                "active": True,
                "eligible_tags": list(tags),
                "household_cap_fen": None if cap_yuan is None else cap_yuan * 100,
                "min_grant_fen": min_yuan * 100,
            }
        )
        budgets.append(
            {
                **stamp,
                "id": ids.next("fund_budget"),
                "fund_id": fund_id,
                "year": BUDGET_YEAR,
                "budget_fen": spec.budget_yuan * 100,
                "awarded_fen": 0,
                "paid_fen": 0,
            }
        )
        ledger.append(
            {
                **stamp,
                "id": ids.next("ledger_entry"),
                "fund_id": fund_id,
                "year": BUDGET_YEAR,
                "kind": LedgerKind.BUDGET,
                "amount_fen": spec.budget_yuan * 100,
                "grant_id": None,
                "donation_id": None,
                "note": "opening budget",
            }
        )
    return {"charity_fund": funds, "fund_budget": budgets, "ledger_entry": ledger}
