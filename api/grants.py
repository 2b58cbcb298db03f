"""Households' requests for money, grants, donations and the fund ledger in GraphQL.

Every money mutation takes an ``idempotencyKey``: sending the same request again (a retry after
a timeout, a double click) returns what the first one made and moves no money twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Info
from api.entity import VERSION_DOC, Entity, load_node
from api.enums import GrantStatusEnum, HelpKindEnum, LedgerKindEnum, RequestStatusEnum
from api.funds import FundNode
from api.households import HouseholdNode
from api.ids import decode_id, encode_id
from api.mutations import mutation, payload_type
from api.nodes import from_row
from api.pagination import Connection, filter_conditions, paginate
from api.scalars import Money
from models.commands import requests as request_commands
from models.commands.ledger import (
    AwardInput,
    award_grant,
    cancel_grant,
    pay_grant,
    reconcile,
    record_donation,
)
from models.enums import HelpKind
from models.grant import AssistanceRequest, Donation, Grant, LedgerEntry

KEY_DOC = (
    "Any unique string of yours for this request (e.g. a UUID); sending it again returns the "
    "first result and moves no money twice."
)


@strawberry.type(name="AssistanceRequest", description="A household's request for money.")
class AssistanceRequestNode(Entity):
    model = AssistanceRequest
    version: int = strawberry.field(description=VERSION_DOC)
    year: int
    purpose: str
    notes: str
    urgency: int = strawberry.field(description="1 (can wait) to 100 (most urgent).")
    status: RequestStatusEnum  # type: ignore[valid-type]
    decision_reason: str | None

    @strawberry.field(description="What the household needs.")
    def amount(self) -> Money:
        return Money(self.row.amount_fen)

    @strawberry.field
    async def household(self, info: Info) -> HouseholdNode:
        node: HouseholdNode = await load_node(info, HouseholdNode, self.row.household_id)
        return node

    @strawberry.field(description="Grants made for this request, oldest first.")
    async def grants(self, info: Info) -> list[GrantNode]:
        rows = await info.context.loaders.children(Grant, "request_id").load(self.row.id)
        return [from_row(GrantNode, r) for r in rows]


@strawberry.type(name="Grant", description="Money a fund commits to a household.")
class GrantNode(Entity):
    model = Grant
    version: int = strawberry.field(description=VERSION_DOC)
    year: int
    status: GrantStatusEnum  # type: ignore[valid-type]
    awarded_on: date
    paid_on: date | None
    cancel_reason: str | None

    @strawberry.field
    def amount(self) -> Money:
        return Money(self.row.amount_fen)

    @strawberry.field
    async def fund(self, info: Info) -> FundNode:
        node: FundNode = await load_node(info, FundNode, self.row.fund_id)
        return node

    @strawberry.field
    async def household(self, info: Info) -> HouseholdNode:
        node: HouseholdNode = await load_node(info, HouseholdNode, self.row.household_id)
        return node

    @strawberry.field
    async def request(self, info: Info) -> AssistanceRequestNode | None:
        node: AssistanceRequestNode | None = await load_node(
            info, AssistanceRequestNode, self.row.request_id
        )
        return node


@strawberry.type(name="Donation", description="A donation restricted to one fund.")
class DonationNode(Entity):
    model = Donation
    year: int
    donor: str
    restriction: str
    received_on: date

    @strawberry.field
    def amount(self) -> Money:
        return Money(self.row.amount_fen)

    @strawberry.field
    async def fund(self, info: Info) -> FundNode:
        node: FundNode = await load_node(info, FundNode, self.row.fund_id)
        return node


@strawberry.type(name="LedgerEntry", description="One movement of a fund's money (append-only).")
class LedgerEntryNode(Entity):
    model = LedgerEntry
    year: int
    kind: LedgerKindEnum  # type: ignore[valid-type]
    note: str

    @strawberry.field(description="Always positive; the kind says which way it moved.")
    def amount(self) -> Money:
        return Money(self.row.amount_fen)

    @strawberry.field
    async def grant(self, info: Info) -> GrantNode | None:
        node: GrantNode | None = await load_node(info, GrantNode, self.row.grant_id)
        return node

    @strawberry.field
    async def donation(self, info: Info) -> DonationNode | None:
        node: DonationNode | None = await load_node(info, DonationNode, self.row.donation_id)
        return node


# -- queries -----------------------------------------------------------------------------------
@strawberry.input
class AssistanceRequestFilter:
    status: RequestStatusEnum | None = None  # type: ignore[valid-type]
    year: int | None = None
    household_id: strawberry.ID | None = None


@strawberry.input
class GrantFilter:
    fund_id: strawberry.ID | None = None
    household_id: strawberry.ID | None = None
    status: GrantStatusEnum | None = None  # type: ignore[valid-type]
    year: int | None = None


@strawberry.input
class LedgerFilter:
    fund_id: strawberry.ID | None = None
    year: int | None = None
    kind: LedgerKindEnum | None = None  # type: ignore[valid-type]


@strawberry.type
class GrantQuery:
    @strawberry.field(description="Households' requests for money.")
    async def assistance_requests(
        self,
        info: Info,
        filter: AssistanceRequestFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AssistanceRequestNode]:
        where = filter_conditions(
            AssistanceRequest,
            filter,
            {"household_id": "Household"},
            ("status", "year"),
        )
        return await paginate(
            info,
            AssistanceRequest,
            where,
            lambda r: from_row(AssistanceRequestNode, r),
            first=first,
            after=after,
        )

    @strawberry.field(description="Grants, oldest first.")
    async def grants(
        self,
        info: Info,
        filter: GrantFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[GrantNode]:
        where = filter_conditions(
            Grant, filter, {"fund_id": "Fund", "household_id": "Household"}, ("status", "year")
        )
        return await paginate(
            info, Grant, where, lambda r: from_row(GrantNode, r), first=first, after=after
        )

    @strawberry.field(
        description="Per fund and year, the stored balances beside the ledger's sums (an audit)."
    )
    async def ledger_check(self, info: Info, year: int | None = None) -> list[LedgerCheck]:
        async with info.context.session_factory() as session:
            return await ledger_checks(session, year)

    @strawberry.field(description="The funds' ledger: every movement of money, oldest first.")
    async def ledger(
        self,
        info: Info,
        filter: LedgerFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[LedgerEntryNode]:
        where = filter_conditions(LedgerEntry, filter, {"fund_id": "Fund"}, ("year", "kind"))
        return await paginate(
            info,
            LedgerEntry,
            where,
            lambda r: from_row(LedgerEntryNode, r),
            first=first,
            after=after,
        )


@strawberry.type(description="One fund's year: the stored balances beside those the ledger gives.")
class LedgerCheck:
    fund_id: strawberry.ID
    year: int
    stored_budget: Money
    stored_awarded: Money
    stored_paid: Money
    ledger_budget: Money
    ledger_awarded: Money
    ledger_paid: Money
    agrees: bool


async def ledger_checks(session: AsyncSession, year: int | None) -> list[LedgerCheck]:
    """Every fund year's stored balances against the sums of its ledger rows."""
    out = []
    for stored, d in await reconcile(session, year):
        out.append(
            LedgerCheck(
                fund_id=strawberry.ID(encode_id("Fund", stored.fund_id)),
                year=stored.year,
                stored_budget=Money(stored.budget_fen),
                stored_awarded=Money(stored.awarded_fen),
                stored_paid=Money(stored.paid_fen),
                ledger_budget=Money(d.budget_fen),
                ledger_awarded=Money(d.awarded_fen),
                ledger_paid=Money(d.paid_fen),
                agrees=(stored.budget_fen, stored.awarded_fen, stored.paid_fen)
                == (d.budget_fen, d.awarded_fen, d.paid_fen),
            )
        )
    return out


