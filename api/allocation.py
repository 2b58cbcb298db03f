"""Allocation runs in GraphQL: start, watch, read the proposed grants and why, approve or reject.

``allocationRunStart`` returns the run at once; a job allocates the year's funds to the open
requests (in-process, or through arq when Redis is configured). A charity officer approves a
proposal into a grant (``allocationProposalApprove``: the same checks and ledger as a grant made
by hand) or rejects it.
"""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Info
from api.entity import VERSION_DOC, Entity, load_node
from api.enums import ProposalStatusEnum
from api.funds import FundNode
from api.grants import AssistanceRequestNode, GrantNode
from api.ids import decode_id, decode_ids, encode_id
from api.mutations import mutation, payload_type
from api.nodes import from_row
from api.pagination import Connection, paginate
from api.runs import (
    CancelRunInput,
    Run,
    RunTimings,
    default_key,
    run_rows,
    start_run,
    timings,
)
from api.scalars import Money
from models.allocation_run import AllocationOutcome, AllocationProposal, AllocationRun
from models.commands import allocation as commands


@strawberry.type(description="One street's covered share of its eligible need.")
class AllocationStreet:
    street_id: strawberry.ID
    eligible: Money
    covered: Money
    coverage: float
    floor_met: bool | None


@strawberry.type(description="One fund after the run: what it gives, and what more would do.")
class AllocationFund:
    fund_id: strawberry.ID
    budget: Money = strawberry.field(description="What the fund had left for the year.")
    awarded: Money
    remaining: Money
    grants: int
    shadow_price: str | None = strawberry.field(
        description="What 10,000 more yuan in this fund would cover, in words."
    )


@strawberry.type(description="The greedy baseline (highest urgency first) on the same data.")
class AllocationBaseline:
    objective: float
    covered: Money
    min_coverage: float
    gini: float


@strawberry.type(description="What an allocation run achieved.")
class AllocationMetrics:
    requests: int
    objective: float = strawberry.field(description="Urgency-weighted covered need (fen).")
    covered: Money
    bound: float | None = strawberry.field(description="The LP bound on the objective.")
    gap: float | None
    min_coverage: float = strawberry.field(description="The worst-served street's share.")
    gini: float = strawberry.field(description="Gini coefficient of street coverage.")
    floor_share: float | None
    notes: list[str]
    skipped_request_ids: list[strawberry.ID] = strawberry.field(
        description="Further open requests of households already in the run (one each)."
    )
    streets: list[AllocationStreet]
    funds: list[AllocationFund]
    greedy: AllocationBaseline
    timings: RunTimings | None


def _metrics(m: dict[str, Any]) -> AllocationMetrics:
    def gid(type_name: str, value: int) -> strawberry.ID:
        return strawberry.ID(encode_id(type_name, value))

    g = m["greedy"]
    return AllocationMetrics(
        requests=m["requests"],
        objective=m["objective"],
        covered=Money(m["covered_fen"]),
        bound=m["bound"],
        gap=m["gap"],
        min_coverage=m["min_coverage"],
        gini=m["gini"],
        floor_share=m["floor_share"],
        notes=m["notes"],
        skipped_request_ids=[gid("AssistanceRequest", i) for i in m["skipped_requests"]],
        streets=[
            AllocationStreet(
                street_id=gid("Street", s["street_id"]),
                eligible=Money(s["eligible_fen"]),
                covered=Money(s["covered_fen"]),
                coverage=s["coverage"],
                floor_met=s["floor_met"],
            )
            for s in m["streets"]
        ],
        funds=[
            AllocationFund(
                fund_id=gid("Fund", f["fund_id"]),
                budget=Money(f["budget_fen"]),
                awarded=Money(f["awarded_fen"]),
                remaining=Money(f["remaining_fen"]),
                grants=f["grants"],
                shadow_price=f["shadow"],
            )
            for f in m["funds"]
        ],
        greedy=AllocationBaseline(
            objective=g["objective"],
            covered=Money(g["covered_fen"]),
            min_coverage=g["min_coverage"],
            gini=g["gini"],
        ),
        timings=timings(m),
    )


@strawberry.type(name="AllocationProposal", description="A grant a run proposes.")
class AllocationProposalNode(Entity):
    model = AllocationProposal
    version: int = strawberry.field(description=VERSION_DOC)
    status: ProposalStatusEnum  # type: ignore[valid-type]
    decision_reason: str | None

    @strawberry.field
    def amount(self) -> Money:
        return Money(self.row.amount_fen)

    @strawberry.field
    async def fund(self, info: Info) -> FundNode:
        node: FundNode = await load_node(info, FundNode, self.row.fund_id)
        return node

    @strawberry.field
    async def request(self, info: Info) -> AssistanceRequestNode:
        node: AssistanceRequestNode = await load_node(
            info, AssistanceRequestNode, self.row.request_id
        )
        return node

    @strawberry.field(description="The grant made when it was approved.")
    async def grant(self, info: Info) -> GrantNode | None:
        node: GrantNode | None = await load_node(info, GrantNode, self.row.grant_id)
        return node


@strawberry.type(description="A fund's limit on one request.")
class FundLimit:
    fund_id: strawberry.ID
    reason: str


