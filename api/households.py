"""Households, their members and status history in GraphQL."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from strawberry import UNSET

from access.masking import Identifier
from access.sensitivity import Sensitivity
from api.context import Info
from api.entity import VERSION_DOC, Entity, load_children, load_node
from api.enums import (
    AssistanceStatusEnum,
    GenderEnum,
    IdentityCategoryEnum,
    IncomeStabilityEnum,
    LabourCapacityEnum,
    RelationEnum,
    StatusChangeKindEnum,
)
from api.geo import CommunityNode
from api.identifiers import MASKED_DOC, lookup_value, shown_identifier
from api.ids import decode_id, filter_id
from api.mutations import (
    DeactivateInput,
    deactivate_mutation,
    mutation,
    payload_type,
)
from api.nodes import from_row, given
from api.pagination import Connection, paginate
from api.scalars import GeoPoint, GeoPointInput, Money, point_changes, point_values
from api.sensitive import sensitive
from assessment.categories import age_on
from models import validation
from models.assessment import HouseholdAssessment
from models.commands.households import (
    HOUSEHOLD,
    create_household,
    update_household,
)
from models.commands.lifecycle import change_status, overdue_on
from models.commands.persons import create_person, deactivate_person, update_person
from models.elder import Elder
from models.encrypted import matches
from models.enums import (
    AssistanceStatus,
)
from models.geo import Community
from models.household import Household, HouseholdStatusChange, Person

HEALTH, INCOME, IDENTIFIER = Sensitivity.HEALTH, Sensitivity.INCOME, Sensitivity.IDENTIFIER

if TYPE_CHECKING:
    from api.assessment import NeedAssessmentNode
    from api.elders import ElderNode
    from api.lifecycle import AssistanceApplicationNode, BenefitChangeNode, HouseholdReviewNode


@strawberry.type(name="StatusChange", description="One change of a household's assistance status.")
class StatusChangeNode(Entity):
    model = HouseholdStatusChange
    kind: StatusChangeKindEnum  # type: ignore[valid-type]
    from_status: AssistanceStatusEnum | None  # type: ignore[valid-type]
    to_status: AssistanceStatusEnum  # type: ignore[valid-type]
    effective_on: date
    reason: str
    recorded_by: str = strawberry.field(description="Who recorded it (a user, a job, cli).")


@strawberry.type(name="Person", description="A member of a household.")
class PersonNode(Entity):
    model = Person
    version: int = strawberry.field(description=VERSION_DOC)
    name: str
    gender: GenderEnum  # type: ignore[valid-type]
    birth_date: date
    relation: RelationEnum  # type: ignore[valid-type]
    identity_category: IdentityCategoryEnum | None = sensitive(HEALTH)  # type: ignore[valid-type]
    disability_grade: int | None = sensitive(HEALTH, "0 = none; 1 (most severe) to 4.")
    serious_illness: bool | None = sensitive(HEALTH)
    labour_capacity: LabourCapacityEnum  # type: ignore[valid-type]
    student: bool
    living_alone: bool
    active: bool

    @strawberry.field(description="Age in whole years today (derived from the birth date).")
    def age(self) -> int:
        return age_on(self.row.birth_date, date.today())

    @sensitive(
        IDENTIFIER,
        "The resident ID-card number. " + MASKED_DOC.format(example="1101**********1234"),
    )
    def id_number(self) -> str | None:
        return shown_identifier(Identifier.ID_NUMBER, self.row.id_number)

    @sensitive(IDENTIFIER, "Phone number. " + MASKED_DOC.format(example="138****5678"))
    def phone(self) -> str | None:
        return shown_identifier(Identifier.PHONE, self.row.phone)

    @strawberry.field
    async def household(self, info: Info) -> HouseholdNode:
        node: HouseholdNode = await load_node(info, HouseholdNode, self.row.household_id)
        return node

    @strawberry.field(description="The person's elder profile (80+), if registered.")
    async def elder(self, info: Info) -> Annotated[ElderNode, strawberry.lazy("api.elders")] | None:
        from api.elders import ElderNode  # the elders module imports this one

        rows = await info.context.loaders.children(Elder, "person_id").load(self.row.id)
        return from_row(ElderNode, rows[0]) if rows else None


@strawberry.type(name="Household", description="A household's file (台账).")
class HouseholdNode(Entity):
    model = Household
    version: int = strawberry.field(description=VERSION_DOC)
    address: str
    status: AssistanceStatusEnum  # type: ignore[valid-type]
    active: bool

    @strawberry.field
    def location(self) -> GeoPoint:
        return GeoPoint(latitude=self.row.latitude, longitude=self.row.longitude)

    @strawberry.field
    async def community(self, info: Info) -> CommunityNode:
        node: CommunityNode = await load_node(info, CommunityNode, self.row.community_id)
        return node

    @strawberry.field
    async def members(self, info: Info) -> list[PersonNode]:
        return await load_children(info, PersonNode, "household_id", self.row.id)

    @strawberry.field(description="Every status change, oldest first; never rewritten.")
    async def status_history(self, info: Info) -> list[StatusChangeNode]:
        return await load_children(info, StatusChangeNode, "household_id", self.row.id)

    @sensitive(INCOME, "The monthly dibao benefit in force (0.00 when none).")
    def benefit(self) -> Money | None:
        return Money(self.row.benefit_fen)

    @sensitive(INCOME, "Recorded at enrolment and at each review.")
    def income_stability(self) -> IncomeStabilityEnum | None:  # type: ignore[valid-type]
        return self.row.income_stability  # type: ignore[no-any-return]

    @strawberry.field(
        description="When the next periodic review (复审) is due; null off assistance."
    )
    def next_review_on(self) -> date | None:
        return self.row.next_review_on  # type: ignore[no-any-return]

    @strawberry.field(description="On assistance and its next review was due before today.")
    def review_overdue(self) -> bool:
        due = self.row.next_review_on
        return (
            self.row.status is not AssistanceStatus.NONE and due is not None and due < date.today()
        )

    @strawberry.field(description="Its applications for assistance, oldest first.")
    async def applications(
        self, info: Info
    ) -> list[Annotated[AssistanceApplicationNode, strawberry.lazy("api.lifecycle")]]:
        from api.lifecycle import AssistanceApplicationNode

        return await load_children(info, AssistanceApplicationNode, "household_id", self.row.id)

    @strawberry.field(description="Its periodic reviews, due and held, oldest first.")
    async def reviews(
        self, info: Info
    ) -> list[Annotated[HouseholdReviewNode, strawberry.lazy("api.lifecycle")]]:
        from api.lifecycle import HouseholdReviewNode

        return await load_children(info, HouseholdReviewNode, "household_id", self.row.id)

    @strawberry.field(description="Every change of its benefit, oldest first; never rewritten.")
    async def benefit_history(
        self, info: Info
    ) -> list[Annotated[BenefitChangeNode, strawberry.lazy("api.lifecycle")]]:
        from api.lifecycle import BenefitChangeNode

        return await load_children(info, BenefitChangeNode, "household_id", self.row.id)

    @strawberry.field(description="Every need assessment, oldest first; never rewritten.")
    async def assessments(
        self, info: Info
    ) -> list[Annotated[NeedAssessmentNode, strawberry.lazy("api.assessment")]]:
        from api.assessment import NeedAssessmentNode  # that module imports this one

        return await load_children(info, NeedAssessmentNode, "household_id", self.row.id)

    @strawberry.field(description="The latest need assessment (by date), if any.")
    async def assessment(
        self, info: Info
    ) -> Annotated[NeedAssessmentNode, strawberry.lazy("api.assessment")] | None:
        from api.assessment import NeedAssessmentNode

        rows = await info.context.loaders.children(HouseholdAssessment, "household_id").load(
            self.row.id
        )
        latest = max(rows, key=lambda r: (r.assessed_on, r.id), default=None)
        return None if latest is None else from_row(NeedAssessmentNode, latest)


def household_node(row: Household) -> HouseholdNode:
    return from_row(HouseholdNode, row)


@strawberry.input
class HouseholdFilter:
    community_id: strawberry.ID | None = None
    street_id: strawberry.ID | None = None
    status: AssistanceStatusEnum | None = None  # type: ignore[valid-type]
    active: bool | None = None
    review_overdue_on: date | None = strawberry.field(
        default=None, description="On assistance, with the next review due before this date."
    )
    member_id_number: str | None = strawberry.field(
        default=None,
        description="The household with a member (current or former) of this full ID number.",
    )
    member_phone: str | None = strawberry.field(
        default=None, description="Households with a member (current or former) of this phone."
    )


@strawberry.type
class HouseholdQuery:
    @strawberry.field(
        description="Households, filtered by community, street, status, active, or a member's "
        "full ID-card or phone number (exact)."
    )
    async def households(
        self,
        info: Info,
        filter: HouseholdFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[HouseholdNode]:
        f = filter or HouseholdFilter()
        where: list[Any] = []
        if f.community_id is not None:
            community = filter_id(f.community_id, "Community", "filter.communityId")
            where.append(Household.community_id == community)
        if f.street_id is not None:
            street = filter_id(f.street_id, "Street", "filter.streetId")
            where.append(col(Household.community_id).in_(in_street(street)))
        if f.status is not None:
            where.append(Household.status == f.status)
        if f.active is not None:
            where.append(col(Household.active).is_(f.active))
        if f.review_overdue_on is not None:
            where += overdue_on(f.review_overdue_on)
        for attribute, rule, value, label in (
            (Person.id_number, validation.id_number, f.member_id_number, "filter.memberIdNumber"),
            (Person.phone, validation.phone, f.member_phone, "filter.memberPhone"),
        ):
            if value is not None:
                members = sa.select(col(Person.household_id)).where(
                    matches(col(attribute), lookup_value(rule, value, label)),
                    *info.context.scope.read(Person),  # no finding homes by hidden members
                )
                where.append(col(Household.id).in_(members))
        return await paginate(info, Household, where, household_node, first=first, after=after)


def in_street(street_id: int) -> Any:
    """The ids of a street's communities, as a subquery."""
    return sa.select(col(Community.id)).where(col(Community.street_id) == street_id)


