"""A household's monthly dibao benefit as stored: computed from its active members' categories
under the policy in force, written as a ``BenefitChange`` row whenever it changes (enrolment,
review, exit, a new standard), one household or the whole district at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment import Household as BenefitHousehold
from assessment import HouseholdBenefit, Member, household_benefit, recompute_benefits
from assessment.categories import MemberFacts, household_labour_capacity, member_categories
from models.actor import current_actor
from models.base import utcnow
from models.commands.policy import StoredPolicy
from models.enums import AssistanceStatus
from models.household import Household, Person
from models.lifecycle import BenefitChange

PAID_STATUSES = frozenset({AssistanceStatus.DIBAO})
"""Only dibao households receive the monthly benefit computed from the standard; low-income,
special-hardship and edge households get other support (special-hardship support has its own
standard, not in the policy file yet)."""


@dataclass(frozen=True)
class MemberRows:
    """A household's active members as the benefit and review rules need them."""

    benefit: BenefitHousehold | None
    """None when the household has no active member."""
    labour_capacity: str


async def household_members(
    session: AsyncSession, household_ids: Sequence[int], on: date
) -> dict[int, MemberRows]:
    """Every listed household's active members, categorised on ``on`` (one query)."""
    rows = (
        await session.execute(
            sa.select(
                col(Person.id),
                col(Person.household_id),
                col(Person.gender),
                col(Person.birth_date),
                col(Person.disability_grade),
                col(Person.serious_illness),
                col(Person.student),
                col(Person.labour_capacity),
                col(Person.identity_category),
            )
            .where(col(Person.household_id).in_(household_ids), col(Person.active))
            .order_by(col(Person.household_id), col(Person.id))
        )
    ).all()
    members: dict[int, list[Member]] = {h: [] for h in household_ids}
    capacities: dict[int, list[str]] = {h: [] for h in household_ids}
    for r in rows:
        facts = MemberFacts(
            gender=r.gender.value,
            birth_date=r.birth_date,
            disability_grade=r.disability_grade,
            serious_illness=r.serious_illness,
            student=r.student,
            labour_capacity=r.labour_capacity.value,
            recorded_category=r.identity_category.value if r.identity_category else None,
        )
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
    listed = (
        await session.execute(
            sa.select(col(Household.id), col(Household.benefit_fen)).where(
                col(Household.status).in_(PAID_STATUSES), col(Household.active)
            )
        )
    ).all()
    before = {r.id: r.benefit_fen for r in listed}
    members = await household_members(session, list(before), on)
    households = [m.benefit for m in members.values() if m.benefit is not None]
    result = recompute_benefits(households, policy.policy, on)
    after = {b.household_id: b.total_fen for b in result.benefits}
    # A dibao household without members is paid nothing.
    changes = [(h, before[h], after.get(h, 0)) for h in before if before[h] != after.get(h, 0)]
    now = utcnow()
    if changes:
        await session.execute(
            sa.update(Household)
            .where(col(Household.id) == sa.bindparam("h_id"))
            .values(
                benefit_fen=sa.bindparam("after"), version=Household.version + 1, updated_at=now
            ),
            [{"h_id": h, "after": a} for h, _, a in changes],
            execution_options={"synchronize_session": False},
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
