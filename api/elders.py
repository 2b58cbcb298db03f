"""Elders (80+) and their standing pairs in GraphQL."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from strawberry import UNSET

from api.context import Info
from api.entity import VERSION_DOC, Entity, load_node
from api.enums import CareNeedEnum, GenderEnum, PairStatusEnum
from api.geo import CommunityNode
from api.households import PersonNode, in_street
from api.ids import decode_id, filter_id
from api.mutations import deactivate_mutation, mutation, payload_type
from api.nodes import from_row, given, maybe
from api.pagination import Connection, paginate
from api.scalars import (
    GeoPoint,
    GeoPointInput,
    WeeklySlot,
    WeeklySlotInput,
    point_changes,
    point_values,
    slots_in,
)
from api.volunteers import VolunteerNode
from assessment.categories import born_by
from models.commands.elders import ELDER, ElderSets, create_elder, update_elder
from models.elder import ELDER_MIN_AGE, Elder, ElderCareNeed, ElderLanguage, ElderVisitSlot
from models.enums import PairStatus
from models.household import Person
from models.pair import Pair

if TYPE_CHECKING:
    from api.service_records import ServiceRecordNode

_LIVE = (PairStatus.PROPOSED, PairStatus.ACTIVE)


@strawberry.type(name="Pair", description="A standing pair (结对) of a volunteer with an elder.")
class PairNode(Entity):
    model = Pair
    version: int = strawberry.field(description=VERSION_DOC)
    status: PairStatusEnum  # type: ignore[valid-type]
    started_on: date
    ended_on: date | None
    end_reason: str | None

    @strawberry.field
    async def volunteer(self, info: Info) -> VolunteerNode:
        node: VolunteerNode = await load_node(info, VolunteerNode, self.row.volunteer_id)
        return node

    @strawberry.field
    async def elder(self, info: Info) -> ElderNode:
        node: ElderNode = await load_node(info, ElderNode, self.row.elder_id)
        return node

    @strawberry.field(description="What the volunteer did for the elder, oldest first.")
    async def service_records(
        self, info: Info
    ) -> list[Annotated[ServiceRecordNode, strawberry.lazy("api.service_records")]]:
        from api.service_records import service_records_of  # that module imports this one

        return await service_records_of(info, self.row.id)


@strawberry.type(name="Elder", description="A person aged 80+ who may be paired with a volunteer.")
class ElderNode(Entity):
    model = Elder
    version: int = strawberry.field(description=VERSION_DOC)
    preferred_volunteer_gender: GenderEnum | None  # type: ignore[valid-type]
    active: bool

    @strawberry.field
    async def person(self, info: Info) -> PersonNode:
        node: PersonNode = await load_node(info, PersonNode, self.row.person_id)
        return node

    @strawberry.field(description="Age in whole years today, from the person's birth date.")
    async def age(self, info: Info) -> int:
        person = await info.context.loaders.by_id(Person).load(self.row.person_id)
        assert person is not None
        age: int = PersonNode.age(from_row(PersonNode, person))
        return age

    @strawberry.field
    async def community(self, info: Info) -> CommunityNode:
        node: CommunityNode = await load_node(info, CommunityNode, self.row.community_id)
        return node

    @strawberry.field
    def location(self) -> GeoPoint:
        return GeoPoint(latitude=self.row.latitude, longitude=self.row.longitude)

    @strawberry.field(description="Languages and dialects the elder speaks.")
    async def languages(self, info: Info) -> list[str]:
        rows = await info.context.loaders.children(ElderLanguage, "elder_id").load(self.row.id)
        return [r.language for r in rows]

    @strawberry.field
    async def care_needs(self, info: Info) -> list[CareNeedEnum]:  # type: ignore[valid-type]
        rows = await info.context.loaders.children(ElderCareNeed, "elder_id").load(self.row.id)
        return [r.need for r in rows]

    @strawberry.field(description="When the elder wants visits; empty means any time.")
    async def visit_slots(self, info: Info) -> list[WeeklySlot]:
        rows = await info.context.loaders.children(ElderVisitSlot, "elder_id").load(self.row.id)
        return [WeeklySlot(weekday=r.weekday, day_part=r.day_part) for r in rows]

    @strawberry.field(description="The live (proposed or active) pair, if any.")
    async def current_pair(self, info: Info) -> PairNode | None:
        rows = await info.context.loaders.children(Pair, "elder_id").load(self.row.id)
        live = [r for r in rows if r.status in _LIVE]
        return from_row(PairNode, live[-1]) if live else None


def elder_node(row: Elder) -> ElderNode:
    return from_row(ElderNode, row)


@strawberry.input
class ElderFilter:
    community_id: strawberry.ID | None = None
    street_id: strawberry.ID | None = None
    min_age: int | None = strawberry.field(default=None, description="Aged at least this today.")
    max_age: int | None = strawberry.field(default=None, description="Aged at most this today.")
    paired: bool | None = strawberry.field(
        default=None, description="true: has a live pair; false: has none."
    )
    active: bool | None = None


def _born_by_age(min_age: int | None, max_age: int | None, today: date) -> list[Any]:
    """Birth-date bounds for an age range on ``today`` (29 February handled by replace)."""

    for name, value in (("minAge", min_age), ("maxAge", max_age)):
        if value is not None and not 0 <= value <= 130:
            raise GraphQLError(f"filter.{name}: must be between 0 and 130 (got {value}).")
    where: list[Any] = []
    if min_age is not None:
        where.append(Person.birth_date <= born_by(today, min_age))
    if max_age is not None:
        where.append(Person.birth_date > born_by(today, max_age + 1))
    return where


@strawberry.type
class ElderQuery:
    @strawberry.field(description="Elders, filtered by community, street, age range, paired.")
    async def elders(
        self,
        info: Info,
        filter: ElderFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ElderNode]:
        f = filter or ElderFilter()
        where: list[Any] = []
        if f.community_id is not None:
            community = filter_id(f.community_id, "Community", "filter.communityId")
            where.append(Elder.community_id == community)
        if f.street_id is not None:
            street = filter_id(f.street_id, "Street", "filter.streetId")
            where.append(col(Elder.community_id).in_(in_street(street)))
        ages = _born_by_age(f.min_age, f.max_age, date.today())
        if ages:
            where.append(col(Elder.person_id).in_(sa.select(col(Person.id)).where(*ages)))
        if f.paired is not None:
            live = col(Elder.id).in_(
                sa.select(col(Pair.elder_id)).where(col(Pair.status).in_(_LIVE))
            )
            where.append(live if f.paired else sa.not_(live))
        if f.active is not None:
            where.append(col(Elder.active).is_(f.active))
        return await paginate(info, Elder, where, elder_node, first=first, after=after)


@strawberry.input
class ElderCreateInput:
    person_id: strawberry.ID = strawberry.field(description=f"A member aged {ELDER_MIN_AGE}+.")
    location: GeoPointInput | None = strawberry.field(
        default=None, description="Where visits happen; defaults to the household's location."
    )
    preferred_volunteer_gender: GenderEnum | None = None  # type: ignore[valid-type]
    languages: list[str] = strawberry.field(default_factory=lambda: ["mandarin"])
    care_needs: list[CareNeedEnum] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    visit_slots: list[WeeklySlotInput] = strawberry.field(default_factory=list)


@strawberry.input
class ElderUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    location: GeoPointInput | None = UNSET
    preferred_volunteer_gender: GenderEnum | None = UNSET  # type: ignore[valid-type]
    languages: list[str] | None = UNSET
    care_needs: list[CareNeedEnum] | None = UNSET  # type: ignore[valid-type]
    visit_slots: list[WeeklySlotInput] | None = UNSET
    active: bool | None = UNSET


ElderPayload = payload_type(ElderNode, "Elder")


def _sets(data: ElderCreateInput | ElderUpdateInput) -> ElderSets:
    return ElderSets(
        languages=maybe(data.languages),
        care_needs=maybe(data.care_needs),
        visit_slots=slots_in(maybe(data.visit_slots)),
    )


async def _create(session: AsyncSession, data: ElderCreateInput) -> Elder:
    values: dict[str, Any] = {"preferred_volunteer_gender": data.preferred_volunteer_gender}
    if data.location is not None:
        values.update(point_values(data.location))
    person_id = decode_id(data.person_id, "Person", "personId")
    return await create_elder(session, person_id, values, _sets(data))


async def _update(session: AsyncSession, data: ElderUpdateInput) -> Elder:
    changes = {
        **given(data, "preferred_volunteer_gender", "active"),
        **point_changes(data.location),
    }
    return await update_elder(
        session,
        decode_id(data.id, "Elder"),
        changes,
        _sets(data),
        expected_version=data.expected_version,
    )


@strawberry.type
class ElderMutation:
    elder_create = mutation(
        ElderNode,
        ElderPayload,
        ElderCreateInput,
        _create,
        description="Register a household member aged 80+ as an elder to befriend.",
    )
    elder_update = mutation(
        ElderNode,
        ElderPayload,
        ElderUpdateInput,
        _update,
        description="Change an elder's preferences, needs, slots or location.",
    )
    elder_deactivate = deactivate_mutation(ElderNode, ElderPayload, ELDER, "Elder")