# --- mutations -------------------------------------------------------------------------------


@strawberry.input
class HouseholdCreateInput:
    community_id: strawberry.ID
    address: str
    location: GeoPointInput
    status: AssistanceStatusEnum = AssistanceStatus.NONE  # type: ignore[valid-type]
    status_since: date | None = strawberry.field(
        default=None, description="When the status took effect (default today)."
    )
    reason: str | None = None


@strawberry.input
class HouseholdUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    community_id: strawberry.ID | None = UNSET
    address: str | None = UNSET
    location: GeoPointInput | None = UNSET
    active: bool | None = UNSET


@strawberry.input(description="Change the kind of assistance, or exit (status NONE).")
class HouseholdStatusChangeInput:
    id: strawberry.ID
    expected_version: int | None = None
    status: AssistanceStatusEnum  # type: ignore[valid-type]
    effective_on: date
    reason: str | None = strawberry.field(default=None, description="Required for an exit.")


@strawberry.input
class PersonCreateInput:
    household_id: strawberry.ID
    name: str
    gender: GenderEnum  # type: ignore[valid-type]
    birth_date: date
    relation: RelationEnum  # type: ignore[valid-type]
    labour_capacity: LabourCapacityEnum  # type: ignore[valid-type]
    identity_category: IdentityCategoryEnum | None = None  # type: ignore[valid-type]
    disability_grade: int = 0
    serious_illness: bool = False
    student: bool = False
    living_alone: bool = False
    id_number: str | None = strawberry.field(
        default=None, description="The full resident ID-card number (18 characters)."
    )
    phone: str | None = None


