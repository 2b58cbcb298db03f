"""Every mutation runs through :func:`run_guarded`: each id its input names must be a row the
principal may change (``Scope.write``), checked in the mutation's own transaction before the
command runs. An id out of scope gets the same NOT_FOUND as an id of no row at all.

The ids are found from the input types themselves (every field typed ``ID``, at any depth, in
lists too), so a new mutation is guarded without a line of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from functools import cache
from typing import Any, TypeVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import UNSET, relay
from strawberry.types.base import (
    StrawberryList,
    StrawberryOptional,
    get_object_definition,
    has_object_definition,
)
from strawberry.utils.str_converters import to_camel_case

from access.scope import ROW_CHECKS, Scope
from api.context import Info
from api.entity import Entity
from api.errors import UserError, run_command
from models.base import Table
from models.errors import DomainError, ErrorCode, Problem

R = TypeVar("R")


def _is_id(annotation: Any) -> bool:
    while isinstance(annotation, StrawberryOptional | StrawberryList):
        annotation = annotation.of_type
    return annotation is strawberry.ID


def named_ids(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(input path, global id) for every ID an input object holds, at any depth."""
    if not has_object_definition(value):
        return
    for field in get_object_definition(value, strict=True).fields:
        item = getattr(value, field.python_name, None)
        if item is None or item is UNSET:
            continue
        label = f"{path}{field.graphql_name or to_camel_case(field.python_name)}"
        items = list(enumerate(item)) if isinstance(item, list) else [(None, item)]
        for index, element in items:
            where = label if index is None else f"{label}[{index}]"
            if _is_id(field.type) and isinstance(element, str):
                yield where, element
            else:
                yield from named_ids(element, f"{where}.")


@cache
def _models() -> dict[str, type[Table]]:
    """Every GraphQL object type backed by a table, by its name (all are ``Entity``)."""
    found: dict[str, type[Table]] = {}
    pending: list[type[Entity]] = list(Entity.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        definition = get_object_definition(cls)
        if definition is not None and not definition.is_interface:
            found[definition.name] = cls.model
    return found


async def check_scope(session: AsyncSession, scope: Scope, ids: list[tuple[str, str]]) -> None:
    """NOT_FOUND for each named id that is no row the scope may change (all at once)."""
    wanted: dict[type[Table], dict[int, list[tuple[str, str]]]] = {}
    for label, value in ids:
        try:
            gid = relay.GlobalID.from_id(value)
            number = int(gid.node_id)
        except ValueError:
            continue  # malformed: the command reports it where it reads the id
        model = _models().get(gid.type_name)
        if model is not None:
            wanted.setdefault(model, {}).setdefault(number, []).append((label, gid.type_name))
    problems: list[Problem] = []
    for model, by_id in wanted.items():
        check = ROW_CHECKS.get(model)  # rows only where a check needs them: ids are enough
        key: Any = model.id
        stmt = sa.select(model if check else key).where(key.in_(list(by_id)), *scope.write(model))
        found = (await session.execute(stmt)).scalars()
        allowed = (
            {row.id for row in found if await check(session, scope, row)} if check else set(found)
        )
        for number, uses in by_id.items():
            if number not in allowed:
                problems += [
                    Problem(ErrorCode.NOT_FOUND, f"{label}: no {name} with this id exists.", label)
                    for label, name in uses
                ]
    if problems:
        raise DomainError(problems)


async def run_guarded(
    info: Info, input: Any, action: Callable[[AsyncSession], Awaitable[R]]
) -> tuple[R | None, list[UserError]]:
    """``action`` in one transaction, after checking the scope of the ids ``input`` names."""
    ids = list(named_ids(input))
    scope = info.context.scope

    async def guarded(session: AsyncSession) -> R:
        if ids:
            await check_scope(session, scope, ids)
        return await action(session)

    return await run_command(info.context.session_factory, guarded)
