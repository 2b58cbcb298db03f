"""Which volunteers a street's run may use when a larger run is split into one run per street.

Street runs of one split run solve at the same time, possibly on different machines, so a
volunteer must belong to exactly one of them. The rule, the same in every street run and needing
nothing but the data (no shared state):

1. a volunteer in active pairs or pins with elders of the split run belongs to those elders'
   streets: each such street may use as much of their capacity as they have pairs and pins
   there, and the street of the lowest such elder id gets the capacity left over, so standing
   pairs can be kept and no capacity is given twice;
2. any other volunteer belongs to the street of the nearest elder of the split run to either of
   their anchors (home or workplace), by great-circle distance, ties to the lower elder id.

The boundary between streets: a volunteer within reach of elders of two streets serves only the
street whose elder is nearest. An elder near a boundary can therefore miss a volunteer that a
whole-district run would have given them; the split trades that (measured in
``bench/split_runs.py``) for runs that scale out over machines.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from scipy.spatial import cKDTree
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.categories import born_by
from jobs.pairing_data import METRES_PER_DEGREE, Owners, VolunteerFilter, owned_rows
from matching.geo import Projection, haversine_many
from models.elder import ELDER_MIN_AGE, Elder
from models.enums import PairRuleKind, PairStatus
from models.geo import Community
from models.household import Person
from models.matching_run import PairRule
from models.pair import Pair

NEAREST_K = 8
"""Elders looked at per anchor, nearest first by the projection; the exact distance decides
among them (the projection errs by far less than the gaps between the 1st and 8th)."""


def _anchors(volunteers: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every anchor of volunteer rows as (row index, lat, lon) arrays."""
    owner, lat, lon = [], [], []
    for i, v in enumerate(volunteers):
        for anchor in ((v.home_latitude, v.home_longitude), (v.work_latitude, v.work_longitude)):
            if anchor[0] is not None and anchor[1] is not None:
                owner.append(i)
                lat.append(anchor[0])
                lon.append(anchor[1])
    return np.array(owner, dtype=np.intp), np.array(lat), np.array(lon)


@dataclass
class Ties:
    """A volunteer's active pairs and pins with the split run's elders."""

    primary: int
    """The street of the lowest elder id: where their free capacity goes."""
    per_street: Counter[int]


async def _ties(session: AsyncSession, owners: Owners, streets: Sequence[int]) -> dict[int, Ties]:
    """The ties of each volunteer that has any with elders in ``streets``."""
    in_streets = sa.select(col(Community.id)).where(col(Community.street_id).in_(streets))
    found: dict[int, tuple[int, int]] = {}
    per_street: dict[int, Counter[int]] = {}
    links: list[tuple[Any, Any, Any]] = [
        (col(Pair.volunteer_id), col(Pair.elder_id), col(Pair.status) == PairStatus.ACTIVE),
        (
            col(PairRule.volunteer_id),
            col(PairRule.elder_id),
            sa.and_(col(PairRule.kind) == PairRuleKind.PIN, col(PairRule.active)),
        ),
    ]
    for volunteer, elder, condition in links:
        rows = await owned_rows(
            session,
            (volunteer, elder, col(Community.street_id)),
            owners,
            condition,
            col(Elder.community_id).in_(in_streets),
            joins=(
                (Elder, col(Elder.id) == elder),
                (Community, col(Community.id) == col(Elder.community_id)),
            ),
        )
        for vid, eid, street in rows:
            per_street.setdefault(int(vid), Counter())[int(street)] += 1
            if vid not in found or eid < found[vid][0]:
                found[int(vid)] = (int(eid), int(street))
    return {vid: Ties(street, per_street[vid]) for vid, (_, street) in found.items()}


def partition_filter(
    *, street: int, streets: Sequence[int], max_distance_m: int, today: date
) -> VolunteerFilter:
    """The volunteer filter of ``street``'s run in a split run over ``streets`` (see the module
    docstring), for :func:`jobs.pairing_data.load_scope`."""

    async def keep(
        session: AsyncSession, volunteers: list[Any], owners: Owners
    ) -> dict[int, int | None]:
        return await _owned_by(session, volunteers, owners, street, streets, max_distance_m, today)

    return keep