# -- mutations ---------------------------------------------------------------------------------
@strawberry.input
class AssistanceRequestCreateInput:
    household_id: strawberry.ID
    year: int
    amount: Money = strawberry.field(description="What the household needs.")
    purpose: str
    notes: str = ""
    urgency: int | None = strawberry.field(
        default=None,
        description="1 (can wait) to 100. Omitted: the household's latest need assessment "
        "gives it (its urgency for `helpKind`).",
    )
    help_kind: HelpKindEnum = strawberry.field(  # type: ignore[valid-type]
        default=HelpKind.CASH, description="Which urgency of the assessment applies."
    )
    submitted_by_community_id: strawberry.ID | None = None
    submitted_by_street_id: strawberry.ID | None = None


@strawberry.input
class AssistanceRequestDecisionInput:
    id: strawberry.ID
    reason: str
    expected_version: int | None = None


@strawberry.input
class DonationRecordInput:
    fund_id: strawberry.ID
    year: int
    donor: str
    amount: Money
    received_on: date
    idempotency_key: str = strawberry.field(description=KEY_DOC)
    restriction: str = strawberry.field(default="", description="The donor's terms, as given.")


@strawberry.input
class GrantAwardInput:
    fund_id: strawberry.ID
    household_id: strawberry.ID
    year: int
    amount: Money
    idempotency_key: str = strawberry.field(description=KEY_DOC)
    request_id: strawberry.ID | None = None
    awarded_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class GrantPayInput:
    grant_id: strawberry.ID
    paid_on: date
    idempotency_key: str = strawberry.field(description=KEY_DOC)
    expected_version: int | None = None


