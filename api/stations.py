"""Volunteer stations in GraphQL."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from strawberry import UNSET

from api.context import Info
from api.entity import VERSION_DOC, Entity, load_node
from api.enums import StationKindEnum
from api.geo import CommunityNode, StreetNode
from api.ids import decode_id, filter_id
from api.mutations import apply_update, deactivate_mutation, mutation, payload_type
from api.nodes import from_row, given
from api.pagination import Connection, paginate
from api.scalars import GeoPoint, GeoPointInput, point_changes, point_values
from models.commands import crud
from models.commands.stations import STATION
from models.station import Station


@strawberry.type(name="Station", description="A volunteer service station (志愿服务站).")
class StationNode(Entity):
    model = Station
    version: int = strawberry.field(description=VERSION_DOC)
    name: str
    kind: StationKindEnum  # type: ignore[valid-type]
    address: str
    active: bool

    @strawberry.field
    def location(self) -> GeoPoint:
        return GeoPoint(latitude=self.row.latitude, longitude=self.row.longitude)

    @strawberry.field
    async def street(self, info: Info) -> StreetNode:
        node: StreetNode = await load_node(info, StreetNode, self.row.street_id)
        return node

    @strawberry.field(description="The community it serves; null for stations outside one.")
    async def community(self, info: Info) -> CommunityNode | None:
        node: CommunityNode | None = await load_node(info, CommunityNode, self.row.community_id)
        return node


def station_node(row: Station) -> StationNode:
    return from_row(StationNode, row)


@strawberry.input
class StationFilter:
    street_id: strawberry.ID | None = None
    community_id: strawberry.ID | None = None
    kind: StationKindEnum | None = None  # type: ignore[valid-type]
    active: bool | None = None


@strawberry.type
class StationQuery:
    @strawberry.field(description="Volunteer stations, filtered by street, community, kind.")
    async def stations(
        self,
        info: Info,
        filter: StationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StationNode]:
        f = filter or StationFilter()
        where: list[Any] = []
        if f.street_id is not None:
            where.append(Station.street_id == filter_id(f.street_id, "Street", "filter.streetId"))
        if f.community_id is not None:
            community = filter_id(f.community_id, "Community", "filter.communityId")
            where.append(Station.community_id == community)
        if f.kind is not None:
            where.append(Station.kind == f.kind)
        if f.active is not None:
            where.append(col(Station.active).is_(f.active))
        return await paginate(info, Station, where, station_node, first=first, after=after)


@strawberry.input
class StationCreateInput:
    name: str
    kind: StationKindEnum  # type: ignore[valid-type]
    street_id: strawberry.ID
    community_id: strawberry.ID | None = None
    address: str
    location: GeoPointInput


@strawberry.input
class StationUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    name: str | None = UNSET
    kind: StationKindEnum | None = UNSET  # type: ignore[valid-type]
    street_id: strawberry.ID | None = UNSET
    community_id: strawberry.ID | None = UNSET
    address: str | None = UNSET
    location: GeoPointInput | None = UNSET
    active: bool | None = UNSET


StationPayload = payload_type(StationNode, "Station")


def _references(data: StationCreateInput | StationUpdateInput) -> dict[str, int | None]:
    refs: dict[str, int | None] = {}
    if data.street_id is None:  # an explicit null on update: reported as REQUIRED
        refs["street_id"] = None
    elif data.street_id is not UNSET:
        refs["street_id"] = decode_id(data.street_id, "Street", "streetId")
    if data.community_id is None:
        refs["community_id"] = None
    elif data.community_id is not UNSET:
        refs["community_id"] = decode_id(data.community_id, "Community", "communityId")
    return refs


async def _create(session: AsyncSession, data: StationCreateInput) -> Station:
    values = {
        **given(data, "name", "kind", "address"),
        **point_values(data.location),
        **_references(data),
    }
    return await crud.create(session, STATION, values)


async def _update(session: AsyncSession, data: StationUpdateInput) -> Station:
    changes = {
        **given(data, "name", "kind", "address", "active"),
        **_references(data),
        **point_changes(data.location),
    }
    return await apply_update(session, STATION, "Station", data, changes)


@strawberry.type
class StationMutation:
    station_create = mutation(
        StationNode,
        StationPayload,
        StationCreateInput,
        _create,
        description="Open a volunteer station.",
    )
    station_update = mutation(
        StationNode,
        StationPayload,
        StationUpdateInput,
        _update,
        description="Change a station; only the fields given change.",
    )
    station_deactivate = deactivate_mutation(StationNode, StationPayload, STATION, "Station")
