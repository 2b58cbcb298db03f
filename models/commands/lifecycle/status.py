"""A household's assistance status: the one code path that changes it (entry by enrolment,
changes between statuses, exit), and what every lifecycle command shares: the locked household
row, its status history, one version step per command, the review schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment import ReviewSchedule, next_review
from models.actor import current_actor
from models.base import utcnow
from models.commands.benefits import apply_current_benefit, household_members, set_benefit
from models.commands.crud import check_version
from models.commands.policy import StoredPolicy, stored_policy
from models.enums import (
    AssistanceStatus,
    IncomeStability,
    ReviewOutcome,
    StatusChangeKind,
)
from models.errors import DomainError, ErrorCode
from models.household import Household, HouseholdStatusChange
from models.lifecycle import HouseholdReview
from models.validation import Checker, past_date, text

ADMITTED = frozenset(
    {AssistanceStatus.DIBAO, AssistanceStatus.LOW_INCOME, AssistanceStatus.SPECIAL_HARDSHIP}
)
"""The statuses a household is admitted to by application and verification (核对)."""

REASON = text(max_length=500, required=False)
EFFECTIVE = past_date(earliest=date(1990, 1, 1))
APPLY_AND_ENROL = (
    "create an application (assistanceApplicationCreate), record its 11 verification checks "
    "(verificationChecksRecord), then enrol the household (householdEnrol)"
)


def change_kind(
    old: AssistanceStatus | None, new: AssistanceStatus, *, exited_before: bool
) -> StatusChangeKind:
    """How a status transition reads: entered, exited, re-entered, or changed."""
    if new is AssistanceStatus.NONE:
        return StatusChangeKind.EXITED
    if old is None or old is AssistanceStatus.NONE:
        return StatusChangeKind.RE_ENTERED if exited_before else StatusChangeKind.ENTERED
    return StatusChangeKind.CHANGED


def checked_reason_and_date(
    reason: str | None, effective_on: date, *, date_label: str = "effectiveOn"
) -> tuple[str, date]:
    """A trimmed reason ("" when none) and a date between 1990 and today, or every problem."""
    checker = Checker()
    clean_reason = checker.apply(REASON, reason, "reason")
    clean_date = checker.apply(EFFECTIVE, effective_on, date_label)
    checker.raise_if_any()
    return clean_reason or "", clean_date


def required_reason(reason: str, what: str) -> str:
    if not reason:
        raise DomainError.one(ErrorCode.REQUIRED, f"reason: say why {what}.", "reason")
    return reason


async def locked_household(
    session: AsyncSession,
    household_id: int,
    *,
    expected_version: int | None = None,
    label: str = "id",
) -> Household:
    """The household, locked until the transaction ends (PostgreSQL; SQLite transactions that
    write are serialised anyway), so two commands on one household never interleave."""
    household = await session.get(Household, household_id, with_for_update=True)
    if household is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "No household with this id exists.", label)
    check_version(household, expected_version, "household")
    if not household.active:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            "This household is archived; reactivate it first (householdUpdate, active: true).",
            label,
        )
    return household


@dataclass(frozen=True)
class History:
    """What a household's status history says (one query)."""

    last_on: date | None
    exited_before: bool

    def check_not_before(self, on: date, label: str) -> None:
        if self.last_on is not None and on < self.last_on:
            raise DomainError.one(
                ErrorCode.VALIDATION,
                f"{label}: must not be before the household's last status change "
                f"({self.last_on.isoformat()}).",
                label,
            )


async def status_history(session: AsyncSession, household_id: int) -> History:
    exited = sa.case((col(HouseholdStatusChange.kind) == StatusChangeKind.EXITED, 1), else_=0)
    row = (
        await session.execute(
            sa.select(
                sa.func.max(HouseholdStatusChange.effective_on),
                sa.func.coalesce(sa.func.sum(exited), 0),
            ).where(col(HouseholdStatusChange.household_id) == household_id)
        )
    ).one()
    return History(row[0], bool(row[1]))


def record_status(
    session: AsyncSession,
    household: Household,
    status: AssistanceStatus,
    *,
    on: date,
    reason: str,
    history: History,
) -> HouseholdStatusChange:
    """Move the household to ``status`` and append the history row (who, when, why)."""
    assert household.id is not None
    change = HouseholdStatusChange(
        household_id=household.id,
        kind=change_kind(household.status, status, exited_before=history.exited_before),
        from_status=household.status,
        to_status=status,
        effective_on=on,
        reason=reason[:500],
        recorded_by=current_actor(),
    )
    household.status = status
    session.add(change)
    return change


async def save(session: AsyncSession, household: Household, read_version: int) -> None:
    """Write the household's changes as one version step (``set_benefit`` may have taken it)."""
    if household.version == read_version:
        household.version += 1
    session.add(household)
    await session.flush()


async def policy_on(session: AsyncSession, on: date, label: str) -> StoredPolicy:
    """The stored policy, checked to have values in force on ``on`` (else an error on label)."""
    policy = await stored_policy(session)
    policy.as_of(on, field=label)
    return policy


