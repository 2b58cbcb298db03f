"""Load a matching run's scope from the database into plain rows for the optimiser.

Everything is read in a handful of set-based queries (no per-elder queries): elders of the
scope's communities, the volunteers whose home or workplace lies within reach of them, the
standing pairs, and the coordinators' pins and forbidden pairs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.categories import age_on
from matching import slot_code
from models.assessment import HouseholdAssessment
from models.commands.assessment import latest_assessments
from models.db import rows_in_chunks
from models.elder import ELDER_MIN_AGE, Elder, ElderCareNeed, ElderLanguage, ElderVisitSlot
from models.enums import AssistanceStatus, PairRuleKind, PairStatus, RunScope
from models.geo import Community, Street
from models.household import Household, Person
from models.matching_run import PairRule
from models.pair import Pair
from models.volunteer import (
    Volunteer,
    VolunteerAvailability,
    VolunteerLanguage,
    VolunteerSkill,
)

NEEDY = (AssistanceStatus.DIBAO, AssistanceStatus.SPECIAL_HARDSHIP)
"""Households whose elders get the needy priority factor; so do households poor by their latest
need assessment (the edge households income status leaves out)."""


def _assessed_poor(today: date) -> Any:
    """Households poor by their latest need assessment on or before ``today`` (a subquery)."""
    return sa.select(col(HouseholdAssessment.household_id)).where(
        col(HouseholdAssessment.id).in_(latest_assessments(today)),
        col(HouseholdAssessment.poor),
    )


METRES_PER_DEGREE = 111_320.0


@dataclass
class ElderRow:
    id: int
    street_id: int
    community_id: int
    latitude: float
    longitude: float
    age: int
    living_alone: bool
    needy: bool
    disabled: bool
    waiting_days: int
    required_gender: str | None
    slots: set[int] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)


@dataclass
class VolunteerRow:
    id: int
    home: tuple[float, float]
    work: tuple[float, float] | None
    gender: str
    vetted: bool
    capacity: int
    slots: set[int] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)
    skills: set[str] = field(default_factory=set)


@dataclass
class ScopeData:
    elders: list[ElderRow]
    volunteers: list[VolunteerRow]
    existing: list[tuple[int, int]]
    """Active pairs (elder id, volunteer id) of the scope's elders."""
    pins: list[tuple[int, int]]
    forbidden: list[tuple[int, int]]
    street_names: dict[int, str]


async def community_ids(session: AsyncSession, scope: RunScope, ids: list[int]) -> list[int]:
    """The communities a scope covers."""
    stmt = sa.select(col(Community.id), col(Community.street_id))
    if scope is RunScope.COMMUNITIES:
        stmt = stmt.where(col(Community.id).in_(ids))
    elif scope is RunScope.STREETS:
        stmt = stmt.where(col(Community.street_id).in_(ids))
    else:
        streets = sa.select(col(Street.id)).where(col(Street.district_id).in_(ids))
        stmt = stmt.where(col(Community.street_id).in_(streets))
    return sorted(r.id for r in (await session.execute(stmt)).all())


@dataclass(frozen=True)
class Owners:
    """Whose child rows to read: the ids a SELECT gives (one set-based query, a semi-join),
    plus a few ids named one by one (read in chunks). Far faster than long IN lists."""

    select: Any
    extra: list[int] = field(default_factory=list)


async def owned_rows(
    session: AsyncSession,
    columns: tuple[Any, ...],
    owners: Owners,
    *where: Any,
) -> list[Any]:
    """``columns`` (the first names the owner) of the owners' rows, with ``where``."""
    owner = columns[0]
    connection = await session.connection()
    stmt = sa.select(*columns)
    rows = list((await connection.execute(stmt.where(owner.in_(owners.select), *where))).all())
    rows += await rows_in_chunks(
        session, lambda chunk: stmt.where(owner.in_(chunk), *where), owners.extra
    )
    return rows


async def _grouped(
    session: AsyncSession, key: Any, value: Any, owners: Owners
) -> dict[int, set[Any]]:
    groups: dict[int, set[Any]] = defaultdict(set)
    for k, v in await owned_rows(session, (key, value), owners):
        groups[k].add(v)
    return groups


async def _weekly_slots(session: AsyncSession, owner: Any, owners: Owners) -> dict[int, set[int]]:
    """Each owner's weekly slots (availability or wanted visits) as slot codes; ``owner`` is the
    slot table's owner column."""
    model = owner.class_
    slots: dict[int, set[int]] = defaultdict(set)
    for owner_id, weekday, part in await owned_rows(
        session, (owner, model.weekday, model.day_part), owners
    ):
        slots[owner_id].add(slot_code(weekday, part.value))
    return slots


