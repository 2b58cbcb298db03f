"""Account commands on SQLite and PostgreSQL: creation rules, the scope CHECKs in the database,
sign-in doing the same work for unknown users, and refresh-token expiry by the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.exc import IntegrityError

from access.passwords import Passwords
from models import Community, District, Station, Street, User
from models.base import utcnow
from models.commands.sessions import RefreshRefused, rotate_refresh_token, start_session
from models.commands.users import NewUser, authenticate, create_user
from models.db import SessionFactory, transaction
from models.enums import Role, StationKind
from models.errors import DomainError

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class CountingPasswords(Passwords):
    """Cheap parameters, and a record of every verification."""

    hasher: PasswordHasher = field(
        default_factory=lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    verified: list[str] = field(default_factory=list)

    def verify(self, stored_hash: str, password: str) -> bool:
        self.verified.append(stored_hash)
        return super().verify(stored_hash, password)


def id_of(row: Any) -> int:
    assert row.id is not None
    return int(row.id)


async def places(factory: SessionFactory) -> dict[str, int]:
    async with transaction(factory) as session:
        district = District(name="东城区")
        session.add(district)
        await session.flush()
        street = Street(district_id=id_of(district), name="东华门街道")
        session.add(street)
        await session.flush()
        community = Community(
            street_id=id_of(street), name="多福巷社区", latitude=39.9, longitude=116.4
        )
        session.add(community)
        await session.flush()
        station = Station(
            name="多福巷志愿服务站",
            kind=StationKind.COMMUNITY,
            street_id=id_of(street),
            community_id=community.id,
            address="多福巷1号",
            latitude=39.9,
            longitude=116.4,
        )
        session.add(station)
        await session.flush()
        assert street.id is not None
        assert station.id is not None
        return {"street": street.id, "station": station.id}


async def problems(factory: SessionFactory, new: NewUser) -> list[tuple[str, str | None]]:
    with pytest.raises(DomainError) as refused:
        async with transaction(factory) as session:
            await create_user(session, new, passwords=CountingPasswords())
    return [(str(p.code), p.field) for p in refused.value.problems]


async def insert(factory: SessionFactory, row: User) -> None:
    """Add a row past the commands: only the database's own rules apply."""
    async with transaction(factory) as session:
        session.add(row)
        await session.flush()


def person(**values: Any) -> NewUser:
    base: dict[str, Any] = {
        "username": "li.hua",
        "display_name": "李华",
        "role": Role.CIVIL_AFFAIRS,
        "password": PASSWORD,
    }
    return NewUser(**{**base, **values})


async def test_create_user_reports_every_problem_at_once(session_factory: SessionFactory) -> None:
    found = await problems(
        session_factory,
        person(username="x", display_name=" ", role=Role.STREET_STAFF, password="short"),
    )

    assert sorted(found) == [
        ("required", "streetId"),
        ("validation", "displayName"),
        ("validation", "password"),
        ("validation", "username"),
    ]


async def test_scope_columns_follow_the_role(session_factory: SessionFactory) -> None:
    ids = await places(session_factory)

    assert await problems(session_factory, person(street_id=ids["street"])) == [
        ("validation", "streetId")
    ]
    assert sorted(
        await problems(
            session_factory, person(role=Role.STATION_COORDINATOR, street_id=ids["street"])
        )
    ) == [("required", "stationId"), ("validation", "streetId")]
    assert await problems(session_factory, person(role=Role.STREET_STAFF, street_id=10**6)) == [
        ("not_found", "streetId")
    ]
    async with transaction(session_factory) as session:
        staff = await create_user(
            session,
            person(role=Role.STREET_STAFF, street_id=ids["street"]),
            passwords=CountingPasswords(),
        )
    assert staff.street_id == ids["street"]


async def test_usernames_are_unique_regardless_of_case(session_factory: SessionFactory) -> None:
    async with transaction(session_factory) as session:
        await create_user(session, person(), passwords=CountingPasswords())

    assert await problems(session_factory, person(username=" LI.HUA ")) == [
        ("duplicate", "username")
    ]


