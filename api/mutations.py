"""Mutation factories: every mutation is ``input`` -> one transaction -> ``{object, errors}``.

(No ``from __future__ import annotations`` here: strawberry reads the resolvers' annotations,
which name classes passed in at run time.)
"""

import re
from collections.abc import Awaitable, Callable
from typing import Any, Optional, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Info
from api.errors import UserError
from api.guard import run_guarded
from api.ids import decode_id
from api.nodes import from_row
from models.base import Table
from models.commands import crud
from models.commands.common import set_active
from models.commands.crud import EntitySpec

T = TypeVar("T", bound=Table)
Action = Callable[[AsyncSession, Any], Awaitable[Table]]


@strawberry.input(description="Which object to deactivate, and the version you last read.")
class DeactivateInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse if the object changed since you read this version."
    )


async def apply_update(
    session: AsyncSession,
    spec: EntitySpec[T],
    type_name: str,
    data: Any,
    changes: dict[str, Any],
    *,
    touch: bool = False,
) -> T:
    """Apply an update input's ``changes`` to the object its ``id`` names, version-checked."""
    return await crud.update(
        session,
        spec,
        decode_id(data.id, type_name),
        changes,
        expected_version=data.expected_version,
        touch=touch,
    )


def _field_name(graphql_name: str) -> str:
    return graphql_name[0].lower() + graphql_name[1:]


def _snake(graphql_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", graphql_name).lower()


def payload_type(node_cls: type[Any], graphql_name: str) -> type[Any]:
    """``<Name>Payload { <name>: <Name>, errors: [UserError!]! }``."""
    attr = _snake(graphql_name)
    cls = type(
        f"{graphql_name}Payload",
        (),
        {
            "__annotations__": {attr: Optional[node_cls], "errors": list[UserError]},  # noqa: UP045
            "__doc__": f"The {_field_name(graphql_name)} (null when errors) and what to fix.",
        },
    )
    return strawberry.type(cls, name=f"{graphql_name}Payload")


def mutation(
    node_cls: type[Any],
    payload_cls: type[Any],
    input_cls: type[Any],
    action: Action,
    *,
    description: str,
) -> Any:
    """A mutation field running ``action(session, input)`` in one transaction."""
    attr = next(name for name in payload_cls.__annotations__ if name != "errors")

    async def resolve(info: Info, input: input_cls) -> payload_cls:  # type: ignore[valid-type]
        row, errors = await run_guarded(info, input, lambda session: action(session, input))
        node = from_row(node_cls, row) if row is not None else None
        return payload_cls(**{attr: node, "errors": errors})  # type: ignore[no-any-return]

    return strawberry.mutation(resolver=resolve, description=description)


def deactivate_mutation(
    node_cls: type[Any], payload_cls: type[Any], spec: EntitySpec[Any], graphql_name: str
) -> Any:
    """``<name>Deactivate``: mark the object inactive (it stays in history; update reactivates)."""

    async def action(session: AsyncSession, data: DeactivateInput) -> Table:
        row_id = decode_id(data.id, graphql_name)
        return await set_active(
            session, spec, row_id, active=False, expected_version=data.expected_version
        )

    return mutation(
        node_cls,
        payload_cls,
        DeactivateInput,
        action,
        description=f"Deactivate a {spec.noun}: it is kept, with its history, but no longer "
        "offered for new work. Reactivate with the update mutation (`active: true`).",
    )
