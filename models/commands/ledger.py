"""Money commands: donations in, grants awarded, paid and cancelled; every one a ledger row.

The invariants, per fund and year: ``budget >= awarded >= paid >= 0``. Each command changes the
stored balance with one conditional UPDATE whose WHERE clause is the invariant (backed by CHECK
constraints), in the same transaction as its ledger row; the first statement of an award is
that UPDATE, so on PostgreSQL it also locks the fund's year and the per-household checks that
follow see every earlier award (SQLite serialises writers anyway).

Every command takes an idempotency key: the same key again returns what the first call made
and writes nothing; the same key with different values is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.base import Table, utcnow
from models.commands.crud import get_or_raise
from models.enums import GrantStatus, LedgerKind, RequestStatus
from models.errors import DomainError, ErrorCode
from models.fund import CharityFund, FundBudget
from models.grant import IDEMPOTENCY_KEY_LENGTH, AssistanceRequest, Donation, Grant, LedgerEntry
from models.household import Household
from models.tags import eligible, household_tags
from models.validation import YEAR, Checker, positive_fen, text

T = TypeVar("T", bound=Table)

OPEN_REQUEST = (RequestStatus.SUBMITTED, RequestStatus.IN_ALLOCATION, RequestStatus.AWARDED)


def yuan(fen: int) -> str:
    """Fen as yuan for messages: 1234.50."""
    return f"{fen // 100}.{fen % 100:02d}"


def _key(value: str) -> str:
    checker = Checker()
    key = checker.apply(text(max_length=IDEMPOTENCY_KEY_LENGTH), value, "idempotencyKey")
    checker.raise_if_any()
    return str(key)


async def _replayed(
    session: AsyncSession, model: type[T], key: str, same: dict[str, Any]
) -> T | None:
    """The row an earlier call with ``key`` made, if the values match; None if no call did."""
    row = (
        (await session.execute(sa.select(model).where(model.idempotency_key == key)))  # type: ignore[attr-defined]
        .scalars()
        .first()
    )
    if row is None:
        return None
    differs = [name for name, value in same.items() if getattr(row, name) != value]
    if differs:
        raise DomainError.one(
            ErrorCode.CONFLICT,
            f"idempotencyKey: this key was used for a different request (it differs in"
            f" {', '.join(differs)}); use a new key for a new request.",
            "idempotencyKey",
        )
    return row


async def _ledger(
    session: AsyncSession,
    kind: LedgerKind,
    fund_id: int,
    year: int,
    fen: int,
    *,
    grant_id: int | None = None,
    donation_id: int | None = None,
    note: str = "",
    key: str | None = None,
) -> None:
    now = utcnow()
    await session.execute(
        sa.insert(LedgerEntry).values(
            fund_id=fund_id,
            year=year,
            kind=kind,
            amount_fen=fen,
            grant_id=grant_id,
            donation_id=donation_id,
            note=note[:500],
            idempotency_key=key,
            created_at=now,
            updated_at=now,
        )
    )


async def _move(session: AsyncSession, fund_id: int, year: int, **deltas: int) -> bool:
    """Add ``deltas`` (budget_fen / awarded_fen / paid_fen) to a fund's year in one conditional
    UPDATE that keeps ``budget >= awarded >= paid >= 0``; False (nothing changed) if it would
    not hold."""
    values = {name: getattr(FundBudget, name) + delta for name, delta in deltas.items()}
    after = {
        name: getattr(FundBudget, name) + deltas.get(name, 0)
        for name in ("budget_fen", "awarded_fen", "paid_fen")
    }
    result = await session.execute(
        sa.update(FundBudget)
        .where(
            col(FundBudget.fund_id) == fund_id,
            col(FundBudget.year) == year,
            after["awarded_fen"] <= after["budget_fen"],
            after["paid_fen"] <= after["awarded_fen"],
            after["paid_fen"] >= 0,
        )
        .values(**values, updated_at=utcnow())
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _fund_year(session: AsyncSession, fund_id: int, year: int) -> FundBudget | None:
    row: FundBudget | None = (
        (
            await session.execute(
                sa.select(FundBudget)
                .where(col(FundBudget.fund_id) == fund_id, col(FundBudget.year) == year)
                .execution_options(populate_existing=True)
            )
        )
        .scalars()
        .first()
    )
    return row


# -- donations ---------------------------------------------------------------------------------
async def record_donation(
    session: AsyncSession,
    *,
    fund_id: int,
    year: int,
    donor: str,
    amount_fen: int,
    restriction: str,
    received_on: date,
    key: str,
) -> Donation:
    """A restricted donation to a fund: it raises the fund's budget for ``year``."""
    key = _key(key)
    checker = Checker()
    year = checker.apply(YEAR, year, "year")
    donor = checker.apply(text(max_length=200), donor, "donor")
    restriction = checker.apply(text(max_length=500, required=False), restriction, "restriction")
    checker.apply(positive_fen, amount_fen, "amount")
    checker.raise_if_any()
    same = {"fund_id": fund_id, "year": year, "amount_fen": amount_fen, "donor": donor}
    earlier = await _replayed(session, Donation, key, same)
    if earlier is not None:
        return earlier
    fund = await get_or_raise(session, CharityFund, fund_id, noun="fund", label="fundId")
    assert fund.id is not None
    if await _fund_year(session, fund.id, year) is None:
        session.add(FundBudget(fund_id=fund.id, year=year, budget_fen=0))
        await session.flush()
    donation = Donation(
        fund_id=fund.id,
        year=year,
        donor=donor,
        amount_fen=amount_fen,
        restriction=restriction or "",
        received_on=received_on,
        idempotency_key=key,
    )
    session.add(donation)
    await session.flush()
    moved = await _move(session, fund.id, year, budget_fen=amount_fen)
    assert moved  # raising a budget always keeps the invariant
    await _ledger(
        session, LedgerKind.DONATION, fund.id, year, amount_fen, donation_id=donation.id,
        note=f"donation from {donor}",
    )  # fmt: skip
    return donation


