"""Households' requests for money: submitted, then awarded (by grants), rejected or withdrawn."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.assessment import HouseholdAssessment
from models.commands.crud import (
    EntitySpec,
    FieldSpec,
    Reference,
    check_version,
    create,
    get_or_raise,
    write_changes,
)
from models.enums import HelpKind, RequestStatus
from models.errors import DomainError, ErrorCode
from models.geo import Community, Street
from models.grant import AssistanceRequest
from models.household import Household
from models.validation import YEAR, Checker, int_range, positive_fen, text

__all__ = ["REQUEST", "RequestStatus", "close_request", "create_request"]

OPEN = (RequestStatus.SUBMITTED, RequestStatus.IN_ALLOCATION)


def _notes(value: Any) -> str:
    return str(text(max_length=2000, required=False)(value) or "")


REQUEST = EntitySpec(
    AssistanceRequest,
    "request",
    {
        "year": FieldSpec("year", YEAR),
        "amount_fen": FieldSpec("amount", positive_fen),
        "purpose": FieldSpec("purpose", text(max_length=200)),
        "notes": FieldSpec("notes", _notes, required=False),
        "urgency": FieldSpec("urgency", int_range(1, 100)),
    },
    references={
        "household_id": Reference(Household, "household", "householdId"),
        "submitted_by_community_id": Reference(Community, "community", "submittedByCommunityId"),
        "submitted_by_street_id": Reference(Street, "street", "submittedByStreetId"),
    },
)


async def create_request(
    session: AsyncSession, values: dict[str, Any], *, help_kind: HelpKind = HelpKind.CASH
) -> AssistanceRequest:
    """A new SUBMITTED request of an active household. Without an ``urgency``, the household's
    latest need assessment gives it: its urgency for ``help_kind``."""
    household = await session.get(Household, values.get("household_id") or 0)
    if household is not None and not household.active:
        raise DomainError.one(
            ErrorCode.INVALID_STATE, "householdId: the household is inactive.", "householdId"
        )
    if values.get("urgency") is None and household is not None:
        values = {**values, "urgency": await _assessed_urgency(session, household, help_kind)}
    return await create(session, REQUEST, {**values, "status": RequestStatus.SUBMITTED})


async def _assessed_urgency(session: AsyncSession, household: Household, kind: HelpKind) -> int:
    latest = (
        await session.execute(
            sa.select(getattr(HouseholdAssessment, f"urgency_{kind.value}"))
            .where(col(HouseholdAssessment.household_id) == household.id)
            .order_by(
                col(HouseholdAssessment.assessed_on).desc(), col(HouseholdAssessment.id).desc()
            )
            .limit(1)
        )
    ).scalar_one_or_none()
    if latest is None:
        raise DomainError.one(
            ErrorCode.REQUIRED,
            "urgency: give it (1-100), or record a need assessment of the household "
            "(householdAssessmentRecord) so that it is derived from the assessed need.",
            "urgency",
        )
    return int(latest)


async def close_request(
    session: AsyncSession,
    request_id: int,
    status: RequestStatus,
    *,
    reason: str,
    expected_version: int | None = None,
) -> AssistanceRequest:
    """Withdraw or reject an open request, with the reason."""
    checker = Checker()
    reason = checker.apply(text(max_length=500), reason, "reason")
    checker.raise_if_any()
    row = await get_or_raise(session, AssistanceRequest, request_id, noun="request")
    check_version(row, expected_version, "request")
    if row.status not in OPEN:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"id: the request is {row.status.value}; only a submitted request can be"
            f" {status.value}.",
            "id",
        )
    return await write_changes(
        session, row, {"status": status, "decision_reason": reason}, noun="request"
    )
