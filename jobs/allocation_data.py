"""Load an allocation run's funds and open requests into the optimiser's problem.

Set-based: the funds and their year's balances, the open requests of the year (of the run's
streets), the households' tags, and what each household already received from each fund this
year, in a handful of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.allocation_run import AllocationRun
from models.db import rows_in_chunks
from models.enums import GrantStatus, RequestStatus
from models.fund import CharityFund, FundBudget
from models.geo import Community
from models.grant import AssistanceRequest, Grant
from models.household import Household
from models.tags import household_tags

OPEN = (RequestStatus.SUBMITTED, RequestStatus.IN_ALLOCATION)


@dataclass
class AllocationData:
    problem: Any
    """``matching.allocation.AllocationProblem``."""
    street_of_request: dict[int, int]
    skipped_requests: list[int] = field(default_factory=list)
    """Further open requests of a household already in the run (one request per household)."""


async def load_allocation(session: AsyncSession, run: AllocationRun, today: date) -> AllocationData:
    from matching.allocation import (
        AllocationParams,
        AllocationProblem,
        Fund,
        Received,
        Request,
    )

    fund_filter = [col(CharityFund.id).in_(run.fund_ids)] if run.fund_ids else []
    fund_rows = (
        await session.execute(
            sa.select(CharityFund, FundBudget)
            .outerjoin(
                FundBudget,
                sa.and_(
                    col(FundBudget.fund_id) == col(CharityFund.id),
                    col(FundBudget.year) == run.year,
                ),
            )
            .where(col(CharityFund.active), *fund_filter)
            .order_by(col(CharityFund.id))
        )
    ).all()
    funds = []
    for fund, budget in fund_rows:
        assert fund.id is not None
        left = 0 if budget is None else budget.budget_fen - budget.awarded_fen
        funds.append(
            Fund(
                id=fund.id,
                budget_fen=left,
                cap_fen=fund.household_cap_fen if fund.household_cap_fen is not None else left,
                min_grant_fen=fund.min_grant_fen,
                tags=frozenset(fund.eligible_tags),
            )
        )

    street_filter = [col(Community.street_id).in_(run.street_ids)] if run.street_ids else []
    request_rows = (
        await session.execute(
            sa.select(AssistanceRequest, col(Community.street_id))
            .join(Household, col(Household.id) == col(AssistanceRequest.household_id))
            .join(Community, col(Community.id) == col(Household.community_id))
            .where(
                col(AssistanceRequest.year) == run.year,
                col(AssistanceRequest.status).in_(OPEN),
                col(Household.active),
                *street_filter,
            )
            .order_by(col(AssistanceRequest.id))
        )
    ).all()
    first: dict[int, tuple[AssistanceRequest, int]] = {}
    skipped: list[int] = []
    for request, street_id in request_rows:
        assert request.id is not None
        if request.household_id in first:
            skipped.append(request.id)
        else:
            first[request.household_id] = (request, street_id)
    household_ids = sorted(first)
    request_ids = [r.id for r, _ in first.values() if r.id is not None]
    granted = dict(
        await rows_in_chunks(
            session,
            lambda chunk: (
                sa.select(col(Grant.request_id), sa.func.sum(Grant.amount_fen))
                .where(col(Grant.request_id).in_(chunk), col(Grant.status) != GrantStatus.CANCELLED)
                .group_by(col(Grant.request_id))
            ),
            request_ids,
        )
    )
    tags = await household_tags(session, household_ids, today)
    requests = [
        Request(
            id=request.id,
            household_id=request.household_id,
            street=street_id,
            need_fen=max(0, request.amount_fen - int(granted.get(request.id, 0))),
            urgency=float(request.urgency),
            tags=frozenset(str(t) for t in tags[request.household_id]),
        )
        for request, street_id in first.values()
        if request.id is not None
    ]
    fund_ids = {f.id for f in funds}
    received_rows = await rows_in_chunks(
        session,
        lambda chunk: (
            sa.select(col(Grant.household_id), col(Grant.fund_id), sa.func.sum(Grant.amount_fen))
            .where(
                col(Grant.household_id).in_(chunk),
                col(Grant.year) == run.year,
                col(Grant.status) != GrantStatus.CANCELLED,
            )
            .group_by(col(Grant.household_id), col(Grant.fund_id))
        ),
        household_ids,
    )
    received = [
        Received(household_id=h, fund_id=f, amount_fen=int(amount))
        for h, f, amount in received_rows
        if f in fund_ids
    ]
    floor = run.params.get("street_floor")
    problem = AllocationProblem(
        funds=tuple(funds),
        requests=tuple(requests),
        received=tuple(received),
        params=AllocationParams(
            street_floor=floor, strict_floors=bool(run.params.get("strict_floors", False))
        ),
    )
    streets = {r.id: r.street for r in requests}
    return AllocationData(problem, streets, skipped)
