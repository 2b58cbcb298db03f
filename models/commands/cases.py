"""Assigning households to social workers, and ending the assignments (kept on record)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.actor import current_actor
from models.case import CaseAssignment
from models.commands.crud import get_or_raise
from models.enums import Role
from models.errors import DomainError, ErrorCode
from models.household import Household
from models.user import User


async def assign_case(
    session: AsyncSession, *, user_id: int, household_id: int, on: date | None = None
) -> CaseAssignment:
    """Give a household to an active social worker (once at a time)."""
    worker = await get_or_raise(session, User, user_id, noun="user", label="userId")
    if worker.role is not Role.SOCIAL_WORKER or not worker.active:
        raise DomainError.one(
            ErrorCode.VALIDATION,
            "userId: cases are assigned to active social workers' accounts.",
            "userId",
        )
    await get_or_raise(session, Household, household_id, noun="household", label="householdId")
    taken = await session.execute(
        sa.select(col(CaseAssignment.id)).where(
            col(CaseAssignment.user_id) == user_id,
            col(CaseAssignment.household_id) == household_id,
            col(CaseAssignment.ended_on).is_(None),
        )
    )
    if taken.first() is not None:
        raise DomainError.one(
            ErrorCode.DUPLICATE,
            "householdId: this social worker already has this household's case.",
            "householdId",
        )
    row = CaseAssignment(
        user_id=user_id,
        household_id=household_id,
        assigned_on=on or date.today(),
        assigned_by=current_actor(),
    )
    session.add(row)
    await session.flush()
    return row


async def end_case(
    session: AsyncSession, assignment_id: int, *, on: date | None = None
) -> CaseAssignment:
    """End an assignment: the social worker no longer sees the household."""
    row = await get_or_raise(session, CaseAssignment, assignment_id, noun="case assignment")
    day = on or date.today()
    if row.ended_on is not None:
        raise DomainError.one(
            ErrorCode.INVALID_STATE, f"This assignment already ended on {row.ended_on}.", "id"
        )
    if day < row.assigned_on:
        raise DomainError.one(
            ErrorCode.VALIDATION,
            f"endedOn: the assignment began on {row.assigned_on}; it cannot end before.",
            "endedOn",
        )
    row.ended_on = day
    row.ended_by = current_actor()
    await session.flush()
    return row