@strawberry.input
class PersonUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    name: str | None = UNSET
    gender: GenderEnum | None = UNSET  # type: ignore[valid-type]
    birth_date: date | None = UNSET
    relation: RelationEnum | None = UNSET  # type: ignore[valid-type]
    labour_capacity: LabourCapacityEnum | None = UNSET  # type: ignore[valid-type]
    identity_category: IdentityCategoryEnum | None = UNSET  # type: ignore[valid-type]
    disability_grade: int | None = UNSET
    serious_illness: bool | None = UNSET
    student: bool | None = UNSET
    living_alone: bool | None = UNSET
    active: bool | None = UNSET
    id_number: str | None = strawberry.field(
        default=UNSET, description="The full ID-card number; null removes it."
    )
    phone: str | None = strawberry.field(default=UNSET, description="null removes it.")


HouseholdPayload = payload_type(HouseholdNode, "Household")
PersonPayload = payload_type(PersonNode, "Person")

_PERSON_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "relation",
    "labour_capacity",
    "identity_category",
    "disability_grade",
    "serious_illness",
    "student",
    "living_alone",
    "id_number",
    "phone",
)


async def _household_create(session: AsyncSession, data: HouseholdCreateInput) -> Household:
    values = {
        **given(data, "address"),
        **point_values(data.location),
        "community_id": decode_id(data.community_id, "Community", "communityId"),
    }
    return await create_household(
        session, values, status=data.status, status_since=data.status_since, reason=data.reason
    )


