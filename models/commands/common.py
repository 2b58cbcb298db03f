"""Checks several entities share: uniqueness within a parent, weekly slots, deactivation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Table
from models.commands.crud import Check, EntitySpec, update
from models.enums import DayPart
from models.errors import DomainError, ErrorCode
from models.validation import Checker

T = TypeVar("T", bound=Table)

Slot = tuple[int, DayPart]


async def ensure_unique(
    session: AsyncSession,
    checker: Checker,
    model: type[Table],
    where: dict[str, Any],
    *,
    exclude_id: int | None,
    label: str,
    message: str,
) -> None:
    """Add a DUPLICATE problem when another row of ``model`` matches every ``where`` value."""
    stmt = sa.select(model.id)  # type: ignore[call-overload]
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    if (await session.execute(stmt.limit(1))).first() is not None:
        checker.add(ErrorCode.DUPLICATE, message, label)


def unique_name(model: type[Table], *, within: str | None, message: str) -> Check:
    """An entity rule: ``name`` is unique (within the parent ``within``, if given).

    ``message`` may use ``{name}``.
    """

    async def check(
        session: AsyncSession, checker: Checker, values: dict[str, Any], row: Any
    ) -> None:
        where = {"name": values["name"]}
        if within is not None:
            where[within] = values[within]
        await ensure_unique(
            session,
            checker,
            model,
            where,
            exclude_id=row.id if row is not None else None,
            label="name",
            message=message.format(name=repr(values["name"])),
        )

    return check


def weekly_slots(slots: Iterable[Slot], label: str) -> list[dict[str, Any]]:
    """Distinct (weekday, part of day) rows; weekday 0 = Monday ... 6 = Sunday."""
    rows: list[dict[str, Any]] = []
    seen: set[Slot] = set()
    for weekday, part in slots:
        if not 0 <= weekday <= 6:
            raise DomainError.one(
                ErrorCode.VALIDATION,
                f"{label}: weekday must be 0 (Monday) to 6 (Sunday), got {weekday}.",
                label,
            )
        if (weekday, part) not in seen:
            seen.add((weekday, part))
            rows.append({"weekday": weekday, "day_part": part})
    return rows


def value_rows(column: str, values: Sequence[Any]) -> list[dict[str, Any]]:
    """Child rows of one column from a list of distinct values."""
    return [{column: v} for v in dict.fromkeys(values)]


async def set_active(
    session: AsyncSession,
    spec: EntitySpec[T],
    row_id: int,
    *,
    active: bool,
    expected_version: int | None = None,
) -> T:
    """Deactivate (or reactivate) one row; the entity's own rules may refuse."""
    return await update(
        session, spec, row_id, {"active": active}, expected_version=expected_version
    )
