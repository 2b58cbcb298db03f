"""Commands around allocation runs: start (idempotent), approve a proposal into a grant, reject."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from models.allocation_run import AllocationProposal, AllocationRun
from models.base import utcnow
from models.commands import runs
from models.commands.ledger import AwardInput, award_grant
from models.enums import ProposalStatus
from models.errors import ErrorCode
from models.fund import CharityFund
from models.geo import Street
from models.validation import YEAR, Checker


async def _missing(
    session: AsyncSession, model: Any, ids: list[int], label: str, noun: str, checker: Checker
) -> None:
    found = set((await session.execute(sa.select(model.id).where(model.id.in_(ids)))).scalars())
    for index, value in enumerate(ids):
        if value not in found:
            checker.add(
                ErrorCode.NOT_FOUND, f"{label}[{index}]: no such {noun}.", f"{label}[{index}]"
            )


async def start_allocation_run(
    session: AsyncSession,
    *,
    key: str,
    year: int,
    fund_ids: list[int],
    street_ids: list[int],
    params: dict[str, Any],
    seed: int,
) -> tuple[AllocationRun, bool]:
    """Queue an allocation run, or return the one already started with ``key``."""
    earlier = (
        (await session.execute(sa.select(AllocationRun).where(AllocationRun.key == key)))  # type: ignore[arg-type]
        .scalars()
        .first()
    )
    if earlier is not None:
        return earlier, False
    checker = Checker()
    checker.apply(YEAR, year, "year")
    await _missing(session, CharityFund, fund_ids, "fundIds", "fund", checker)
    await _missing(session, Street, street_ids, "streetIds", "street", checker)
    floor = params.get("street_floor")
    if floor is not None and not 0 <= floor <= 1:
        checker.add(
            ErrorCode.VALIDATION, "streetFloor: must be a share from 0 to 1.", "streetFloor"
        )
    limit = params.get("time_limit_s", 60)
    if not 1 <= limit <= 3600:
        checker.add(ErrorCode.VALIDATION, "timeLimitS: must be 1 to 3600 seconds.", "timeLimitS")
    checker.raise_if_any()
    return await runs.start(
        session,
        AllocationRun,
        key=key,
        year=year,
        fund_ids=sorted(set(fund_ids)),
        street_ids=sorted(set(street_ids)),
        params=params,
        seed=seed,
    )


async def approve_proposal(
    session: AsyncSession,
    proposal_id: int,
    *,
    expected_version: int | None = None,
    on: date | None = None,
) -> AllocationProposal:
    """Turn a proposed grant into a grant: the same award as by hand (eligibility, minimum,
    cap, need and budget are checked again against today's data), idempotent by the
    proposal."""
    proposal = await runs.open_proposal(session, AllocationProposal, proposal_id, expected_version)
    run = await session.get(AllocationRun, proposal.run_id)
    assert run is not None
    grant = await award_grant(
        session,
        AwardInput(
            fund_id=proposal.fund_id,
            year=run.year,
            household_id=proposal.household_id,
            amount_fen=proposal.amount_fen,
            request_id=proposal.request_id,
            key=f"allocation-proposal:{proposal_id}",
            awarded_on=on or date.today(),
        ),
    )
    proposal.status = ProposalStatus.CONFIRMED
    proposal.grant_id = grant.id
    proposal.decided_at = utcnow()
    proposal.version += 1
    await session.flush()
    return proposal


async def reject_proposal(
    session: AsyncSession, proposal_id: int, *, reason: str, expected_version: int | None = None
) -> AllocationProposal:
    return await runs.reject_proposal(
        session, AllocationProposal, proposal_id, reason=reason, expected_version=expected_version
    )


async def cancel_run(session: AsyncSession, run_id: int) -> AllocationRun:
    return await runs.cancel(session, AllocationRun, run_id, "allocation run")
