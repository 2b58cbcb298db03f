"""Applications for assistance: apply, withdraw, refuse, and enrol once all 11 economic-status
checks (核对) passed: no admission without verification."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.actor import current_actor
from models.commands.crud import check_version
from models.commands.lifecycle.status import (
    ADMITTED,
    EFFECTIVE,
    REASON,
    locked_household,
    policy_on,
    record_status,
    save,
    settle,
    status_history,
)
from models.enums import (
    UNIT_OF,
    ApplicationState,
    AssistanceStatus,
    CheckResult,
    IncomeStability,
)
from models.errors import DomainError, ErrorCode, Problem
from models.household import Household
from models.lifecycle import AssistanceApplication, VerificationCheck
from models.validation import Checker


async def open_application(
    session: AsyncSession, household_id: int
) -> AssistanceApplication | None:
    """The household's application still being verified, if any (at most one)."""
    return (
        await session.execute(
            sa.select(AssistanceApplication).where(
                col(AssistanceApplication.household_id) == household_id,
                col(AssistanceApplication.state) == ApplicationState.VERIFYING,
            )
        )
    ).scalar_one_or_none()


async def locked_application(
    session: AsyncSession,
    application_id: int,
    *,
    expected_version: int | None = None,
    label: str = "id",
) -> AssistanceApplication:
    """The application, locked until the transaction ends; must still be verifying."""
    application = await session.get(AssistanceApplication, application_id, with_for_update=True)
    if application is None:
        raise DomainError.one(
            ErrorCode.NOT_FOUND, f"{label}: no assistance application with this id exists.", label
        )
    check_version(application, expected_version, "application")
    if application.state is not ApplicationState.VERIFYING:
        decided = f" on {application.decided_on.isoformat()}" if application.decided_on else ""
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"{label}: this application was already {application.state.value}{decided} and can "
            "no longer change; to apply again, create a new application.",
            label,
        )
    return application


async def apply_for_assistance(
    session: AsyncSession,
    household_id: int,
    *,
    requested_status: AssistanceStatus,
    applied_on: date,
    note: str | None = None,
) -> AssistanceApplication:
    """Open an application with its 11 checks, all pending (each from its unit)."""
    household = await locked_household(session, household_id, label="householdId")
    assert household.id is not None
    checker = Checker()
    if requested_status not in ADMITTED:
        checker.add(
            ErrorCode.VALIDATION,
            "requestedStatus: an application asks for "
            + ", ".join(sorted(s.value for s in ADMITTED))
            + f", not {requested_status.value}.",
            "requestedStatus",
        )
    on = checker.apply(EFFECTIVE, applied_on, "appliedOn")
    clean_note = checker.apply(REASON, note, "note") or ""
    checker.raise_if_any()
    if household.status is not AssistanceStatus.NONE:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"householdId: this household is already on {household.status.value} assistance: "
            "review it (householdReviewRecord) instead; it may apply again after an exit.",
            "householdId",
        )
    pending = await open_application(session, household.id)
    if pending is not None:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"householdId: this household already has an open application (applied on "
            f"{pending.applied_on.isoformat()}): finish it (verificationChecksRecord, then "
            "householdEnrol) or withdraw or refuse it before applying again.",
            "householdId",
        )
    history = await status_history(session, household.id)
    history.check_not_before(on, "appliedOn")
    application = AssistanceApplication(
        household_id=household.id,
        requested_status=requested_status,
        applied_on=on,
        state=ApplicationState.VERIFYING,
        re_entry=history.exited_before,
        note=clean_note,
        recorded_by=current_actor(),
    )
    session.add(application)
    await session.flush()
    actor = current_actor()
    session.add_all(
        VerificationCheck(
            application_id=application.id,  # type: ignore[arg-type]
            item=item,
            unit=unit,
            result=CheckResult.PENDING,
            recorded_by=actor,
        )
        for item, unit in UNIT_OF.items()
    )
    await session.flush()
    return application


