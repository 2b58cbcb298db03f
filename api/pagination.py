"""Cursor connections over any table: keyset pagination by id, page size capped."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from sqlmodel import col
from strawberry import relay
from strawberry.utils.str_converters import to_camel_case

from api.context import Info
from api.ids import filter_id
from models.base import Table

N = TypeVar("N")
T = TypeVar("T", bound=Table)

_PREFIX = "cursor:"


@strawberry.type(description="An item of a list and the cursor after which the next page starts.")
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type(description="One page of a list; ask `totalCount` only when you need it.")
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: relay.PageInfo
    count_query: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole filtered list has.")
    async def total_count(self) -> int:
        return await self.count_query()

    @strawberry.field(description="The items of this page (the nodes of `edges`).")
    def nodes(self) -> list[N]:
        return [edge.node for edge in self.edges]


def filter_conditions(
    model: Any, filters: Any, ids: dict[str, str], plain: tuple[str, ...] = ()
) -> list[Any]:
    """Conditions from a list's filter input: global-id fields (attribute -> type name)
    decoded, plain fields compared; fields left null add nothing."""
    where: list[Any] = []
    for name, type_name in ids.items():
        value = getattr(filters, name, None)
        if value is not None:
            label = f"filter.{to_camel_case(name)}"
            where.append(getattr(model, name) == filter_id(value, type_name, label))
    for name in plain:
        value = getattr(filters, name, None)
        if value is not None:
            where.append(getattr(model, name) == value)
    return where


def encode_cursor(row_id: int) -> str:
    return base64.b64encode(f"{_PREFIX}{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        return int(text.removeprefix(_PREFIX))
    except ValueError:
        raise GraphQLError(
            "after: not a cursor of this list; pass an `endCursor` or `cursor` you received."
        ) from None


def page_size(info: Info, first: int | None) -> int:
    settings = info.context.settings
    if first is None:
        return settings.default_page_size
    if not 1 <= first <= settings.max_page_size:
        raise GraphQLError(f"first: must be between 1 and {settings.max_page_size} (got {first}).")
    return first


async def paginate(
    info: Info,
    model: type[T],
    where: Sequence[Any],
    to_node: Callable[[T], N],
    *,
    first: int | None,
    after: str | None,
) -> Connection[N]:
    """A page of ``model`` rows matching ``where`` and the request's scope, in id order."""
    size = page_size(info, first)
    where = [*where, *info.context.scope.read(model)]
    stmt = sa.select(model).where(*where)
    if after is not None:
        stmt = stmt.where(col(model.id) > decode_cursor(after))
    stmt = stmt.order_by(col(model.id)).limit(size + 1)
    async with info.context.session_factory() as session:
        rows = list((await session.execute(stmt)).scalars())
    has_next = len(rows) > size
    rows = rows[:size]
    info.context.loaders.prime(rows)
    edges = [Edge(cursor=encode_cursor(r.id), node=to_node(r)) for r in rows]  # type: ignore[arg-type]

    async def count() -> int:
        count_stmt = sa.select(sa.func.count()).select_from(model).where(*where)
        async with info.context.session_factory() as session:
            return int((await session.execute(count_stmt)).scalar_one())

    return Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_query=count,
    )