async def _household_update(session: AsyncSession, data: HouseholdUpdateInput) -> Household:
    changes = {**given(data, "address", "active"), **point_changes(data.location)}
    if data.community_id is not UNSET:
        changes["community_id"] = (
            None
            if data.community_id is None
            else decode_id(data.community_id, "Community", "communityId")
        )
    return await update_household(
        session, decode_id(data.id, "Household"), changes, expected_version=data.expected_version
    )


async def _status_change(session: AsyncSession, data: HouseholdStatusChangeInput) -> Household:
    household, _change = await change_status(
        session,
        decode_id(data.id, "Household"),
        status=data.status,
        effective_on=data.effective_on,
        reason=data.reason,
        expected_version=data.expected_version,
    )
    return household


async def _person_create(session: AsyncSession, data: PersonCreateInput) -> Person:
    values = {
        **given(data, *_PERSON_FIELDS),
        "household_id": decode_id(data.household_id, "Household", "householdId"),
    }
    return await create_person(session, values)


async def _person_update(session: AsyncSession, data: PersonUpdateInput) -> Person:
    return await update_person(
        session,
        decode_id(data.id, "Person"),
        given(data, *_PERSON_FIELDS, "active"),
        expected_version=data.expected_version,
    )


async def _person_deactivate(session: AsyncSession, data: DeactivateInput) -> Person:
    return await deactivate_person(
        session, decode_id(data.id, "Person"), expected_version=data.expected_version
    )


@strawberry.type
class HouseholdMutation:
    household_create = mutation(
        HouseholdNode,
        HouseholdPayload,
        HouseholdCreateInput,
        _household_create,
        description="Open a household file. A needy status registers an already-admitted "
        "household (recorded as its entry): its first review in bangfu is due on the status "
        "date and establishes its benefit and review schedule. New admissions go through "
        "assistanceApplicationCreate and householdEnrol.",
    )
    household_update = mutation(
        HouseholdNode,
        HouseholdPayload,
        HouseholdUpdateInput,
        _household_update,
        description="Change a household's address, location or community (not its status).",
    )
    household_status_change = mutation(
        HouseholdNode,
        HouseholdPayload,
        HouseholdStatusChangeInput,
        _status_change,
        description="Change a household's kind of assistance (the benefit is recomputed: 0 off "
        "dibao) or record its exit (NONE, as householdExit). Entering assistance is refused: "
        "apply (assistanceApplicationCreate), verify, then enrol (householdEnrol).",
    )
    household_deactivate = deactivate_mutation(
        HouseholdNode, HouseholdPayload, HOUSEHOLD, "Household"
    )
    person_create = mutation(
        PersonNode,
        PersonPayload,
        PersonCreateInput,
        _person_create,
        description="Add a member to a household.",
    )
    person_update = mutation(
        PersonNode,
        PersonPayload,
        PersonUpdateInput,
        _person_update,
        description="Change a member; only the fields given change.",
    )
    person_deactivate = mutation(
        PersonNode,
        PersonPayload,
        DeactivateInput,
        _person_deactivate,
        description="Mark a member as gone from the household (their elder profile too).",
    )
