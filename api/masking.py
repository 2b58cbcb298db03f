"""Unexpected errors are masked: the client sees a message quoting the request id, never the
exception (no SQL, stack trace or class name); the log gets the real exception with that id.

Deliberate ``GraphQLError``s (validation, a bad cursor, a refusal) and the typed ``errors`` of
mutation payloads are answers, not failures: they reach the client as written.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from api.request_id import (
    current_request_id,
    unexpected_error_extensions,
    unexpected_error_message,
)

log = logging.getLogger(__name__)


def is_unexpected(error: GraphQLError) -> bool:
    """Whether an error comes from an exception other than a deliberate GraphQLError."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Replaces unexpected errors by a message quoting the request id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = current_request_id()
        return GraphQLError(
            message=unexpected_error_message(request_id),
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=unexpected_error_extensions(request_id),
        )


class Schema(strawberry.Schema):
    """Strawberry's schema, logging errors with the request id: unexpected ones with their
    traceback (the only record of them), the client's own mistakes at debug level."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if is_unexpected(error):
                log.error(
                    "unexpected error at %s (request id %s): %s",
                    ".".join(map(str, error.path or [])) or "-",
                    current_request_id(),
                    error.message,
                    exc_info=error.original_error,
                )
            else:
                log.debug("GraphQL error (request id %s): %s", current_request_id(), error.message)
