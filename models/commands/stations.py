"""Commands on volunteer stations."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.commands.crud import EntitySpec, FieldSpec, Reference
from models.errors import ErrorCode
from models.geo import Community, Street
from models.station import Station
from models.validation import Checker, latitude, longitude, text


async def _check_station(
    session: AsyncSession, checker: Checker, values: dict[str, Any], _row: Station | None
) -> None:
    community_id = values.get("community_id")
    if community_id is None:
        return
    community = await session.get(Community, community_id)
    if community is not None and community.street_id != values["street_id"]:
        checker.add(
            ErrorCode.VALIDATION,
            "communityId: this community belongs to another street; choose a community of the "
            "station's street or change streetId.",
            "communityId",
        )


STATION = EntitySpec(
    Station,
    "station",
    {
        "name": FieldSpec("name", text(max_length=128)),
        "address": FieldSpec("address", text(max_length=256)),
        "latitude": FieldSpec("location.latitude", latitude),
        "longitude": FieldSpec("location.longitude", longitude),
    },
    references={
        "street_id": Reference(Street, "street", "streetId"),
        "community_id": Reference(Community, "community", "communityId"),
    },
    check=_check_station,
)
