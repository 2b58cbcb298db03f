"""The weekly figures per street that the ``weekly_statistics`` schedule stores."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlmodel import col

from api.context import Info
from api.entity import load_node
from api.geo import StreetNode
from api.ids import filter_ids
from api.scalars import Money
from jobs.statistics import empty_figures, monday_of
from models.statistics import WeeklyStatistics


@strawberry.type(description="Households of one assistance status.")
class StatusCount:
    status: str
    households: int


@strawberry.type(description="One street's figures for a week, as of its Monday.")
class StreetWeek:
    row: strawberry.Private[WeeklyStatistics]
    week_of: date
    households_on_assistance: int
    by_status: list[StatusCount]
    overdue_reviews: int
    reviews_due_30_days: int
    monthly_benefits: Money
    elders_80_plus: int
    elders_paired: int = strawberry.field(description="Elders 80+ with an active volunteer pair.")
    open_requests: int
    assessed_households: int
    headcount_ratio: float = strawberry.field(description="H of the latest need assessments.")
    adjusted_headcount: float = strawberry.field(description="M0 of the latest assessments.")

    @strawberry.field
    async def street(self, info: Info) -> StreetNode:
        node: StreetNode = await load_node(info, StreetNode, self.row.street_id)
        return node


def street_week(row: WeeklyStatistics) -> StreetWeek:
    f: dict[str, Any] = {**empty_figures(), **row.figures}
    return StreetWeek(
        row=row,
        week_of=row.week_of,
        households_on_assistance=int(f["households_on_assistance"]),
        by_status=[
            StatusCount(status=k, households=int(v)) for k, v in sorted(f["by_status"].items())
        ],
        overdue_reviews=int(f["overdue_reviews"]),
        reviews_due_30_days=int(f["reviews_due_30_days"]),
        monthly_benefits=Money(int(f["monthly_benefits_fen"])),
        elders_80_plus=int(f["elders_80_plus"]),
        elders_paired=int(f["elders_paired"]),
        open_requests=int(f["open_requests"]),
        assessed_households=int(f["assessed_households"]),
        headcount_ratio=float(f["headcount_ratio"]),
        adjusted_headcount=float(f["adjusted_headcount"]),
    )


@strawberry.type
class StatisticsQuery:
    @strawberry.field(
        description="The figures stored for the week containing `weekOf` (default this week), "
        "per street (all, or those named); empty before the schedule has run for it."
    )
    async def weekly_statistics(
        self, info: Info, week_of: date | None = None, street_ids: list[strawberry.ID] | None = None
    ) -> list[StreetWeek]:
        week = monday_of(week_of or date.today())
        stmt = sa.select(WeeklyStatistics).where(
            col(WeeklyStatistics.week_of) == week, *info.context.scope.read(WeeklyStatistics)
        )
        ids = filter_ids(street_ids, "Street", "streetIds")
        if ids is not None:
            stmt = stmt.where(col(WeeklyStatistics.street_id).in_(ids))
        async with info.context.session_factory() as session:
            rows = (await session.execute(stmt.order_by(col(WeeklyStatistics.street_id)))).scalars()
            return [street_week(r) for r in rows]
