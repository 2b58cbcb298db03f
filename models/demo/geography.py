"""The district, its 17 streets, 182 communities and 253 volunteer stations."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from models.demo.common import Ids, Point, Row, Weighted, chance, distance_m, near
from models.demo.vocab import (
    BUILDING_KINDS,
    COMMUNITY_COUNT,
    DISTRICT_CODE,
    DISTRICT_NAME,
    INDUSTRIES,
    ROADS,
    SOCIAL_WORK_AGENCIES,
    STREETS,
    StreetSpec,
    community_names,
    firm_names,
    hutong_names,
)
from models.enums import StationKind

# Station counts of each kind in Dongcheng (community stations: one per community).
BUSINESS_BUILDING_STATIONS = 47
SOCIAL_WORK_AGENCY_STATIONS = 4
ENTERPRISE_STATIONS = 20
HUTONGS_PER_COMMUNITY = 2


@dataclass(frozen=True)
class CommunityInfo:
    id: int
    street: StreetSpec
    name: str
    point: Point
    hutongs: tuple[str, ...]


@dataclass(frozen=True)
class StationInfo:
    id: int
    kind: StationKind
    street_index: int
    point: Point


@dataclass
class Geography:
    """What later parts of the generator need to know about the map, plus its rows."""

    communities: list[CommunityInfo] = field(default_factory=list)
    stations: list[StationInfo] = field(default_factory=list)
    rows: dict[str, list[Row]] = field(default_factory=dict)

    def stations_of(self, kind: StationKind) -> list[StationInfo]:
        return [s for s in self.stations if s.kind is kind]


def build_geography(rng: random.Random, ids: Ids, stamp: Row) -> Geography:
    """District, streets, communities and stations, with coordinates inside the district box."""
    geo = Geography()
    district_id = ids.next("district")
    districts = [
        {**stamp, "id": district_id, "name": DISTRICT_NAME, "code": DISTRICT_CODE, "active": True}
    ]
    streets: list[Row] = []
    communities: list[Row] = []
    names = iter(community_names(rng, COMMUNITY_COUNT))
    hutongs = iter(hutong_names(rng, COMMUNITY_COUNT * HUTONGS_PER_COMMUNITY))
    street_ids: list[int] = []
    for index, spec in enumerate(STREETS, start=1):
        street_id = ids.next("street")
        street_ids.append(street_id)
        streets.append(
            {
                **stamp,
                "id": street_id,
                "district_id": district_id,
                "name": spec.name,
                "code": f"{DISTRICT_CODE}{index:03d}",
                "active": True,
            }
        )
        for _ in range(spec.communities):
            info = CommunityInfo(
                id=ids.next("community"),
                street=spec,
                name=next(names),
                point=near(rng, spec.centre, spec.spread_m),
                hutongs=tuple(next(hutongs) for _ in range(HUTONGS_PER_COMMUNITY)),
            )
            geo.communities.append(info)
            communities.append(
                {
                    **stamp,
                    "id": info.id,
                    "street_id": street_id,
                    "name": info.name,
                    "latitude": info.point.latitude,
                    "longitude": info.point.longitude,
                    "active": True,
                }
            )
    geo.rows = {
        "district": districts,
        "street": streets,
        "community": communities,
        "station": _stations(rng, ids, stamp, geo, street_ids),
    }
    return geo


def _stations(
    rng: random.Random, ids: Ids, stamp: Row, geo: Geography, street_ids: list[int]
) -> list[Row]:
    rows: list[Row] = []

    def add(
        kind: StationKind, street_index: int, name: str, address: str, point: Point, cid: int | None
    ) -> None:
        info = StationInfo(ids.next("station"), kind, street_index, point)
        geo.stations.append(info)
        rows.append(
            {
                **stamp,
                "id": info.id,
                "version": 1,
                "name": name,
                "kind": kind,
                "street_id": street_ids[street_index],
                "community_id": cid,
                "address": address,
                "latitude": point.latitude,
                "longitude": point.longitude,
                "active": True,
            }
        )

    street_index_of = {spec.name: i for i, spec in enumerate(STREETS)}
    for community in geo.communities:
        add(
            StationKind.COMMUNITY,
            street_index_of[community.street.name],
            f"{community.name}志愿服务站",
            f"{community.street.name}{community.name}居委会",
            near(rng, community.point, 80),
            community.id,
        )

    by_business = Weighted(range(len(STREETS)), [s.business_weight for s in STREETS])
    firms = iter(firm_names(rng, BUSINESS_BUILDING_STATIONS + ENTERPRISE_STATIONS))

    def place(street_index: int) -> tuple[str, Point, int | None]:
        spec = STREETS[street_index]
        point = near(rng, spec.centre, spec.spread_m * 0.8)
        address = f"{spec.name.removesuffix('街道')}{rng.choice(ROADS)}{rng.randint(1, 199)}号"
        # About half of these stations sit inside a community's area and are registered there.
        community_id = _nearest_community(geo, spec, point) if chance(rng, 0.5) else None
        return address, point, community_id

    for _ in range(BUSINESS_BUILDING_STATIONS):
        street_index = by_business.draw(rng)
        building = next(firms) + rng.choice(BUILDING_KINDS)
        address, point, cid = place(street_index)
        add(
            StationKind.BUSINESS_BUILDING,
            street_index,
            f"{building}商务楼宇志愿服务站",
            address + building,
            point,
            cid,
        )
    for agency, street_index in zip(
        SOCIAL_WORK_AGENCIES,
        rng.sample(range(len(STREETS)), SOCIAL_WORK_AGENCY_STATIONS),
        strict=True,
    ):
        address, point, cid = place(street_index)
        add(
            StationKind.SOCIAL_WORK_AGENCY, street_index, f"{agency}志愿服务站", address, point, cid
        )
    for _ in range(ENTERPRISE_STATIONS):
        street_index = by_business.draw(rng)
        company = f"北京{next(firms)}{rng.choice(INDUSTRIES)}有限公司"
        address, point, cid = place(street_index)
        add(StationKind.ENTERPRISE, street_index, f"{company}志愿服务站", address, point, cid)
    return rows


def _nearest_community(geo: Geography, spec: StreetSpec, point: Point) -> int:
    own = [c for c in geo.communities if c.street is spec]
    return min(own, key=lambda c: (distance_m(c.point, point), c.id)).id
