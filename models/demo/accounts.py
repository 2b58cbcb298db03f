"""Demo accounts, one per role, for trying the API on the demo district (development only).

All share :data:`DEMO_PASSWORD`, printed by ``bangfu serve --demo``; the scoped ones are given
the first street, the first station with a community, a social worker's cases in that
community, and a volunteer with a standing pair.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.actor import acting_as
from models.commands.cases import assign_case
from models.commands.users import NewUser, create_user
from models.enums import PairStatus, Role
from models.household import Household
from models.pair import Pair
from models.station import Station
from models.user import User

DEMO_PASSWORD = "bangfu-demo-2026"  # noqa: S105  (a documented demo password, development only)
DEMO_CASES = 5


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    scope: str
    """What the account sees, in words."""


async def create_demo_accounts(session: AsyncSession) -> list[DemoAccount]:
    """One account per person-role (none if any account exists); returns what was made."""
    if (await session.execute(sa.select(col(User.id)).limit(1))).first() is not None:
        return []
    station = (
        await session.execute(
            sa.select(Station)
            .where(col(Station.community_id).is_not(None))
            .order_by(col(Station.id))
            .limit(1)
        )
    ).scalar_one()
    pair = (
        (
            await session.execute(
                sa.select(Pair).where(col(Pair.status) == PairStatus.ACTIVE).order_by(col(Pair.id))
            )
        )
        .scalars()
        .first()
    )
    accounts = [
        (NewUser("demo.admin", "演示·区管理员", Role.DISTRICT_ADMIN), "the whole district"),
        (NewUser("demo.civil", "演示·民政", Role.CIVIL_AFFAIRS), "the whole district"),
        (
            NewUser("demo.street", "演示·街道", Role.STREET_STAFF, street_id=station.street_id),
            f"street {station.street_id}",
        ),
        (
            NewUser("demo.station", "演示·站长", Role.STATION_COORDINATOR, station_id=station.id),
            f"station {station.id} and community {station.community_id}",
        ),
        (NewUser("demo.social", "演示·社工", Role.SOCIAL_WORKER), f"{DEMO_CASES} cases"),
        (NewUser("demo.charity", "演示·慈善会", Role.CHARITY_OFFICER), "funds and requests"),
        (NewUser("demo.auditor", "演示·审计", Role.AUDITOR), "reads everything"),
    ]
    if pair is not None:
        accounts.append(
            (
                NewUser(
                    "demo.volunteer", "演示·志愿者", Role.VOLUNTEER, volunteer_id=pair.volunteer_id
                ),
                f"volunteer {pair.volunteer_id}",
            )
        )
    made: list[DemoAccount] = []
    for new, scope in accounts:
        user = await create_user(session, replace(new, password=DEMO_PASSWORD))
        made.append(DemoAccount(user.username, user.role, scope))
        if user.role is Role.SOCIAL_WORKER:
            assert user.id is not None
            await _assign_cases(session, user.id, station.community_id)
    return made


async def _assign_cases(session: AsyncSession, user_id: int, community_id: int | None) -> None:
    households = await session.execute(
        sa.select(col(Household.id))
        .where(col(Household.community_id) == community_id)
        .order_by(col(Household.id))
        .limit(DEMO_CASES)
    )
    with acting_as("demo"):
        for household_id in households.scalars():
            assert household_id is not None
            await assign_case(session, user_id=user_id, household_id=household_id)