# -- budgets -----------------------------------------------------------------------------------
async def set_budget(session: AsyncSession, fund_id: int, year: int, fen: int) -> None:
    """Set a fund's budget for a year, as a ledger movement; never below what is awarded."""
    current = await _fund_year(session, fund_id, year)
    if current is None:
        session.add(FundBudget(fund_id=fund_id, year=year, budget_fen=0))
        await session.flush()
        current = await _fund_year(session, fund_id, year)
    assert current is not None
    delta = fen - current.budget_fen
    if delta == 0:
        return
    if not await _move(session, fund_id, year, budget_fen=delta):
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"budgets: {yuan(current.awarded_fen)} yuan of the {year} budget is already"
            f" awarded; the budget cannot go below that (asked {yuan(fen)}).",
            "budgets",
        )
    kind = LedgerKind.BUDGET if delta > 0 else LedgerKind.BUDGET_CUT
    await _ledger(session, kind, fund_id, year, abs(delta), note=f"budget set to {yuan(fen)}")


# -- grants ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AwardInput:
    fund_id: int
    year: int
    household_id: int
    amount_fen: int
    request_id: int | None
    key: str
    awarded_on: date


async def award_grant(session: AsyncSession, data: AwardInput) -> Grant:
    """Commit money from a fund's year to a household: eligible, at least the fund's minimum,
    within its per-household cap, within the request's need, and never beyond the budget."""
    key = _key(data.key)
    checker = Checker()
    year = checker.apply(YEAR, data.year, "year")
    checker.apply(positive_fen, data.amount_fen, "amount")
    checker.raise_if_any()
    same = {
        "fund_id": data.fund_id,
        "year": year,
        "household_id": data.household_id,
        "amount_fen": data.amount_fen,
        "request_id": data.request_id,
    }
    earlier = await _replayed(session, Grant, key, same)
    if earlier is not None:
        return earlier
    fund = await get_or_raise(session, CharityFund, data.fund_id, noun="fund", label="fundId")
    household = await get_or_raise(
        session, Household, data.household_id, noun="household", label="householdId"
    )
    assert fund.id is not None
    assert household.id is not None
    request = await _open_request(session, data.request_id, household.id)
    if not fund.active:
        raise DomainError.one(
            ErrorCode.INVALID_STATE, f"fundId: {fund.name} is inactive.", "fundId"
        )
    tags = (await household_tags(session, [household.id], data.awarded_on))[household.id]
    if not eligible(fund.eligible_tags, tags):
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"householdId: {fund.name} may pay only households with one of"
            f" {', '.join(fund.eligible_tags)}; this household has"
            f" {', '.join(sorted(tags)) or 'none of them'}.",
            "householdId",
        )
    if data.amount_fen < fund.min_grant_fen:
        raise DomainError.one(
            ErrorCode.VALIDATION,
            f"amount: {fund.name} makes no grant below {yuan(fund.min_grant_fen)} yuan.",
            "amount",
        )
    # The budget first: this UPDATE locks the fund's year (PostgreSQL), so the checks below
    # see every award that committed before ours.
    if not await _move(session, fund.id, year, awarded_fen=data.amount_fen):
        left = await _fund_year(session, fund.id, year)
        available = 0 if left is None else left.budget_fen - left.awarded_fen
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"amount: {fund.name} has {yuan(available)} yuan left for {year};"
            f" {yuan(data.amount_fen)} asked.",
            "amount",
        )
    await _within_cap(session, fund, household.id, year, data.amount_fen)
    if request is not None:
        await _within_need(session, request, data.amount_fen)
    grant = Grant(
        fund_id=fund.id,
        year=year,
        household_id=household.id,
        request_id=data.request_id,
        amount_fen=data.amount_fen,
        status=GrantStatus.AWARDED,
        awarded_on=data.awarded_on,
        idempotency_key=key,
    )
    session.add(grant)
    await session.flush()
    await _ledger(session, LedgerKind.AWARD, fund.id, year, data.amount_fen, grant_id=grant.id)
    if request is not None and request.status is not RequestStatus.AWARDED:
        request.status = RequestStatus.AWARDED
        request.version += 1
    return grant


