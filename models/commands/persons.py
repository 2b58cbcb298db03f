"""Commands on household members."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.commands.common import ensure_unique, set_active
from models.commands.crud import EntitySpec, FieldSpec, Reference
from models.elder import Elder
from models.enums import Relation
from models.household import Household, Person
from models.validation import Checker, int_range, past_date, text


async def _check_person(
    session: AsyncSession, checker: Checker, values: dict[str, Any], row: Person | None
) -> None:
    if values.get("relation") is Relation.HEAD and values.get("active", True):
        await ensure_unique(
            session,
            checker,
            Person,
            {"household_id": values["household_id"], "relation": Relation.HEAD, "active": True},
            exclude_id=row.id if row else None,
            label="relation",
            message="relation: this household already has a head; change that member first.",
        )


PERSON = EntitySpec(
    Person,
    "person",
    {
        "name": FieldSpec("name", text(max_length=64)),
        "birth_date": FieldSpec("birthDate", past_date(earliest=date(1900, 1, 1))),
        "disability_grade": FieldSpec("disabilityGrade", int_range(0, 4)),
    },
    references={"household_id": Reference(Household, "household", "householdId")},
    check=_check_person,
)


async def deactivate_person(
    session: AsyncSession, person_id: int, *, expected_version: int | None = None
) -> Person:
    """Mark a member as no longer in the household; their elder profile goes inactive too."""
    person = await set_active(
        session, PERSON, person_id, active=False, expected_version=expected_version
    )
    await session.execute(
        sa.update(Elder)
        .where(Elder.person_id == person_id)  # type: ignore[arg-type]
        .values(active=False, version=Elder.version + 1, updated_at=utcnow())
    )
    return person
