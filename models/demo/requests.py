"""Households' requests for money for the demo year: what an allocation run works on.

Last year the association aided 453 households; the demo's open requests are about a third more
than that at district scale (so budgets bind), from needy households, each submitted by its
community, with needs and urgencies that differ by purpose and status.
"""

from __future__ import annotations

import random

from models.demo.common import Ids, Row, Weighted
from models.demo.vocab import BUDGET_YEAR
from models.enums import AssistanceStatus, RequestStatus

# purpose, smallest and largest need in yuan, weight
PURPOSES: tuple[tuple[str, int, int, float], ...] = (
    ("住院自付医疗费用", 2_000, 30_000, 3.0),
    ("门诊慢性病药费", 500, 5_000, 3.0),
    ("子女学费和教材费", 1_000, 8_000, 2.0),
    ("冬季取暖和生活补助", 300, 1_500, 2.5),
    ("危旧住房修缮", 3_000, 15_000, 0.8),
    ("康复器具和康复训练", 1_000, 8_000, 1.0),
    ("居家照护服务", 1_000, 6_000, 1.2),
    ("突发困难临时救助", 500, 5_000, 1.5),
)
_PURPOSE = Weighted(list(range(len(PURPOSES))), [p[3] for p in PURPOSES])
_BASE_URGENCY = {
    AssistanceStatus.SPECIAL_HARDSHIP: 70,
    AssistanceStatus.DIBAO: 60,
    AssistanceStatus.LOW_INCOME: 45,
    AssistanceStatus.EDGE: 40,
}


def build_requests(
    rng: random.Random, ids: Ids, stamp: Row, households: list[Row], count: int
) -> dict[str, list[Row]]:
    """``count`` SUBMITTED requests from distinct needy households (fewer if there are fewer)."""
    needy = [h for h in households if h["status"] in _BASE_URGENCY and h.get("active", True)]
    chosen = rng.sample(needy, min(count, len(needy)))
    rows: list[Row] = []
    for household in sorted(chosen, key=lambda h: h["id"]):
        purpose, low, high, _ = PURPOSES[_PURPOSE.draw(rng)]
        need_yuan = rng.randrange(low, high + 1, 50)
        urgency = _BASE_URGENCY[household["status"]] + rng.randint(-15, 25)
        rows.append(
            {
                **stamp,
                "id": ids.next("assistance_request"),
                "version": 1,
                "household_id": household["id"],
                "year": BUDGET_YEAR,
                "amount_fen": need_yuan * 100,
                "purpose": purpose,
                "notes": "",
                "urgency": max(1, min(100, urgency)),
                "submitted_by_community_id": household["community_id"],
                "submitted_by_street_id": None,
                "status": RequestStatus.SUBMITTED,
                "decision_reason": None,
            }
        )
    return {"assistance_request": rows}