@strawberry.type(name="AllocationOutcome", description="What one request got, and why not more.")
class AllocationOutcomeNode(Entity):
    model = AllocationOutcome
    reason: str = strawberry.field(
        description="need_met, budget_exhausted, cap_reached, below_minimum_grant, not_eligible."
    )
    detail: str

    @strawberry.field
    def need(self) -> Money:
        return Money(self.row.need_fen)

    @strawberry.field(description="What the funds it qualifies for could cover, each alone.")
    def eligible(self) -> Money:
        return Money(self.row.eligible_fen)

    @strawberry.field
    def covered(self) -> Money:
        return Money(self.row.covered_fen)

    @strawberry.field(description="Per fund it qualifies for, what stopped more.")
    def limits(self) -> list[FundLimit]:
        return [
            FundLimit(fund_id=strawberry.ID(encode_id("Fund", x["fund_id"])), reason=x["reason"])
            for x in self.row.limits
        ]

    @strawberry.field
    async def request(self, info: Info) -> AssistanceRequestNode:
        node: AssistanceRequestNode = await load_node(
            info, AssistanceRequestNode, self.row.request_id
        )
        return node


@strawberry.type(name="AllocationRun", description="One allocation of a year's funds.")
class AllocationRunNode(Entity, Run):
    model = AllocationRun
    version: int = strawberry.field(description=VERSION_DOC)
    year: int

    @strawberry.field(description="The funds it may spend (empty: every active fund).")
    def fund_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(encode_id("Fund", i)) for i in self.row.fund_ids]

    @strawberry.field(description="The streets it serves (empty: the whole district).")
    def street_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(encode_id("Street", i)) for i in self.row.street_ids]

    @strawberry.field(description="Null until the run has succeeded.")
    def metrics(self) -> AllocationMetrics | None:
        return _metrics(self.row.metrics) if self.row.metrics else None

    @strawberry.field(description="The proposed grants, by status.")
    async def proposals(
        self,
        info: Info,
        status: ProposalStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AllocationProposalNode]:
        return await run_rows(
            info, AllocationProposalNode, self.row.id, status=status, first=first, after=after
        )

    @strawberry.field(description="Per request: covered, and the limit that bound.")
    async def outcomes(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AllocationOutcomeNode]:
        return await run_rows(info, AllocationOutcomeNode, self.row.id, first=first, after=after)


@strawberry.input
class AllocationRunStartInput:
    year: int
    fund_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The funds to spend (none: every active fund)."
    )
    street_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The streets to serve (none: the whole district)."
    )
    street_floor: float | None = strawberry.field(
        default=None, description="Share (0-1) of each street's eligible need to cover at least."
    )
    strict_floors: bool = strawberry.field(
        default=False,
        description="Fail when the floors cannot all be met (else: best share for all streets).",
    )
    seed: int = 0
    time_limit_s: int = 60
    key: str | None = strawberry.field(
        default=None, description="Idempotency key (default: a digest of the input and today)."
    )


@strawberry.input
class AllocationProposalDecisionInput:
    proposal_id: strawberry.ID
    expected_version: int | None = None


@strawberry.input
class AllocationProposalRejectInput:
    proposal_id: strawberry.ID
    reason: str
    expected_version: int | None = None


AllocationRunPayload = payload_type(AllocationRunNode, "AllocationRun")
AllocationProposalPayload = payload_type(AllocationProposalNode, "AllocationProposal")


@strawberry.type
class AllocationQuery:
    @strawberry.field(description="Allocation runs, oldest first.")
    async def allocation_runs(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AllocationRunNode]:
        return await paginate(
            info,
            AllocationRun,
            [],
            lambda r: from_row(AllocationRunNode, r),
            first=first,
            after=after,
        )


@strawberry.type
class AllocationMutation:
    @strawberry.mutation(
        description="Start an allocation run; it returns at once, the work runs in a job."
    )
    async def allocation_run_start(
        self, info: Info, input: AllocationRunStartInput
    ) -> AllocationRunPayload:  # type: ignore[valid-type]
        async def action(session: AsyncSession) -> tuple[AllocationRun, bool]:
            funds = decode_ids(input.fund_ids, "Fund", "fundIds")
            streets = decode_ids(input.street_ids, "Street", "streetIds")
            params = {
                "street_floor": input.street_floor,
                "strict_floors": input.strict_floors,
                "time_limit_s": input.time_limit_s,
            }
            key = input.key or default_key(
                "allocation",
                {"year": input.year, "funds": funds, "streets": streets, "params": params},
            )
            return await commands.start_allocation_run(
                session,
                key=key,
                year=input.year,
                fund_ids=funds,
                street_ids=streets,
                params=params,
                seed=input.seed,
            )

        node, errors = await start_run(
            info, input, action, job="allocation_run", node_cls=AllocationRunNode
        )
        return AllocationRunPayload(allocation_run=node, errors=errors)  # type: ignore[no-any-return]

    allocation_run_cancel = mutation(
        AllocationRunNode,
        AllocationRunPayload,
        CancelRunInput,
        lambda session, data: commands.cancel_run(session, decode_id(data.id, "AllocationRun")),
        description="Cancel a queued or running allocation run.",
    )
    allocation_proposal_approve = mutation(
        AllocationProposalNode,
        AllocationProposalPayload,
        AllocationProposalDecisionInput,
        lambda session, data: commands.approve_proposal(
            session,
            decode_id(data.proposal_id, "AllocationProposal", "proposalId"),
            expected_version=data.expected_version,
        ),
        description="Approve a proposed grant: it is awarded (every rule checked again today).",
    )
    allocation_proposal_reject = mutation(
        AllocationProposalNode,
        AllocationProposalPayload,
        AllocationProposalRejectInput,
        lambda session, data: commands.reject_proposal(
            session,
            decode_id(data.proposal_id, "AllocationProposal", "proposalId"),
            reason=data.reason,
            expected_version=data.expected_version,
        ),
        description="Reject a proposed grant, with the reason.",
    )
