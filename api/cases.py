"""Social workers' case assignments in GraphQL: who works on which household, since when."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlmodel import col

from api.context import Info
from api.entity import Entity, load_node
from api.ids import decode_id
from api.mutations import mutation, payload_type
from api.nodes import from_row
from api.pagination import Connection, filter_conditions, paginate
from models.case import CaseAssignment
from models.commands.cases import assign_case, end_case

if TYPE_CHECKING:
    from api.auth import UserNode
    from api.households import HouseholdNode


@strawberry.type(name="CaseAssignment", description="A household given to a social worker.")
class CaseAssignmentNode(Entity):
    model = CaseAssignment
    assigned_on: date
    ended_on: date | None = strawberry.field(description="Null while the case is open.")
    assigned_by: str
    ended_by: str | None

    @strawberry.field(description="The social worker.")
    async def user(self, info: Info) -> Annotated[UserNode, strawberry.lazy("api.auth")]:
        from api.auth import UserNode

        node: UserNode = await load_node(info, UserNode, self.row.user_id)
        return node

    @strawberry.field
    async def household(
        self, info: Info
    ) -> Annotated[HouseholdNode, strawberry.lazy("api.households")]:
        from api.households import HouseholdNode

        node: HouseholdNode = await load_node(info, HouseholdNode, self.row.household_id)
        return node


@strawberry.input
class CaseAssignmentFilter:
    user_id: strawberry.ID | None = None
    household_id: strawberry.ID | None = None
    open: bool | None = strawberry.field(default=None, description="Only open (or ended) ones.")


@strawberry.input
class CaseAssignInput:
    user_id: strawberry.ID = strawberry.field(description="An active social worker's account.")
    household_id: strawberry.ID
    assigned_on: date | None = strawberry.field(default=None, description="Default today.")


@strawberry.input
class CaseEndInput:
    id: strawberry.ID
    ended_on: date | None = strawberry.field(default=None, description="Default today.")


CaseAssignmentPayload = payload_type(CaseAssignmentNode, "CaseAssignment")


@strawberry.type
class CaseQuery:
    @strawberry.field(description="Case assignments, oldest first (a social worker: their own).")
    async def case_assignments(
        self,
        info: Info,
        filter: CaseAssignmentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CaseAssignmentNode]:
        f = filter or CaseAssignmentFilter()
        where = filter_conditions(
            CaseAssignment, f, {"user_id": "User", "household_id": "Household"}
        )
        if f.open is not None:
            ended = col(CaseAssignment.ended_on)
            where.append(ended.is_(None) if f.open else ended.is_not(None))
        return await paginate(
            info,
            CaseAssignment,
            where,
            lambda r: from_row(CaseAssignmentNode, r),
            first=first,
            after=after,
        )


@strawberry.type
class CaseMutation:
    case_assign = mutation(
        CaseAssignmentNode,
        CaseAssignmentPayload,
        CaseAssignInput,
        lambda session, data: assign_case(
            session,
            user_id=decode_id(data.user_id, "User", "userId"),
            household_id=decode_id(data.household_id, "Household", "householdId"),
            on=data.assigned_on,
        ),
        description="Give a household's case to a social worker: from then on they see it.",
    )
    case_end = mutation(
        CaseAssignmentNode,
        CaseAssignmentPayload,
        CaseEndInput,
        lambda session, data: end_case(
            session, decode_id(data.id, "CaseAssignment"), on=data.ended_on
        ),
        description="End a case assignment; the social worker no longer sees the household.",
    )
