"""Load a matching run's scope from the database into plain rows for the optimiser.

Everything is read in a handful of set-based queries (no per-elder queries): elders of the
scope's communities, the volunteers whose home or workplace lies within reach of them, the
standing pairs, and the coordinators' pins and forbidden pairs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from matching import slot_code
from models.db import rows_in_chunks
from models.elder import ELDER_MIN_AGE, Elder, ElderCareNeed, ElderLanguage, ElderVisitSlot
from models.enums import AssistanceStatus, PairRuleKind, PairStatus, RunScope
from models.geo import Community, Street
from models.household import Household, Person
from models.matching_run import PairRule
from models.pair import Pair
from models.validation import age_on
from models.volunteer import (
    Volunteer,
    VolunteerAvailability,
    VolunteerLanguage,
    VolunteerSkill,
)

NEEDY = (AssistanceStatus.DIBAO, AssistanceStatus.SPECIAL_HARDSHIP)
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


async def _grouped(
    session: AsyncSession, key: Any, value: Any, ids: list[int]
) -> dict[int, set[Any]]:
    groups: dict[int, set[Any]] = defaultdict(set)
    for k, v in await rows_in_chunks(
        session, lambda chunk: sa.select(key, value).where(key.in_(chunk)), ids
    ):
        groups[k].add(v)
    return groups


async def _weekly_slots(
    session: AsyncSession, model: Any, owner: str, ids: list[int]
) -> dict[int, set[int]]:
    """Each owner's weekly slots (availability or wanted visits) as slot codes."""
    owner_column = getattr(model, owner)
    slots: dict[int, set[int]] = defaultdict(set)
    rows = await rows_in_chunks(
        session,
        lambda chunk: sa.select(owner_column, model.weekday, model.day_part).where(
            owner_column.in_(chunk)
        ),
        ids,
    )
    for owner_id, weekday, part in rows:
        slots[owner_id].add(slot_code(weekday, part.value))
    return slots


