"""The database itself keeps the data sound: foreign keys, CHECKs, the live-pair index, timestamps.

The ORM does not validate table models, so each bad row below reaches the database, which must
refuse it (on SQLite as on PostgreSQL). Each refusal sits beside an accepted row at the edge of
the rule, so a test fails if the rule is missing and also if it is stricter than it should be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col

from models import (
    CharityFund,
    Community,
    District,
    Elder,
    FundBudget,
    Household,
    Pair,
    Person,
    Street,
    Volunteer,
    VolunteerAvailability,
)
from models.db import SessionFactory
from models.enums import (
    AssistanceStatus,
    DayPart,
    Gender,
    LabourCapacity,
    PairStatus,
    Relation,
)

LAT, LON = 39.92, 116.41


@dataclass(frozen=True)
class Ids:
    district: int
    street: int
    community: int
    household: int
    elder: int
    volunteer: int


async def add(factory: SessionFactory, *rows: SQLModel) -> None:
    """Insert ``rows`` in one committed transaction."""
    async with factory() as session:
        session.add_all(rows)
        await session.commit()


async def refused(factory: SessionFactory, *rows: SQLModel) -> str:
    """Assert the database refuses ``rows``; return its message (lower case)."""
    async with factory() as session:
        session.add_all(rows)
        with pytest.raises(IntegrityError) as caught:
            await session.commit()
        await session.rollback()
    return str(caught.value.orig).lower()


async def count(factory: SessionFactory, model: type[SQLModel]) -> int:
    async with factory() as session:
        table = SQLModel.metadata.tables[str(model.__tablename__)]
        total = await session.scalar(sa.select(sa.func.count()).select_from(table))
    assert total is not None
    return int(total)


async def build(factory: SessionFactory) -> Ids:
    """The smallest tree under an elder: district, street, community, household, person, elder;
    and a volunteer."""
    async with factory() as session:
        district = District(name="东城区")
        session.add(district)
        await session.flush()
        assert district.id is not None
        street = Street(district_id=district.id, name="东华门街道")
        session.add(street)
        await session.flush()
        assert street.id is not None
        community = Community(street_id=street.id, name="多福巷社区", latitude=LAT, longitude=LON)
        session.add(community)
        await session.flush()
        assert community.id is not None
        household = Household(
            community_id=community.id,
            address="多福巷 1 号",
            latitude=LAT,
            longitude=LON,
            status=AssistanceStatus.DIBAO,
        )
        session.add(household)
        await session.flush()
        assert household.id is not None
        person = Person(
            household_id=household.id,
            name="李秀兰",
            gender=Gender.FEMALE,
            birth_date=date(1938, 5, 1),
            relation=Relation.HEAD,
            labour_capacity=LabourCapacity.NONE,
        )
        session.add(person)
        await session.flush()
        assert person.id is not None
        elder = Elder(person_id=person.id, community_id=community.id, latitude=LAT, longitude=LON)
        volunteer = volunteer_row()
        session.add_all([elder, volunteer])
        await session.flush()
        assert elder.id is not None
        assert volunteer.id is not None
        ids = Ids(district.id, street.id, community.id, household.id, elder.id, volunteer.id)
        await session.commit()
    return ids


def volunteer_row(*, capacity: int = 1) -> Volunteer:
    return Volunteer(
        name="王芳",
        gender=Gender.FEMALE,
        birth_year=1990,
        phone="13800000000",
        home_latitude=LAT,
        home_longitude=LON,
        capacity=capacity,
    )


def pair_row(ids: Ids, status: PairStatus) -> Pair:
    ended = date(2024, 6, 1) if status is PairStatus.ENDED else None
    return Pair(
        volunteer_id=ids.volunteer,
        elder_id=ids.elder,
        status=status,
        started_on=date(2024, 1, 1),
        ended_on=ended,
    )


# -- foreign keys ---------------------------------------------------------------------------


async def test_foreign_keys_are_enforced(session_factory: SessionFactory) -> None:
    """SQLite ignores foreign keys unless the connection turns them on (models/db.py does)."""
    ids = await build(session_factory)

    message = await refused(session_factory, Street(district_id=ids.district + 1000, name="无"))

    assert "foreign key" in message
    await add(session_factory, Street(district_id=ids.district, name="景山街道"))
    assert await count(session_factory, Street) == 2


async def test_a_referenced_row_cannot_be_deleted(session_factory: SessionFactory) -> None:
    ids = await build(session_factory)

    async with session_factory() as session:
        with pytest.raises(IntegrityError):
            await session.execute(sa.delete(District).where(col(District.id) == ids.district))
        await session.rollback()

    assert await count(session_factory, District) == 1


# -- CHECK constraints ----------------------------------------------------------------------


async def test_latitude_must_be_on_the_globe(session_factory: SessionFactory) -> None:
    ids = await build(session_factory)

    message = await refused(
        session_factory, Community(street_id=ids.street, name="北极", latitude=91, longitude=LON)
    )

    assert "ck_community_latitude_range" in message
    await add(
        session_factory, Community(street_id=ids.street, name="边上", latitude=90, longitude=180)
    )
    assert await count(session_factory, Community) == 2


async def test_a_budget_is_never_negative(session_factory: SessionFactory) -> None:
    fund = CharityFund(name="助老专项基金", purpose="为高龄老人提供帮扶")
    await add(session_factory, fund)
    assert fund.id is not None

    message = await refused(session_factory, FundBudget(fund_id=fund.id, year=2024, budget_fen=-1))

    assert "ck_fund_budget_budget_non_negative" in message
    await add(session_factory, FundBudget(fund_id=fund.id, year=2024, budget_fen=0))
    async with session_factory() as session:
        budgets = (await session.execute(sa.select(col(FundBudget.budget_fen)))).scalars().all()
    assert list(budgets) == [0]


async def test_a_volunteer_capacity_is_never_negative(session_factory: SessionFactory) -> None:
    message = await refused(session_factory, volunteer_row(capacity=-1))

    assert "ck_volunteer_capacity_non_negative" in message
    await add(session_factory, volunteer_row(capacity=0))
    assert await count(session_factory, Volunteer) == 1


async def test_a_weekday_is_zero_to_six(session_factory: SessionFactory) -> None:
    ids = await build(session_factory)

    def slot(weekday: int) -> VolunteerAvailability:
        return VolunteerAvailability(
            volunteer_id=ids.volunteer, weekday=weekday, day_part=DayPart.MORNING
        )

    weekday_range = "ck_volunteer_availability_weekday_range"
    assert weekday_range in await refused(session_factory, slot(7))
    assert weekday_range in await refused(session_factory, slot(-1))
    await add(session_factory, slot(0), slot(6))
    assert await count(session_factory, VolunteerAvailability) == 2


HOUSEHOLD_INSERT = sa.text(
    "INSERT INTO household (community_id, address, latitude, longitude, status, active, version,"
    " created_at, updated_at) VALUES (:community_id, '多福巷 2 号', 39.9, 116.4, :status, :active,"
    " 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


async def test_an_enum_column_takes_only_its_values(session_factory: SessionFactory) -> None:
    """Raw SQL bypasses SQLAlchemy's own enum validation; the CHECK still refuses the value."""
    ids = await build(session_factory)
    params = {"community_id": ids.community, "active": True}

    async with session_factory() as session:
        with pytest.raises(IntegrityError) as caught:
            await session.execute(HOUSEHOLD_INSERT, {**params, "status": "rich"})
        await session.rollback()
    assert "ck_household_assistancestatus" in str(caught.value.orig).lower()

    async with session_factory() as session:
        await session.execute(HOUSEHOLD_INSERT, {**params, "status": "low_income"})
        await session.commit()
        statuses = (await session.execute(sa.select(col(Household.status)))).scalars().all()
    assert sorted(statuses) == [AssistanceStatus.DIBAO, AssistanceStatus.LOW_INCOME]


