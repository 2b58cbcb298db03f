"""The GraphQL schema: every domain module's queries and mutations, plus the safety limits."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import get_object_definition

from api.access_log import AccessLogEntryNode, AccessLogMutation, AccessLogQuery
from api.accounts import AccountMutation, AccountQuery
from api.allocation import (
    AllocationMutation,
    AllocationOutcomeNode,
    AllocationProposalNode,
    AllocationQuery,
    AllocationRunNode,
)
from api.assessment import AssessmentMutation, AssessmentQuery, NeedAssessmentNode
from api.auth import AuthMutation, AuthQuery
from api.cases import CaseAssignmentNode, CaseMutation, CaseQuery
from api.context import Info
from api.elders import ElderMutation, ElderNode, ElderQuery, PairNode
from api.entity import Entity
from api.funds import FundMutation, FundNode, FundQuery
from api.gate import OperationGateExtension
from api.geo import CommunityNode, DistrictNode, GeoMutation, GeoQuery, StreetNode
from api.grants import (
    AssistanceRequestNode,
    DonationNode,
    GrantMutation,
    GrantNode,
    GrantQuery,
    LedgerEntryNode,
)
from api.households import (
    HouseholdMutation,
    HouseholdNode,
    HouseholdQuery,
    PersonNode,
    StatusChangeNode,
)
from api.lifecycle import (
    AssistanceApplicationNode,
    BenefitChangeNode,
    HouseholdReviewNode,
    LifecycleMutation,
    LifecycleQuery,
    VerificationCheckNode,
)
from api.limits import Extension, limit_extensions
from api.masking import MaskUnexpectedErrors, Schema
from api.matching import (
    MatchingMutation,
    MatchingQuery,
    MatchingRunNode,
    PairProposalNode,
    PairRuleNode,
    UnpairedElderNode,
)
from api.policy import PolicyMutation, PolicyQuery
from api.review_overview import ReviewOverviewQuery
from api.scalars import SCALARS
from api.sensitive import AccessLogWriter
from api.service_records import ServiceRecordMutation, ServiceRecordNode, ServiceRecordQuery
from api.stations import StationMutation, StationNode, StationQuery
from api.statistics import StatisticsQuery
from api.subscriptions import Subscription
from api.volunteers import VolunteerMutation, VolunteerNode, VolunteerQuery
from settings import Settings

NODE_TYPES: list[type[Entity]] = [
    DistrictNode,
    StreetNode,
    CommunityNode,
    StationNode,
    VolunteerNode,
    HouseholdNode,
    PersonNode,
    StatusChangeNode,
    NeedAssessmentNode,
    ElderNode,
    PairNode,
    FundNode,
    AssistanceRequestNode,
    GrantNode,
    DonationNode,
    LedgerEntryNode,
    AllocationRunNode,
    AllocationProposalNode,
    AllocationOutcomeNode,
    MatchingRunNode,
    PairProposalNode,
    UnpairedElderNode,
    PairRuleNode,
    AssistanceApplicationNode,
    VerificationCheckNode,
    HouseholdReviewNode,
    BenefitChangeNode,
    CaseAssignmentNode,
    AccessLogEntryNode,
    ServiceRecordNode,
]


NODES_BY_NAME: dict[str, type[Entity]] = {
    get_object_definition(cls, strict=True).name: cls for cls in NODE_TYPES
}


async def _resolve_nodes(info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
    """Nodes for global ids, in order; unknown, malformed or missing ones are null."""
    wanted: dict[type[Entity], list[tuple[int, str]]] = {}
    for position, value in enumerate(ids):
        try:
            gid = relay.GlobalID.from_id(value)
        except ValueError:
            continue
        cls = NODES_BY_NAME.get(gid.type_name)
        if cls is not None:
            wanted.setdefault(cls, []).append((position, gid.node_id))
    result: list[relay.Node | None] = [None] * len(ids)
    for cls, items in wanted.items():
        nodes = await cls.resolve_nodes(info=info, node_ids=[node_id for _, node_id in items])
        for (position, _), node in zip(items, nodes, strict=True):
            result[position] = node
    return result


@strawberry.type
class Query(
    AuthQuery,
    AccountQuery,
    GeoQuery,
    StationQuery,
    VolunteerQuery,
    HouseholdQuery,
    ElderQuery,
    FundQuery,
    GrantQuery,
    AllocationQuery,
    MatchingQuery,
    AssessmentQuery,
    PolicyQuery,
    LifecycleQuery,
    ReviewOverviewQuery,
    StatisticsQuery,
    CaseQuery,
    AccessLogQuery,
    ServiceRecordQuery,
):
    @strawberry.field(description="Any object by its global id; null if there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return (await _resolve_nodes(info, [id]))[0]

    @strawberry.field(description="Objects by their global ids, in order; null where none.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
        if len(ids) > info.context.settings.max_page_size:
            raise GraphQLError(
                f"ids: at most {info.context.settings.max_page_size} ids per request."
            )
        return await _resolve_nodes(info, ids)


@strawberry.type
class Mutation(
    AuthMutation,
    AccountMutation,
    GeoMutation,
    StationMutation,
    VolunteerMutation,
    HouseholdMutation,
    ElderMutation,
    FundMutation,
    GrantMutation,
    AllocationMutation,
    MatchingMutation,
    AssessmentMutation,
    PolicyMutation,
    LifecycleMutation,
    CaseMutation,
    AccessLogMutation,
    ServiceRecordMutation,
):
    pass


def build_schema(settings: Settings, *, sort: bool = False) -> strawberry.Schema:
    """The schema with limits from ``settings``; each extension is a factory (one per request).

    ``sort`` orders types and fields for printing only: graphql-core's sorting rebuilds enum
    types without strawberry's subclass, so enum inputs would reach resolvers as plain strings
    (``"none"``, not ``AssistanceStatus.NONE``) and identity checks on them would fail.
    """
    extensions: list[Extension] = [
        OperationGateExtension,
        AccessLogWriter,
        *limit_extensions(settings),
        MaskUnexpectedErrors,
    ]
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=dict(SCALARS), sort_schema=sort),
    )


def schema_sdl() -> str:
    """The schema's SDL, as committed in ``schema.graphql``."""
    return build_schema(Settings(), sort=True).as_str() + "\n"