@dataclass(frozen=True)
class VolunteerShare:
    """The volunteers one street's run of a split run may use (``jobs.partition``), with caps
    on the capacity of those whose capacity is shared between streets."""

    ids: list[int]
    caps: dict[int, int]


async def load_scope(
    session: AsyncSession,
    scope: RunScope,
    ids: list[int],
    *,
    max_distance_m: int,
    today: date,
    share: VolunteerShare | None = None,
) -> ScopeData:
    """Everything a run needs about its scope, in set-based queries; with ``share`` (a split
    run's street run) only those volunteers, instead of every one within reach."""
    communities = await community_ids(session, scope, ids)
    street_of = dict(
        (
            await session.execute(
                sa.select(col(Community.id), col(Community.street_id)).where(
                    col(Community.id).in_(communities)
                )
            )
        ).all()
    )
    in_scope_where = (
        col(Elder.community_id).in_(communities),
        col(Elder.active),
        col(Person.active),
    )
    elder_scope = (
        sa.select(col(Elder.id))
        .join(Person, col(Person.id) == col(Elder.person_id))
        .where(*in_scope_where)
    )
    rows = (
        await session.execute(
            sa.select(
                col(Elder.id),
                col(Elder.community_id),
                col(Elder.latitude),
                col(Elder.longitude),
                col(Elder.preferred_volunteer_gender),
                col(Elder.created_at),
                col(Person.birth_date),
                col(Person.living_alone),
                col(Person.disability_grade),
                col(Household.status),
                col(Household.id).in_(_assessed_poor(today)).label("assessed_poor"),
            )
            .join(Person, col(Person.id) == col(Elder.person_id))
            .join(Household, col(Household.id) == col(Person.household_id))
            .where(*in_scope_where)
            .order_by(col(Elder.id))
        )
    ).all()
    connection = await session.connection()
    last_end = dict(
        (
            await connection.execute(
                sa.select(col(Pair.elder_id), sa.func.max(Pair.ended_on))
                .where(col(Pair.elder_id).in_(elder_scope))
                .group_by(col(Pair.elder_id))
            )
        ).all()
    )
    elders: list[ElderRow] = []
    for row in rows:
        age = age_on(row.birth_date, today)
        if age < ELDER_MIN_AGE:
            continue
        since = max(row.created_at.date(), last_end.get(row.id) or date.min)
        elders.append(
            ElderRow(
                id=row.id,
                street_id=street_of[row.community_id],
                community_id=row.community_id,
                latitude=row.latitude,
                longitude=row.longitude,
                age=age,
                living_alone=row.living_alone,
                needy=row.status in NEEDY or bool(row.assessed_poor),
                disabled=row.disability_grade > 0,
                waiting_days=max(0, (today - since).days),
                required_gender=(
                    row.preferred_volunteer_gender.value if row.preferred_volunteer_gender else None
                ),
            )
        )
    ids_ = [e.id for e in elders]
    in_scope = Owners(elder_scope)
    elder_slots = await _weekly_slots(session, col(ElderVisitSlot.elder_id), in_scope)
    languages = await _grouped(
        session, col(ElderLanguage.elder_id), col(ElderLanguage.language), in_scope
    )
    needs = await _grouped(session, col(ElderCareNeed.elder_id), col(ElderCareNeed.need), in_scope)
    for elder in elders:
        elder.slots = elder_slots.get(elder.id, set())
        elder.languages = languages.get(elder.id, set())
        elder.needs = {str(n.value) for n in needs.get(elder.id, set())}

    kept = set(ids_)
    existing_rows = (
        await connection.execute(
            sa.select(col(Pair.elder_id), col(Pair.volunteer_id)).where(
                col(Pair.elder_id).in_(elder_scope), col(Pair.status) == PairStatus.ACTIVE
            )
        )
    ).all()
    existing = sorted((int(e), int(v)) for e, v in existing_rows if e in kept)
    rules = [
        (k, e, v)
        for k, e, v in (
            await connection.execute(
                sa.select(
                    col(PairRule.kind), col(PairRule.elder_id), col(PairRule.volunteer_id)
                ).where(col(PairRule.elder_id).in_(elder_scope), col(PairRule.active))
            )
        ).all()
        if e in kept
    ]
    pins = sorted((e, v) for k, e, v in rules if k is PairRuleKind.PIN)
    forbidden = sorted((e, v) for k, e, v in rules if k is PairRuleKind.FORBID)

    volunteers = await _load_volunteers(
        session,
        elders,
        {v for _, v in existing} | {v for _, v in pins},
        max_distance_m,
        share,
    )
    names = dict(
        (
            await session.execute(
                sa.select(col(Street.id), col(Street.name)).where(
                    col(Street.id).in_(set(street_of.values()))
                )
            )
        ).all()
    )
    clean_names: dict[int, str] = {k: v for k, v in names.items() if k is not None}
    return ScopeData(elders, volunteers, existing, pins, forbidden, clean_names)