# -- one live pair per elder ----------------------------------------------------------------


async def test_an_elder_has_at_most_one_live_pair(session_factory: SessionFactory) -> None:
    ids = await build(session_factory)

    # Any number of ended pairs, beside one live pair.
    await add(session_factory, pair_row(ids, PairStatus.ENDED), pair_row(ids, PairStatus.ENDED))
    await add(session_factory, pair_row(ids, PairStatus.PROPOSED))

    message = await refused(session_factory, pair_row(ids, PairStatus.ACTIVE))
    # PostgreSQL names the index; SQLite names the column.
    assert "uq_pair_elder_live" in message or "unique constraint failed: pair.elder_id" in message
    await refused(session_factory, pair_row(ids, PairStatus.PROPOSED))
    await add(session_factory, pair_row(ids, PairStatus.ENDED))

    async with session_factory() as session:
        statuses = (await session.execute(sa.select(col(Pair.status)))).scalars().all()
    assert sorted(statuses) == sorted(
        [PairStatus.ENDED, PairStatus.ENDED, PairStatus.ENDED, PairStatus.PROPOSED]
    )


async def test_ending_the_live_pair_frees_the_elder(session_factory: SessionFactory) -> None:
    ids = await build(session_factory)
    await add(session_factory, pair_row(ids, PairStatus.ACTIVE))

    async with session_factory() as session:
        await session.execute(
            sa.update(Pair).values(status=PairStatus.ENDED, ended_on=date(2024, 6, 1))
        )
        await session.commit()
    await add(session_factory, pair_row(ids, PairStatus.ACTIVE))

    async with session_factory() as session:
        query = sa.select(col(Pair.status)).order_by(col(Pair.id))
        statuses = (await session.execute(query)).scalars().all()
    assert list(statuses) == [PairStatus.ENDED, PairStatus.ACTIVE]


