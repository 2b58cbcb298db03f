"""Demo assessment data: every household on assistance gets its review schedule, dibao
households their benefit (with the opening benefit-history row), and needy, edge and a tenth of
other households a need assessment scored under the stored policy.

Indicator values are drawn to fit the status (dibao incomes are low, others mostly not), so the
district's H, A and M0 look plausible and a few households are flagged both ways. Review dates
are anchored on ``today`` so that the demo always shows some overdue reviews (about 8 %) and
some due soon.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from assessment import (
    Household,
    Indicators,
    Member,
    Policy,
    add_months,
    disagreement,
    household_benefit,
    need_score,
    review_kind,
    urgency,
)
from assessment.categories import (
    MemberFacts,
    household_labour_capacity,
    member_categories,
    member_counts,
)
from models.commands.benefits import member_facts
from models.demo.common import Ids, Row, chance
from models.enums import AssistanceStatus

OVERDUE_SHARE = 0.08
OTHER_ASSESSED_SHARE = 0.10
_INCOME = {  # fen per person per month: (low, high) by status
    AssistanceStatus.DIBAO: (0, 160_000),
    AssistanceStatus.SPECIAL_HARDSHIP: (0, 60_000),
    AssistanceStatus.LOW_INCOME: (120_000, 260_000),
    AssistanceStatus.EDGE: (150_000, 320_000),
    AssistanceStatus.NONE: (200_000, 900_000),
}


def _facts(person: Row) -> MemberFacts:
    return member_facts(SimpleNamespace(**person))


def build_assessments(
    rng: random.Random,
    ids: Ids,
    stamp: Row,
    tables: dict[str, list[Row]],
    policy: Policy,
    revision: int,
    today: date,
) -> dict[str, list[Row]]:
    """Fill the review and benefit columns of ``tables["household"]`` in place; return the
    benefit-change and assessment rows."""
    members: dict[int, list[MemberFacts]] = defaultdict(list)
    person_ids: dict[int, list[int]] = defaultdict(list)
    for person in tables["person"]:
        members[person["household_id"]].append(_facts(person))
        person_ids[person["household_id"]].append(person["id"])
    out: dict[str, list[Row]] = {"benefit_change": [], "household_assessment": []}
    snapshot = policy.as_of(today)
    for home in tables["household"]:
        status = AssistanceStatus(home["status"])
        home.update(income_stability=None, next_review_on=None, benefit_fen=0)
        facts = members[home["id"]]
        assessed_on = today - timedelta(days=rng.randint(0, 120))
        if status is not AssistanceStatus.NONE:
            stability = "stable" if chance(rng, 0.6) else "irregular"
            kind = review_kind(
                household_labour_capacity([f.labour_capacity for f in facts]), stability
            )
            months = snapshot.review_months[kind]
            if chance(rng, OVERDUE_SHARE):  # the review should have been up to 60 days ago
                last = add_months(today, -months) - timedelta(days=rng.randint(1, 60))
            else:
                last = today - timedelta(days=rng.randint(0, months * 28 - 1))
            home["income_stability"] = stability
            home["next_review_on"] = add_months(last, months)
            assessed_on = last
            if status is AssistanceStatus.DIBAO and facts:
                benefit = household_benefit(
                    Household(
                        home["id"],
                        tuple(
                            Member(pid, member_categories(f, last))
                            for pid, f in zip(person_ids[home["id"]], facts, strict=True)
                        ),
                    ),
                    policy.as_of(last),
                )
                home["benefit_fen"] = benefit.total_fen
                out["benefit_change"].append(
                    {
                        **stamp,
                        "id": ids.next("benefit_change"),
                        "household_id": home["id"],
                        "effective_on": last,
                        "before_fen": 0,
                        "after_fen": benefit.total_fen,
                        "standard_fen": benefit.standard_fen,
                        "policy_revision": revision,
                        "reason": "demo: benefit at the last review",
                        "recorded_by": "demo",
                    }
                )
        elif not chance(rng, OTHER_ASSESSED_SHARE):
            continue
        out["household_assessment"].append(
            _assessment(rng, ids, stamp, home, status, facts, policy, revision, assessed_on)
        )
    return out


def _assessment(
    rng: random.Random,
    ids: Ids,
    stamp: Row,
    home: Row,
    status: AssistanceStatus,
    facts: list[MemberFacts],
    policy: Policy,
    revision: int,
    on: date,
) -> Row:
    low, high = _INCOME[status]
    income = rng.randint(low, high)
    values: dict[str, Any] = {
        "income_fen_per_person": income,
        "consumption_fen_per_person": max(0, int(income * rng.uniform(0.6, 1.1))),
        "living_space_m2_per_person": rng.randint(5, 35),
        "members_mentally_ill": int(chance(rng, 0.05)),
        "distress_score": rng.choice([0, 0, 14, 22, 31, 38]),
        **member_counts(facts, on),
    }
    score = need_score(Indicators(**values), policy.as_of(on))
    return {
        **stamp,
        "id": ids.next("household_assessment"),
        "household_id": home["id"],
        "assessed_on": on,
        **values,
        "policy_revision": revision,
        "score": str(score.score),
        "score_value": float(score.score),
        "poor": score.poor,
        "flag": disagreement(score, status.value),
        **{f"urgency_{kind}": value for kind, value in urgency(score).items()},
        "note": "demo",
        "recorded_by": "demo",
    }
