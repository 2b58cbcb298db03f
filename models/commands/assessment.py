"""Assessing households: recording indicator values, scoring them under the stored policy,
explaining a stored score again, and the Alkire-Foster measures of a street or the district."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment import (
    GroupMeasures,
    Indicators,
    NeedScore,
    af_measures_by_group,
    af_measures_np,
    deprivation_matrix,
    disagreement,
    need_score,
    policy_weights,
    urgency,
)
from assessment.categories import member_counts
from models.actor import current_actor
from models.assessment import HouseholdAssessment
from models.commands.benefits import FACT_COLUMNS, member_facts
from models.commands.crud import get_or_raise
from models.commands.policy import StoredPolicy, stored_policy
from models.errors import DomainError, ErrorCode
from models.geo import Community
from models.household import Household, Person
from models.validation import Checker, past_date, text

INDICATOR_FIELDS = (
    "income_fen_per_person",
    "consumption_fen_per_person",
    "children_out_of_school",
    "members_ill_or_disabled",
    "living_space_m2_per_person",
    "members_mentally_ill",
    "distress_score",
)


def indicators_of(row: HouseholdAssessment) -> Indicators:
    return Indicators(**{name: getattr(row, name) for name in INDICATOR_FIELDS})


async def derived_counts(session: AsyncSession, household_id: int, on: date) -> dict[str, int]:
    """What the active members' files say on ``on`` (see :func:`member_counts`)."""
    members = (
        await session.execute(
            sa.select(*FACT_COLUMNS).where(
                col(Person.household_id) == household_id, col(Person.active)
            )
        )
    ).all()
    return member_counts([member_facts(m) for m in members], on)


async def record_assessment(
    session: AsyncSession,
    household_id: int,
    *,
    assessed_on: date,
    values: Mapping[str, int | None],
    note: str | None = None,
) -> HouseholdAssessment:
    """Score a household from indicator ``values`` measured on ``assessed_on``.

    ``children_out_of_school`` and ``members_ill_or_disabled`` default to what the member files
    say; give them to record what a visit found instead. The score, urgencies and flag are
    stored as decided, with the policy revision used, so they can be explained later.
    """
    household = await get_or_raise(session, Household, household_id, noun="household")
    if not household.active:
        raise DomainError.one(
            ErrorCode.INVALID_STATE, "This household is archived; reactivate it first.", "id"
        )
    checker = Checker()
    day = checker.apply(past_date(earliest=date(2000, 1, 1)), assessed_on, "assessedOn")
    clean_note = checker.apply(text(max_length=500, required=False), note, "note")
    checker.raise_if_any()
    given = {k: v for k, v in values.items() if v is not None}
    counts = await derived_counts(session, household_id, day)
    try:
        indicators = Indicators(**{**counts, **given})
    except (TypeError, ValueError) as err:
        raise DomainError.one(ErrorCode.VALIDATION, str(err).removeprefix("indicators: ")) from None
    policy = await stored_policy(session)
    score = need_score(indicators, policy.as_of(day, field="assessedOn"))
    urgent = urgency(score)
    fields: dict[str, Any] = {
        **{name: getattr(indicators, name) for name in INDICATOR_FIELDS},
        **{f"urgency_{kind}": value for kind, value in urgent.items()},
    }
    row = HouseholdAssessment(
        household_id=household_id,
        assessed_on=day,
        policy_revision=policy.revision,
        score=str(score.score),
        score_value=float(score.score),
        poor=score.poor,
        flag=disagreement(score, household.status.value),
        note=clean_note or "",
        recorded_by=current_actor(),
        **fields,
    )
    session.add(row)
    await session.flush()
    return row


class PolicyCache:
    """Stored policies by revision, built once per request (rows never change, so a revision's
    policy never does either)."""

    def __init__(self) -> None:
        self._by_revision: dict[int, StoredPolicy] = {}

    async def get(self, session: AsyncSession, revision: int) -> StoredPolicy:
        if revision not in self._by_revision:
            self._by_revision[revision] = await stored_policy(session, revision)
        return self._by_revision[revision]


async def explain(session: AsyncSession, row: HouseholdAssessment, cache: PolicyCache) -> NeedScore:
    """The stored score again, with every indicator, cutoff and weight, from the same values
    and the same policy revision: equal to what was decided."""
    policy = await cache.get(session, row.policy_revision)
    return need_score(indicators_of(row), policy.as_of(row.assessed_on))


def latest_assessments(on: date) -> Any:
    """Each active household's latest assessment made on or before ``on`` (a subquery of ids)."""
    ranked = (
        sa.select(
            col(HouseholdAssessment.id).label("id"),
            sa.func.row_number()
            .over(
                partition_by=col(HouseholdAssessment.household_id),
                order_by=(
                    col(HouseholdAssessment.assessed_on).desc(),
                    col(HouseholdAssessment.id).desc(),
                ),
            )
            .label("rank"),
        )
        .where(col(HouseholdAssessment.assessed_on) <= on)
        .subquery()
    )
    return sa.select(ranked.c.id).where(ranked.c.rank == 1)


@dataclass(frozen=True)
class AreaMeasures:
    on: date
    policy_version: str
    k: Fraction
    district: GroupMeasures
    streets: dict[int, GroupMeasures]


async def area_measures(
    session: AsyncSession,
    on: date,
    *,
    street_ids: Sequence[int] | None = None,
    k: Fraction | None = None,
) -> AreaMeasures:
    """H, A, M0 and contributions per street and overall, from each active household's latest
    assessment on or before ``on``, recomputed under the policy in force on ``on`` (so a new
    cutoff shows its effect at once); ``k`` overrides the policy's cut-off (what if)."""
    policy = await stored_policy(session)
    snapshot = policy.as_of(on, field="on")
    cut = snapshot.k if k is None else k
    if not 0 < cut <= 1:
        raise DomainError.one(ErrorCode.VALIDATION, "k: must be above 0 and at most 1", "k")
    stmt = (
        sa.select(HouseholdAssessment, col(Community.street_id))
        .join(Household, col(Household.id) == col(HouseholdAssessment.household_id))
        .join(Community, col(Community.id) == col(Household.community_id))
        .where(col(HouseholdAssessment.id).in_(latest_assessments(on)), col(Household.active))
    )
    if street_ids is not None:
        stmt = stmt.where(col(Community.street_id).in_(street_ids))
    rows = (await session.execute(stmt)).all()
    indicators = [indicators_of(r[0]) for r in rows]
    streets = [r[1] for r in rows]
    matrix = deprivation_matrix(indicators, snapshot)
    weights = policy_weights(snapshot)
    by_street = af_measures_by_group(streets, matrix, weights, cut) if rows else {}
    return AreaMeasures(
        on,
        snapshot.version,
        cut,
        af_measures_np(matrix, weights, cut),
        {int(s): m for s, m in by_street.items()},  # type: ignore[call-overload]
    )
