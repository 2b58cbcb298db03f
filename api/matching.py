"""Matching runs, proposals, pair decisions and pair rules in GraphQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from api.context import Info
from api.elders import ElderNode, PairNode
from api.entity import VERSION_DOC, Entity, load_children, load_node
from api.enums import PairRuleKindEnum, ProjectEnum, ProposalStatusEnum, RunScopeEnum, RunStatusEnum
from api.ids import decode_id, decode_ids, encode_id, filter_id
from api.mutations import deactivate_mutation, mutation, payload_type
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
from api.volunteers import VolunteerNode
from jobs.split_runs import SPLIT
from models.commands import matching as commands
from models.enums import Project, RunScope
from models.errors import DomainError, ErrorCode
from models.matching_run import MatchingRun, PairProposal, PairRule, UnpairedElder

_SCOPE_TYPES = {
    RunScope.DISTRICT: "District",
    RunScope.STREETS: "Street",
    RunScope.COMMUNITIES: "Community",
}


@strawberry.type(description="Coverage of one street's eligible elders.")
class StreetCoverage:
    street_id: strawberry.ID
    street_name: str
    eligible: int
    paired: int
    coverage: float
    floor_met: bool | None


@strawberry.type(description="What a run achieved.")
class RunMetrics:
    elders_in_scope: int
    elders_paired: int
    volunteers_in_reach: int
    total_cost: int
    mean_distance_m: float
    pairs_kept: int
    pairs_broken: int = strawberry.field(
        description="Standing pairs the run chose to break (within the churn budget)."
    )
    pairs_broken_forced: int = strawberry.field(
        default=0,
        description="Standing pairs that now break a hard rule, a pin or a capacity cut.",
    )
    gini: float = strawberry.field(description="Gini coefficient of street coverage (0 = even).")
    streets: list[StreetCoverage]
    solve_seconds: float
    timings: RunTimings | None = strawberry.field(
        default=None, description="Seconds per phase of the job (None for older runs)."
    )


@strawberry.type(description="One cost term of a proposed pair.")
class CostTerm:
    term: str
    value: int


@strawberry.type(name="PairProposal", description="A pair a run proposes; a coordinator decides.")
class PairProposalNode(Entity):
    model = PairProposal
    version: int = strawberry.field(description=VERSION_DOC)
    anchor: str = strawberry.field(description="home or work: where the walk starts.")
    distance_m: int
    keeps_existing: bool = strawberry.field(description="The pair stands already and stays.")
    status: ProposalStatusEnum  # type: ignore[valid-type]
    decision_reason: str | None
    decided_at: datetime | None

    @strawberry.field
    def cost_terms(self) -> list[CostTerm]:
        return [CostTerm(term=k, value=v) for k, v in sorted(self.row.cost_terms.items())]

    @strawberry.field
    async def elder(self, info: Info) -> ElderNode:
        node: ElderNode = await load_node(info, ElderNode, self.row.elder_id)
        return node

    @strawberry.field
    async def volunteer(self, info: Info) -> VolunteerNode:
        node: VolunteerNode = await load_node(info, VolunteerNode, self.row.volunteer_id)
        return node

    @strawberry.field(description="The pair made when it was confirmed.")
    async def pair(self, info: Info) -> PairNode | None:
        node: PairNode | None = await load_node(info, PairNode, self.row.pair_id)
        return node

    @strawberry.field
    async def run(self, info: Info) -> MatchingRunNode:
        node: MatchingRunNode = await load_node(info, MatchingRunNode, self.row.run_id)
        return node


@strawberry.type(name="UnpairedElder", description="Why a run left an elder unpaired.")
class UnpairedElderNode(Entity):
    model = UnpairedElder
    reason: str
    detail: str
    suggestion: str = strawberry.field(description="What would help, in words.")

    @strawberry.field
    async def elder(self, info: Info) -> ElderNode:
        node: ElderNode = await load_node(info, ElderNode, self.row.elder_id)
        return node


@strawberry.type(name="MatchingRun", description="One pairing optimisation over a scope.")
class MatchingRunNode(Entity, Run):
    model = MatchingRun
    version: int = strawberry.field(description=VERSION_DOC)
    project: ProjectEnum  # type: ignore[valid-type]
    scope: RunScopeEnum  # type: ignore[valid-type]

    @strawberry.field(description="The districts, streets or communities of the scope.")
    def scope_ids(self) -> list[strawberry.ID]:
        type_name = _SCOPE_TYPES[self.row.scope]
        return [strawberry.ID(encode_id(type_name, i)) for i in self.row.scope_ids]

    @strawberry.field(description="The split run this street run belongs to, if any.")
    async def parent(self, info: Info) -> MatchingRunNode | None:
        node: MatchingRunNode | None = await load_node(info, MatchingRunNode, self.row.parent_id)
        return node

    @strawberry.field(description="A split run's street runs (empty for a whole run).")
    async def street_runs(self, info: Info) -> list[MatchingRunNode]:
        return await load_children(info, MatchingRunNode, "parent_id", self.row.id)

    @strawberry.field(description="Null until the run has succeeded.")
    def metrics(self) -> RunMetrics | None:
        m = self.row.metrics
        if not m:
            return None
        streets = [
            StreetCoverage(
                street_id=strawberry.ID(encode_id("Street", s["street_id"])),
                street_name=s["street_name"],
                eligible=s["eligible"],
                paired=s["paired"],
                coverage=s["coverage"],
                floor_met=s.get("floor_met"),
            )
            for s in m.get("streets", [])
        ]
        fields = {k: v for k, v in m.items() if k not in ("streets", "timings")}
        return RunMetrics(streets=streets, timings=timings(m), **fields)

    @strawberry.field(description="The run's proposals, by status.")
    async def proposals(
        self,
        info: Info,
        status: ProposalStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PairProposalNode]:
        return await run_rows(
            info, PairProposalNode, self.row.id, status=status, first=first, after=after
        )

    @strawberry.field(description="Elders the run could not pair, with the reason.")
    async def unpaired(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[UnpairedElderNode]:
        return await run_rows(info, UnpairedElderNode, self.row.id, first=first, after=after)


@strawberry.type(name="PairRule", description="A pin or a forbidden pair for every later run.")
class PairRuleNode(Entity):
    model = PairRule
    version: int = strawberry.field(description=VERSION_DOC)
    kind: PairRuleKindEnum  # type: ignore[valid-type]
    reason: str
    active: bool

    @strawberry.field
    async def elder(self, info: Info) -> ElderNode:
        node: ElderNode = await load_node(info, ElderNode, self.row.elder_id)
        return node

    @strawberry.field
    async def volunteer(self, info: Info) -> VolunteerNode:
        node: VolunteerNode = await load_node(info, VolunteerNode, self.row.volunteer_id)
        return node


@strawberry.input
class MatchingRunFilter:
    status: RunStatusEnum | None = None  # type: ignore[valid-type]


@strawberry.input
class PairRuleFilter:
    elder_id: strawberry.ID | None = None
    volunteer_id: strawberry.ID | None = None
    active: bool | None = None


@strawberry.type
class MatchingQuery:
    @strawberry.field(description="Matching runs, newest last.")
    async def matching_runs(
        self,
        info: Info,
        filter: MatchingRunFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MatchingRunNode]:
        f = filter or MatchingRunFilter()
        where: list[Any] = [] if f.status is None else [col(MatchingRun.status) == f.status]
        return await paginate(
            info,
            MatchingRun,
            where,
            lambda r: from_row(MatchingRunNode, r),
            first=first,
            after=after,
        )

    @strawberry.field(description="Pins and forbidden pairs.")
    async def pair_rules(
        self,
        info: Info,
        filter: PairRuleFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PairRuleNode]:
        f = filter or PairRuleFilter()
        where: list[Any] = []
        if f.elder_id is not None:
            where.append(col(PairRule.elder_id) == filter_id(f.elder_id, "Elder", "filter.elderId"))
        if f.volunteer_id is not None:
            volunteer = filter_id(f.volunteer_id, "Volunteer", "filter.volunteerId")
            where.append(col(PairRule.volunteer_id) == volunteer)
        if f.active is not None:
            where.append(col(PairRule.active).is_(f.active))
        return await paginate(
            info, PairRule, where, lambda r: from_row(PairRuleNode, r), first=first, after=after
        )


# --- mutations -------------------------------------------------------------------------------


@strawberry.input(description="Exactly one of districtId, streetIds or communityIds.")
class MatchingScopeInput:
    district_id: strawberry.ID | None = None
    street_ids: list[strawberry.ID] | None = None
    community_ids: list[strawberry.ID] | None = None


@strawberry.input
class MatchingRunStartInput:
    scope: MatchingScopeInput
    project: ProjectEnum = Project.ONE_TO_ONE_80_PLUS  # type: ignore[valid-type]
    max_distance_m: int = strawberry.field(default=1500, description="Walking limit, metres.")
    churn_budget: int = strawberry.field(
        default=0, description="How many standing pairs the run may break (0 = none)."
    )
    street_floor: float | None = strawberry.field(
        default=None, description="Share (0-1) of each street's eligible elders to pair at least."
    )
    seed: int = 0
    time_limit_s: int = strawberry.field(default=60, description="Per street run when split.")
    split_by_street: bool = strawberry.field(
        default=False,
        description="Solve each street as its own run, in parallel on whichever workers are "
        "free, and gather them into this run (for a district or city). Each volunteer serves "
        "the street of their nearest elder (or of their standing pair); the churn budget is "
        "shared out over the streets by their standing pairs.",
    )
    key: str | None = strawberry.field(
        default=None,
        description="Idempotency key: the same key returns the same run. By default a digest "
        "of the input and today's date, so repeating a start the same day never duplicates.",
    )


MatchingRunPayload = payload_type(MatchingRunNode, "MatchingRun")
PairProposalPayload = payload_type(PairProposalNode, "PairProposal")
PairPayload = payload_type(PairNode, "Pair")
PairRulePayload = payload_type(PairRuleNode, "PairRule")


def _scope(data: MatchingScopeInput) -> tuple[RunScope, list[int]]:
    given = [
        (
            RunScope.DISTRICT,
            [data.district_id] if data.district_id else None,
            "District",
            "districtId",
        ),
        (RunScope.STREETS, data.street_ids, "Street", "streetIds"),
        (RunScope.COMMUNITIES, data.community_ids, "Community", "communityIds"),
    ]
    chosen = [g for g in given if g[1]]
    if len(chosen) != 1:
        raise DomainError.one(
            ErrorCode.VALIDATION,
            "scope: give exactly one of districtId, streetIds or communityIds.",
            "scope",
        )
    scope, values, type_name, label = chosen[0]
    assert values is not None
    return scope, decode_ids(list(values), type_name, f"scope.{label}")


def _params(data: MatchingRunStartInput) -> dict[str, Any]:
    problems = []
    if not 50 <= data.max_distance_m <= 20_000:
        problems.append(("maxDistanceM", "must be between 50 and 20000 metres"))
    if data.churn_budget < 0:
        problems.append(("churnBudget", "must not be negative"))
    if data.street_floor is not None and not 0 <= data.street_floor <= 1:
        problems.append(("streetFloor", "must be a share between 0 and 1"))
    if not 1 <= data.time_limit_s <= 3600:
        problems.append(("timeLimitS", "must be between 1 and 3600 seconds"))
    if problems:
        from models.errors import Problem

        raise DomainError([Problem(ErrorCode.VALIDATION, f"{f}: {m}.", f) for f, m in problems])
    return {
        "max_distance_m": data.max_distance_m,
        "churn_budget": data.churn_budget,
        "street_floor": data.street_floor,
        "time_limit_s": data.time_limit_s,
        **({SPLIT: True} if data.split_by_street else {}),
    }


@strawberry.input
class PairingConfirmInput:
    proposal_id: strawberry.ID
    volunteer_consent: bool = strawberry.field(description="The volunteer agreed.")
    elder_consent: bool = strawberry.field(description="The elder (or family) agreed.")
    note: str | None = strawberry.field(default=None, description="How consent was obtained.")
    expected_version: int | None = None


@strawberry.input
class PairingRejectInput:
    proposal_id: strawberry.ID
    reason: str
    expected_version: int | None = None


@strawberry.input
class PairingEndInput:
    pair_id: strawberry.ID
    reason: str
    ended_on: date | None = None
    expected_version: int | None = None


@strawberry.input
class PairRuleCreateInput:
    kind: PairRuleKindEnum  # type: ignore[valid-type]
    volunteer_id: strawberry.ID
    elder_id: strawberry.ID
    reason: str


@strawberry.type
class MatchingMutation:
    @strawberry.mutation(
        description="Start a matching run; it returns at once, the work runs in a job."
    )
    async def matching_run_start(
        self, info: Info, input: MatchingRunStartInput
    ) -> MatchingRunPayload:  # type: ignore[valid-type]
        async def action(session: AsyncSession) -> tuple[MatchingRun, bool]:
            scope, ids = _scope(input.scope)
            params = _params(input)
            key = input.key or default_key(
                "matching",
                {"scope": scope.value, "ids": sorted(ids), "params": params, "seed": input.seed},
            )
            return await commands.start_run(
                session,
                key=key,
                project=input.project,
                scope=scope,
                scope_ids=ids,
                params=params,
                seed=input.seed,
            )

        node, errors = await start_run(
            info, input, action, job="matching_run", node_cls=MatchingRunNode
        )
        return MatchingRunPayload(matching_run=node, errors=errors)  # type: ignore[no-any-return]

    matching_run_cancel = mutation(
        MatchingRunNode,
        MatchingRunPayload,
        CancelRunInput,
        lambda session, data: commands.cancel_run(session, decode_id(data.id, "MatchingRun")),
        description="Cancel a queued or running run; its job stops at the next checkpoint.",
    )
    pairing_confirm = mutation(
        PairProposalNode,
        PairProposalPayload,
        PairingConfirmInput,
        lambda session, data: commands.confirm_proposal(
            session,
            decode_id(data.proposal_id, "PairProposal", "proposalId"),
            volunteer_consent=data.volunteer_consent,
            elder_consent=data.elder_consent,
            note=data.note,
            expected_version=data.expected_version,
        ),
        description="Confirm a proposal with both sides' consent: it becomes an active pair.",
    )
    pairing_reject = mutation(
        PairProposalNode,
        PairProposalPayload,
        PairingRejectInput,
        lambda session, data: commands.reject_proposal(
            session,
            decode_id(data.proposal_id, "PairProposal", "proposalId"),
            reason=data.reason,
            expected_version=data.expected_version,
        ),
        description="Reject a proposal, with the reason.",
    )
    pairing_end = mutation(
        PairNode,
        PairPayload,
        PairingEndInput,
        lambda session, data: commands.end_pair(
            session,
            decode_id(data.pair_id, "Pair", "pairId"),
            reason=data.reason,
            ended_on=data.ended_on,
            expected_version=data.expected_version,
        ),
        description="End a standing pair, with the reason; it stays in the history.",
    )
    pair_rule_create = mutation(
        PairRuleNode,
        PairRulePayload,
        PairRuleCreateInput,
        lambda session, data: commands.create_rule(
            session,
            kind=data.kind,
            volunteer_id=decode_id(data.volunteer_id, "Volunteer", "volunteerId"),
            elder_id=decode_id(data.elder_id, "Elder", "elderId"),
            reason=data.reason,
        ),
        description="Pin (always pair) or forbid a volunteer-elder pair for every later run.",
    )
    pair_rule_deactivate = deactivate_mutation(
        PairRuleNode, PairRulePayload, commands.PAIR_RULE, "PairRule"
    )