async def review_schedule(
    session: AsyncSession,
    household: Household,
    *,
    on: date,
    stability: IncomeStability,
    policy: StoredPolicy,
) -> ReviewSchedule:
    """The review after ``on``: its interval from the members' labour capacity on ``on`` and
    the income stability, under the policy in force then."""
    assert household.id is not None
    members = (await household_members(session, [household.id], on))[household.id]
    return next_review(on, members.labour_capacity, stability.value, policy.policy)


async def settle(
    session: AsyncSession,
    household: Household,
    *,
    on: date,
    stability: IncomeStability,
    policy: StoredPolicy,
    reason: str,
) -> None:
    """After an admission or a review on ``on``: the income stability, the next review date
    and the benefit (a history row when it changes)."""
    household.income_stability = stability
    schedule = await review_schedule(session, household, on=on, stability=stability, policy=policy)
    household.next_review_on = schedule.due
    await apply_current_benefit(session, household, on=on, policy=policy, reason=reason)


async def close_open_reviews(
    session: AsyncSession, household_id: int, *, on: date, reason: str
) -> None:
    """Due reviews of a household that leaves assistance end with it (outcome exited)."""
    await session.execute(
        sa.update(HouseholdReview)
        .where(
            col(HouseholdReview.household_id) == household_id,
            col(HouseholdReview.held_on).is_(None),
        )
        .values(
            held_on=on,
            outcome=ReviewOutcome.EXITED,
            note=f"closed by the household's exit: {reason}"[:500],
            recorded_by=current_actor(),
            version=HouseholdReview.version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )


async def leave(
    session: AsyncSession, household: Household, *, on: date, reason: str
) -> HouseholdStatusChange:
    """Exit: status none (an EXITED row), benefit 0 (a BenefitChange row), no review due.
    Nothing is deleted; the household may apply again (a re-entry)."""
    assert household.id is not None
    if household.status is AssistanceStatus.NONE:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            "This household is not on assistance, so it cannot exit; to admit it, "
            f"{APPLY_AND_ENROL}.",
            "id",
        )
    history = await status_history(session, household.id)
    history.check_not_before(on, "effectiveOn")
    read = household.version
    change = record_status(
        session, household, AssistanceStatus.NONE, on=on, reason=reason, history=history
    )
    household.next_review_on = None
    await close_open_reviews(session, household.id, on=on, reason=reason)
    if household.benefit_fen:  # an unpaid household needs no policy to stay at 0
        policy = await policy_on(session, on, "effectiveOn")
        await set_benefit(
            session, household, 0, effective_on=on, policy=policy, reason=f"exit: {reason}"
        )
    await save(session, household, read)
    return change


async def exit_household(
    session: AsyncSession,
    household_id: int,
    *,
    effective_on: date,
    reason: str | None,
    expected_version: int | None = None,
) -> tuple[Household, HouseholdStatusChange]:
    """Record that a household leaves assistance (the reason is required)."""
    household = await locked_household(session, household_id, expected_version=expected_version)
    clean_reason, on = checked_reason_and_date(reason, effective_on)
    required_reason(clean_reason, "the household leaves assistance")
    return household, await leave(session, household, on=on, reason=clean_reason)


async def change_status(
    session: AsyncSession,
    household_id: int,
    *,
    status: AssistanceStatus,
    effective_on: date,
    reason: str | None,
    expected_version: int | None = None,
) -> tuple[Household, HouseholdStatusChange]:
    """Change a household's status: an exit (to none) goes through :func:`leave`; a change
    between statuses recomputes the benefit (0 off dibao). Entry is refused: admission goes
    through an application whose 11 checks passed."""
    household = await locked_household(session, household_id, expected_version=expected_version)
    if household.status is status:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"status: the household is already {status.value}; nothing to change.",
            "status",
        )
    clean_reason, on = checked_reason_and_date(reason, effective_on)
    if status is AssistanceStatus.NONE:
        required_reason(clean_reason, "the household leaves assistance")
        return household, await leave(session, household, on=on, reason=clean_reason)
    if household.status is AssistanceStatus.NONE or (
        status in ADMITTED and household.status not in ADMITTED
    ):
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"status: a household is admitted to {status.value} only after verification: "
            f"{APPLY_AND_ENROL}."
            + (
                ""
                if household.status is AssistanceStatus.NONE
                else f" (It is {household.status.value} now: record its exit first.)"
            ),
            "status",
        )
    assert household.id is not None
    history = await status_history(session, household.id)
    history.check_not_before(on, "effectiveOn")
    policy = await policy_on(session, on, "effectiveOn")
    read = household.version
    old = household.status
    change = record_status(session, household, status, on=on, reason=clean_reason, history=history)
    await apply_current_benefit(
        session,
        household,
        on=on,
        policy=policy,
        reason=f"status {old.value} -> {status.value}"
        + (f": {clean_reason}" if clean_reason else ""),
    )
    await save(session, household, read)
    return household, change
