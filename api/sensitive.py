"""Sensitive fields: shown only to the roles that need them (null for the others), and every
one sent recorded in the access log, one row per record, written when the request ends.

A field is marked where it is declared: ``strawberry.field(extensions=[Sensitive(HEALTH)])``.
If the log cannot be written, the response carries no data: nothing sensitive leaves
unrecorded.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import strawberry
from graphql import GraphQLError
from sqlalchemy.exc import SQLAlchemyError
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types import Info as StrawberryInfo
from strawberry.types.base import get_object_definition
from strawberry.utils.await_maybe import await_maybe

from access.sensitivity import Sensitivity, sees
from api.context import Context
from api.request_id import current_request_id
from models.commands.access_log import Reader, record_reads
from models.db import transaction

log = logging.getLogger(__name__)


def reader_of(context: Context) -> Reader:
    user = context.user
    return Reader(
        actor=user.actor,
        user_id=user.user_id,
        role=None if user.role is None else user.role.value,
        request_id=current_request_id(),
    )


class Sensitive(FieldExtension):
    """Null for roles that may not see ``sensitivity``; otherwise the value, and a note that
    this field of this record was read."""

    def __init__(self, sensitivity: Sensitivity) -> None:
        self.sensitivity = sensitivity

    def _shown(self, source: Any, info: StrawberryInfo[Context, Any]) -> bool:
        context = info.context
        if not sees(context.user.role, self.sensitivity):
            return False
        record = (get_object_definition(type(source), strict=True).name, int(source.row.id))
        context.reads.setdefault(record, set()).add(info.field_name)
        return True

    def resolve(
        self, next_: Any, source: Any, info: StrawberryInfo[Context, Any], **kw: Any
    ) -> Any:
        return next_(source, info, **kw) if self._shown(source, info) else None

    async def resolve_async(
        self, next_: Any, source: Any, info: StrawberryInfo[Context, Any], **kw: Any
    ) -> Any:
        if not self._shown(source, info):
            return None
        return await await_maybe(next_(source, info, **kw))


class AccessLogWriter(SchemaExtension):
    """Writes the request's reads of sensitive fields once the operation has run."""

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        context: Context = self.execution_context.context
        if not context.reads:
            return
        reads, context.reads = context.reads, {}
        try:
            async with transaction(context.session_factory) as session:
                await record_reads(session, reader_of(context), reads)
        except SQLAlchemyError:
            log.exception("could not write the access log (request %s)", current_request_id())
            result = self.execution_context.result
            if result is not None:
                result.data = None
                result.errors = [
                    GraphQLError(
                        "The access log could not be written, so nothing is returned; "
                        f"try again (request id {current_request_id()}).",
                        extensions={"code": "ACCESS_LOG_UNAVAILABLE"},
                    )
                ]


_WHO = {
    Sensitivity.IDENTIFIER: "",
    Sensitivity.HEALTH: " Null for roles that do not handle health details.",
    Sensitivity.INCOME: " Null for roles that do not handle income details.",
}


def sensitive(sensitivity: Sensitivity, description: str = "") -> Any:
    """A field (or, as a decorator, a resolver) of ``sensitivity``: shown by role, logged."""
    return strawberry.field(
        description=(description + _WHO[sensitivity]).strip() or None,
        extensions=[Sensitive(sensitivity)],
    )
