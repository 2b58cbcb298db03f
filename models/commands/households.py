"""Commands on households and their assistance status (entry, exit, re-entry, changes)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.base import utcnow
from models.commands.crud import (
    EntitySpec,
    FieldSpec,
    Reference,
    check_version,
    create,
    get_or_raise,
    update,
    write_changes,
)
from models.elder import Elder
from models.enums import AssistanceStatus, StatusChangeKind
from models.errors import DomainError, ErrorCode
from models.geo import Community
from models.household import Household, HouseholdStatusChange, Person
from models.validation import Checker, latitude, longitude, past_date, text


async def _check_household(
    _session: AsyncSession, checker: Checker, values: dict[str, Any], row: Household | None
) -> None:
    if (
        row is not None
        and row.active
        and values.get("active") is False
        and (row.status is not AssistanceStatus.NONE)
    ):
        checker.add(
            ErrorCode.INVALID_STATE,
            f"This household is on {row.status.value} assistance: record its exit "
            "(householdStatusChange to NONE) before archiving it.",
            "id",
        )


HOUSEHOLD = EntitySpec(
    Household,
    "household",
    {
        "address": FieldSpec("address", text(max_length=256)),
        "latitude": FieldSpec("location.latitude", latitude),
        "longitude": FieldSpec("location.longitude", longitude),
    },
    references={"community_id": Reference(Community, "community", "communityId")},
    check=_check_household,
)


async def update_household(
    session: AsyncSession,
    household_id: int,
    changes: dict[str, Any],
    *,
    expected_version: int | None = None,
) -> Household:
    """Change a household's address, location, community or active flag (not its status).

    Elders keep a copy of their household's community (for list filters): a move updates it.
    """
    household = await update(
        session, HOUSEHOLD, household_id, changes, expected_version=expected_version
    )
    if "community_id" in changes:
        members = sa.select(col(Person.id)).where(col(Person.household_id) == household_id)
        await session.execute(
            sa.update(Elder)
            .where(
                col(Elder.person_id).in_(members),
                col(Elder.community_id) != household.community_id,
            )
            .values(
                community_id=household.community_id, version=Elder.version + 1, updated_at=utcnow()
            )
        )
    return household


_REASON = text(max_length=500, required=False)
_EFFECTIVE = past_date(earliest=date(1990, 1, 1))


def change_kind(
    old: AssistanceStatus | None, new: AssistanceStatus, *, exited_before: bool
) -> StatusChangeKind:
    """How a status transition reads: entered, exited, re-entered, or changed."""
    if new is AssistanceStatus.NONE:
        return StatusChangeKind.EXITED
    if old is None or old is AssistanceStatus.NONE:
        return StatusChangeKind.RE_ENTERED if exited_before else StatusChangeKind.ENTERED
    return StatusChangeKind.CHANGED


def _checked_reason_and_date(
    reason: str | None, effective_on: date, *, date_label: str = "effectiveOn"
) -> tuple[str, date]:
    checker = Checker()
    clean_reason = checker.apply(_REASON, reason, "reason")
    clean_date = checker.apply(_EFFECTIVE, effective_on, date_label)
    checker.raise_if_any()
    return clean_reason or "", clean_date


async def create_household(
    session: AsyncSession,
    values: dict[str, Any],
    *,
    status: AssistanceStatus,
    status_since: date | None,
    reason: str | None,
) -> Household:
    """Open a household file; a needy status is recorded as its first history row."""
    household = await create(session, HOUSEHOLD, {**values, "status": status})
    if status is not AssistanceStatus.NONE:
        clean_reason, since = _checked_reason_and_date(
            reason, status_since or date.today(), date_label="statusSince"
        )
        session.add(
            HouseholdStatusChange(
                household_id=household.id,  # type: ignore[arg-type]
                kind=StatusChangeKind.ENTERED,
                from_status=None,
                to_status=status,
                effective_on=since,
                reason=clean_reason or "registered",
            )
        )
        await session.flush()
    return household


async def change_status(
    session: AsyncSession,
    household_id: int,
    *,
    status: AssistanceStatus,
    effective_on: date,
    reason: str | None,
    expected_version: int | None = None,
) -> tuple[Household, HouseholdStatusChange]:
    """Move a household to ``status``, appending a history row; nothing earlier is changed."""
    household = await get_or_raise(session, Household, household_id, noun="household")
    check_version(household, expected_version, "household")
    if not household.active:
        raise DomainError.one(
            ErrorCode.INVALID_STATE, "This household is archived; reactivate it first.", "id"
        )
    if household.status is status:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"status: the household is already {status.value}; nothing to change.",
            "status",
        )
    clean_reason, since = _checked_reason_and_date(reason, effective_on)
    if status is AssistanceStatus.NONE and not clean_reason:
        raise DomainError.one(
            ErrorCode.REQUIRED, "reason: say why the household leaves assistance.", "reason"
        )
    history = (
        await session.execute(
            sa.select(col(HouseholdStatusChange.kind), col(HouseholdStatusChange.effective_on))
            .where(col(HouseholdStatusChange.household_id) == household_id)
            .order_by(col(HouseholdStatusChange.id))
        )
    ).all()
    if history and since < history[-1].effective_on:
        raise DomainError.one(
            ErrorCode.VALIDATION,
            f"effectiveOn: must not be before the last recorded change "
            f"({history[-1].effective_on.isoformat()}).",
            "effectiveOn",
        )
    exited_before = any(h.kind is StatusChangeKind.EXITED for h in history)
    change = HouseholdStatusChange(
        household_id=household_id,
        kind=change_kind(household.status, status, exited_before=exited_before),
        from_status=household.status,
        to_status=status,
        effective_on=since,
        reason=clean_reason or "",
    )
    await write_changes(session, household, {"status": status}, noun="household")
    session.add(change)
    await session.flush()
    return household, change
