"""A household's way through assistance in GraphQL: applications and their verification
checks, enrolment, periodic reviews, exit, and the history of its benefit."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from access.sensitivity import Sensitivity
from api.context import Info
from api.entity import VERSION_DOC, Entity, load_children, load_node
from api.enums import (
    ApplicationStateEnum,
    AssistanceStatusEnum,
    CheckResultEnum,
    IncomeStabilityEnum,
    ReviewOutcomeEnum,
    VerificationItemEnum,
    VerificationUnitEnum,
)
from api.households import HouseholdNode, HouseholdPayload, in_street
from api.ids import decode_id, filter_id
from api.mutations import mutation, payload_type
from api.nodes import from_row
from api.pagination import Connection, paginate
from api.scalars import Money
from api.sensitive import sensitive
from models.commands import lifecycle
from models.enums import ApplicationState, CheckResult, ReviewOutcome
from models.household import Household
from models.lifecycle import (
    AssistanceApplication,
    BenefitChange,
    HouseholdReview,
    VerificationCheck,
)


@strawberry.type(
    name="VerificationCheck",
    description="One of an application's 11 economic-status checks (核对), from its unit.",
)
class VerificationCheckNode(Entity):
    model = VerificationCheck
    version: int = strawberry.field(description=VERSION_DOC)
    item: VerificationItemEnum  # type: ignore[valid-type]
    unit: VerificationUnitEnum  # type: ignore[valid-type]
    result: CheckResultEnum  # type: ignore[valid-type]
    checked_on: date | None
    note: str
    source: str = strawberry.field(description="`entered` by hand, or `import:<file name>`.")
    recorded_by: str

    @strawberry.field
    async def application(self, info: Info) -> AssistanceApplicationNode:
        node: AssistanceApplicationNode = await load_node(
            info, AssistanceApplicationNode, self.row.application_id
        )
        return node


@strawberry.type(
    name="AssistanceApplication",
    description="A household's application for assistance; a re-entry is a new application.",
)
class AssistanceApplicationNode(Entity):
    model = AssistanceApplication
    version: int = strawberry.field(description=VERSION_DOC)
    requested_status: AssistanceStatusEnum  # type: ignore[valid-type]
    applied_on: date
    state: ApplicationStateEnum  # type: ignore[valid-type]
    re_entry: bool = strawberry.field(description="The household had exited assistance before.")
    decided_on: date | None
    decision_reason: str
    note: str
    recorded_by: str = strawberry.field(description="Who recorded the application.")
    decided_by: str | None = strawberry.field(
        description="Who admitted, refused or recorded the withdrawal."
    )

    @strawberry.field
    async def household(self, info: Info) -> HouseholdNode:
        node: HouseholdNode = await load_node(info, HouseholdNode, self.row.household_id)
        return node

    @strawberry.field(description="The 11 checks, in the order of the verification items.")
    async def checks(self, info: Info) -> list[VerificationCheckNode]:
        return await load_children(info, VerificationCheckNode, "application_id", self.row.id)

    @strawberry.field(description="Every check passed: the household may be enrolled.")
    async def verified(self, info: Info) -> bool:
        rows = await info.context.loaders.children(VerificationCheck, "application_id").load(
            self.row.id
        )
        return bool(rows) and all(r.result is CheckResult.PASSED for r in rows)


@strawberry.type(
    name="HouseholdReview",
    description="A periodic review (复审): due (made by the daily job) until it is held.",
)
class HouseholdReviewNode(Entity):
    model = HouseholdReview
    version: int = strawberry.field(description=VERSION_DOC)
    due_on: date
    held_on: date | None
    outcome: ReviewOutcomeEnum | None  # type: ignore[valid-type]
    note: str
    recorded_by: str

    @strawberry.field
    async def household(self, info: Info) -> HouseholdNode:
        node: HouseholdNode = await load_node(info, HouseholdNode, self.row.household_id)
        return node


@strawberry.type(
    name="BenefitChange",
    description="One change of a household's monthly dibao benefit (append-only).",
)
class BenefitChangeNode(Entity):
    model = BenefitChange
    effective_on: date
    policy_revision: int = strawberry.field(description="The policy rows it was computed under.")
    reason: str
    recorded_by: str

    @sensitive(Sensitivity.INCOME)
    def before(self) -> Money | None:
        return Money(self.row.before_fen)

    @sensitive(Sensitivity.INCOME)
    def after(self) -> Money | None:
        return Money(self.row.after_fen)

    @strawberry.field(description="The dibao standard per person per month in force then.")
    def standard(self) -> Money:
        return Money(self.row.standard_fen)

    @strawberry.field
    async def household(self, info: Info) -> HouseholdNode:
        node: HouseholdNode = await load_node(info, HouseholdNode, self.row.household_id)
        return node


# -- queries -----------------------------------------------------------------------------------
@strawberry.input
class AssistanceApplicationFilter:
    state: ApplicationStateEnum | None = None  # type: ignore[valid-type]
    household_id: strawberry.ID | None = None
    community_id: strawberry.ID | None = None
    street_id: strawberry.ID | None = None


def _application_where(f: AssistanceApplicationFilter) -> list[Any]:
    where: list[Any] = []
    household = col(AssistanceApplication.household_id)
    if f.state is not None:
        where.append(AssistanceApplication.state == f.state)
    if f.household_id is not None:
        where.append(household == filter_id(f.household_id, "Household", "filter.householdId"))
    if f.community_id is not None:
        community = filter_id(f.community_id, "Community", "filter.communityId")
        where.append(household.in_(_households(col(Household.community_id) == community)))
    if f.street_id is not None:
        street = filter_id(f.street_id, "Street", "filter.streetId")
        where.append(household.in_(_households(col(Household.community_id).in_(in_street(street)))))
    return where


def _households(condition: Any) -> Any:
    """The ids of the households meeting ``condition``, as a subquery."""
    return sa.select(col(Household.id)).where(condition)


@strawberry.type
class LifecycleQuery:
    @strawberry.field(description="Applications for assistance, oldest first.")
    async def assistance_applications(
        self,
        info: Info,
        filter: AssistanceApplicationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AssistanceApplicationNode]:
        return await paginate(
            info,
            AssistanceApplication,
            _application_where(filter or AssistanceApplicationFilter()),
            lambda r: from_row(AssistanceApplicationNode, r),
            first=first,
            after=after,
        )


# -- mutations ---------------------------------------------------------------------------------
@strawberry.input
class AssistanceApplicationCreateInput:
    household_id: strawberry.ID
    requested_status: AssistanceStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="DIBAO, LOW_INCOME or SPECIAL_HARDSHIP."
    )
    applied_on: date
    note: str | None = strawberry.field(default=None, description="What was said when applying.")


@strawberry.input(description="One check's result; `checkedOn` is required unless PENDING.")
class VerificationCheckInput:
    item: VerificationItemEnum  # type: ignore[valid-type]
    result: CheckResultEnum  # type: ignore[valid-type]
    checked_on: date | None = None
    note: str | None = None


@strawberry.input
class VerificationChecksRecordInput:
    application_id: strawberry.ID
    expected_version: int | None = None
    checks: list[VerificationCheckInput]


@strawberry.input
class AssistanceApplicationDecisionInput:
    id: strawberry.ID
    expected_version: int | None = None
    decided_on: date | None = strawberry.field(default=None, description="Default today.")
    reason: str | None = strawberry.field(default=None, description="Required for a refusal.")


@strawberry.input
class HouseholdEnrolInput:
    application_id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="The application's version you last read."
    )
    effective_on: date
    income_stability: IncomeStabilityEnum  # type: ignore[valid-type]


@strawberry.input
class HouseholdReviewRecordInput:
    household_id: strawberry.ID
    expected_version: int | None = None
    held_on: date
    outcome: ReviewOutcomeEnum = ReviewOutcome.CONTINUED  # type: ignore[valid-type]
    income_stability: IncomeStabilityEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Required when the household continues."
    )
    note: str | None = None
    reason: str | None = strawberry.field(default=None, description="Required for an exit.")


@strawberry.input
class HouseholdExitInput:
    id: strawberry.ID
    expected_version: int | None = None
    effective_on: date
    reason: str


AssistanceApplicationPayload = payload_type(AssistanceApplicationNode, "AssistanceApplication")
HouseholdReviewPayload = payload_type(HouseholdReviewNode, "HouseholdReview")


async def _apply(session: AsyncSession, data: AssistanceApplicationCreateInput) -> Any:
    return await lifecycle.apply_for_assistance(
        session,
        decode_id(data.household_id, "Household", "householdId"),
        requested_status=data.requested_status,
        applied_on=data.applied_on,
        note=data.note,
    )


async def _record(session: AsyncSession, data: VerificationChecksRecordInput) -> Any:
    entries = [
        lifecycle.CheckEntry(c.item, c.result, c.checked_on, c.note, label=f"checks[{i}]")
        for i, c in enumerate(data.checks)
    ]
    return await lifecycle.record_checks(
        session,
        decode_id(data.application_id, "AssistanceApplication", "applicationId"),
        entries,
        expected_version=data.expected_version,
    )


def _closing(state: ApplicationState) -> Any:
    """The action of the mutation that closes an application as ``state``."""

    async def close(session: AsyncSession, data: AssistanceApplicationDecisionInput) -> Any:
        return await lifecycle.close_application(
            session,
            decode_id(data.id, "AssistanceApplication"),
            state,
            decided_on=data.decided_on or date.today(),
            reason=data.reason,
            expected_version=data.expected_version,
        )

    return close


async def _enrol(session: AsyncSession, data: HouseholdEnrolInput) -> Any:
    return await lifecycle.enrol(
        session,
        decode_id(data.application_id, "AssistanceApplication", "applicationId"),
        effective_on=data.effective_on,
        income_stability=data.income_stability,
        expected_version=data.expected_version,
    )


async def _review(session: AsyncSession, data: HouseholdReviewRecordInput) -> Any:
    return await lifecycle.review_household(
        session,
        decode_id(data.household_id, "Household", "householdId"),
        held_on=data.held_on,
        outcome=data.outcome,
        income_stability=data.income_stability,
        note=data.note,
        reason=data.reason,
        expected_version=data.expected_version,
    )


async def _exit(session: AsyncSession, data: HouseholdExitInput) -> Any:
    household, _change = await lifecycle.exit_household(
        session,
        decode_id(data.id, "Household"),
        effective_on=data.effective_on,
        reason=data.reason,
        expected_version=data.expected_version,
    )
    return household


@strawberry.type
class LifecycleMutation:
    assistance_application_create = mutation(
        AssistanceApplicationNode,
        AssistanceApplicationPayload,
        AssistanceApplicationCreateInput,
        _apply,
        description="A household not on assistance applies (again: a re-entry); its 11 "
        "verification checks are opened, all pending. One open application per household.",
    )
    verification_checks_record = mutation(
        AssistanceApplicationNode,
        AssistanceApplicationPayload,
        VerificationChecksRecordInput,
        _record,
        description="Record results of an open application's checks: all of the list or none "
        "(errors name `checks[i]`). Files of results: `bangfu verification import FILE.csv`.",
    )
    assistance_application_withdraw = mutation(
        AssistanceApplicationNode,
        AssistanceApplicationPayload,
        AssistanceApplicationDecisionInput,
        _closing(ApplicationState.WITHDRAWN),
        description="The household withdraws its open application.",
    )
    assistance_application_refuse = mutation(
        AssistanceApplicationNode,
        AssistanceApplicationPayload,
        AssistanceApplicationDecisionInput,
        _closing(ApplicationState.REFUSED),
        description="Refuse an open application (a reason is required).",
    )
    household_enrol = mutation(
        HouseholdNode,
        HouseholdPayload,
        HouseholdEnrolInput,
        _enrol,
        description="Admit the household of an application whose 11 checks all passed (no "
        "admission without verification): its requested status (an entry or re-entry in its "
        "history), its benefit, its income stability and its first review date.",
    )
    household_review_record = mutation(
        HouseholdReviewNode,
        HouseholdReviewPayload,
        HouseholdReviewRecordInput,
        _review,
        description="Record a periodic review of a household on assistance. CONTINUED: the "
        "benefit is recomputed from today's members and the next review date from their labour "
        "capacity and the income stability. EXITED: the household leaves assistance.",
    )
    household_exit = mutation(
        HouseholdNode,
        HouseholdPayload,
        HouseholdExitInput,
        _exit,
        description="A household leaves assistance (reason required): status NONE, benefit 0, "
        "no review due. Nothing is deleted; it may apply again later (a re-entry).",
    )
