"""Service records in GraphQL, and a volunteer's own profile.

A volunteer records what they did for the elders of their own pairs and keeps their own
contact details, skills, languages and availability current; coordinators record for the pairs
of their scope and read them all.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from strawberry import UNSET

from api.context import Info
from api.entity import Entity, load_children, load_node
from api.enums import SkillEnum
from api.guard import run_guarded
from api.ids import decode_id
from api.mutations import mutation, payload_type
from api.nodes import from_row, given, maybe
from api.pagination import Connection, filter_conditions, paginate
from api.scalars import GeoPointInput, WeeklySlotInput, point_changes, slots_in
from api.volunteers import VolunteerPayload, volunteer_node
from models.commands.service_records import record_service
from models.commands.volunteers import VolunteerSets, update_volunteer
from models.enums import ServiceKind
from models.service_record import ServiceRecord
from models.volunteer import Volunteer

if TYPE_CHECKING:
    from api.elders import PairNode

ServiceKindEnum = strawberry.enum(ServiceKind, name="ServiceKind")


@strawberry.type(name="ServiceRecord", description="What a volunteer did for a pair's elder.")
class ServiceRecordNode(Entity):
    model = ServiceRecord
    served_on: date
    kind: ServiceKindEnum  # type: ignore[valid-type]
    minutes: int
    note: str
    recorded_by: str

    @strawberry.field
    async def pair(self, info: Info) -> Annotated[PairNode, strawberry.lazy("api.elders")]:
        from api.elders import PairNode

        node: PairNode = await load_node(info, PairNode, self.row.pair_id)
        return node


async def service_records_of(info: Info, pair_id: int) -> list[ServiceRecordNode]:
    return await load_children(info, ServiceRecordNode, "pair_id", pair_id)


@strawberry.input
class ServiceRecordFilter:
    pair_id: strawberry.ID | None = None
    since: date | None = None
    until: date | None = None


@strawberry.input
class ServiceRecordInput:
    pair_id: strawberry.ID
    served_on: date
    kind: ServiceKindEnum  # type: ignore[valid-type]
    minutes: int
    note: str = ""


@strawberry.input(description="Your own contact details and what you offer (volunteers).")
class VolunteerProfileInput:
    expected_version: int | None = None
    phone: str | None = UNSET
    home: GeoPointInput | None = UNSET
    workplace: GeoPointInput | None = UNSET
    skills: list[SkillEnum] | None = UNSET  # type: ignore[valid-type]
    languages: list[str] | None = UNSET
    availability: list[WeeklySlotInput] | None = UNSET


ServiceRecordPayload = payload_type(ServiceRecordNode, "ServiceRecord")


@strawberry.type
class ServiceRecordQuery:
    @strawberry.field(description="Service records, oldest first (a volunteer: their own).")
    async def service_records(
        self,
        info: Info,
        filter: ServiceRecordFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ServiceRecordNode]:
        f = filter or ServiceRecordFilter()
        where = filter_conditions(ServiceRecord, f, {"pair_id": "Pair"})
        if f.since is not None:
            where.append(col(ServiceRecord.served_on) >= f.since)
        if f.until is not None:
            where.append(col(ServiceRecord.served_on) <= f.until)
        return await paginate(
            info,
            ServiceRecord,
            where,
            lambda r: from_row(ServiceRecordNode, r),
            first=first,
            after=after,
        )


@strawberry.type
class ServiceRecordMutation:
    service_record = mutation(
        ServiceRecordNode,
        ServiceRecordPayload,
        ServiceRecordInput,
        lambda session, data: record_service(
            session,
            pair_id=decode_id(data.pair_id, "Pair", "pairId"),
            served_on=data.served_on,
            kind=data.kind,
            minutes=data.minutes,
            note=data.note,
        ),
        description="Record a visit, call, escort or errand for the elder of a pair.",
    )

    @strawberry.mutation(
        description="Change your own phone, home, workplace, skills, languages or availability "
        "(volunteers; stations, capacity and vetting stay with the coordinators)."
    )
    async def volunteer_profile_update(
        self, info: Info, input: VolunteerProfileInput
    ) -> VolunteerPayload:  # type: ignore[valid-type]
        volunteer_id = info.context.user.volunteer_id
        assert volunteer_id is not None  # the gate lets only volunteers' accounts here

        async def action(session: AsyncSession) -> Volunteer:
            changes = {
                **given(input, "phone"),
                **point_changes(input.home, "home_"),
                **point_changes(input.workplace, "work_"),
            }
            sets = VolunteerSets(
                station_ids=None,
                skills=maybe(input.skills),
                languages=maybe(input.languages),
                availability=slots_in(maybe(input.availability)),
            )
            return await update_volunteer(
                session, volunteer_id, changes, sets, expected_version=input.expected_version
            )

        row, errors = await run_guarded(info, input, action)
        return VolunteerPayload(  # type: ignore[no-any-return]
            volunteer=None if row is None else volunteer_node(row), errors=errors
        )
