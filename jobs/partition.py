"""Which volunteers each street's run may use when a larger run is split into one run per street.

Street runs of one split run solve at the same time, possibly on different machines, so a
volunteer's capacity must be given out once. The split run decides it once for every street
(``split_share`` rows) before its street runs start; each street run then reads only its own
volunteers. The rule:

1. a volunteer in active pairs or pins with elders of the split run belongs to those elders'
   streets: each such street may use as much of their capacity as they have pairs and pins
   there, and the street of the lowest such elder id gets the capacity left over, so standing
   pairs can be kept and no capacity is given twice;
2. any other volunteer belongs to the street of the nearest elder of the split run to either of
   their anchors (home or workplace) within the walking limit, by great-circle distance, ties to
   the lower elder id; a volunteer with no elder within reach is in no street run.

The boundary between streets: a volunteer within reach of elders of two streets serves only the
street whose elder is nearest. An elder near a boundary can therefore miss a volunteer that a
whole-district run would have given them; the split trades that (measured on the demo and in
``bench/split_runs.py``) for runs that scale out over machines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from scipy.spatial import cKDTree
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.categories import born_by
from jobs.pairing_data import VolunteerShare, within_reach
from matching.geo import Projection, haversine_many
from models.base import utcnow
from models.elder import ELDER_MIN_AGE, Elder
from models.enums import PairRuleKind, PairStatus
from models.geo import Community
from models.household import Person
from models.matching_run import PairRule, SplitShare
from models.pair import Pair
from models.volunteer import Volunteer

NEAREST_K = 8
"""Elders looked at per anchor, nearest first by the projection; the exact distance decides
among them (the projection errs by far less than the gaps between the 1st and 8th)."""


def pack(ids: Sequence[int]) -> bytes:
    return np.asarray(ids, dtype="<i8").tobytes()


def unpack(data: bytes) -> list[int]:
    return [int(i) for i in np.frombuffer(data, dtype="<i8")]


async def _rows(session: AsyncSession, stmt: Any) -> list[Any]:
    connection = await session.connection()
    return list((await connection.execute(stmt)).all())


async def _ties(
    session: AsyncSession, in_streets: Any
) -> tuple[dict[int, int], dict[int, Counter[int]]]:
    """Per volunteer with active pairs or pins with the split run's elders: the street of the
    lowest elder id, and their pairs and pins per street."""
    links: list[tuple[Any, Any, Any]] = [
        (col(Pair.volunteer_id), col(Pair.elder_id), col(Pair.status) == PairStatus.ACTIVE),
        (
            col(PairRule.volunteer_id),
            col(PairRule.elder_id),
            sa.and_(col(PairRule.kind) == PairRuleKind.PIN, col(PairRule.active)),
        ),
    ]
    lowest: dict[int, tuple[int, int]] = {}
    per_street: dict[int, Counter[int]] = {}
    for volunteer, elder, condition in links:
        rows = await _rows(
            session,
            sa.select(volunteer, elder, col(Community.street_id))
            .join(Elder, col(Elder.id) == elder)
            .join(Community, col(Community.id) == col(Elder.community_id))
            .where(condition, col(Elder.community_id).in_(in_streets)),
        )
        for vid, eid, street in rows:
            per_street.setdefault(int(vid), Counter())[int(street)] += 1
            if vid not in lowest or eid < lowest[vid][0]:
                lowest[int(vid)] = (int(eid), int(street))
    return {v: s for v, (_, s) in lowest.items()}, per_street


def nearest_streets(
    elders: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    anchors: tuple[np.ndarray, np.ndarray, np.ndarray],
    max_distance_m: int,
) -> dict[int, int]:
    """Anchor owner -> street of the nearest elder within ``max_distance_m`` of any of its
    anchors (great-circle; ties to the lower elder id). Vectorised: a KD-tree on a local
    projection proposes :data:`NEAREST_K` elders per anchor, the exact distance decides."""
    e_id, e_lat, e_lon, e_street = elders
    owner, lat, lon = anchors
    if not e_id.size or not owner.size:
        return {}
    every_lat = np.concatenate([lat, e_lat])
    projection = Projection.around(every_lat, np.concatenate([lon, e_lon]))
    slack = 1 + projection.error(every_lat) + 1e-3
    k = min(NEAREST_K, e_id.size)
    tree = cKDTree(projection.xy(e_lat, e_lon))
    _, hit = tree.query(projection.xy(lat, lon), k=k, distance_upper_bound=max_distance_m * slack)
    hit = np.asarray(hit).reshape(lat.size, k)
    found = hit < e_id.size  # misses come back as index n
    safe = np.where(found, hit, 0)
    exact = haversine_many(
        np.repeat(lat, k), np.repeat(lon, k), e_lat[safe.ravel()], e_lon[safe.ravel()]
    ).reshape(lat.size, k)
    exact[~found | (exact > max_distance_m)] = np.inf
    pick = np.lexsort((e_id[safe], exact), axis=1)[:, 0]
    rows = np.arange(lat.size)
    best_d = exact[rows, pick]
    best_id = e_id[safe[rows, pick]]
    best_street = e_street[safe[rows, pick]]
    order = np.lexsort((best_id, best_d, owner))  # per owner: nearest first
    first = np.ones(order.size, dtype=bool)
    first[1:] = owner[order][1:] != owner[order][:-1]
    chosen = order[first]
    ok = np.isfinite(best_d[chosen])
    return dict(
        zip(
            owner[chosen][ok].tolist(),
            best_street[chosen][ok].tolist(),
            strict=True,
        )
    )


async def partition(
    session: AsyncSession, streets: Sequence[int], *, max_distance_m: int, today: date
) -> dict[int, VolunteerShare]:
    """Every street's share of the volunteers (see the module docstring)."""
    in_streets = sa.select(col(Community.id)).where(col(Community.street_id).in_(streets))
    elder_rows = await _rows(
        session,
        sa.select(
            col(Elder.id), col(Elder.latitude), col(Elder.longitude), col(Community.street_id)
        )
        .join(Person, col(Person.id) == col(Elder.person_id))
        .join(Community, col(Community.id) == col(Elder.community_id))
        .where(
            col(Elder.active),
            col(Person.active),
            col(Person.birth_date) <= born_by(today, ELDER_MIN_AGE),
            col(Elder.community_id).in_(in_streets),
        ),
    )
    shares: dict[int, VolunteerShare] = {s: VolunteerShare([], {}) for s in streets}
    if not elder_rows:
        return shares
    e = np.array(elder_rows, dtype=object)
    elders = (
        e[:, 0].astype(np.int64),
        e[:, 1].astype(float),
        e[:, 2].astype(float),
        e[:, 3].astype(np.int64),
    )
    primary, per_street = await _ties(session, in_streets)
    inside = within_reach(elders[1].tolist(), elders[2].tolist(), max_distance_m)

    volunteers = await _rows(
        session,
        sa.select(
            col(Volunteer.id),
            col(Volunteer.home_latitude),
            col(Volunteer.home_longitude),
            col(Volunteer.work_latitude),
            col(Volunteer.work_longitude),
        ).where(
            col(Volunteer.active),
            col(Volunteer.capacity) > 0,
            sa.or_(
                inside(col(Volunteer.home_latitude), col(Volunteer.home_longitude)),
                inside(col(Volunteer.work_latitude), col(Volunteer.work_longitude)),
            ),
        ),
    )
    free = [v for v in volunteers if v[0] not in primary]
    ids = np.array([v[0] for v in free], dtype=np.int64)
    home = np.array([(v[1], v[2]) for v in free], dtype=float).reshape(-1, 2)
    works = [i for i, v in enumerate(free) if v[3] is not None and v[4] is not None]
    work = np.array([(free[i][3], free[i][4]) for i in works], dtype=float).reshape(-1, 2)
    owner = np.concatenate([ids, ids[np.array(works, dtype=np.intp)]])
    nearest = nearest_streets(
        elders,
        (owner, np.concatenate([home[:, 0], work[:, 0]]), np.concatenate([home[:, 1], work[:, 1]])),
        max_distance_m,
    )
    for vid, street in nearest.items():
        shares[street].ids.append(vid)
    for vid, street in primary.items():
        for tied, count in per_street[vid].items():
            shares[tied].ids.append(vid)
            if tied != street:
                shares[tied].caps[vid] = count
    for share in shares.values():
        share.ids.sort()
    return shares


async def store_shares(
    session: AsyncSession, run_id: int, shares: dict[int, VolunteerShare]
) -> None:
    """The split run's shares, written once with its street runs."""
    now = utcnow()
    await session.execute(
        sa.insert(SplitShare),
        [
            {
                "created_at": now,
                "updated_at": now,
                "run_id": run_id,
                "street_id": street,
                "volunteer_ids": pack(share.ids),
                "caps": {str(v): c for v, c in share.caps.items()},
            }
            for street, share in shares.items()
        ],
    )


async def load_share(session: AsyncSession, run_id: int, street: int) -> VolunteerShare:
    """One street's share of its split run ``run_id``."""
    row = (
        await session.execute(
            sa.select(SplitShare).where(
                col(SplitShare.run_id) == run_id, col(SplitShare.street_id) == street
            )
        )
    ).scalar_one_or_none()
    if row is None:
        raise RuntimeError(f"split run {run_id} has no volunteer share for street {street}")
    return VolunteerShare(unpack(row.volunteer_ids), {int(v): c for v, c in row.caps.items()})