async def _owned_by(
    session: AsyncSession,
    volunteers: list[Any],
    owners: Owners,
    street: int,
    streets: Sequence[int],
    max_distance_m: int,
    today: date,
) -> dict[int, int | None]:
    if not volunteers:
        return {}
    ties = await _ties(session, owners, streets)
    free = [i for i, v in enumerate(volunteers) if v.id not in ties]
    owner, lat, lon = _anchors([volunteers[i] for i in free])
    nearest_street: dict[int, int] = {}
    if owner.size:
        margin = max_distance_m / METRES_PER_DEGREE
        widen = margin / max(math.cos(math.radians(float(lat.mean()))), 0.01)
        cutoff = born_by(today, ELDER_MIN_AGE)
        in_streets = sa.select(col(Community.id)).where(col(Community.street_id).in_(streets))
        elders = (
            await session.execute(
                sa.select(
                    col(Elder.id),
                    col(Elder.latitude),
                    col(Elder.longitude),
                    col(Community.street_id),
                )
                .join(Person, col(Person.id) == col(Elder.person_id))
                .join(Community, col(Community.id) == col(Elder.community_id))
                .where(
                    col(Elder.active),
                    col(Person.active),
                    col(Person.birth_date) <= cutoff,
                    col(Elder.community_id).in_(in_streets),
                    col(Elder.latitude).between(lat.min() - margin, lat.max() + margin),
                    col(Elder.longitude).between(lon.min() - widen, lon.max() + widen),
                )
                .order_by(col(Elder.id))
            )
        ).all()
        if elders:
            e_id = np.array([r[0] for r in elders])
            e_lat = np.array([r[1] for r in elders], dtype=float)
            e_lon = np.array([r[2] for r in elders], dtype=float)
            e_street = np.array([r[3] for r in elders])
            projection = Projection.around(
                np.concatenate([lat, e_lat]), np.concatenate([lon, e_lon])
            )
            slack = 1 + projection.error(np.concatenate([lat, e_lat])) + 1e-3
            tree = cKDTree(projection.xy(e_lat, e_lon))
            k = min(NEAREST_K, e_id.size)
            _, hit = tree.query(
                projection.xy(lat, lon), k=k, distance_upper_bound=max_distance_m * slack
            )
            hit = hit.reshape(lat.size, k)
            found = hit < e_id.size  # misses come back as index n
            safe = np.where(found, hit, 0)
            exact = haversine_many(
                np.repeat(lat, k), np.repeat(lon, k), e_lat[safe.ravel()], e_lon[safe.ravel()]
            ).reshape(lat.size, k)
            exact[~found | (exact > max_distance_m)] = np.inf
            # Per anchor: the least distance, ties to the lower elder id; then per volunteer
            # over their anchors the same way.
            order = np.lexsort((e_id[safe], exact), axis=1)[:, 0]
            rows = np.arange(lat.size)
            best_d = exact[rows, order]
            best_id = e_id[safe[rows, order]]
            best_street = e_street[safe[rows, order]]
            pick = np.lexsort((best_id, best_d, owner))
            seen: set[int] = set()
            best: dict[int, int] = {}
            for a in pick:
                index = int(owner[a])
                if index not in seen:
                    seen.add(index)
                    if np.isfinite(best_d[a]):
                        best[index] = int(best_street[a])
            nearest_street = {free[v]: st for v, st in best.items()}
    kept: dict[int, int | None] = {}
    for i, v in enumerate(volunteers):
        tie = ties.get(v.id)
        if tie is None:
            if nearest_street.get(i) == street:
                kept[v.id] = None
        elif tie.primary == street:
            kept[v.id] = None  # its capacity already excludes its pairs in other streets
        elif tie.per_street[street]:
            kept[v.id] = tie.per_street[street]
    return kept