def within_reach(
    lats: Sequence[float], lons: Sequence[float], max_distance_m: int
) -> Callable[[Any, Any], Any]:
    """A SQL condition on (latitude, longitude) columns: inside the bounding box of the points
    widened by ``max_distance_m`` (a cheap pre-filter; distances are judged later)."""
    margin_lat = max_distance_m / METRES_PER_DEGREE
    mid = math.radians(sum(lats) / len(lats))
    margin_lon = margin_lat / max(math.cos(mid), 0.01)
    lat0, lat1 = min(lats) - margin_lat, max(lats) + margin_lat
    lon0, lon1 = min(lons) - margin_lon, max(lons) + margin_lon

    def inside(lat: Any, lon: Any) -> Any:
        return sa.and_(lat.between(lat0, lat1), lon.between(lon0, lon1))

    return inside


async def _load_volunteers(
    session: AsyncSession,
    elders: list[ElderRow],
    must: set[int],
    max_distance_m: int,
    share: VolunteerShare | None = None,
) -> list[VolunteerRow]:
    """Active volunteers whose home or workplace lies within reach of the scope's elders (or,
    given a ``share``, those volunteers)."""
    if not elders:
        return []
    usable = (col(Volunteer.active), col(Volunteer.capacity) > 0)
    columns = (
        col(Volunteer.id),
        col(Volunteer.home_latitude),
        col(Volunteer.home_longitude),
        col(Volunteer.work_latitude),
        col(Volunteer.work_longitude),
        col(Volunteer.gender),
        col(Volunteer.vetted),
        col(Volunteer.capacity),
    )

    def by_ids(chunk: list[int]) -> Any:
        return sa.select(*columns).where(*usable, col(Volunteer.id).in_(chunk))

    caps: dict[int, int] = {}
    if share is not None:
        rows = await rows_in_chunks(session, by_ids, share.ids)
        owners = Owners(sa.select(col(Volunteer.id)).where(sa.false()), [v.id for v in rows])
        caps = share.caps
    else:
        inside = within_reach(
            [e.latitude for e in elders], [e.longitude for e in elders], max_distance_m
        )
        near = sa.or_(
            inside(col(Volunteer.home_latitude), col(Volunteer.home_longitude)),
            inside(col(Volunteer.work_latitude), col(Volunteer.work_longitude)),
        )
        connection = await session.connection()
        rows = list((await connection.execute(sa.select(*columns).where(*usable, near))).all())
        # Volunteers of standing pairs and pins take part wherever they live now.
        found = {int(v.id) for v in rows}
        elsewhere = sorted(must - found)
        if elsewhere:
            rows += await rows_in_chunks(session, by_ids, elsewhere)
        owners = Owners(sa.select(col(Volunteer.id)).where(*usable, near), elsewhere)
    rows.sort(key=lambda v: int(v.id))
    # Pairs with elders outside the scope use up capacity this run cannot give away.
    elder_ids = {e.id for e in elders}
    busy: dict[int, int] = defaultdict(int)
    live = col(Pair.status).in_((PairStatus.PROPOSED, PairStatus.ACTIVE))
    busy_rows = await owned_rows(
        session, (col(Pair.volunteer_id), col(Pair.elder_id)), owners, live
    )
    for vid, eid in busy_rows:
        if eid not in elder_ids:
            busy[vid] += 1
    slots = await _weekly_slots(session, col(VolunteerAvailability.volunteer_id), owners)
    languages = await _grouped(
        session, col(VolunteerLanguage.volunteer_id), col(VolunteerLanguage.language), owners
    )
    skills = await _grouped(
        session, col(VolunteerSkill.volunteer_id), col(VolunteerSkill.skill), owners
    )
    result = []
    for v in rows:
        capacity = v.capacity - busy.get(v.id, 0)
        cap = caps.get(v.id)
        if cap is not None:
            capacity = min(capacity, cap)
        if capacity <= 0:
            continue
        work = (
            (v.work_latitude, v.work_longitude)
            if v.work_latitude is not None and v.work_longitude is not None
            else None
        )
        result.append(
            VolunteerRow(
                id=v.id,
                home=(v.home_latitude, v.home_longitude),
                work=work,
                gender=v.gender.value,
                vetted=v.vetted,
                capacity=capacity,
                slots=slots.get(v.id, set()),
                languages=languages.get(v.id, set()),
                skills={str(s.value) for s in skills.get(v.id, set())},
            )
        )
    return result
