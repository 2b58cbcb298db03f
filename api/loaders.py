"""Per-request DataLoaders: every relation is fetched in batches, one query per batch.

Each batch uses a session of its own: sibling fields resolve concurrently, and one
``AsyncSession`` must never be used by two tasks at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from strawberry.dataloader import DataLoader

from access.scope import Scope
from models.base import Table
from models.db import SessionFactory

T = TypeVar("T", bound=Table)


class Loaders:
    """The request's loaders, made on first use: by id, and children by a foreign key.

    Every load sees only the rows of ``scope``: a row out of scope is missing (None, or left
    out of a list of children), however it was reached.
    """

    def __init__(self, factory: SessionFactory, scope: Scope) -> None:
        self._factory = factory
        self._scope = scope
        self._by_id: dict[type[Table], DataLoader[int, Any]] = {}
        self._children: dict[tuple[type[Table], str], DataLoader[int, Any]] = {}

    def by_id(self, model: type[T]) -> DataLoader[int, T | None]:
        """Rows of ``model`` by primary key (None where there is none)."""
        loader = self._by_id.get(model)
        if loader is None:

            async def load(keys: Sequence[int]) -> list[T | None]:
                rows = await self._select(model, model.id, keys)
                found = {row.id: row for row in rows}
                return [found.get(k) for k in keys]

            loader = self._by_id[model] = DataLoader(load_fn=load)
        return cast(DataLoader[int, T | None], loader)

    def children(self, model: type[T], column: str) -> DataLoader[int, list[T]]:
        """Rows of ``model`` whose ``column`` equals the key, in id order."""
        key = (model, column)
        loader = self._children.get(key)
        if loader is None:

            async def load(keys: Sequence[int]) -> list[list[T]]:
                rows = await self._select(model, getattr(model, column), keys)
                grouped: dict[int, list[T]] = defaultdict(list)
                for row in rows:
                    grouped[getattr(row, column)].append(row)
                return [grouped.get(k, []) for k in keys]

            loader = self._children[key] = DataLoader(load_fn=load)
        return cast(DataLoader[int, list[T]], loader)

    def prime(self, rows: Sequence[Table]) -> None:
        """Remember rows a list query fetched (in scope), so relations to them cost no query."""
        for row in rows:
            assert row.id is not None
            self.by_id(type(row)).prime(row.id, row)

    async def _select(self, model: type[T], column: Any, keys: Sequence[int]) -> list[T]:
        async with self._factory() as session:
            result = await session.execute(
                sa.select(model)
                .where(column.in_(keys), *self._scope.read(model))
                .order_by(model.id)  # type: ignore[arg-type]
            )
            return list(result.scalars())
