"""The jobs schedules run. Each is idempotent for its slot: what it starts is keyed by the slot."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from jobs.runner import JobRunner
from jobs.statistics import monday_of, record_week
from models.actor import acting_as
from models.commands.lifecycle import generate_due_reviews
from models.commands.matching import start_run
from models.db import SessionFactory, transaction
from models.elder import Elder
from models.enums import Project, RunScope
from models.geo import Community
from models.pair import Pair
from models.station import Station
from models.volunteer import Volunteer, VolunteerStation

REMATCH_PARAMS = {"max_distance_m": 1500, "churn_budget": 0, "time_limit_s": 600}


async def changed_streets(factory: SessionFactory, since: datetime) -> list[int]:
    """Streets where something that pairing depends on changed since ``since``: an elder added
    or changed, a volunteer joining, changing or leaving one of its stations, a pair ended or
    changed."""
    elder_street = sa.select(col(Community.street_id)).join(
        Elder, col(Elder.community_id) == col(Community.id)
    )
    statements = [
        elder_street.where(col(Elder.updated_at) >= since),
        sa.select(col(Station.street_id))
        .join(VolunteerStation, col(VolunteerStation.station_id) == col(Station.id))
        .join(Volunteer, col(Volunteer.id) == col(VolunteerStation.volunteer_id))
        .where(col(Volunteer.updated_at) >= since),
        elder_street.join(Pair, col(Pair.elder_id) == col(Elder.id)).where(
            col(Pair.updated_at) >= since
        ),
    ]
    found: set[int] = set()
    async with factory() as session:
        for statement in statements:
            found.update((await session.execute(statement.distinct())).scalars())
    return sorted(found)


async def nightly_rematch(
    factory: SessionFactory, runner: JobRunner, slot: datetime, previous: datetime
) -> dict[str, Any]:
    """A matching run for each street where something changed since the previous slot."""
    streets = await changed_streets(factory, previous)
    stamp = slot.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    started: list[int] = []
    for street in streets:
        async with transaction(factory) as session:
            run, created = await start_run(
                session,
                key=f"schedule:nightly_rematch:{stamp}:street:{street}",
                project=Project.ONE_TO_ONE_80_PLUS,
                scope=RunScope.STREETS,
                scope_ids=[street],
                params=dict(REMATCH_PARAMS),
                seed=0,
            )
        assert run.id is not None
        started.append(run.id)
        if created:
            await runner.enqueue("matching_run", run.id)
    return {"streets": streets, "runs": started}


async def review_due(
    factory: SessionFactory, _runner: JobRunner, _slot: datetime, _previous: datetime
) -> dict[str, Any]:
    """The review rows of households whose next review falls due within a week (or is overdue
    with no row yet); a second run adds nothing, so missed or repeated slots are harmless."""
    with acting_as("schedule:review_due"):
        async with transaction(factory) as session:
            done = await generate_due_reviews(session, today=date.today())
    return {
        "today": done.today.isoformat(),
        "due_by": done.due_by.isoformat(),
        "households_due": done.households_due,
        "created": done.created,
    }


async def weekly_statistics(
    factory: SessionFactory, _runner: JobRunner, _slot: datetime, _previous: datetime
) -> dict[str, Any]:
    """This week's figures per street (as of its Monday, from today's data: a missed week
    cannot be computed later, so a caught-up slot records the current week)."""
    week = monday_of(date.today())
    async with transaction(factory) as session:
        streets = await record_week(session, week)
    return {"week_of": week.isoformat(), "streets": streets}
