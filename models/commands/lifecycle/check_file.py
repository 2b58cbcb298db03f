"""Importing verification results from a CSV file (``application_id,item,result,checked_on,
note``): every line is read and checked first, errors naming the line; then all of it is
recorded in the caller's one transaction, through the same command as the API."""

from __future__ import annotations

import base64
import binascii
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.commands.lifecycle.checks import CheckEntry, import_source, record_checks
from models.enums import CheckResult, VerificationItem
from models.errors import DomainError, ErrorCode, Problem

COLUMNS = ("application_id", "item", "result", "checked_on", "note")
_TYPE = "AssistanceApplication"


def _application_id(value: str) -> int | None:
    """The number, or the API's global id of an assistance application."""
    text = value.strip()
    if text.isdigit():
        return int(text) or None
    try:
        kind, _, number = base64.b64decode(text, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(number) if kind == _TYPE and number.isdigit() and int(number) else None


def _choice(value: str, allowed: Iterable[str]) -> str | None:
    text = value.strip().lower()
    return text if text in allowed else None


@dataclass(frozen=True)
class CheckFile:
    """The entries of a file by application, in the order the file gives them."""

    entries: dict[int, list[CheckEntry]]

    @property
    def lines(self) -> int:
        return sum(len(e) for e in self.entries.values())


def parse_check_file(content: str) -> CheckFile:
    """Every line of the file, checked; a DomainError lists each bad line (nothing is read
    into the database before the whole file is good)."""
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise DomainError.one(
            ErrorCode.VALIDATION,
            f"line 1: the header must be {','.join(COLUMNS)} "
            f"(got {','.join(header) or 'nothing'}).",
        )
    problems: list[Problem] = []
    entries: dict[int, list[CheckEntry]] = {}
    items = [i.value for i in VerificationItem]
    results = [r.value for r in CheckResult]
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        at = f"line {number}"
        if len(row) != len(COLUMNS):
            problems.append(
                Problem(
                    ErrorCode.VALIDATION,
                    f"{at}: {len(row)} columns, expected {len(COLUMNS)} ({','.join(COLUMNS)}).",
                )
            )
            continue
        raw_id, raw_item, raw_result, raw_date, note = row
        found: list[str] = []
        application = _application_id(raw_id)
        if application is None:
            found.append(f"application_id {raw_id!r} is not an application's number or id")
        item = _choice(raw_item, items)
        if item is None:
            found.append(f"item {raw_item!r} is not one of {', '.join(items)}")
        result = _choice(raw_result, results)
        if result is None:
            found.append(f"result {raw_result!r} is not one of {', '.join(results)}")
        checked_on = None
        if raw_date.strip():
            try:
                checked_on = date.fromisoformat(raw_date.strip())
            except ValueError:
                found.append(f"checked_on {raw_date!r} is not a date (YYYY-MM-DD)")
        if found:
            problems.append(Problem(ErrorCode.VALIDATION, f"{at}: {'; '.join(found)}."))
            continue
        assert application is not None
        assert item is not None
        assert result is not None
        entries.setdefault(application, []).append(
            CheckEntry(
                VerificationItem(item), CheckResult(result), checked_on, note or None, label=at
            )
        )
    if problems:
        raise DomainError(problems)
    if not entries:
        raise DomainError.one(ErrorCode.REQUIRED, "The file has no lines after its header.")
    return CheckFile(entries)


async def import_check_file(session: AsyncSession, checks: CheckFile, *, file_name: str) -> int:
    """Record every application's entries; all problems are gathered, then raised (the
    caller's transaction then writes nothing). Returns how many checks were recorded."""
    problems: list[Problem] = []
    for application_id, entries in checks.entries.items():
        try:
            await record_checks(
                session,
                application_id,
                entries,
                source=import_source(file_name),
                label=f"{entries[0].label} (application {application_id})",
            )
        except DomainError as err:
            problems += err.problems
    if problems:
        raise DomainError(problems)
    return checks.lines
