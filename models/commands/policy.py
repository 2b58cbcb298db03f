"""The policy in the database: seeding it from the district's file, reading it as of a
revision, and changing it (appending rows; nothing is ever rewritten)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment import (
    REQUIRED,
    ParameterValue,
    Policy,
    PolicySnapshot,
    default_policy,
    load_policy,
    parse_value,
)
from models.actor import current_actor
from models.db import SessionFactory, transaction
from models.errors import DomainError, ErrorCode, Problem
from models.policy import PolicyParameter
from models.validation import Checker, text

Value = int | Fraction


def value_text(value: Value) -> str:
    """The exact stored form: "145000" or "3/2"."""
    return str(value)


@dataclass(frozen=True)
class StoredPolicy:
    """The policy made of the rows up to ``revision`` (the highest row id included)."""

    policy: Policy
    revision: int

    def as_of(self, on: date, *, field: str = "on") -> PolicySnapshot:
        """The parameters in force on ``on``; a DomainError on ``field`` when none were yet."""
        try:
            return self.policy.as_of(on)
        except ValueError as err:
            raise DomainError.one(ErrorCode.VALIDATION, f"{field}: {err}", field) from None


def _parameter(row: PolicyParameter) -> ParameterValue:
    return ParameterValue(
        name=row.name,
        effective=row.effective_on,
        recorded=row.recorded_on,
        value=parse_value(row.value, f"policy_parameter {row.id}"),
        note=row.note,
    )


async def policy_rows(session: AsyncSession, revision: int | None = None) -> list[PolicyParameter]:
    stmt = sa.select(PolicyParameter).order_by(col(PolicyParameter.id))
    if revision is not None:
        stmt = stmt.where(col(PolicyParameter.id) <= revision)
    return list((await session.execute(stmt)).scalars())


async def stored_policy(session: AsyncSession, revision: int | None = None) -> StoredPolicy:
    """The policy as of ``revision`` (None: every row). A DomainError when nothing is stored."""
    rows = await policy_rows(session, revision)
    if not rows:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            "No policy parameters are stored: load the district's policy file first "
            "(`bangfu policy import FILE`, or start the service once).",
        )
    last = max(r.id or 0 for r in rows)
    return StoredPolicy(Policy(f"r{last}", tuple(_parameter(r) for r in rows)), last)


async def import_policy(session: AsyncSession, policy: Policy, *, source: str) -> int:
    """Append the rows of ``policy`` (a file) that are not stored yet; returns how many.

    A row with the same parameter and dates as a stored one must have the same value: a file
    cannot rewrite history (add a correction row with a later ``recorded`` date instead).
    """
    stored = {(r.name, r.effective_on, r.recorded_on): r.value for r in await policy_rows(session)}
    new: list[PolicyParameter] = []
    problems: list[Problem] = []
    for p in policy.rows:
        key = (p.name, p.effective, p.recorded)
        if key in stored:
            if parse_value(stored[key], p.name) != p.value:
                problems.append(
                    Problem(
                        ErrorCode.CONFLICT,
                        f"{p.name} effective {p.effective} recorded {p.recorded} is stored as "
                        f"{stored[key]}, the file says {value_text(p.value)}: add a correction "
                        "row with a later recorded date instead of editing an old one.",
                    )
                )
            continue
        new.append(_stored_row(p, source=source))
    if problems:
        raise DomainError(problems)
    await _append(session, new)
    return len(new)


def _stored_row(p: ParameterValue, *, source: str) -> PolicyParameter:
    return PolicyParameter(
        name=p.name,
        effective_on=p.effective,
        recorded_on=p.recorded,
        value=value_text(p.value),
        note=p.note,
        source=source,
        recorded_by=current_actor(),
    )


async def _append(session: AsyncSession, rows: Sequence[PolicyParameter]) -> None:
    if not rows:
        return
    everything = [*(await policy_rows(session)), *rows]
    try:
        Policy("check", tuple(_parameter(r) for r in everything))
    except ValueError as err:
        raise DomainError.one(ErrorCode.VALIDATION, str(err)) from None
    session.add_all(rows)
    await session.flush()


async def seed_policy(session: AsyncSession, policy: Policy, *, numbered: bool = False) -> int:
    """Load ``policy`` when no parameter is stored yet (a new installation); else nothing.

    ``numbered`` gives the rows ids 1, 2, ... (the demo loader, whose rows all carry fixed ids
    so that a seed always gives the same database; it moves the id sequences on afterwards).
    """
    if (await session.execute(sa.select(col(PolicyParameter.id)).limit(1))).first() is not None:
        return 0
    rows = [_stored_row(p, source=f"file:{policy.version}") for p in policy.rows]
    if numbered:
        for number, row in enumerate(rows, start=1):
            row.id = number
    await _append(session, rows)
    return len(rows)


def configured_policy(policy_file: str | None) -> Policy:
    """The policy file of the settings (``BANGFU_POLICY_FILE``), or the packaged default."""
    return load_policy(policy_file) if policy_file else default_policy()


async def ensure_policy(factory: SessionFactory, policy_file: str | None) -> int:
    """At start-up: store the configured policy if the database has none yet."""
    for attempt in range(2):
        try:
            async with transaction(factory) as session:
                return await seed_policy(session, configured_policy(policy_file))
        except IntegrityError:  # another process seeded it at the same moment
            if attempt:
                raise
    return 0


@dataclass(frozen=True)
class NewValue:
    name: str
    value: str


async def change_policy(
    session: AsyncSession,
    *,
    effective_on: date,
    values: Iterable[NewValue],
    note: str,
    today: date | None = None,
) -> list[PolicyParameter]:
    """New values from ``effective_on``, recorded today; all or nothing. Values that must
    agree (the weights sum to 1) are changed together in one call."""
    recorded = today or date.today()
    checker = Checker()
    clean_note = checker.apply(text(max_length=500), note, "note")
    rows: list[ParameterValue] = []
    seen: set[str] = set()
    for index, item in enumerate(values):
        at = f"values.{index}"
        if item.name not in REQUIRED:
            checker.add(
                ErrorCode.VALIDATION,
                f"{at}.name: {item.name!r} is not a policy parameter (see policyParameters)",
                f"{at}.name",
            )
            continue
        if item.name in seen:
            checker.add(ErrorCode.VALIDATION, f"{at}.name: {item.name} given twice", f"{at}.name")
            continue
        seen.add(item.name)
        try:
            rows.append(
                ParameterValue(
                    name=item.name,
                    effective=effective_on,
                    recorded=recorded,
                    value=parse_value(item.value, item.name),
                    note=clean_note or "",
                )
            )
        except ValueError as err:
            checker.add(ErrorCode.VALIDATION, f"{at}.value: {err}", f"{at}.value")
    if not seen and not checker.problems:
        checker.add(ErrorCode.REQUIRED, "values: give at least one parameter", "values")
    checker.raise_if_any()
    taken = (
        await session.execute(
            sa.select(col(PolicyParameter.name)).where(
                col(PolicyParameter.name).in_(seen),
                col(PolicyParameter.effective_on) == effective_on,
                col(PolicyParameter.recorded_on) == recorded,
            )
        )
    ).scalars()
    clashes = sorted(taken)
    if clashes:
        raise DomainError.one(
            ErrorCode.CONFLICT,
            f"{', '.join(clashes)} already changed today for {effective_on.isoformat()}: a "
            "further correction can be recorded tomorrow (history keeps one value per day).",
            "values",
        )
    stored = [_stored_row(r, source="api") for r in rows]
    await _append(session, stored)
    return stored