async def _open_request(
    session: AsyncSession, request_id: int | None, household_id: int
) -> AssistanceRequest | None:
    if request_id is None:
        return None
    request = await get_or_raise(
        session, AssistanceRequest, request_id, noun="request", label="requestId"
    )
    if request.household_id != household_id:
        raise DomainError.one(
            ErrorCode.VALIDATION, "requestId: the request is another household's.", "requestId"
        )
    if request.status not in OPEN_REQUEST:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"requestId: the request is {request.status.value}; only open requests get grants.",
            "requestId",
        )
    return request


async def _granted(session: AsyncSession, *where: Any) -> int:
    total = await session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Grant.amount_fen), 0)).where(
            col(Grant.status) != GrantStatus.CANCELLED, *where
        )
    )
    return int(total.scalar_one())


async def _within_cap(
    session: AsyncSession, fund: CharityFund, household_id: int, year: int, fen: int
) -> None:
    if fund.household_cap_fen is None:
        return
    before = await _granted(
        session,
        col(Grant.fund_id) == fund.id,
        col(Grant.household_id) == household_id,
        col(Grant.year) == year,
    )
    if before + fen > fund.household_cap_fen:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"amount: {fund.name} gives one household at most {yuan(fund.household_cap_fen)}"
            f" yuan a year; this household has {yuan(before)} yuan from it in {year}.",
            "amount",
        )


async def _within_need(session: AsyncSession, request: AssistanceRequest, fen: int) -> None:
    before = await _granted(session, col(Grant.request_id) == request.id)
    if before + fen > request.amount_fen:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"amount: the request needs {yuan(request.amount_fen)} yuan and has"
            f" {yuan(before)} yuan granted; {yuan(fen)} more would exceed the need.",
            "amount",
        )


async def _grant_movement(
    session: AsyncSession, grant_id: int, key: str, kind: LedgerKind
) -> Grant | None:
    """The grant an earlier payment or cancellation with ``key`` moved, if any."""
    entry = (
        (
            await session.execute(
                sa.select(LedgerEntry).where(col(LedgerEntry.idempotency_key) == key)
            )
        )
        .scalars()
        .first()
    )
    if entry is None:
        return None
    if entry.grant_id != grant_id or entry.kind is not kind:
        raise DomainError.one(
            ErrorCode.CONFLICT,
            "idempotencyKey: this key was used for a different request; use a new key.",
            "idempotencyKey",
        )
    return await session.get(Grant, grant_id, populate_existing=True)


async def pay_grant(
    session: AsyncSession,
    grant_id: int,
    *,
    paid_on: date,
    key: str,
    expected_version: int | None = None,
) -> Grant:
    """Record that an awarded grant was paid out."""
    return await _settle(
        session,
        grant_id,
        _Settlement(LedgerKind.PAYMENT, GrantStatus.PAID, "paid", "paid_fen", 1),
        key=key,
        expected_version=expected_version,
        paid_on=paid_on,
    )


async def cancel_grant(
    session: AsyncSession,
    grant_id: int,
    *,
    reason: str,
    key: str,
    expected_version: int | None = None,
) -> Grant:
    """Withdraw an awarded, unpaid grant: its money goes back to the fund's year."""
    checker = Checker()
    reason = checker.apply(text(max_length=500), reason, "reason")
    checker.raise_if_any()
    return await _settle(
        session,
        grant_id,
        _Settlement(LedgerKind.CANCELLATION, GrantStatus.CANCELLED, "cancelled", "awarded_fen", -1),
        key=key,
        expected_version=expected_version,
        note=reason,
        cancel_reason=reason,
    )