async def test_an_ended_pair_has_an_end_date_and_a_live_one_none(
    session_factory: SessionFactory,
) -> None:
    ids = await build(session_factory)
    ended_without_date = pair_row(ids, PairStatus.ENDED)
    ended_without_date.ended_on = None
    live_with_date = pair_row(ids, PairStatus.ACTIVE)
    live_with_date.ended_on = date(2024, 6, 1)

    assert "ck_pair_ended_has_date" in await refused(session_factory, ended_without_date)
    assert "ck_pair_ended_has_date" in await refused(session_factory, live_with_date)
    too_early = pair_row(ids, PairStatus.ENDED)
    too_early.ended_on = date(2023, 12, 31)
    assert "ck_pair_ended_after_started" in await refused(session_factory, too_early)
    assert await count(session_factory, Pair) == 0


def member(household_id: int, relation: Relation, *, active: bool = True) -> Person:
    return Person(
        household_id=household_id,
        name="张伟",
        gender=Gender.MALE,
        birth_date=date(1970, 3, 1),
        relation=relation,
        labour_capacity=LabourCapacity.FULL,
        active=active,
    )


async def test_a_household_has_at_most_one_active_head(session_factory: SessionFactory) -> None:
    ids = await build(session_factory)  # its person is the head

    message = await refused(session_factory, member(ids.household, Relation.HEAD))

    assert "uq_person_household_head" in message or "person.household_id" in message
    await add(
        session_factory,
        member(ids.household, Relation.HEAD, active=False),
        member(ids.household, Relation.SPOUSE),
    )
    assert await count(session_factory, Person) == 3


# -- timestamps -----------------------------------------------------------------------------


def as_utc(moment: datetime) -> datetime:
    """SQLite keeps no offset: its datetimes come back naive (they were written in UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def test_created_and_updated_at_are_filled(session_factory: SessionFactory) -> None:
    before = datetime.now(UTC)
    await add(session_factory, District(name="西城区"))
    after = datetime.now(UTC)

    async with session_factory() as session:
        district = (await session.execute(sa.select(District))).scalar_one()
    assert before <= as_utc(district.created_at) <= after
    assert before <= as_utc(district.updated_at) <= after


async def test_updated_at_moves_on_update(session_factory: SessionFactory) -> None:
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    district = District(name="西城区", created_at=long_ago, updated_at=long_ago)
    await add(session_factory, district)

    before = datetime.now(UTC)
    async with session_factory() as session:
        row = await session.get(District, district.id)
        assert row is not None
        row.name = "西城"
        await session.commit()

    async with session_factory() as session:
        fresh = (await session.execute(sa.select(District))).scalar_one()
    assert fresh.name == "西城"
    assert as_utc(fresh.created_at) == long_ago
    assert before <= as_utc(fresh.updated_at) <= datetime.now(UTC)


async def test_core_update_moves_updated_at(session_factory: SessionFactory) -> None:
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    await add(session_factory, District(name="西城区", created_at=long_ago, updated_at=long_ago))

    before = datetime.now(UTC)
    async with session_factory() as session:
        await session.execute(sa.update(District).values(active=False))
        await session.commit()

    async with session_factory() as session:
        fresh = (await session.execute(sa.select(District))).scalar_one()
    assert fresh.active is False
    assert as_utc(fresh.created_at) == long_ago
    assert before <= as_utc(fresh.updated_at) <= datetime.now(UTC)
