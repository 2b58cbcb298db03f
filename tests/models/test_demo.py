"""The demo loader: Dongcheng's shape, sound generated data, determinism, and safe reruns.

Each test loads the small scale into a fresh database (SQLite, then PostgreSQL). The district
scale is too slow for the suite; it is measured by hand (timings in the docstring of
``models.demo``).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any, cast

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from access.crypto import Keyring
from assessment.categories import age_on
from models import (
    AssistanceRequest,
    BenefitChange,
    CharityFund,
    Community,
    District,
    Elder,
    FundBudget,
    Household,
    HouseholdAssessment,
    HouseholdStatusChange,
    Pair,
    Person,
    Station,
    Street,
    Volunteer,
)
from models.commands.assessment import PolicyCache, explain
from models.db import SessionFactory
from models.demo import REFERENCE_DATE, DemoSummary, database_has_data, generate_demo, load_demo
from models.demo.common import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN, Point, distance_m
from models.demo.pairs import PAIR_RADIUS_M
from models.enums import (
    AssistanceStatus,
    Gender,
    PairStatus,
    Relation,
    RequestStatus,
    StationKind,
    StatusChangeKind,
)
from models.id_number import parse_id_number
from models.validation import phone
from tests.conftest import empty_all_tables

_STAMPS = ("created_at", "updated_at")


def _table(model: type[SQLModel]) -> sa.Table:
    return SQLModel.metadata.tables[str(model.__tablename__)]


async def _rows(factory: SessionFactory, model: type[SQLModel]) -> list[sa.Row[Any]]:
    table = _table(model)
    async with factory() as session:
        return list(await session.execute(sa.select(table).order_by(table.c.id)))


async def _digest(factory: SessionFactory, *, with_stamps: bool = False) -> str:
    """A hash over every row of every table (without the load-time stamps unless asked)."""
    digest = hashlib.sha256()
    async with factory() as session:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if with_stamps or c.name not in _STAMPS]
            result = await session.execute(sa.select(*columns).order_by(table.c.id))
            for row in result:
                digest.update(repr((table.name, tuple(row))).encode())
    return digest.hexdigest()


async def _counts(factory: SessionFactory) -> dict[str, int]:
    async with factory() as session:
        return {
            table.name: int(
                (await session.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()
            )
            for table in SQLModel.metadata.sorted_tables
        }


def _inside(latitude: float, longitude: float) -> bool:
    return LAT_MIN <= latitude <= LAT_MAX and LON_MIN <= longitude <= LON_MAX


async def test_small_load_has_dongchengs_shape(session_factory: SessionFactory) -> None:
    summary = await load_demo(session_factory)

    assert not summary.skipped
    counts = await _counts(session_factory)
    assert summary.counts == {t: n for t, n in counts.items() if t in summary.counts}
    # Tables the demo does not fill (matching runs and the like) stay empty.
    assert {n for t, n in counts.items() if t not in summary.counts} <= {0}
    districts = await _rows(session_factory, District)
    assert [d.name for d in districts] == ["东城区"]
    streets = await _rows(session_factory, Street)
    assert len(streets) == 17
    assert {s.name for s in streets} >= {"东华门街道", "崇文门外街道", "永定门外街道"}
    communities = await _rows(session_factory, Community)
    assert len(communities) == 182
    assert all(c.name.endswith("社区") for c in communities)
    assert len({(c.street_id, c.name) for c in communities}) == 182
    assert all(_inside(c.latitude, c.longitude) for c in communities)
    assert {c.street_id for c in communities} == {s.id for s in streets}

    stations = await _rows(session_factory, Station)
    assert Counter(s.kind for s in stations) == {
        StationKind.COMMUNITY: 182,
        StationKind.BUSINESS_BUILDING: 47,
        StationKind.SOCIAL_WORK_AGENCY: 4,
        StationKind.ENTERPRISE: 20,
    }
    community_stations = [s for s in stations if s.kind is StationKind.COMMUNITY]
    assert sorted(s.community_id for s in community_stations) == sorted(c.id for c in communities)
    assert all(_inside(s.latitude, s.longitude) for s in stations)


async def test_communities_of_a_street_cluster_together(session_factory: SessionFactory) -> None:
    await load_demo(session_factory)
    communities = await _rows(session_factory, Community)
    by_street: defaultdict[int, list[Point]] = defaultdict(list)
    for c in communities:
        by_street[c.street_id].append(Point(c.latitude, c.longitude))

    def centre(points: list[Point]) -> Point:
        n = len(points)
        return Point(sum(p.latitude for p in points) / n, sum(p.longitude for p in points) / n)

    # On average a community lies much nearer its own street's centre than the district's.
    everything = centre([Point(c.latitude, c.longitude) for c in communities])
    own = [distance_m(p, centre(ps)) for ps in by_street.values() for p in ps]
    district = [distance_m(p, everything) for ps in by_street.values() for p in ps]
    assert sum(own) / len(own) < 0.5 * sum(district) / len(district)


async def test_funds_and_their_budgets(session_factory: SessionFactory) -> None:
    await load_demo(session_factory)
    funds = await _rows(session_factory, CharityFund)
    budgets = await _rows(session_factory, FundBudget)

    assert len(funds) == 18
    assert len({f.name for f in funds}) == 18
    assert all(f.name.endswith("专项基金") and f.purpose for f in funds)
    assert {"老年人慈善医疗卡专项基金", "携手梦想助学专项基金"} <= {f.name for f in funds}
    assert sorted(b.fund_id for b in budgets) == sorted(f.id for f in funds)
    assert {b.year for b in budgets} == {2026}
    assert sum(b.budget_fen for b in budgets) == 315_530_000
    assert all(b.budget_fen > 0 for b in budgets)


async def test_every_elder_is_80_plus_today_and_lives_at_home(
    session_factory: SessionFactory,
) -> None:
    await load_demo(session_factory)
    elder, person, household = _table(Elder), _table(Person), _table(Household)
    query = sa.select(
        elder.c.community_id,
        elder.c.latitude,
        elder.c.longitude,
        person.c.birth_date,
        person.c.living_alone,
        household.c.community_id.label("home_community_id"),
        household.c.latitude.label("home_latitude"),
        household.c.longitude.label("home_longitude"),
    ).select_from(elder.join(person).join(household))
    async with session_factory() as session:
        rows = list(await session.execute(query))
        birth_dates = list((await session.execute(sa.select(person.c.birth_date))).scalars())

    assert len(rows) == 500
    today = date.today()
    assert all(age_on(r.birth_date, today) >= 80 for r in rows)
    assert all(age_on(r.birth_date, REFERENCE_DATE) >= 81 for r in rows)
    assert all(r.community_id == r.home_community_id for r in rows)
    assert all((r.latitude, r.longitude) == (r.home_latitude, r.home_longitude) for r in rows)
    # Everyone aged 80+ has an elder profile; nobody else is in the age gap around 80.
    assert sum(age_on(b, REFERENCE_DATE) >= 79 for b in birth_dates) == len(rows)
    alone = sum(r.living_alone for r in rows) / len(rows)
    assert 0.3 <= alone <= 0.5


async def test_pairs_respect_capacity_distance_and_one_live_pair_per_elder(
    session_factory: SessionFactory,
) -> None:
    await load_demo(session_factory)
    volunteers = {v.id: v for v in await _rows(session_factory, Volunteer)}
    elders = {e.id: e for e in await _rows(session_factory, Elder)}
    pairs = await _rows(session_factory, Pair)
    live = [p for p in pairs if p.status in (PairStatus.PROPOSED, PairStatus.ACTIVE)]

    load = Counter(p.volunteer_id for p in live)
    assert all(n <= volunteers[v].capacity for v, n in load.items())
    assert max(Counter(p.elder_id for p in live).values()) == 1
    assert 0.25 <= len(live) / len(elders) <= 0.31
    for p in live:
        v, e = volunteers[p.volunteer_id], elders[p.elder_id]
        assert v.active
        home = Point(v.home_latitude, v.home_longitude)
        assert distance_m(home, Point(e.latitude, e.longitude)) <= PAIR_RADIUS_M
        if e.preferred_volunteer_gender is not None:
            assert v.gender is e.preferred_volunteer_gender
        assert p.started_on < date.today()
        assert p.ended_on is None
    ended = [p for p in pairs if p.status is PairStatus.ENDED]
    assert ended
    assert all(p.started_on <= p.ended_on < date.today() and p.end_reason for p in ended)


async def test_household_histories_end_in_the_current_status(
    session_factory: SessionFactory,
) -> None:
    await load_demo(session_factory)
    households = await _rows(session_factory, Household)
    changes = await _rows(session_factory, HouseholdStatusChange)
    persons = await _rows(session_factory, Person)
    history: defaultdict[int, list[sa.Row[Any]]] = defaultdict(list)
    for change in sorted(changes, key=lambda c: (c.effective_on, c.id)):
        history[change.household_id].append(change)

    statuses = Counter(h.status for h in households)
    needy = sum(n for s, n in statuses.items() if s is not AssistanceStatus.NONE)
    assert 180 <= needy <= 220
    assert statuses[AssistanceStatus.DIBAO] > statuses[AssistanceStatus.LOW_INCOME]
    for household in households:
        steps = history.get(household.id, [])
        if household.status is not AssistanceStatus.NONE:
            assert steps, household.id
        if not steps:
            continue
        assert steps[-1].to_status == household.status
        assert steps[0].kind is StatusChangeKind.ENTERED
        assert steps[0].from_status is None
        for before, after in pairwise(steps):
            assert after.from_status == before.to_status
        assert steps[-1].effective_on < date.today()
    kinds = Counter(c.kind for c in changes)
    assert kinds[StatusChangeKind.RE_ENTERED] >= 1
    assert kinds[StatusChangeKind.EXITED] >= kinds[StatusChangeKind.RE_ENTERED]
    assert all(
        c.reason == "demo: admitted after verification"
        for c in changes
        if c.kind is StatusChangeKind.ENTERED
    )

    members: defaultdict[int, list[sa.Row[Any]]] = defaultdict(list)
    for p in persons:
        members[p.household_id].append(p)
    status_of = {h.id: h.status for h in households}
    with_identity = {
        AssistanceStatus.DIBAO,
        AssistanceStatus.LOW_INCOME,
        AssistanceStatus.SPECIAL_HARDSHIP,
    }
    for household_id, people in members.items():
        assert 1 <= len(people) <= 5
        assert [p.relation for p in people].count(Relation.HEAD) == 1
        assert all(p.living_alone == (len(people) == 1) for p in people)
        if status_of[household_id] not in with_identity:
            assert all(p.identity_category is None for p in people)
    assert set(members) == set(status_of)
    dibao = [p for p in persons if status_of[p.household_id] is AssistanceStatus.DIBAO]
    assert all(p.identity_category is not None for p in dibao)


async def test_volunteers_are_plausible(session_factory: SessionFactory) -> None:
    await load_demo(session_factory)
    volunteers = await _rows(session_factory, Volunteer)
    async with session_factory() as session:
        memberships = Counter(
            (await session.execute(sa.text("SELECT volunteer_id FROM volunteer_station"))).scalars()
        )
        languages = Counter(
            (await session.execute(sa.text("SELECT language FROM volunteer_language"))).scalars()
        )

    assert 550 <= len(volunteers) <= 650
    phones = [v.phone for v in volunteers]
    assert len(set(phones)) == len(phones)
    assert all(len(p) == 11 and p.isdigit() and p[:2] in {"13", "15", "18"} for p in phones)
    assert all(1950 <= v.birth_year <= 2008 for v in volunteers)
    assert all(_inside(v.home_latitude, v.home_longitude) for v in volunteers)
    assert all(2 <= len(v.name) <= 4 for v in volunteers)
    assert all(1 <= memberships[v.id] <= 2 for v in volunteers)
    assert 0.9 <= sum(v.active for v in volunteers) / len(volunteers) < 1.0
    assert 0.3 <= sum(v.vetted for v in volunteers) / len(volunteers) <= 0.5
    assert any(v.work_latitude is not None for v in volunteers)
    assert languages.most_common(1)[0][0] == "mandarin"
    assert "beijing_dialect" in languages


async def test_members_have_valid_synthetic_identifiers(
    session_factory: SessionFactory, keyring: Keyring
) -> None:
    await load_demo(session_factory)
    persons = await _rows(session_factory, Person)

    numbered = [p for p in persons if p.id_number is not None]
    assert 0.94 <= len(numbered) / len(persons) < 1.0
    assert len({p.id_number for p in numbered}) == len(numbered)
    for person in numbered:
        parsed = parse_id_number(person.id_number)
        assert parsed.value == person.id_number
        assert person.id_number.startswith("110101")  # Dongcheng
        assert parsed.birth_date == person.birth_date
        assert parsed.male is (person.gender is Gender.MALE)
        assert person.id_number_hash == keyring.lookup_hash(
            person.id_number, field="person.id_number"
        )
    adults = [p for p in persons if age_on(p.birth_date, REFERENCE_DATE) >= 16]
    assert 0.6 <= sum(p.phone is not None for p in adults) / len(adults) <= 0.9
    assert all(p.phone is None for p in persons if age_on(p.birth_date, REFERENCE_DATE) < 16)
    assert all(phone(p.phone) == p.phone for p in persons if p.phone is not None)
    generated = [
        (row["id_number"], row["phone"])
        for group, tables in generate_demo("small", 2017)
        if group == "households"
        for row in tables["person"]
    ]
    assert generated == [(p.id_number, p.phone) for p in persons]  # deterministic by seed


async def test_same_seed_same_data_other_seed_other_data(
    engine: AsyncEngine, session_factory: SessionFactory
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)  # review dates follow it
    await load_demo(session_factory, seed=2017, now=now)
    first = await _digest(session_factory)
    await empty_all_tables(engine)
    await load_demo(session_factory, seed=2017, now=now)
    again = await _digest(session_factory)
    await empty_all_tables(engine)
    await load_demo(session_factory, seed=2018, now=now)
    other = await _digest(session_factory)

    assert again == first
    assert other != first


async def test_a_second_load_is_skipped_and_changes_nothing(
    session_factory: SessionFactory,
) -> None:
    assert not await database_has_data(session_factory)
    await load_demo(session_factory)
    assert await database_has_data(session_factory)
    before = await _digest(session_factory, with_stamps=True)

    again = await load_demo(session_factory, seed=99)

    assert again == DemoSummary(counts={}, skipped=True)
    assert await _digest(session_factory, with_stamps=True) == before


async def test_orm_inserts_after_a_load_get_fresh_ids(session_factory: SessionFactory) -> None:
    """On PostgreSQL this fails unless the loader moved the id sequences past the loaded ids."""
    summary = await load_demo(session_factory)
    district_id = (await _rows(session_factory, District))[0].id
    async with session_factory() as session, session.begin():
        street = Street(district_id=district_id, name="测试街道")
        volunteer = Volunteer(
            name="测试",
            gender=Gender.FEMALE,
            birth_year=1990,
            phone="13000000000",
            home_latitude=39.9,
            home_longitude=116.4,
        )
        session.add_all([street, volunteer])
    assert street.id == summary.counts["street"] + 1
    assert volunteer.id == summary.counts["volunteer"] + 1


async def test_an_unknown_scale_is_rejected_and_writes_nothing(
    session_factory: SessionFactory,
) -> None:
    with pytest.raises(ValueError, match="unknown demo scale"):
        await load_demo(session_factory, scale=cast(Any, "city"))
    assert not await database_has_data(session_factory)


def test_generation_is_pure_and_repeatable() -> None:
    """No database, no clock: two generations with one seed and stamp are equal row for row."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    first = list(generate_demo("small", 7, now=now))
    second = list(generate_demo("small", 7, now=now))
    assert first == second
    assert [group for group, _ in first] == [
        "geography",
        "funds",
        "volunteers",
        "households",
        "requests",
        "pairs",
    ]


