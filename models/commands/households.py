"""Commands on household files: opening (with the status of an already-admitted household),
editing, archiving. Status changes after that are ``models.commands.lifecycle``'s."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.actor import current_actor
from models.base import utcnow
from models.commands.crud import EntitySpec, FieldSpec, Reference, create, update
from models.commands.lifecycle.applications import open_application
from models.commands.lifecycle.status import checked_reason_and_date
from models.elder import Elder
from models.enums import AssistanceStatus, StatusChangeKind
from models.errors import ErrorCode
from models.geo import Community
from models.household import Household, HouseholdStatusChange, Person
from models.validation import Checker, latitude, longitude, text


async def _check_household(
    session: AsyncSession, checker: Checker, values: dict[str, Any], row: Household | None
) -> None:
    if row is None or not row.active or values.get("active") is not False:
        return
    if row.status is not AssistanceStatus.NONE:
        checker.add(
            ErrorCode.INVALID_STATE,
            f"This household is on {row.status.value} assistance: record its exit "
            "(householdExit) before archiving it.",
            "id",
        )
    elif row.id is not None and await open_application(session, row.id) is not None:
        checker.add(
            ErrorCode.INVALID_STATE,
            "This household has an open application for assistance: withdraw or refuse it "
            "before archiving the household.",
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


async def create_household(
    session: AsyncSession,
    values: dict[str, Any],
    *,
    status: AssistanceStatus,
    status_since: date | None,
    reason: str | None,
) -> Household:
    """Open a household file; a needy status (an already-admitted household) is recorded as its
    first history row, with its first review due on the status date."""
    household = await create(session, HOUSEHOLD, {**values, "status": status})
    if status is not AssistanceStatus.NONE:
        clean_reason, since = checked_reason_and_date(
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
                recorded_by=current_actor(),
            )
        )
        # An already-admitted caseload: its first review in bangfu establishes its benefit and
        # its review schedule, so that review is due from the status date.
        household.next_review_on = since
        session.add(household)
        await session.flush()
    return household
