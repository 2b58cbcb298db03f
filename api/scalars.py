"""Scalars and small value types shared by the domain modules: Money, DateTime, GeoPoint,
WeeklySlot."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NewType

import strawberry
from graphql import FloatValueNode, GraphQLError, IntValueNode, StringValueNode, ValueNode
from strawberry import UNSET

from api.enums import DayPartEnum
from models.enums import DayPart

_MONEY = re.compile(r"^-?\d{1,15}(\.\d{1,2})?$")


def parse_money(value: Any) -> int:
    """A decimal string of yuan (``"1234.50"``) as integer fen; at most two decimals."""
    if isinstance(value, bool | float):
        raise ValueError('Money must be sent as a decimal string such as "1234.50" (not a float).')
    text = str(value).strip()
    if not _MONEY.match(text):
        raise ValueError(
            f'Money must be a decimal string of yuan with at most 2 decimals, e.g. "1234.50"; '
            f"got {text!r}."
        )
    try:
        return int(Decimal(text) * 100)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes this
        raise ValueError(f"Not an amount of money: {text!r}.") from None


def format_money(fen: int) -> str:
    """Integer fen as a decimal string of yuan with two decimals."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


def _money_literal(node: ValueNode, _variables: Any = None) -> int:
    # A GraphQLError reaches the client as it is; a ValueError here would be masked as a
    # server error (validation keeps it as the original error).
    if isinstance(node, StringValueNode | IntValueNode | FloatValueNode):
        try:
            return parse_money(node.value)
        except ValueError as exc:
            raise GraphQLError(str(exc)) from None
    raise GraphQLError('Money must be a decimal string such as "1234.50".')


Money = NewType("Money", int)
"""Integer fen inside; a decimal string of yuan in GraphQL (see ``SCALARS``)."""

MONEY_SCALAR = strawberry.scalar(
    name="Money",
    description='An amount in yuan as a decimal string with two decimals, e.g. "3155300.00" '
    "(stored as integer fen; never a float).",
    serialize=format_money,
    parse_value=parse_money,
    parse_literal=_money_literal,
)


def parse_datetime(value: Any) -> datetime:
    """An ISO 8601 date and time with its offset; one without is ambiguous (8:00 where?)."""
    if not isinstance(value, str):
        raise GraphQLError(f'Value cannot represent a DateTime: "{value}". Expected a string.')
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise GraphQLError(f'Value cannot represent a DateTime: "{value}". {exc}') from None
    if parsed.tzinfo is None:
        raise GraphQLError(
            f'Value cannot represent a DateTime: "{value}". Give its time zone offset, e.g. '
            '"2026-01-01T08:00:00+08:00".'
        )
    return parsed


DATETIME_SCALAR = strawberry.scalar(
    name="DateTime",
    description="Date with time (isoformat)",
    serialize=datetime.isoformat,
    parse_value=parse_datetime,
)
"""Strawberry's DateTime, refusing input without a time zone offset (stored times are UTC:
a naive one cannot be placed, and the database layer refuses it with an internal error)."""

SCALARS: dict[object, Any] = {Money: MONEY_SCALAR, datetime: DATETIME_SCALAR}
"""Custom scalars for ``StrawberryConfig.scalar_map``."""


@strawberry.type(description="A point on the map (WGS-84 degrees).")
class GeoPoint:
    latitude: float
    longitude: float


@strawberry.input(description="A point on the map (WGS-84 degrees).")
class GeoPointInput:
    latitude: float
    longitude: float


def point(latitude: float | None, longitude: float | None) -> GeoPoint | None:
    """A GeoPoint, or None when the point is not set."""
    if latitude is None or longitude is None:
        return None
    return GeoPoint(latitude=latitude, longitude=longitude)


def point_values(value: GeoPointInput | None, prefix: str = "") -> dict[str, float | None]:
    """Flatten a point input into ``<prefix>latitude`` / ``<prefix>longitude`` attributes."""
    return {
        f"{prefix}latitude": value.latitude if value else None,
        f"{prefix}longitude": value.longitude if value else None,
    }


def point_changes(
    value: GeoPointInput | object | None, prefix: str = ""
) -> dict[str, float | None]:
    """Like :func:`point_values` for an update: nothing when the client did not send the point."""
    if value is UNSET:
        return {}
    return point_values(value if isinstance(value, GeoPointInput) else None, prefix)


@strawberry.type(description="A weekly slot: weekday 0 = Monday ... 6 = Sunday, part of day.")
class WeeklySlot:
    weekday: int
    day_part: DayPartEnum  # type: ignore[valid-type]


@strawberry.input(description="A weekly slot: weekday 0 = Monday ... 6 = Sunday, part of day.")
class WeeklySlotInput:
    weekday: int
    day_part: DayPartEnum  # type: ignore[valid-type]


def slots_in(values: list[WeeklySlotInput] | None) -> list[tuple[int, DayPart]] | None:
    return None if values is None else [(s.weekday, s.day_part) for s in values]