@dataclass(frozen=True)
class _Settlement:
    """How an awarded grant ends: its ledger kind, new status, the balance it moves and how."""

    kind: LedgerKind
    status: GrantStatus
    verb: str
    balance: str
    sign: int


async def _settle(
    session: AsyncSession,
    grant_id: int,
    how: _Settlement,
    *,
    key: str,
    expected_version: int | None,
    note: str = "",
    **changes: Any,
) -> Grant:
    """AWARDED -> ``how.status`` (with ``changes``) in one conditional UPDATE, so a concurrent
    payment or cancellation of the same grant finds it no longer AWARDED; then the fund's
    balance and the ledger row. Idempotent by ``key``."""
    key = _key(key)
    earlier = await _grant_movement(session, grant_id, key, how.kind)
    if earlier is not None:
        return earlier
    grant = await get_or_raise(session, Grant, grant_id, noun="grant", label="grantId")
    conditions = [col(Grant.id) == grant_id, col(Grant.status) == GrantStatus.AWARDED]
    if expected_version is not None:
        conditions.append(col(Grant.version) == expected_version)
    result = await session.execute(
        sa.update(Grant)
        .where(*conditions)
        .values(status=how.status, version=Grant.version + 1, updated_at=utcnow(), **changes)
    )
    fresh = await session.get(Grant, grant_id, populate_existing=True)
    assert fresh is not None
    if result.rowcount != 1:  # type: ignore[attr-defined]
        if fresh.status is not GrantStatus.AWARDED:
            raise DomainError.one(
                ErrorCode.INVALID_STATE,
                f"grantId: the grant is {fresh.status.value}; only an awarded grant can be"
                f" {how.verb}.",
                "grantId",
            )
        raise DomainError.one(
            ErrorCode.CONFLICT,
            f"expectedVersion: the grant is at version {grant.version}; reload and try again.",
            "expectedVersion",
        )
    delta = {how.balance: how.sign * fresh.amount_fen}
    moved = await _move(session, fresh.fund_id, fresh.year, **delta)
    assert moved  # an awarded grant's money is inside awarded_fen, so both moves keep the order
    await _ledger(
        session, how.kind, fresh.fund_id, fresh.year, fresh.amount_fen,
        grant_id=fresh.id, note=note, key=key,
    )  # fmt: skip
    return fresh


# -- reconciliation ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Balances:
    budget_fen: int
    awarded_fen: int
    paid_fen: int


_SIGNS = {
    LedgerKind.BUDGET: ("budget_fen", 1),
    LedgerKind.DONATION: ("budget_fen", 1),
    LedgerKind.BUDGET_CUT: ("budget_fen", -1),
    LedgerKind.AWARD: ("awarded_fen", 1),
    LedgerKind.CANCELLATION: ("awarded_fen", -1),
    LedgerKind.PAYMENT: ("paid_fen", 1),
}


async def ledger_balances(
    session: AsyncSession, fund_ids: list[int]
) -> dict[tuple[int, int], Balances]:
    """Balances per (fund, year) derived from the ledger alone."""
    rows = await session.execute(
        sa.select(
            col(LedgerEntry.fund_id),
            col(LedgerEntry.year),
            col(LedgerEntry.kind),
            sa.func.sum(LedgerEntry.amount_fen),
        )
        .where(col(LedgerEntry.fund_id).in_(fund_ids))
        .group_by(col(LedgerEntry.fund_id), col(LedgerEntry.year), col(LedgerEntry.kind))
    )
    totals: dict[tuple[int, int], dict[str, int]] = {}
    for fund_id, year, kind, amount in rows.all():
        name, sign = _SIGNS[kind]
        entry = totals.setdefault(
            (fund_id, year), dict.fromkeys(("budget_fen", "awarded_fen", "paid_fen"), 0)
        )
        entry[name] += sign * int(amount)
    return {k: Balances(**v) for k, v in totals.items()}


async def reconcile(
    session: AsyncSession, year: int | None = None
) -> list[tuple[FundBudget, Balances]]:
    """Every fund year (of ``year``, or all) with the balances its ledger rows give."""
    stmt = sa.select(FundBudget).order_by(col(FundBudget.fund_id), col(FundBudget.year))
    if year is not None:
        stmt = stmt.where(col(FundBudget.year) == year)
    rows = (await session.execute(stmt)).scalars().all()
    derived = await ledger_balances(session, sorted({r.fund_id for r in rows}))
    zero = Balances(0, 0, 0)
    return [(r, derived.get((r.fund_id, r.year), zero)) for r in rows]
