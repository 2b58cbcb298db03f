"""Commands on districts, streets and communities."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.commands.common import ensure_unique
from models.commands.crud import EntitySpec, FieldSpec, Reference
from models.geo import Community, District, Street
from models.validation import Checker, latitude, longitude, text

_NAME = FieldSpec("name", text(max_length=64))
_CODE = FieldSpec("code", text(max_length=16, required=False), required=False)


async def _check_district(
    session: AsyncSession, checker: Checker, values: dict[str, Any], row: District | None
) -> None:
    await ensure_unique(
        session,
        checker,
        District,
        {"name": values["name"]},
        exclude_id=row.id if row else None,
        label="name",
        message=f"A district named {values['name']!r} already exists.",
    )


async def _check_street(
    session: AsyncSession, checker: Checker, values: dict[str, Any], row: Street | None
) -> None:
    await ensure_unique(
        session,
        checker,
        Street,
        {"district_id": values["district_id"], "name": values["name"]},
        exclude_id=row.id if row else None,
        label="name",
        message=f"This district already has a street named {values['name']!r}.",
    )


async def _check_community(
    session: AsyncSession, checker: Checker, values: dict[str, Any], row: Community | None
) -> None:
    await ensure_unique(
        session,
        checker,
        Community,
        {"street_id": values["street_id"], "name": values["name"]},
        exclude_id=row.id if row else None,
        label="name",
        message=f"This street already has a community named {values['name']!r}.",
    )


DISTRICT = EntitySpec(District, "district", {"name": _NAME, "code": _CODE}, check=_check_district)
STREET = EntitySpec(
    Street,
    "street",
    {"name": _NAME, "code": _CODE},
    references={"district_id": Reference(District, "district", "districtId")},
    check=_check_street,
)
COMMUNITY = EntitySpec(
    Community,
    "community",
    {
        "name": _NAME,
        "latitude": FieldSpec("location.latitude", latitude),
        "longitude": FieldSpec("location.longitude", longitude),
    },
    references={"street_id": Reference(Street, "street", "streetId")},
    check=_check_community,
)
