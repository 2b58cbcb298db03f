"""A household's monthly dibao benefit from its members' identity categories, with a trace.

Rule (the digest of policy 484): each member's benefit is the standard in force times the
coefficient of the member's category; the household's benefit is the sum over members.

Precedence: a member may fit several categories (a retired woman over 50 with a serious
illness); the category with the highest coefficient applies, and a tie goes to the category
listed first in :data:`assessment.vocabulary.CATEGORIES` (illness and disability before age and
labour status), so the trace always names one category and the result never depends on the
order categories were entered.

Money is integer fen. Each member's amount standard x coefficient is rounded half up to the fen
(so the slip's lines add up to its total); the household total is the sum of those amounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from assessment.policy import PolicySnapshot
from assessment.rounding import round_half_up
from assessment.vocabulary import CATEGORIES, member_of
from matching.validate import integer

_ORDER = {c: i for i, c in enumerate(CATEGORIES)}


@dataclass(frozen=True)
class Member:
    """A household member and every identity category they fit (at least one)."""

    id: int
    categories: frozenset[str]

    def __post_init__(self) -> None:
        integer(self.id, "member: id")
        if isinstance(self.categories, str):
            raise ValueError(f"member {self.id}: categories must be a collection, not a string")
        cats = frozenset(self.categories)
        if not cats:
            raise ValueError(f"member {self.id}: needs at least one identity category")
        for c in cats:
            member_of(c, CATEGORIES, f"member {self.id}: identity category")
        object.__setattr__(self, "categories", cats)


@dataclass(frozen=True)
class Household:
    id: int
    members: tuple[Member, ...]

    def __post_init__(self) -> None:
        integer(self.id, "household: id")
        members = tuple(self.members)
        if not members:
            raise ValueError(f"household {self.id} has no members")
        ids = [m.id for m in members]
        if len(set(ids)) != len(ids):
            raise ValueError(f"household {self.id} lists a member twice")
        object.__setattr__(self, "members", members)


@dataclass(frozen=True)
class Choice:
    """Which category applies and why; the same for every member with the same categories."""

    category: str
    coefficient: Fraction
    candidates: tuple[tuple[str, Fraction], ...]
    amount_fen: int
    reason: str


@dataclass(frozen=True)
class MemberBenefit:
    member_id: int
    category: str
    coefficient: Fraction
    amount_fen: int
    candidates: tuple[tuple[str, Fraction], ...]
    """Every category the member fits with its coefficient, the applied one first."""
    reason: str


@dataclass(frozen=True)
class HouseholdBenefit:
    """The benefit for the month containing ``on``: ``total_fen`` and one line per member."""

    household_id: int
    on: dt.date
    standard_fen: int
    total_fen: int
    members: tuple[MemberBenefit, ...]
    policy_version: str


def choose(categories: Iterable[str], policy: PolicySnapshot) -> Choice:
    """The category that applies to a member who fits ``categories`` (see module docstring)."""
    ranked = sorted(
        ((c, policy.coefficients[c]) for c in categories),
        key=lambda cc: (-cc[1], _ORDER[cc[0]]),
    )
    category, coefficient = ranked[0]
    amount = round_half_up(policy.dibao_standard_fen * coefficient)
    if len(ranked) == 1:
        reason = f"only category {category}"
    elif ranked[1][1] == coefficient:
        reason = f"tie at coefficient {float(coefficient):g}; {category} comes first in the order"
    else:
        reason = f"highest coefficient of {len(ranked)} categories"
    reason += (
        f": {policy.dibao_standard_fen} fen x {float(coefficient):g} = {amount} fen "
        "(rounded half up)"
    )
    return Choice(category, coefficient, tuple(ranked), amount, reason)


def household_benefit(
    household: Household,
    policy: PolicySnapshot,
    cache: dict[frozenset[str], Choice] | None = None,
) -> HouseholdBenefit:
    """The household's benefit under ``policy``; ``cache`` shares choices across households
    (:func:`assessment.bulk.recompute_benefits` passes one per snapshot)."""
    lines = []
    for m in household.members:
        choice = cache.get(m.categories) if cache is not None else None
        if choice is None:
            choice = choose(m.categories, policy)
            if cache is not None:
                cache[m.categories] = choice
        lines.append(
            MemberBenefit(
                m.id,
                choice.category,
                choice.coefficient,
                choice.amount_fen,
                choice.candidates,
                choice.reason,
            )
        )
    return HouseholdBenefit(
        household.id,
        policy.on,
        policy.dibao_standard_fen,
        sum(line.amount_fen for line in lines),
        tuple(lines),
        policy.version,
    )
