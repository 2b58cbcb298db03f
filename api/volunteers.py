"""Volunteers in GraphQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from strawberry import UNSET

from access.masking import Identifier
from access.sensitivity import Sensitivity
from api.context import Info
from api.entity import VERSION_DOC, Entity
from api.enums import GenderEnum, PairStatusEnum, SkillEnum
from api.identifiers import MASKED_DOC, lookup_value, shown_identifier
from api.ids import decode_id, decode_ids, filter_id
from api.mutations import deactivate_mutation, mutation, payload_type
from api.nodes import from_row, given, maybe
from api.pagination import Connection, paginate
from api.scalars import (
    GeoPoint,
    GeoPointInput,
    WeeklySlot,
    WeeklySlotInput,
    point,
    point_changes,
    point_values,
    slots_in,
)
from api.sensitive import sensitive
from api.stations import StationNode
from models import validation
from models.commands.volunteers import VOLUNTEER, VolunteerSets, create_volunteer, update_volunteer
from models.encrypted import matches
from models.pair import Pair
from models.station import Station
from models.volunteer import (
    Volunteer,
    VolunteerAvailability,
    VolunteerLanguage,
    VolunteerSkill,
    VolunteerStation,
)

if TYPE_CHECKING:
    from api.elders import PairNode


def _pair_node() -> type[PairNode]:
    from api.elders import PairNode  # the elders module imports this one

    return PairNode


@strawberry.type(name="Volunteer", description="A volunteer who can take standing pairs.")
class VolunteerNode(Entity):
    model = Volunteer
    version: int = strawberry.field(description=VERSION_DOC)
    name: str
    gender: GenderEnum  # type: ignore[valid-type]
    birth_year: int
    capacity: int = strawberry.field(description="How many standing pairs at once.")
    vetted: bool = strawberry.field(description="Background-checked (needed for children).")
    active: bool

    @sensitive(Sensitivity.IDENTIFIER, "Phone number. " + MASKED_DOC.format(example="138****5678"))
    def phone(self) -> str | None:
        shown = shown_identifier(Identifier.PHONE, self.row.phone)
        assert shown is not None
        return shown

    @strawberry.field(description="Home: an anchor for walking distance.")
    def home(self) -> GeoPoint:
        return GeoPoint(latitude=self.row.home_latitude, longitude=self.row.home_longitude)

    @strawberry.field(description="Workplace, if any: the other anchor for walking distance.")
    def workplace(self) -> GeoPoint | None:
        return point(self.row.work_latitude, self.row.work_longitude)

    @strawberry.field
    async def stations(self, info: Info) -> list[StationNode]:
        links = await info.context.loaders.children(VolunteerStation, "volunteer_id").load(
            self.row.id
        )
        rows = await info.context.loaders.by_id(Station).load_many([x.station_id for x in links])
        return [from_row(StationNode, r) for r in rows if r is not None]

    @strawberry.field
    async def skills(self, info: Info) -> list[SkillEnum]:  # type: ignore[valid-type]
        rows = await info.context.loaders.children(VolunteerSkill, "volunteer_id").load(self.row.id)
        return [r.skill for r in rows]

    @strawberry.field(description="Languages and dialects, e.g. mandarin, beijing_dialect.")
    async def languages(self, info: Info) -> list[str]:
        rows = await info.context.loaders.children(VolunteerLanguage, "volunteer_id").load(
            self.row.id
        )
        return [r.language for r in rows]

    @strawberry.field(description="The volunteer's pairs, newest first; optionally by status.")
    async def pairs(
        self,
        info: Info,
        status: PairStatusEnum | None = None,  # type: ignore[valid-type]
    ) -> list[Annotated[PairNode, strawberry.lazy("api.elders")]]:
        rows = await info.context.loaders.children(Pair, "volunteer_id").load(self.row.id)
        chosen = [r for r in reversed(rows) if status is None or r.status == status]
        return [from_row(_pair_node(), r) for r in chosen]

    @strawberry.field(description="Weekly slots when the volunteer can serve.")
    async def availability(self, info: Info) -> list[WeeklySlot]:
        rows = await info.context.loaders.children(VolunteerAvailability, "volunteer_id").load(
            self.row.id
        )
        return [WeeklySlot(weekday=r.weekday, day_part=r.day_part) for r in rows]


def volunteer_node(row: Volunteer) -> VolunteerNode:
    return from_row(VolunteerNode, row)


@strawberry.input
class VolunteerFilter:
    station_id: strawberry.ID | None = None
    skill: SkillEnum | None = None  # type: ignore[valid-type]
    language: str | None = None
    active: bool | None = None
    phone: str | None = strawberry.field(
        default=None, description="The volunteer(s) with this full phone number (exact)."
    )


@strawberry.type
class VolunteerQuery:
    @strawberry.field(
        description="Volunteers, filtered by station, skill, language, active or phone number."
    )
    async def volunteers(
        self,
        info: Info,
        filter: VolunteerFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[VolunteerNode]:
        f = filter or VolunteerFilter()
        where: list[Any] = []
        if f.station_id is not None:
            station = filter_id(f.station_id, "Station", "filter.stationId")
            where.append(_has(VolunteerStation, VolunteerStation.station_id == station))
        if f.skill is not None:
            where.append(_has(VolunteerSkill, VolunteerSkill.skill == f.skill))
        if f.language is not None:
            language = f.language.strip().lower()
            where.append(_has(VolunteerLanguage, VolunteerLanguage.language == language))
        if f.active is not None:
            where.append(col(Volunteer.active).is_(f.active))
        if f.phone is not None:
            number = lookup_value(validation.phone, f.phone, "filter.phone")
            where.append(matches(col(Volunteer.phone), number))
        return await paginate(info, Volunteer, where, volunteer_node, first=first, after=after)


def _has(link: Any, condition: Any) -> Any:
    return col(Volunteer.id).in_(sa.select(link.volunteer_id).where(condition))


@strawberry.input
class VolunteerCreateInput:
    name: str
    gender: GenderEnum  # type: ignore[valid-type]
    birth_year: int
    phone: str
    home: GeoPointInput
    workplace: GeoPointInput | None = None
    station_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    skills: list[SkillEnum] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    languages: list[str] = strawberry.field(default_factory=lambda: ["mandarin"])
    availability: list[WeeklySlotInput] = strawberry.field(default_factory=list)
    capacity: int = 1
    vetted: bool = False


@strawberry.input
class VolunteerUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    name: str | None = UNSET
    gender: GenderEnum | None = UNSET  # type: ignore[valid-type]
    birth_year: int | None = UNSET
    phone: str | None = UNSET
    home: GeoPointInput | None = UNSET
    workplace: GeoPointInput | None = UNSET
    station_ids: list[strawberry.ID] | None = UNSET
    skills: list[SkillEnum] | None = UNSET  # type: ignore[valid-type]
    languages: list[str] | None = UNSET
    availability: list[WeeklySlotInput] | None = UNSET
    capacity: int | None = UNSET
    vetted: bool | None = UNSET
    active: bool | None = UNSET


VolunteerPayload = payload_type(VolunteerNode, "Volunteer")

_SCALARS = ("name", "gender", "birth_year", "phone", "capacity", "vetted")


def _sets(data: VolunteerCreateInput | VolunteerUpdateInput) -> VolunteerSets:
    station_ids = maybe(data.station_ids)
    return VolunteerSets(
        station_ids=None
        if station_ids is None
        else decode_ids(station_ids, "Station", "stationIds"),
        skills=maybe(data.skills),
        languages=maybe(data.languages),
        availability=slots_in(maybe(data.availability)),
    )


async def _create(session: AsyncSession, data: VolunteerCreateInput) -> Volunteer:
    values = {
        **given(data, *_SCALARS),
        **point_values(data.home, "home_"),
        **point_values(data.workplace, "work_"),
    }
    return await create_volunteer(session, values, _sets(data))


async def _update(session: AsyncSession, data: VolunteerUpdateInput) -> Volunteer:
    changes = {
        **given(data, *_SCALARS, "active"),
        **point_changes(data.home, "home_"),
        **point_changes(data.workplace, "work_"),
    }
    return await update_volunteer(
        session,
        decode_id(data.id, "Volunteer"),
        changes,
        _sets(data),
        expected_version=data.expected_version,
    )


@strawberry.type
class VolunteerMutation:
    volunteer_create = mutation(
        VolunteerNode,
        VolunteerPayload,
        VolunteerCreateInput,
        _create,
        description="Register a volunteer with stations, skills, languages and availability.",
    )
    volunteer_update = mutation(
        VolunteerNode,
        VolunteerPayload,
        VolunteerUpdateInput,
        _update,
        description="Change a volunteer; only the fields given change (lists are replaced).",
    )
    volunteer_deactivate = deactivate_mutation(
        VolunteerNode, VolunteerPayload, VOLUNTEER, "Volunteer"
    )
