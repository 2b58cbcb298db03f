"""The GraphQL schema: every domain module's queries and mutations, plus the safety limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.elders import ElderMutation, ElderNode, ElderQuery, PairNode
from api.funds import FundMutation, FundNode, FundQuery
from api.geo import CommunityNode, DistrictNode, GeoMutation, GeoQuery, StreetNode
from api.households import (
    HouseholdMutation,
    HouseholdNode,
    HouseholdQuery,
    PersonNode,
    StatusChangeNode,
)
from api.stations import StationMutation, StationNode, StationQuery
from api.volunteers import VolunteerMutation, VolunteerNode, VolunteerQuery
from settings import Settings

NODE_TYPES = [
    DistrictNode,
    StreetNode,
    CommunityNode,
    StationNode,
    VolunteerNode,
    HouseholdNode,
    PersonNode,
    StatusChangeNode,
    ElderNode,
    PairNode,
    FundNode,
]


@strawberry.type
class Query(GeoQuery, StationQuery, VolunteerQuery, HouseholdQuery, ElderQuery, FundQuery):
    node: relay.Node | None = relay.node(description="Any object by its global id.")
    nodes: list[relay.Node | None] = relay.node(description="Objects by their global ids.")


@strawberry.type
class Mutation(
    GeoMutation, StationMutation, VolunteerMutation, HouseholdMutation, ElderMutation, FundMutation
):
    pass


def _mask(error: GraphQLError) -> bool:
    """Mask everything but deliberate GraphQL errors (validation, bad cursor...)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with limits from ``settings``; each extension is a factory (one per request)."""
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: MaskErrors(
            should_mask_error=_mask,
            error_message="Unexpected server error; it has been logged. Please try again later.",
        ),
    ]
    if settings.environment == "production":
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    kwargs: dict[str, Any] = {"extensions": extensions, "types": NODE_TYPES}
    return strawberry.Schema(query=Query, mutation=Mutation, **kwargs)


def schema_sdl() -> str:
    """The schema's SDL, as committed in ``schema.graphql``."""
    return build_schema(Settings()).as_str() + "\n"