async def test_requests_come_from_distinct_needy_households(
    session_factory: SessionFactory,
) -> None:
    await load_demo(session_factory)
    requests = await _rows(session_factory, AssistanceRequest)
    assert len(requests) == 40
    assert len({r.household_id for r in requests}) == 40
    assert all(r.status is RequestStatus.SUBMITTED and r.year == 2026 for r in requests)
    assert all(r.amount_fen > 0 and 1 <= r.urgency <= 100 for r in requests)
    households = {h.id: h for h in await _rows(session_factory, Household)}
    needy = {
        AssistanceStatus.DIBAO,
        AssistanceStatus.SPECIAL_HARDSHIP,
        AssistanceStatus.LOW_INCOME,
        AssistanceStatus.EDGE,
    }
    assert all(households[r.household_id].status in needy for r in requests)
    assert all(
        r.submitted_by_community_id == households[r.household_id].community_id for r in requests
    )


async def test_households_on_assistance_come_assessed_scheduled_and_paid(
    session_factory: SessionFactory,
) -> None:
    await load_demo(session_factory)
    today = date.today()
    homes = await _rows(session_factory, Household)
    on_assistance = [h for h in homes if h.status is not AssistanceStatus.NONE]
    assert on_assistance
    assert all(h.next_review_on is not None and h.income_stability for h in on_assistance)
    overdue = sum(h.next_review_on < today for h in on_assistance)
    assert 0 < overdue < len(on_assistance) / 4
    dibao = [h for h in homes if h.status is AssistanceStatus.DIBAO]
    assert all(h.benefit_fen > 0 for h in dibao)
    assert all(h.benefit_fen == 0 for h in homes if h.status is not AssistanceStatus.DIBAO)
    changes = await _rows(session_factory, BenefitChange)
    assert sorted((c.household_id, c.after_fen) for c in changes) == sorted(
        (h.id, h.benefit_fen) for h in dibao
    )
    assessments = await _rows(session_factory, HouseholdAssessment)
    assessed = {a.household_id for a in assessments}
    assert {h.id for h in on_assistance} <= assessed
    assert len(assessed) < len(homes)
    flags = {a.flag for a in assessments}
    assert {"poor_not_on_dibao", "on_dibao_not_poor"} & flags
    # Every stored score is what the stored policy revision gives again.
    cache = PolicyCache()
    async with session_factory() as session:
        stored = (await session.execute(sa.select(HouseholdAssessment).limit(50))).scalars()
        for a in stored:
            score = await explain(session, a, cache)
            assert (str(score.score), score.poor) == (a.score, a.poor)
