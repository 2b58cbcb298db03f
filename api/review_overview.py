"""Overdue and upcoming reviews per street and community (动态管理), in GraphQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import strawberry

from api.context import Info
from api.entity import load_node
from api.geo import CommunityNode, StreetNode
from api.ids import filter_id
from models.commands.lifecycle import ReviewCounts, review_counts


@strawberry.interface(
    description="Households on assistance (active files), those whose next review was due "
    "before `asOf` (overdue), and those due from `asOf` to 30 days later."
)
class ReviewCountsOf:
    on_assistance: int
    overdue: int
    due_within_30_days: int


def _sums(counts: Iterable[ReviewCounts]) -> dict[str, int]:
    rows = list(counts)
    return {
        "on_assistance": sum(c.on_assistance for c in rows),
        "overdue": sum(c.overdue for c in rows),
        "due_within_30_days": sum(c.due_soon for c in rows),
    }


@strawberry.type(description="A community's households on assistance and their reviews.")
class CommunityReviews(ReviewCountsOf):
    community_id: strawberry.Private[int]

    @strawberry.field
    async def community(self, info: Info) -> CommunityNode:
        node: CommunityNode = await load_node(info, CommunityNode, self.community_id)
        return node


@strawberry.type(description="A street's households on assistance and their reviews.")
class StreetReviews(ReviewCountsOf):
    street_id: strawberry.Private[int]
    communities: list[CommunityReviews] = strawberry.field(
        description="Its communities that have households on assistance."
    )

    @strawberry.field
    async def street(self, info: Info) -> StreetNode:
        node: StreetNode = await load_node(info, StreetNode, self.street_id)
        return node


@strawberry.type(description="Reviews across the district (or one street) on a date.")
class ReviewOverview(ReviewCountsOf):
    as_of: date
    streets: list[StreetReviews] = strawberry.field(
        description="Streets that have households on assistance."
    )


def overview(as_of: date, counts: list[ReviewCounts]) -> ReviewOverview:
    by_street: dict[int, list[ReviewCounts]] = {}
    for c in counts:
        by_street.setdefault(c.street_id, []).append(c)
    streets = [
        StreetReviews(
            street_id=street_id,
            communities=[CommunityReviews(community_id=c.community_id, **_sums([c])) for c in rows],
            **_sums(rows),
        )
        for street_id, rows in by_street.items()
    ]
    return ReviewOverview(as_of=as_of, streets=streets, **_sums(counts))


@strawberry.type
class ReviewOverviewQuery:
    @strawberry.field(
        description="Per street and community: households on assistance, reviews overdue on "
        "`asOf` (default today) and due within 30 days; one street with `streetId`."
    )
    async def review_overview(
        self, info: Info, as_of: date | None = None, street_id: strawberry.ID | None = None
    ) -> ReviewOverview:
        day = as_of or date.today()
        street = None if street_id is None else [filter_id(street_id, "Street", "streetId")]
        async with info.context.session_factory() as session:
            counts = await review_counts(
                session, as_of=day, street_ids=info.context.scope.streets_within(street)
            )
        return overview(day, counts)
