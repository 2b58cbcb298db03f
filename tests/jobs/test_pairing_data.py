"""Loading a run's scope from the database: the right elders, volunteers, pairs and rules."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import col

from jobs.pairing_data import load_scope
from models.commands.assessment import record_assessment
from models.commands.policy import ensure_policy
from models.db import SessionFactory, transaction
from models.demo import load_demo
from models.elder import Elder
from models.enums import AssistanceStatus, PairRuleKind, PairStatus, RunScope
from models.geo import Community, Street
from models.household import Household, Person
from models.matching_run import PairRule
from models.pair import Pair


async def test_street_scope_loads_its_elders_reachable_volunteers_pairs_and_rules(
    session_factory: SessionFactory,
) -> None:
    await load_demo(session_factory, scale="small")
    today = date.today()
    async with session_factory() as session:
        first_street = (
            await session.execute(sa.select(col(Street.id)).order_by(col(Street.id)).limit(1))
        ).scalar_one()
        assert first_street is not None
        street_id = first_street
        communities = set(
            (
                await session.execute(
                    sa.select(col(Community.id)).where(col(Community.street_id) == street_id)
                )
            ).scalars()
        )
        elder = (
            await session.execute(
                sa.select(Elder).where(col(Elder.community_id).in_(communities)).limit(1)
            )
        ).scalar_one()
        some_volunteer = (
            await session.execute(sa.select(col(Pair.volunteer_id)).limit(1))
        ).scalar_one()
    async with transaction(session_factory) as session:
        session.add(
            PairRule(
                kind=PairRuleKind.FORBID,
                volunteer_id=some_volunteer,
                elder_id=elder.id,  # type: ignore[arg-type]
                reason="家属要求",
            )
        )
    async with session_factory() as session:
        data = await load_scope(
            session, RunScope.STREETS, [street_id], max_distance_m=1500, today=today
        )
        expected_elders = (
            await session.execute(
                sa.select(sa.func.count())
                .select_from(Elder)
                .where(col(Elder.community_id).in_(communities), col(Elder.active))
            )
        ).scalar_one()
        active_pairs = (
            await session.execute(
                sa.select(col(Pair.elder_id), col(Pair.volunteer_id))
                .join(Elder, col(Elder.id) == col(Pair.elder_id))
                .where(
                    col(Elder.community_id).in_(communities),
                    col(Pair.status) == PairStatus.ACTIVE,
                )
            )
        ).all()
    assert len(data.elders) == expected_elders > 0
    assert {e.community_id for e in data.elders} <= communities
    assert all(e.age >= 80 and e.street_id == street_id for e in data.elders)
    assert sorted((e, v) for e, v in active_pairs) == data.existing
    volunteer_ids = {v.id for v in data.volunteers}
    assert {v for _, v in data.existing} <= volunteer_ids  # paired volunteers are always loaded
    assert (elder.id, some_volunteer) in data.forbidden
    assert data.pins == []
    assert data.street_names[street_id].endswith("街道")
    assert all(v.capacity > 0 for v in data.volunteers)


async def test_elders_of_households_poor_by_their_latest_assessment_count_as_needy(
    session_factory: SessionFactory,
) -> None:
    await load_demo(session_factory, scale="small")
    await ensure_policy(session_factory, None)
    async with session_factory() as session:
        rows = (
            await session.execute(
                sa.select(col(Elder.id), col(Person.household_id), col(Community.street_id))
                .join(Person, col(Person.id) == col(Elder.person_id))
                .join(Household, col(Household.id) == col(Person.household_id))
                .join(Community, col(Community.id) == col(Household.community_id))
                .where(col(Household.status) == AssistanceStatus.NONE)
                .order_by(col(Elder.id))
            )
        ).all()
    first_of_home: dict[int, tuple[int, int]] = {
        home: (elder, street) for elder, home, street in reversed(rows) if elder is not None
    }
    (poor_home, (poor_elder, street)), (later_home, (later_elder, later_street)) = list(
        first_of_home.items()
    )[:2]
    poor = {"income_fen_per_person": 0, "consumption_fen_per_person": 0}
    calm = {"income_fen_per_person": 900_000, "consumption_fen_per_person": 900_000}
    async with transaction(session_factory) as session:
        for home, day, values in (
            (poor_home, date(2025, 1, 1), poor),
            (later_home, date(2025, 1, 1), poor),
            (later_home, date(2025, 2, 1), calm),  # the latest one counts: no longer poor
        ):
            await record_assessment(
                session,
                home,
                assessed_on=day,
                values={**values, "living_space_m2_per_person": 30},
            )
    async with session_factory() as session:
        data = await load_scope(
            session,
            RunScope.STREETS,
            sorted({street, later_street}),
            max_distance_m=1500,
            today=date.today(),
        )
    needy = {e.id: e.needy for e in data.elders}
    assert needy[poor_elder] is True
    assert needy[later_elder] is False
