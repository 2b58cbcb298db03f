"""Commands on volunteers and their memberships, skills, languages and availability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.commands.common import Slot, value_rows, weekly_slots
from models.commands.crud import (
    EntitySpec,
    FieldSpec,
    create,
    replace_children,
    update,
)
from models.encrypted import matches
from models.enums import Skill
from models.errors import DomainError, ErrorCode
from models.station import Station
from models.validation import (
    Checker,
    birth_year,
    codes,
    int_range,
    latitude,
    longitude,
    phone,
    text,
)
from models.volunteer import (
    Volunteer,
    VolunteerAvailability,
    VolunteerLanguage,
    VolunteerSkill,
    VolunteerStation,
)

VOLUNTEER = EntitySpec(
    Volunteer,
    "volunteer",
    {
        "name": FieldSpec("name", text(max_length=64)),
        "birth_year": FieldSpec("birthYear", birth_year),
        "phone": FieldSpec("phone", phone),
        "home_latitude": FieldSpec("home.latitude", latitude),
        "home_longitude": FieldSpec("home.longitude", longitude),
        "work_latitude": FieldSpec("workplace.latitude", latitude, required=False),
        "work_longitude": FieldSpec("workplace.longitude", longitude, required=False),
        "capacity": FieldSpec("capacity", int_range(0, 20)),
    },
)


@dataclass(frozen=True)
class VolunteerSets:
    """The volunteer's collections; ``None`` leaves a collection as it is (on update)."""

    station_ids: Sequence[int] | None = None
    skills: Sequence[Skill] | None = None
    languages: Sequence[str] | None = None
    availability: Sequence[Slot] | None = None


async def _station_ids(session: AsyncSession, volunteer_id: int) -> list[int]:
    rows = await session.execute(
        sa.select(col(VolunteerStation.station_id)).where(
            col(VolunteerStation.volunteer_id) == volunteer_id
        )
    )
    return list(rows.scalars())


async def _check_stations_and_phone(
    session: AsyncSession, station_ids: Sequence[int], phone_number: str, volunteer_id: int | None
) -> None:
    checker = Checker()
    found = set(
        (
            await session.execute(
                sa.select(col(Station.id)).where(col(Station.id).in_(station_ids))
            )
        ).scalars()
    )
    for index, station_id in enumerate(station_ids):
        if station_id not in found:
            checker.add(
                ErrorCode.NOT_FOUND,
                f"stationIds[{index}]: no station with this id exists.",
                f"stationIds[{index}]",
            )
    checker.raise_if_any()
    # A phone number identifies a volunteer to a station's coordinator: unique per station.
    clash = (
        sa.select(col(Station.name))
        .join(VolunteerStation, col(VolunteerStation.station_id) == col(Station.id))
        .join(Volunteer, col(Volunteer.id) == col(VolunteerStation.volunteer_id))
        .where(
            col(Station.id).in_(station_ids),
            matches(col(Volunteer.phone), phone_number),
            col(Volunteer.active).is_(True),
        )
    )
    if volunteer_id is not None:
        clash = clash.where(col(Volunteer.id) != volunteer_id)
    station_name = (await session.execute(clash.limit(1))).scalar()
    if station_name is not None:
        raise DomainError.one(
            ErrorCode.DUPLICATE,
            f"phone: another volunteer of station {station_name!r} already has this phone number.",
            "phone",
        )


async def _write_sets(session: AsyncSession, volunteer_id: int, sets: VolunteerSets) -> None:
    if sets.station_ids is not None:
        await replace_children(
            session,
            VolunteerStation,
            "volunteer_id",
            volunteer_id,
            value_rows("station_id", sets.station_ids),
        )
    if sets.skills is not None:
        await replace_children(
            session, VolunteerSkill, "volunteer_id", volunteer_id, value_rows("skill", sets.skills)
        )
    if sets.languages is not None:
        rows = value_rows("language", _languages(sets.languages))
        await replace_children(session, VolunteerLanguage, "volunteer_id", volunteer_id, rows)
    if sets.availability is not None:
        rows = weekly_slots(sets.availability, "availability")
        await replace_children(session, VolunteerAvailability, "volunteer_id", volunteer_id, rows)


def _languages(values: Sequence[str]) -> list[str]:
    checker = Checker()
    result = checker.apply(codes, values, "languages")
    checker.raise_if_any()
    return list(result)


async def create_volunteer(
    session: AsyncSession, values: dict[str, Any], sets: VolunteerSets
) -> Volunteer:
    """Register a volunteer with their stations, skills, languages and availability."""
    if sets.languages is not None:
        _languages(sets.languages)
    volunteer = await create(session, VOLUNTEER, values)
    assert volunteer.id is not None
    await _check_stations_and_phone(session, sets.station_ids or [], volunteer.phone, volunteer.id)
    await _write_sets(session, volunteer.id, sets)
    return volunteer


async def update_volunteer(
    session: AsyncSession,
    volunteer_id: int,
    changes: dict[str, Any],
    sets: VolunteerSets,
    *,
    expected_version: int | None = None,
) -> Volunteer:
    """Change a volunteer's fields and, where given, replace their collections."""
    if sets.languages is not None:
        _languages(sets.languages)
    volunteer = await update(
        session,
        VOLUNTEER,
        volunteer_id,
        changes,
        expected_version=expected_version,
        touch=sets != VolunteerSets(),
    )
    # Reactivation counts too: the phone must not clash with the station's active volunteers.
    if sets.station_ids is not None or "phone" in changes or changes.get("active") is True:
        station_ids = (
            sets.station_ids
            if sets.station_ids is not None
            else await _station_ids(session, volunteer_id)
        )
        await _check_stations_and_phone(session, station_ids, volunteer.phone, volunteer_id)
    await _write_sets(session, volunteer_id, sets)
    return volunteer
