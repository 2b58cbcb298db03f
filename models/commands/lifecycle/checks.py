"""Recording the results of an application's verification checks, entered by hand or imported
from a unit's file: all of a list or none of it, only while the application is verifying."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.actor import current_actor
from models.commands.lifecycle.applications import locked_application
from models.commands.lifecycle.status import EFFECTIVE
from models.enums import CheckResult, VerificationItem
from models.errors import ErrorCode
from models.lifecycle import AssistanceApplication, VerificationCheck
from models.validation import Checker, text

ENTERED = "entered"
_NOTE = text(max_length=500, required=False)
_SOURCE_LENGTH = 100


def import_source(file_name: str) -> str:
    """The ``source`` of checks imported from ``file_name``."""
    return f"import:{file_name}"[:_SOURCE_LENGTH]


@dataclass(frozen=True)
class CheckEntry:
    """One result to record; ``label`` names it in errors (``checks[2]``, ``line 3``)."""

    item: VerificationItem
    result: CheckResult
    checked_on: date | None
    note: str | None
    label: str


def _validate(
    application: AssistanceApplication, entries: Sequence[CheckEntry], checker: Checker
) -> list[tuple[CheckEntry, date | None, str]]:
    clean = []
    seen: dict[VerificationItem, str] = {}
    for entry in entries:
        at = entry.label
        if entry.item in seen:
            checker.add(
                ErrorCode.VALIDATION,
                f"{at}.item: {entry.item.value} is also given at {seen[entry.item]}; give each "
                "item once.",
                f"{at}.item",
            )
        seen.setdefault(entry.item, at)
        on = None
        if entry.checked_on is not None:
            on = checker.apply(EFFECTIVE, entry.checked_on, f"{at}.checkedOn")
            if on is not None and on < application.applied_on:
                checker.add(
                    ErrorCode.VALIDATION,
                    f"{at}.checkedOn: must not be before the application "
                    f"({application.applied_on.isoformat()}).",
                    f"{at}.checkedOn",
                )
        elif entry.result is not CheckResult.PENDING:
            checker.add(
                ErrorCode.REQUIRED,
                f"{at}.checkedOn: say when {entry.item.value} was "
                f"{entry.result.value} (YYYY-MM-DD).",
                f"{at}.checkedOn",
            )
        note = checker.apply(_NOTE, entry.note, f"{at}.note")
        clean.append((entry, on, note or ""))
    return clean


async def record_checks(
    session: AsyncSession,
    application_id: int,
    entries: Sequence[CheckEntry],
    *,
    source: str = ENTERED,
    expected_version: int | None = None,
    label: str = "applicationId",
) -> AssistanceApplication:
    """Set the results of some of an open application's checks; every problem of the list is
    reported at once (by each entry's label) and then nothing is written."""
    application = await locked_application(
        session, application_id, expected_version=expected_version, label=label
    )
    checker = Checker()
    if not entries:
        checker.add(ErrorCode.REQUIRED, "checks: give at least one result.", "checks")
    clean = _validate(application, entries, checker)
    checker.raise_if_any()
    rows = {
        c.item: c
        for c in (
            await session.execute(
                sa.select(VerificationCheck).where(
                    col(VerificationCheck.application_id) == application.id
                )
            )
        ).scalars()
    }
    actor = current_actor()
    for entry, on, note in clean:
        row = rows[entry.item]
        row.result = entry.result
        row.checked_on = on
        row.note = note
        row.source = source[:_SOURCE_LENGTH]
        row.recorded_by = actor
        row.version += 1
        session.add(row)
    application.version += 1  # its checks changed: a client holding an older view must reload
    session.add(application)
    await session.flush()
    return application