async def close_application(
    session: AsyncSession,
    application_id: int,
    state: ApplicationState,
    *,
    decided_on: date,
    reason: str | None,
    expected_version: int | None = None,
) -> AssistanceApplication:
    """Close an open application: WITHDRAWN by the household (a reason is optional) or
    REFUSED by the bureau (the reason is required)."""
    if state not in (ApplicationState.WITHDRAWN, ApplicationState.REFUSED):
        raise ValueError(f"an application is closed as withdrawn or refused, not {state.value}")
    application = await locked_application(
        session, application_id, expected_version=expected_version
    )
    checker = Checker()
    on = checker.apply(EFFECTIVE, decided_on, "decidedOn")
    clean_reason = checker.apply(REASON, reason, "reason") or ""
    if on is not None and on < application.applied_on:
        checker.add(
            ErrorCode.VALIDATION,
            f"decidedOn: must not be before the application "
            f"({application.applied_on.isoformat()}).",
            "decidedOn",
        )
    if state is ApplicationState.REFUSED and not clean_reason and not checker.problems:
        checker.add(ErrorCode.REQUIRED, "reason: say why the application is refused.", "reason")
    checker.raise_if_any()
    application.state = state
    application.decided_on = on
    application.decision_reason = clean_reason
    application.decided_by = current_actor()
    application.version += 1
    session.add(application)
    await session.flush()
    return application


def _unverified(checks: list[VerificationCheck]) -> list[Problem]:
    """One problem per item that has not passed (or, in a damaged file, has no check row)."""
    problems = [
        Problem(
            ErrorCode.INVALID_STATE,
            f"No admission without verification: {item.value} (from {unit.value}) has no "
            "check row; withdraw this application and create a new one.",
            "applicationId",
        )
        for item, unit in UNIT_OF.items()
        if item not in {c.item for c in checks}
    ]
    for check in checks:
        if check.result is CheckResult.PASSED:
            continue
        advice = (
            "record its result when the unit answers (verificationChecksRecord)"
            if check.result is CheckResult.PENDING
            else "the household does not qualify: refuse the application, or correct the "
            "result if it was entered wrongly"
        )
        problems.append(
            Problem(
                ErrorCode.INVALID_STATE,
                f"No admission without verification: {check.item.value} (from "
                f"{check.unit.value}) is {check.result.value}; {advice}.",
                "applicationId",
            )
        )
    return problems


async def enrol(
    session: AsyncSession,
    application_id: int,
    *,
    effective_on: date,
    income_stability: IncomeStability,
    expected_version: int | None = None,
) -> Household:
    """Admit the household of a fully verified application: its requested status (an ENTERED
    or RE_ENTERED row), its income stability, its benefit (a BenefitChange row) and the date of
    its first review."""
    application = await locked_application(
        session, application_id, expected_version=expected_version, label="applicationId"
    )
    checker = Checker()
    on = checker.apply(EFFECTIVE, effective_on, "effectiveOn")
    if on is not None and on < application.applied_on:
        checker.add(
            ErrorCode.VALIDATION,
            f"effectiveOn: must not be before the application "
            f"({application.applied_on.isoformat()}).",
            "effectiveOn",
        )
    checker.raise_if_any()
    household = await locked_household(session, application.household_id, label="applicationId")
    assert household.id is not None
    checks = list(
        (
            await session.execute(
                sa.select(VerificationCheck)
                .where(col(VerificationCheck.application_id) == application.id)
                .order_by(col(VerificationCheck.id))
            )
        ).scalars()
    )
    problems = _unverified(checks)
    if problems:
        raise DomainError(problems)
    if household.status is not AssistanceStatus.NONE:  # only an older file can get here
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"applicationId: the household is already on {household.status.value} assistance.",
            "applicationId",
        )
    history = await status_history(session, household.id)
    history.check_not_before(on, "effectiveOn")
    policy = await policy_on(session, on, "effectiveOn")
    read = household.version
    application.state = ApplicationState.ADMITTED
    application.decided_by = current_actor()
    application.decided_on = on
    application.version += 1
    session.add(application)
    status = application.requested_status
    record_status(
        session,
        household,
        status,
        on=on,
        reason=f"admitted on application {application.id}: all {len(checks)} checks passed",
        history=history,
    )
    await settle(
        session,
        household,
        on=on,
        stability=income_stability,
        policy=policy,
        reason=f"enrolment ({status.value})",
    )
    await save(session, household, read)
    return household