async def test_service_accounts_have_no_password_and_people_need_one(
    session_factory: SessionFactory,
) -> None:
    assert await problems(session_factory, person(role=Role.SERVICE)) == [
        ("validation", "password")
    ]
    assert await problems(session_factory, person(password=None)) == [("required", "password")]
    async with transaction(session_factory) as session:
        robot = await create_user(
            session, person(role=Role.SERVICE, password=None), passwords=CountingPasswords()
        )
    assert robot.password_hash is None


@pytest.mark.parametrize(
    ("role", "columns"),
    [
        (Role.STREET_STAFF, {}),
        (Role.STATION_COORDINATOR, {}),
        (Role.STATION_COORDINATOR, {"street": "street_id"}),
        (Role.DISTRICT_ADMIN, {"street": "street_id"}),
        (Role.AUDITOR, {"station": "station_id"}),
    ],
)
async def test_the_database_refuses_an_account_without_its_scope(
    session_factory: SessionFactory, role: Role, columns: dict[str, str]
) -> None:
    ids = await places(session_factory)
    scope: dict[str, Any] = {column: ids[place] for place, column in columns.items()}

    raw = User(username="raw", display_name="raw", role=role, password_hash="h", **scope)

    with pytest.raises(IntegrityError, match="scope"):
        await insert(session_factory, raw)


async def test_the_database_accepts_each_role_with_exactly_its_scope(
    session_factory: SessionFactory,
) -> None:
    ids = await places(session_factory)
    async with transaction(session_factory) as session:
        session.add(User(username="a", display_name="a", role=Role.AUDITOR, password_hash="h"))
        session.add(
            User(
                username="s",
                display_name="s",
                role=Role.STREET_STAFF,
                password_hash="h",
                street_id=ids["street"],
            )
        )
        session.add(User(username="r", display_name="r", role=Role.SERVICE))
    async with session_factory() as session:
        count = (await session.execute(sa.select(sa.func.count()).select_from(User))).scalar()
    assert count == 3


async def test_a_person_without_a_password_is_refused_by_the_database(
    session_factory: SessionFactory,
) -> None:
    with pytest.raises(IntegrityError, match="password_unless_service"):
        await insert(session_factory, User(username="p", display_name="p", role=Role.AUDITOR))


async def test_an_unknown_user_costs_one_verification_like_a_wrong_password(
    session_factory: SessionFactory,
) -> None:
    passwords = CountingPasswords()
    async with transaction(session_factory) as session:
        await create_user(session, person(), passwords=passwords)

    for username, password in [("nobody", PASSWORD), ("li.hua", "wrong password!")]:
        passwords.verified.clear()
        with pytest.raises(DomainError) as refused:
            await authenticate(session_factory, username, password, passwords=passwords)
        assert [str(p.code) for p in refused.value.problems] == ["unauthenticated"]
        assert len(passwords.verified) == 1

    found = await authenticate(session_factory, "li.hua", PASSWORD, passwords=passwords)
    assert found.user.username == "li.hua"
    assert found.new_hash is None  # made with these parameters: nothing to upgrade


async def test_a_refresh_token_expires_by_the_clock(session_factory: SessionFactory) -> None:
    async with transaction(session_factory) as session:
        user = await create_user(session, person(), passwords=CountingPasswords())
    assert user.id is not None
    async with transaction(session_factory) as session:
        issued = await start_session(session, user.id, lifetime=timedelta(days=14))

    later = utcnow() + timedelta(days=14, seconds=1)
    async with transaction(session_factory) as session:
        outcome = await rotate_refresh_token(
            session, issued.token, lifetime=timedelta(days=14), now=later
        )

    assert outcome == RefreshRefused("expired", issued.family_id)
    async with transaction(session_factory) as session:
        inside = await rotate_refresh_token(
            session, issued.token, lifetime=timedelta(days=14), now=later - timedelta(seconds=2)
        )
    assert not isinstance(inside, RefreshRefused)