@strawberry.input
class GrantCancelInput:
    grant_id: strawberry.ID
    reason: str
    idempotency_key: str = strawberry.field(description=KEY_DOC)
    expected_version: int | None = None


AssistanceRequestPayload = payload_type(AssistanceRequestNode, "AssistanceRequest")
GrantPayload = payload_type(GrantNode, "Grant")
DonationPayload = payload_type(DonationNode, "Donation")


def _optional_id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return None if value is None else decode_id(value, type_name, field)


async def _request_create(
    session: AsyncSession, data: AssistanceRequestCreateInput
) -> AssistanceRequest:
    return await request_commands.create_request(
        session,
        {
            "household_id": decode_id(data.household_id, "Household", "householdId"),
            "year": data.year,
            "amount_fen": data.amount,
            "purpose": data.purpose,
            "notes": data.notes,
            "urgency": data.urgency,
            "submitted_by_community_id": _optional_id(
                data.submitted_by_community_id, "Community", "submittedByCommunityId"
            ),
            "submitted_by_street_id": _optional_id(
                data.submitted_by_street_id, "Street", "submittedByStreetId"
            ),
        },
        help_kind=data.help_kind,
    )


def _decision(closed: Any) -> Any:
    async def action(session: AsyncSession, data: AssistanceRequestDecisionInput) -> Any:
        return await request_commands.close_request(
            session,
            decode_id(data.id, "AssistanceRequest"),
            closed,
            reason=data.reason,
            expected_version=data.expected_version,
        )

    return action


async def _donation(session: AsyncSession, data: DonationRecordInput) -> Donation:
    return await record_donation(
        session,
        fund_id=decode_id(data.fund_id, "Fund", "fundId"),
        year=data.year,
        donor=data.donor,
        amount_fen=data.amount,
        restriction=data.restriction,
        received_on=data.received_on,
        key=data.idempotency_key,
    )


async def _award(session: AsyncSession, data: GrantAwardInput) -> Grant:
    return await award_grant(
        session,
        AwardInput(
            fund_id=decode_id(data.fund_id, "Fund", "fundId"),
            year=data.year,
            household_id=decode_id(data.household_id, "Household", "householdId"),
            amount_fen=data.amount,
            request_id=_optional_id(data.request_id, "AssistanceRequest", "requestId"),
            key=data.idempotency_key,
            awarded_on=data.awarded_on or date.today(),
        ),
    )


async def _pay(session: AsyncSession, data: GrantPayInput) -> Grant:
    return await pay_grant(
        session,
        decode_id(data.grant_id, "Grant", "grantId"),
        paid_on=data.paid_on,
        key=data.idempotency_key,
        expected_version=data.expected_version,
    )


async def _cancel(session: AsyncSession, data: GrantCancelInput) -> Grant:
    return await cancel_grant(
        session,
        decode_id(data.grant_id, "Grant", "grantId"),
        reason=data.reason,
        key=data.idempotency_key,
        expected_version=data.expected_version,
    )


@strawberry.type
class GrantMutation:
    assistance_request_create = mutation(
        AssistanceRequestNode,
        AssistanceRequestPayload,
        AssistanceRequestCreateInput,
        _request_create,
        description="Submit a household's request for money.",
    )
    assistance_request_withdraw = mutation(
        AssistanceRequestNode,
        AssistanceRequestPayload,
        AssistanceRequestDecisionInput,
        _decision(request_commands.RequestStatus.WITHDRAWN),
        description="Withdraw an open request (the household or its community asks).",
    )
    assistance_request_reject = mutation(
        AssistanceRequestNode,
        AssistanceRequestPayload,
        AssistanceRequestDecisionInput,
        _decision(request_commands.RequestStatus.REJECTED),
        description="Reject an open request, with the reason.",
    )
    donation_record = mutation(
        DonationNode,
        DonationPayload,
        DonationRecordInput,
        _donation,
        description="Record a donation to a fund; it raises the fund's budget for the year.",
    )
    grant_award = mutation(
        GrantNode,
        GrantPayload,
        GrantAwardInput,
        _award,
        description="Award money from a fund to a household: refused if the household is not "
        "eligible, the amount is below the fund's minimum, over its per-household cap, over the "
        "request's need, or more than the fund has left.",
    )
    grant_pay = mutation(
        GrantNode,
        GrantPayload,
        GrantPayInput,
        _pay,
        description="Record that an awarded grant was paid.",
    )
    grant_cancel = mutation(
        GrantNode,
        GrantPayload,
        GrantCancelInput,
        _cancel,
        description="Cancel an awarded, unpaid grant; the money returns to the fund.",
    )
