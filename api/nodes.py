"""Turning table rows into GraphQL objects, and the input helpers every domain module uses."""

from __future__ import annotations

from collections.abc import Hashable
from functools import cache
from typing import Any, TypeVar, cast

from strawberry import UNSET
from strawberry.types.base import get_object_definition

N = TypeVar("N")


@cache
def _plain_fields(cls: Any) -> tuple[str, ...]:
    definition = get_object_definition(cls, strict=True)
    return tuple(
        f.python_name
        for f in definition.fields
        if f.base_resolver is None and f.python_name not in ("row", "id")
    )


def from_row(cls: type[N], row: Any, **extra: Any) -> N:
    """Build ``cls`` from a row: fields without a resolver are copied by name; ``row`` is kept."""
    names = _plain_fields(cast(Hashable, cls))
    values = {name: getattr(row, name) for name in names if name not in extra}
    factory: Any = cls
    node: N = factory(id=row.id, row=row, **values, **extra)
    return node


def given(source: Any, *names: str) -> dict[str, Any]:
    """The input's attributes among ``names`` that the client set (UNSET ones are left out)."""
    result: dict[str, Any] = {}
    for name in names:
        value = getattr(source, name, UNSET)
        if value is not UNSET:
            result[name] = value
    return result


def maybe(value: Any) -> Any:
    """``None`` for UNSET, else the value (for optional collections on update)."""
    return None if value is UNSET else value
