"""Districts, streets and communities in GraphQL."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import UNSET

from api.context import Info
from api.entity import VERSION_DOC, Entity, load_node
from api.ids import decode_id, filter_id
from api.mutations import apply_update, deactivate_mutation, mutation, payload_type
from api.nodes import from_row, given
from api.pagination import Connection, paginate
from api.scalars import GeoPoint, GeoPointInput, point_changes, point_values
from models.commands import crud
from models.commands.geo import COMMUNITY, DISTRICT, STREET
from models.geo import Community, District, Street


@strawberry.type(name="District", description="A city district, e.g. 东城区.")
class DistrictNode(Entity):
    model = District
    version: int = strawberry.field(description=VERSION_DOC)
    name: str
    code: str | None
    active: bool

    @strawberry.field(description="The district's streets, in creation order.")
    async def streets(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[StreetNode]:
        return await paginate(
            info, Street, [Street.district_id == self.row.id], street_node, first=first, after=after
        )


@strawberry.type(name="Street", description="A street (街道, subdistrict) of a district.")
class StreetNode(Entity):
    model = Street
    version: int = strawberry.field(description=VERSION_DOC)
    name: str
    code: str | None
    active: bool

    @strawberry.field
    async def district(self, info: Info) -> DistrictNode:
        node: DistrictNode = await load_node(info, DistrictNode, self.row.district_id)
        return node

    @strawberry.field(description="The street's communities, in creation order.")
    async def communities(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CommunityNode]:
        return await paginate(
            info,
            Community,
            [Community.street_id == self.row.id],
            community_node,
            first=first,
            after=after,
        )


@strawberry.type(name="Community", description="A community (社区) of a street.")
class CommunityNode(Entity):
    model = Community
    version: int = strawberry.field(description=VERSION_DOC)
    name: str
    active: bool

    @strawberry.field
    def location(self) -> GeoPoint:
        return GeoPoint(latitude=self.row.latitude, longitude=self.row.longitude)

    @strawberry.field
    async def street(self, info: Info) -> StreetNode:
        node: StreetNode = await load_node(info, StreetNode, self.row.street_id)
        return node


def street_node(row: Street) -> StreetNode:
    return from_row(StreetNode, row)


def community_node(row: Community) -> CommunityNode:
    return from_row(CommunityNode, row)


def district_node(row: District) -> DistrictNode:
    return from_row(DistrictNode, row)


@strawberry.input
class StreetFilter:
    district_id: strawberry.ID | None = None
    active: bool | None = None


@strawberry.input
class CommunityFilter:
    street_id: strawberry.ID | None = None
    active: bool | None = None


def _active(model: Any, active: bool | None) -> list[Any]:
    return [] if active is None else [model.active.is_(active)]


@strawberry.type
class GeoQuery:
    @strawberry.field(description="Districts, in creation order.")
    async def districts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DistrictNode]:
        return await paginate(info, District, [], district_node, first=first, after=after)

    @strawberry.field(description="Streets, optionally of one district.")
    async def streets(
        self,
        info: Info,
        filter: StreetFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StreetNode]:
        f = filter or StreetFilter()
        where = _active(Street, f.active)
        if f.district_id is not None:
            where.append(
                Street.district_id == filter_id(f.district_id, "District", "filter.districtId")
            )
        return await paginate(info, Street, where, street_node, first=first, after=after)

    @strawberry.field(description="Communities, optionally of one street.")
    async def communities(
        self,
        info: Info,
        filter: CommunityFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CommunityNode]:
        f = filter or CommunityFilter()
        where = _active(Community, f.active)
        if f.street_id is not None:
            where.append(Community.street_id == filter_id(f.street_id, "Street", "filter.streetId"))
        return await paginate(info, Community, where, community_node, first=first, after=after)


# --- mutations -------------------------------------------------------------------------------


@strawberry.input
class DistrictCreateInput:
    name: str
    code: str | None = None


@strawberry.input
class DistrictUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    name: str | None = UNSET
    code: str | None = UNSET
    active: bool | None = UNSET


@strawberry.input
class StreetCreateInput:
    district_id: strawberry.ID
    name: str
    code: str | None = None


@strawberry.input
class StreetUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    name: str | None = UNSET
    code: str | None = UNSET
    active: bool | None = UNSET


@strawberry.input
class CommunityCreateInput:
    street_id: strawberry.ID
    name: str
    location: GeoPointInput


@strawberry.input
class CommunityUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    name: str | None = UNSET
    location: GeoPointInput | None = UNSET
    active: bool | None = UNSET


DistrictPayload = payload_type(DistrictNode, "District")
StreetPayload = payload_type(StreetNode, "Street")
CommunityPayload = payload_type(CommunityNode, "Community")


async def _district_create(session: AsyncSession, data: DistrictCreateInput) -> District:
    return await crud.create(session, DISTRICT, given(data, "name", "code"))


async def _district_update(session: AsyncSession, data: DistrictUpdateInput) -> District:
    return await apply_update(
        session, DISTRICT, "District", data, given(data, "name", "code", "active")
    )


async def _street_create(session: AsyncSession, data: StreetCreateInput) -> Street:
    values = {
        **given(data, "name", "code"),
        "district_id": decode_id(data.district_id, "District", "districtId"),
    }
    return await crud.create(session, STREET, values)


async def _street_update(session: AsyncSession, data: StreetUpdateInput) -> Street:
    return await apply_update(
        session, STREET, "Street", data, given(data, "name", "code", "active")
    )


async def _community_create(session: AsyncSession, data: CommunityCreateInput) -> Community:
    values = {
        **given(data, "name"),
        **point_values(data.location),
        "street_id": decode_id(data.street_id, "Street", "streetId"),
    }
    return await crud.create(session, COMMUNITY, values)


async def _community_update(session: AsyncSession, data: CommunityUpdateInput) -> Community:
    changes = {**given(data, "name", "active"), **point_changes(data.location)}
    return await apply_update(session, COMMUNITY, "Community", data, changes)


@strawberry.type
class GeoMutation:
    district_create = mutation(
        DistrictNode,
        DistrictPayload,
        DistrictCreateInput,
        _district_create,
        description="Create a district.",
    )
    district_update = mutation(
        DistrictNode,
        DistrictPayload,
        DistrictUpdateInput,
        _district_update,
        description="Change a district; only the fields given change.",
    )
    district_deactivate = deactivate_mutation(DistrictNode, DistrictPayload, DISTRICT, "District")
    street_create = mutation(
        StreetNode,
        StreetPayload,
        StreetCreateInput,
        _street_create,
        description="Create a street in a district.",
    )
    street_update = mutation(
        StreetNode,
        StreetPayload,
        StreetUpdateInput,
        _street_update,
        description="Change a street; only the fields given change.",
    )
    street_deactivate = deactivate_mutation(StreetNode, StreetPayload, STREET, "Street")
    community_create = mutation(
        CommunityNode,
        CommunityPayload,
        CommunityCreateInput,
        _community_create,
        description="Create a community in a street.",
    )
    community_update = mutation(
        CommunityNode,
        CommunityPayload,
        CommunityUpdateInput,
        _community_update,
        description="Change a community; only the fields given change.",
    )
    community_deactivate = deactivate_mutation(
        CommunityNode, CommunityPayload, COMMUNITY, "Community"
    )
