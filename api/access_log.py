"""The access log in GraphQL: auditors read it; staff reveal a full identifier with a purpose.

The log is append-only in the database; there is no mutation that changes or removes a row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from strawberry import relay
from strawberry.scalars import JSON

from access.masking import Identifier
from api.context import Info
from api.entity import Entity
from api.errors import UserError
from api.guard import run_guarded
from api.ids import decode_id, encode_id
from api.nodes import from_row
from api.pagination import Connection, filter_conditions, paginate
from api.sensitive import reader_of
from models.access_log import AccessLogEntry
from models.commands.access_log import record_reveal
from models.commands.crud import get_or_raise
from models.enums import AccessKind
from models.errors import DomainError, ErrorCode
from models.household import Person
from models.validation import Checker, text
from models.volunteer import Volunteer

AccessKindEnum = strawberry.enum(AccessKind, name="AccessKind")
IdentifierEnum = strawberry.enum(Identifier, name="IdentifierField")

REVEALABLE: dict[str, tuple[type[Any], tuple[Identifier, ...]]] = {
    "Person": (Person, (Identifier.ID_NUMBER, Identifier.PHONE)),
    "Volunteer": (Volunteer, (Identifier.PHONE,)),
}
"""The records whose identifiers can be revealed, and which."""


@strawberry.type(name="AccessLogEntry", description="Who read, revealed or changed what, when.")
class AccessLogEntryNode(Entity):
    model = AccessLogEntry
    kind: AccessKindEnum  # type: ignore[valid-type]
    actor: str = strawberry.field(description="`user:<name>`, a job, or the command line.")
    role: str | None
    request_id: str | None
    record_type: str
    fields: list[str]
    purpose: str | None = strawberry.field(description="Why a full value was revealed.")
    before: JSON | None = strawberry.field(description="A change's values before (masked ids).")
    after: JSON | None

    @strawberry.field(description="The global id of the record read, revealed or changed.")
    def record_id(self) -> strawberry.ID:
        return strawberry.ID(encode_id(self.row.record_type, self.row.record_id))


@strawberry.input
class AccessLogFilter:
    record_id: strawberry.ID | None = strawberry.field(
        default=None, description="One record's global id (a Person, a Household...)."
    )
    actor: str | None = None
    kind: AccessKindEnum | None = None  # type: ignore[valid-type]
    since: datetime | None = None
    until: datetime | None = None


@strawberry.input(description="Which identifier of which record, and why you need it in full.")
class IdentifierRevealInput:
    id: strawberry.ID = strawberry.field(description="A Person or a Volunteer.")
    field: IdentifierEnum  # type: ignore[valid-type]
    purpose: str = strawberry.field(description="Why (recorded in the access log).")


@strawberry.type(description="The full value (null when errors) and what to fix.")
class IdentifierRevealPayload:
    value: str | None
    errors: list[UserError]


def _record(value: str) -> tuple[str, int]:
    try:
        gid = relay.GlobalID.from_id(value)
        return gid.type_name, int(gid.node_id)
    except ValueError:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id: not the id of a record.", "id") from None


@strawberry.type
class AccessLogQuery:
    @strawberry.field(description="The access log, oldest first (administrators, auditors).")
    async def access_log(
        self,
        info: Info,
        filter: AccessLogFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AccessLogEntryNode]:
        f = filter or AccessLogFilter()
        where = filter_conditions(AccessLogEntry, f, {}, ("actor", "kind"))
        if f.record_id is not None:
            try:
                record_type, record_id = _record(f.record_id)
            except DomainError:
                record_type, record_id = "", 0  # no row has it: an empty list
            where += [
                col(AccessLogEntry.record_type) == record_type,
                col(AccessLogEntry.record_id) == record_id,
            ]
        if f.since is not None:
            where.append(col(AccessLogEntry.created_at) >= f.since)
        if f.until is not None:
            where.append(col(AccessLogEntry.created_at) < f.until)
        return await paginate(
            info,
            AccessLogEntry,
            where,
            lambda r: from_row(AccessLogEntryNode, r),
            first=first,
            after=after,
        )


@strawberry.type
class AccessLogMutation:
    @strawberry.mutation(
        description="The full value of a person's or volunteer's ID-card or phone number, for "
        "a stated purpose; the reveal is recorded in the access log with that purpose."
    )
    async def identifier_reveal(
        self, info: Info, input: IdentifierRevealInput
    ) -> IdentifierRevealPayload:
        reader = reader_of(info.context)
        kind = Identifier(input.field)

        async def reveal(session: AsyncSession) -> str:
            checker = Checker()
            purpose = checker.apply(text(max_length=500), input.purpose, "purpose")
            if purpose is not None and len(purpose) < 4:
                checker.add(
                    ErrorCode.VALIDATION,
                    "purpose: say why you need the full value (at least 4 characters).",
                    "purpose",
                )
            checker.raise_if_any()
            type_name, _ = _record(input.id)
            model, fields = REVEALABLE.get(type_name, (None, ()))
            if model is None:
                raise DomainError.one(
                    ErrorCode.NOT_FOUND, "id: not the id of a Person or a Volunteer.", "id"
                )
            if kind not in fields:
                raise DomainError.one(
                    ErrorCode.VALIDATION, f"field: a {type_name} has no {kind.name}.", "field"
                )
            row = await get_or_raise(session, model, decode_id(input.id, type_name), noun=type_name)
            value: str | None = getattr(row, kind.value)
            if value is None:
                raise DomainError.one(
                    ErrorCode.NOT_FOUND, f"field: this {type_name} has none recorded.", "field"
                )
            assert purpose is not None
            await record_reveal(session, reader, type_name, row.id, kind.value, purpose)
            return value

        value, errors = await run_guarded(info, input, reveal)
        return IdentifierRevealPayload(value=value, errors=errors)
