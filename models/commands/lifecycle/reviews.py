"""Periodic reviews (复审): recording one (the household continues, with its benefit and next
review date recomputed, or exits), and generating the rows of reviews falling due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.actor import current_actor
from models.base import utcnow
from models.commands.lifecycle.status import (
    APPLY_AND_ENROL,
    EFFECTIVE,
    REASON,
    leave,
    locked_household,
    policy_on,
    review_schedule,
    save,
    settle,
    status_history,
)
from models.commands.policy import stored_policy
from models.enums import ApplicationState, AssistanceStatus, IncomeStability, ReviewOutcome
from models.errors import DomainError, ErrorCode
from models.household import Household
from models.lifecycle import AssistanceApplication, HouseholdReview
from models.validation import Checker, text

LOOKAHEAD_DAYS = 7
"""Review rows are generated this many days before they fall due."""
_NOTE = text(max_length=500, required=False)


async def _review_row(
    session: AsyncSession, household: Household, held_on: date
) -> HouseholdReview:
    """The household's earliest review not held yet, or a new row for one due when planned."""
    assert household.id is not None
    rows = list(
        (
            await session.execute(
                sa.select(HouseholdReview)
                .where(col(HouseholdReview.household_id) == household.id)
                .where(
                    sa.or_(
                        col(HouseholdReview.held_on).is_(None),
                        col(HouseholdReview.held_on) == held_on,
                    )
                )
                .order_by(col(HouseholdReview.due_on), col(HouseholdReview.id))
            )
        ).scalars()
    )
    if any(r.held_on == held_on for r in rows):
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"heldOn: a review of this household held on {held_on.isoformat()} is already "
            "recorded; record a later review to change the outcome.",
            "heldOn",
        )
    if rows:
        return rows[0]
    return HouseholdReview(household_id=household.id, due_on=household.next_review_on or held_on)


async def review_household(
    session: AsyncSession,
    household_id: int,
    *,
    held_on: date,
    outcome: ReviewOutcome,
    income_stability: IncomeStability | None,
    note: str | None,
    reason: str | None,
    expected_version: int | None = None,
) -> HouseholdReview:
    """Record a review held on ``held_on``. Continued: the benefit is recomputed from today's
    members (a BenefitChange row when it changes), and the income stability and next review
    date are recorded. Exited: the household leaves assistance (``reason`` required). The
    earliest due review row is completed, or a held row is added (due when it was planned)."""
    household = await locked_household(
        session, household_id, expected_version=expected_version, label="householdId"
    )
    assert household.id is not None
    checker = Checker()
    on = checker.apply(EFFECTIVE, held_on, "heldOn")
    clean_note = checker.apply(_NOTE, note, "note") or ""
    clean_reason = checker.apply(REASON, reason, "reason") or ""
    if outcome is ReviewOutcome.CONTINUED and income_stability is None:
        checker.add(
            ErrorCode.REQUIRED,
            "incomeStability: say whether the household's income is stable or irregular "
            "(it sets the next review date).",
            "incomeStability",
        )
    if outcome is ReviewOutcome.EXITED and not clean_reason and not checker.problems:
        checker.add(
            ErrorCode.REQUIRED, "reason: say why the household leaves assistance.", "reason"
        )
    checker.raise_if_any()
    if household.status is AssistanceStatus.NONE:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"householdId: this household is not on assistance, so there is nothing to review; "
            f"to admit it, {APPLY_AND_ENROL}.",
            "householdId",
        )
    (await status_history(session, household.id)).check_not_before(on, "heldOn")
    row = await _review_row(session, household, on)
    row.held_on = on
    row.outcome = outcome
    row.note = clean_note
    row.recorded_by = current_actor()
    if row.id is not None:
        row.version += 1
    session.add(row)
    await session.flush()
    if outcome is ReviewOutcome.EXITED:
        await leave(session, household, on=on, reason=clean_reason)
        return row
    assert income_stability is not None
    policy = await policy_on(session, on, "heldOn")
    read = household.version
    await settle(
        session,
        household,
        on=on,
        stability=income_stability,
        policy=policy,
        reason=f"review held on {on.isoformat()}",
    )
    await save(session, household, read)
    return row


@dataclass(frozen=True)
class DueReviews:
    today: date
    due_by: date
    households_due: int
    """Households on assistance whose next review falls on or before ``due_by``."""
    created: int
    """Review rows this call added (0 when it ran before for the same dates)."""


def _due(due_by: date) -> list[Any]:
    return [
        col(Household.active),
        col(Household.status) != AssistanceStatus.NONE,
        col(Household.next_review_on).is_not(None),
        col(Household.next_review_on) <= due_by,
    ]


async def generate_due_reviews(
    session: AsyncSession, *, today: date, lookahead_days: int = LOOKAHEAD_DAYS
) -> DueReviews:
    """Add the missing review rows (household, due on its next review date) of households on
    assistance due by ``today + lookahead_days``: one INSERT ... SELECT; the unique
    (household, due date) key makes a second run, even a concurrent one, add nothing."""
    due_by = today + timedelta(days=lookahead_days)
    now = utcnow()
    table: sa.Table = HouseholdReview.__table__  # type: ignore[attr-defined]
    missing = sa.select(
        col(Household.id),
        col(Household.next_review_on),
        sa.literal(now, table.c.created_at.type),
        sa.literal(now, table.c.updated_at.type),
        sa.literal(1),
        sa.literal(""),
        sa.literal(current_actor()),
    ).where(
        *_due(due_by),
        ~sa.exists().where(
            col(HouseholdReview.household_id) == col(Household.id),
            col(HouseholdReview.due_on) == col(Household.next_review_on),
        ),
    )
    connection = await session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = (
        dialect.insert(table)
        .from_select(
            [
                "household_id",
                "due_on",
                "created_at",
                "updated_at",
                "version",
                "note",
                "recorded_by",
            ],
            missing,
        )
        .on_conflict_do_nothing(index_elements=["household_id", "due_on"])
    )
    created = (await session.execute(insert)).rowcount  # type: ignore[attr-defined]
    households_due = (
        await session.execute(
            sa.select(sa.func.count()).select_from(Household).where(*_due(due_by))
        )
    ).scalar_one()
    return DueReviews(today, due_by, int(households_due), int(created))


async def reschedule_after_member_change(session: AsyncSession, household_id: int) -> None:
    """A member joined, left or changed labour capacity: the household's next review is
    recomputed from its last one (or its admission) with the members it has now. Households not
    on assistance, and registered ones that have had neither a review nor an admission in
    bangfu (their first review is due at once), keep their date."""
    household = await session.get(Household, household_id)
    if (
        household is None
        or household.status is AssistanceStatus.NONE
        or household.next_review_on is None
        or household.income_stability is None
    ):
        return
    held = await session.scalar(
        sa.select(sa.func.max(col(HouseholdReview.held_on))).where(
            col(HouseholdReview.household_id) == household_id,
            col(HouseholdReview.outcome) == ReviewOutcome.CONTINUED,
        )
    )
    admitted = await session.scalar(
        sa.select(sa.func.max(col(AssistanceApplication.decided_on))).where(
            col(AssistanceApplication.household_id) == household_id,
            col(AssistanceApplication.state) == ApplicationState.ADMITTED,
        )
    )
    last = max((d for d in (held, admitted) if d is not None), default=None)
    if last is None:
        return
    policy = await stored_policy(session)
    schedule = await review_schedule(
        session, household, on=last, stability=household.income_stability, policy=policy
    )
    if schedule.due != household.next_review_on:
        household.next_review_on = schedule.due
        household.version += 1
        session.add(household)
        await session.flush()
