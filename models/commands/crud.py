"""Create, update and deactivate any entity from a declarative spec of its fields.

One piece of code validates, checks references, applies optimistic locking and writes, for
every entity; an entity adds only its own rules (``EntitySpec.check``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Table, utcnow
from models.encrypted import with_lookup_hashes
from models.errors import DomainError, ErrorCode
from models.validation import Checker, Rule

T = TypeVar("T", bound=Table)


@dataclass(frozen=True)
class FieldSpec:
    """How one attribute is validated; ``label`` is its input path in error messages."""

    label: str
    rule: Rule
    required: bool = True


@dataclass(frozen=True)
class Reference:
    """An attribute holding the id of a row of ``model`` that must exist."""

    model: type[Table]
    noun: str
    label: str


Check = Callable[[AsyncSession, Checker, dict[str, Any], Any], Awaitable[None]]
"""Entity rules: (session, checker, merged values, existing row or None) -> adds problems."""


async def _no_check(
    _session: AsyncSession, _checker: Checker, _values: dict[str, Any], _row: Any
) -> None:
    return None


@dataclass(frozen=True)
class EntitySpec(Generic[T]):
    model: type[T]
    noun: str
    fields: Mapping[str, FieldSpec]
    references: Mapping[str, Reference] = field(default_factory=dict)
    check: Check = _no_check


async def get_or_raise(
    session: AsyncSession, model: type[T], row_id: int, *, noun: str, label: str = "id"
) -> T:
    """The row with ``row_id``, or a NOT_FOUND problem on ``label``."""
    row = await session.get(model, row_id)
    if row is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, f"No {noun} with this id exists.", label)
    return row


def _nullable(model: type[Table], name: str) -> bool:
    column = model.__table__.c.get(name)  # type: ignore[attr-defined]
    return column is None or bool(column.nullable)


def _camel(name: str) -> str:
    head, *rest = name.removesuffix("_id").split("_")
    return head + "".join(part.title() for part in rest) + ("Id" if name.endswith("_id") else "")


def _validate(
    spec: EntitySpec[T], values: Mapping[str, Any], checker: Checker, *, creating: bool
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in values.items():
        fspec = spec.fields.get(name)
        if fspec is None:  # references, enums and flags: typed by the API, only nullness to check
            if value is None and not _nullable(spec.model, name):
                label = _camel(name)
                checker.add(ErrorCode.REQUIRED, f"{label} cannot be null.", label)
            clean[name] = value
        elif value is None:
            if fspec.required:
                checker.add(ErrorCode.REQUIRED, f"{fspec.label} is required.", fspec.label)
            clean[name] = None
        else:
            clean[name] = checker.apply(fspec.rule, value, fspec.label)
    if creating:
        for name, fspec in spec.fields.items():
            if fspec.required and name not in values:
                checker.add(ErrorCode.REQUIRED, f"{fspec.label} is required.", fspec.label)
    return clean


async def check_references(
    session: AsyncSession,
    references: Mapping[str, Reference],
    values: Mapping[str, Any],
    checker: Checker,
) -> None:
    """Add a NOT_FOUND problem for each referenced id that has no row."""
    for name, ref in references.items():
        ref_id = values.get(name)
        if ref_id is not None and await session.get(ref.model, ref_id) is None:
            checker.add(
                ErrorCode.NOT_FOUND, f"{ref.label}: no {ref.noun} with this id exists.", ref.label
            )


async def create(session: AsyncSession, spec: EntitySpec[T], values: Mapping[str, Any]) -> T:
    """Validate ``values`` (attribute -> value) and insert a row; DomainError lists all problems."""
    checker = Checker()
    clean = _validate(spec, values, checker, creating=True)
    await check_references(session, spec.references, clean, checker)
    if not checker.problems:
        await spec.check(session, checker, clean, None)
    checker.raise_if_any()
    row = spec.model(**clean)
    session.add(row)
    await session.flush()
    return row


def check_version(row: Any, expected_version: int | None, noun: str) -> None:
    """CONFLICT when the caller read an older version than the stored one."""
    if expected_version is not None and expected_version != row.version:
        raise DomainError.one(
            ErrorCode.CONFLICT,
            f"This {noun} was changed by someone else (version {row.version}, you had "
            f"{expected_version}); reload it and apply your change again.",
            "expectedVersion",
        )


async def write_changes(
    session: AsyncSession, row: T, changes: Mapping[str, Any], *, noun: str
) -> T:
    """One conditional UPDATE (``WHERE version = <read version>``) so no edit is ever lost.

    A changed encrypted value gets its new lookup hash in the same UPDATE."""
    model = type(row)
    values = with_lookup_hashes(model.__table__, changes)  # type: ignore[attr-defined]
    stmt = sa.update(model).where(model.id == row.id)  # type: ignore[arg-type]
    if hasattr(row, "version"):
        stmt = stmt.where(model.version == row.version)  # type: ignore[attr-defined]
        values["version"] = row.version + 1
    values["updated_at"] = utcnow()
    result = await session.execute(
        stmt.values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError.one(
            ErrorCode.CONFLICT,
            f"This {noun} was changed by someone else at the same time; reload and retry.",
            "expectedVersion",
        )
    for name, value in values.items():
        setattr(row, name, value)
    return row


async def update(
    session: AsyncSession,
    spec: EntitySpec[T],
    row_id: int,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    touch: bool = False,
) -> T:
    """Validate and apply ``changes`` (only the attributes given) to one row.

    Values equal to the stored ones are no change; with nothing changed the row (and its
    version) stays as it is, unless ``touch`` says that something beside it changed (e.g. a
    volunteer's skills) and the version must move.
    """
    row = await get_or_raise(session, spec.model, row_id, noun=spec.noun)
    check_version(row, expected_version, spec.noun)
    checker = Checker()
    clean = _validate(spec, changes, checker, creating=False)
    await check_references(session, spec.references, clean, checker)
    if not checker.problems:
        merged = {**row.model_dump(), **clean}
        await spec.check(session, checker, merged, row)
    checker.raise_if_any()
    changed = {name: value for name, value in clean.items() if getattr(row, name) != value}
    if not changed and not touch:
        return row
    return await write_changes(session, row, changed, noun=spec.noun)


async def replace_children(
    session: AsyncSession,
    model: type[Table],
    parent_column: str,
    parent_id: int,
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Replace a parent's set of child rows (skills, languages, slots...) with ``rows``."""
    column = getattr(model, parent_column)
    await session.execute(sa.delete(model).where(column == parent_id))
    if rows:
        now = utcnow()
        await session.execute(
            sa.insert(model),
            [{parent_column: parent_id, "created_at": now, "updated_at": now, **r} for r in rows],
        )
