"""The limits every GraphQL operation is checked against before it runs, and what production
switches off.

Depth, aliases and tokens use strawberry's limiters (fragment spreads included since 0.327.2);
the cost limit is ours (``api.cost``); and :class:`api.document_guard.DocumentGuard` refuses
before any of them runs the documents that would make validation itself slow or fail.

In production there is no introspection and no field suggestions: an error never answers
"Did you mean ...?", which would reveal the schema a piece at a time. (Strawberry's
``disable_field_suggestions`` only covers unknown fields, and graphql-core's
``hide_suggestions`` is not passed through by strawberry; so suggestions are cut from every
error here, whichever rule or coercion wrote them.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from graphql import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.cost import CostModel, QueryCostLimiter
from api.document_guard import DocumentGuard
from settings import Settings

Extension = Callable[[], SchemaExtension] | type[SchemaExtension]

_QUOTED = r"'[^']*'"
_SUGGESTION = re.compile(
    rf" ?Did you mean (?:[A-Za-z ]+ )?{_QUOTED}(?:, {_QUOTED})*(?:,? or {_QUOTED})?\?"
)
"""graphql-core's ``did_you_mean``: "Did you mean [words ]'a', 'b', or 'c'?", at the end of a
message or inside one (a nested input's error quoted in its parent's)."""


def without_suggestion(message: str) -> str:
    """``message`` without graphql-core's " Did you mean ...?" suggestions."""
    return _SUGGESTION.sub("", message)


class HideSuggestions(SchemaExtension):
    """Cuts "Did you mean ...?" from every error of the result (validation and variables)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            error.message = without_suggestion(error.message)


def limit_extensions(settings: Settings) -> list[Extension]:
    """The limiting extensions for ``settings``, as factories (one instance per request)."""
    model = CostModel.of(settings)
    extensions: list[Extension] = [
        lambda: DocumentGuard(max_fields=settings.max_tokens),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: QueryCostLimiter(max_cost=settings.max_query_cost, model=model),
    ]
    if settings.environment == "production":
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
        extensions.append(HideSuggestions)
    return extensions