async def load_scope(
    session: AsyncSession, scope: RunScope, ids: list[int], *, max_distance_m: int, today: date
) -> ScopeData:
    """Everything a run needs about its scope, in set-based queries."""
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
    rows = (
        await session.execute(
            sa.select(Elder, Person, Household)
            .join(Person, col(Person.id) == col(Elder.person_id))
            .join(Household, col(Household.id) == col(Person.household_id))
            .where(
                col(Elder.community_id).in_(communities),
                col(Elder.active),
                col(Person.active),
            )
            .order_by(col(Elder.id))
        )
    ).all()
    elder_ids = [e.id for e, _, _ in rows if e.id is not None]
    last_end = dict(
        await rows_in_chunks(
            session,
            lambda chunk: (
                sa.select(col(Pair.elder_id), sa.func.max(Pair.ended_on))
                .where(col(Pair.elder_id).in_(chunk))
                .group_by(col(Pair.elder_id))
            ),
            elder_ids,
        )
    )
    elders: list[ElderRow] = []
    for elder, person, household in rows:
        assert elder.id is not None
        age = age_on(person.birth_date, today)
        if age < ELDER_MIN_AGE:
            continue
        since = max(elder.created_at.date(), last_end.get(elder.id) or date.min)
        elders.append(
            ElderRow(
                id=elder.id,
                street_id=street_of[elder.community_id],
                community_id=elder.community_id,
                latitude=elder.latitude,
                longitude=elder.longitude,
                age=age,
                living_alone=person.living_alone,
                needy=household.status in NEEDY,
                disabled=person.disability_grade > 0,
                waiting_days=max(0, (today - since).days),
                required_gender=(
                    elder.preferred_volunteer_gender.value
                    if elder.preferred_volunteer_gender
                    else None
                ),
            )
        )
    ids_ = [e.id for e in elders]
    elder_slots = await _weekly_slots(session, ElderVisitSlot, "elder_id", ids_)
    languages = await _grouped(
        session, col(ElderLanguage.elder_id), col(ElderLanguage.language), ids_
    )
    needs = await _grouped(session, col(ElderCareNeed.elder_id), col(ElderCareNeed.need), ids_)
    for e in elders:
        e.slots = elder_slots.get(e.id, set())
        e.languages = languages.get(e.id, set())
        e.needs = {str(n.value) for n in needs.get(e.id, set())}

    existing_rows = await rows_in_chunks(
        session,
        lambda chunk: sa.select(col(Pair.elder_id), col(Pair.volunteer_id)).where(
            col(Pair.elder_id).in_(chunk), col(Pair.status) == PairStatus.ACTIVE
        ),
        ids_,
    )
    existing = sorted((int(e), int(v)) for e, v in existing_rows)
    rules = await rows_in_chunks(
        session,
        lambda chunk: sa.select(
            col(PairRule.kind), col(PairRule.elder_id), col(PairRule.volunteer_id)
        ).where(col(PairRule.elder_id).in_(chunk), col(PairRule.active)),
        ids_,
    )
    pins = sorted((e, v) for k, e, v in rules if k is PairRuleKind.PIN)
    forbidden = sorted((e, v) for k, e, v in rules if k is PairRuleKind.FORBID)

    volunteers = await _load_volunteers(
        session, elders, {v for _, v in existing} | {v for _, v in pins}, max_distance_m
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


async def _load_volunteers(
    session: AsyncSession, elders: list[ElderRow], must: set[int], max_distance_m: int
) -> list[VolunteerRow]:
    """Active volunteers whose home or workplace lies within reach of the scope's elders."""
    if not elders:
        return []
    margin_lat = max_distance_m / METRES_PER_DEGREE
    mid = math.radians(sum(e.latitude for e in elders) / len(elders))
    margin_lon = margin_lat / max(math.cos(mid), 0.01)
    lat0 = min(e.latitude for e in elders) - margin_lat
    lat1 = max(e.latitude for e in elders) + margin_lat
    lon0 = min(e.longitude for e in elders) - margin_lon
    lon1 = max(e.longitude for e in elders) + margin_lon

    def inside(lat: Any, lon: Any) -> Any:
        return sa.and_(lat.between(lat0, lat1), lon.between(lon0, lon1))

    usable = (col(Volunteer.active), col(Volunteer.capacity) > 0)
    rows = list(
        (
            await session.execute(
                sa.select(Volunteer).where(
                    *usable,
                    sa.or_(
                        inside(col(Volunteer.home_latitude), col(Volunteer.home_longitude)),
                        inside(col(Volunteer.work_latitude), col(Volunteer.work_longitude)),
                    ),
                )
            )
        )
        .scalars()
        .all()
    )
    # Volunteers of standing pairs and pins take part wherever they live now.
    elsewhere = sorted(must - {v.id for v in rows})
    if elsewhere:
        rows += [
            v
            for (v,) in await rows_in_chunks(
                session,
                lambda chunk: sa.select(Volunteer).where(*usable, col(Volunteer.id).in_(chunk)),
                elsewhere,
            )
        ]
    rows.sort(key=lambda v: v.id or 0)
    ids = [v.id for v in rows if v.id is not None]
    # Pairs with elders outside the scope use up capacity this run cannot give away.
    elder_ids = {e.id for e in elders}
    busy: dict[int, int] = defaultdict(int)
    busy_rows = await rows_in_chunks(
        session,
        lambda chunk: sa.select(col(Pair.volunteer_id), col(Pair.elder_id)).where(
            col(Pair.volunteer_id).in_(chunk),
            col(Pair.status).in_((PairStatus.PROPOSED, PairStatus.ACTIVE)),
        ),
        ids,
    )
    for vid, eid in busy_rows:
        if eid not in elder_ids:
            busy[vid] += 1
    slots = await _weekly_slots(session, VolunteerAvailability, "volunteer_id", ids)
    languages = await _grouped(
        session, col(VolunteerLanguage.volunteer_id), col(VolunteerLanguage.language), ids
    )
    skills = await _grouped(
        session, col(VolunteerSkill.volunteer_id), col(VolunteerSkill.skill), ids
    )
    result = []
    for v in rows:
        assert v.id is not None
        capacity = v.capacity - busy.get(v.id, 0)
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
