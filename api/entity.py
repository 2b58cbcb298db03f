"""The ``Entity`` interface every stored object implements: a Relay node with timestamps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

import strawberry
from strawberry import relay

from api.context import Info
from api.nodes import from_row
from models.base import Table


@strawberry.interface(description="A stored object: a Relay node with creation and update times.")
class Entity(relay.Node):
    id: relay.NodeID[int]
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[Any]
    model: ClassVar[type[Table]]

    @classmethod
    async def resolve_nodes(
        cls,
        *,
        info: Info,
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Any]:
        keys: list[int] = []
        for node_id in node_ids:
            try:
                keys.append(int(node_id))
            except ValueError:
                keys.append(0)  # no row has id 0: a malformed id is simply not found
        rows = await info.context.loaders.by_id(cls.model).load_many(keys)
        return [from_row(cls, row) if row is not None else None for row in rows]


VERSION_DOC = "Increases with every change; send it as `expectedVersion` when updating."


async def load_node(info: Info, cls: type[Any], row_id: int | None) -> Any:
    """The node of ``cls`` for ``row_id`` through the request's loader (None for None)."""
    if row_id is None:
        return None
    row = await info.context.loaders.by_id(cls.model).load(row_id)
    return None if row is None else from_row(cls, row)


async def load_children(info: Info, cls: type[Any], column: str, parent_id: int) -> list[Any]:
    """Nodes of ``cls`` whose ``column`` points at ``parent_id``."""
    rows = await info.context.loaders.children(cls.model, column).load(parent_id)
    return [from_row(cls, row) for row in rows]
