"""A household's monthly dibao benefit as stored: computed from its active members' categories
under the policy in force, written as a ``BenefitChange`` row whenever it changes (enrolment,
review, exit, a new standard), one household or the whole district at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment import Household as BenefitHousehold
from assessment import HouseholdBenefit, Member, household_benefit, recompute_benefits
from assessment.categories import MemberFacts, household_labour_capacity, member_categories
from models.actor import current_actor
from models.base import utcnow
from models.commands.policy import StoredPolicy, stored_policy
from models.enums import AssistanceStatus
from models.household import Household, Person
from models.lifecycle import BenefitChange
from models.validation import Checker, text

PAID_STATUSES = frozenset({AssistanceStatus.DIBAO})
"""Only dibao households receive the monthly benefit computed from the standard; low-income,
special-hardship and edge households get other support (special-hardship support has its own
standard, not in the policy file yet)."""


FACT_COLUMNS = (
    col(Person.gender),
    col(Person.birth_date),
    col(Person.disability_grade),
    col(Person.serious_illness),
    col(Person.student),
    col(Person.labour_capacity),
    col(Person.identity_category),
)
"""The person columns :func:`member_facts` reads."""


def member_facts(row: Any) -> MemberFacts:
    """A member's facts from a ``Person`` or a row of :data:`FACT_COLUMNS`."""
    return MemberFacts(
        gender=row.gender.value,
        birth_date=row.birth_date,
        disability_grade=row.disability_grade,
        serious_illness=row.serious_illness,
        student=row.student,
        labour_capacity=row.labour_capacity.value,
        recorded_category=row.identity_category.value if row.identity_category else None,
    )


@dataclass(frozen=True)
class MemberRows:
    """A household's active members as the benefit and review rules need them."""

    benefit: BenefitHousehold | None
    """None when the household has no active member."""
    labour_capacity: str


async def household_members(
    session: AsyncSession, household_ids: Sequence[int], on: date, *, selection: Any = None
) -> dict[int, MemberRows]:
    """Every listed household's active members, categorised on ``on`` (one query);
    ``selection``, a subquery of the same ids, keeps a long list out of the statement."""
    rows = (
        await session.execute(
            sa.select(col(Person.id), col(Person.household_id), *FACT_COLUMNS)
            .where(
                col(Person.household_id).in_(household_ids if selection is None else selection),
                col(Person.active),
            )
            .order_by(col(Person.household_id), col(Person.id))
        )
    ).all()
    members: dict[int, list[Member]] = {h: [] for h in household_ids}
    capacities: dict[int, list[str]] = {h: [] for h in household_ids}
    for r in rows:
        facts = member_facts(r)
        members[r.household_id].append(Member(r.id, member_categories(facts, on)))
        capacities[r.household_id].append(facts.labour_capacity)
    return {
        h: MemberRows(
            BenefitHousehold(h, tuple(ms)) if ms else None,
            household_labour_capacity(capacities[h]),
        )
        for h, ms in members.items()
    }


def benefit_amount(status: AssistanceStatus, computed: HouseholdBenefit | None) -> int:
    """What a household in ``status`` is paid: the computed benefit on dibao, else 0."""
    return computed.total_fen if status in PAID_STATUSES and computed is not None else 0


async def set_benefit(
    session: AsyncSession,
    household: Household,
    after_fen: int,
    *,
    effective_on: date,
    policy: StoredPolicy,
    reason: str,
) -> BenefitChange | None:
    """Record a new amount (a history row and the household's current amount); None when the
    amount does not change."""
    if household.benefit_fen == after_fen:
        return None
    change = BenefitChange(
        household_id=household.id,  # type: ignore[arg-type]
        effective_on=effective_on,
        before_fen=household.benefit_fen,
        after_fen=after_fen,
        standard_fen=policy.as_of(effective_on).dibao_standard_fen,
        policy_revision=policy.revision,
        reason=reason[:500],
        recorded_by=current_actor(),
    )
    household.benefit_fen = after_fen
    household.version += 1
    session.add_all([household, change])
    await session.flush()
    return change


async def apply_current_benefit(
    session: AsyncSession,
    household: Household,
    *,
    on: date,
    policy: StoredPolicy,
    reason: str,
) -> BenefitChange | None:
    """Recompute one household's benefit from its members today and record any change."""
    assert household.id is not None
    rows = (await household_members(session, [household.id], on))[household.id]
    computed = (
        household_benefit(rows.benefit, policy.as_of(on, field="effectiveOn"))
        if rows.benefit is not None
        else None
    )
    return await set_benefit(
        session,
        household,
        benefit_amount(household.status, computed),
        effective_on=on,
        policy=policy,
        reason=reason,
    )


@dataclass(frozen=True)
class BulkRecomputation:
    on: date
    policy_revision: int
    standard_fen: int
    households: int
    changed: int
    total_before_fen: int
    total_after_fen: int


async def recompute_all_benefits(
    session: AsyncSession, *, on: date, policy: StoredPolicy, reason: str
) -> BulkRecomputation:
    """Every dibao household's benefit on ``on`` under ``policy`` (e.g. after a new standard):
    three queries to read, one bulk update and one bulk insert to write the changes."""
    snapshot = policy.as_of(on, field="on")
    paid = sa.select(col(Household.id)).where(
        col(Household.status).in_(PAID_STATUSES), col(Household.active)
    )
    listed = (
        await session.execute(
            sa.select(col(Household.id), col(Household.benefit_fen))
            .where(col(Household.id).in_(paid))
            .with_for_update()  # a review of one of them waits for this recomputation
        )
    ).all()
    before = {r.id: r.benefit_fen for r in listed}
    members = await household_members(session, list(before), on, selection=paid)
    households = [m.benefit for m in members.values() if m.benefit is not None]
    result = recompute_benefits(households, policy.policy, on)
    after = {b.household_id: b.total_fen for b in result.benefits}
    # A dibao household without members is paid nothing.
    changes = [(h, before[h], after.get(h, 0)) for h in before if before[h] != after.get(h, 0)]
    now = utcnow()
    if changes:
        table: sa.Table = Household.__table__  # type: ignore[attr-defined]  # Core executemany
        await session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("h_id"))
            .values(benefit_fen=sa.bindparam("after"), version=table.c.version + 1, updated_at=now),
            [{"h_id": h, "after": a} for h, _, a in changes],
        )
        actor = current_actor()
        await session.execute(
            sa.insert(BenefitChange),
            [
                {
                    "created_at": now,
                    "updated_at": now,
                    "household_id": h,
                    "effective_on": on,
                    "before_fen": b,
                    "after_fen": a,
                    "standard_fen": snapshot.dibao_standard_fen,
                    "policy_revision": policy.revision,
                    "reason": reason[:500],
                    "recorded_by": actor,
                }
                for h, b, a in changes
            ],
        )
    return BulkRecomputation(
        on,
        policy.revision,
        snapshot.dibao_standard_fen,
        len(before),
        len(changes),
        sum(before.values()),
        sum(before.values()) + sum(a - b for _, b, a in changes),
    )


async def recompute_benefits_command(
    session: AsyncSession, *, on: date, reason: str
) -> BulkRecomputation:
    """:func:`recompute_all_benefits` under today's stored policy, with checked input."""
    checker = Checker()
    clean_reason = checker.apply(text(max_length=500), reason, "reason")
    checker.raise_if_any()
    policy = await stored_policy(session)
    return await recompute_all_benefits(session, on=on, policy=policy, reason=clean_reason)
