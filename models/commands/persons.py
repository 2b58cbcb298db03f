"""Commands on household members."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.categories import age_on
from models.base import utcnow
from models.commands.common import ensure_unique, set_active
from models.commands.crud import EntitySpec, FieldSpec, Reference, create, get_or_raise, update
from models.commands.lifecycle.reviews import reschedule_after_member_change
from models.elder import ELDER_MIN_AGE, Elder
from models.encrypted import matches
from models.enums import Relation
from models.errors import ErrorCode
from models.household import Household, Person
from models.id_number import parse_id_number
from models.validation import Checker, id_number, int_range, past_date, phone, text


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
    if row is not None and values["birth_date"] != row.birth_date:
        await _check_elder_age(session, checker, row.id, values["birth_date"])
    number = values.get("id_number")
    if number is not None:
        await _check_id_number(session, checker, number, values["birth_date"], row)


async def _check_id_number(
    session: AsyncSession, checker: Checker, number: str, birth_date: date, row: Person | None
) -> None:
    """The number's birth date is the member's, and no other person has the number.

    Messages never repeat the number (they reach logs and screens that show it masked)."""
    if parse_id_number(number).birth_date != birth_date:
        checker.add(
            ErrorCode.VALIDATION,
            "idNumber: its birth date (characters 7-14) is not the member's birth date; "
            "check both.",
            "idNumber",
        )
    if row is not None and number == row.id_number:
        return
    taken = sa.select(col(Person.id)).where(matches(col(Person.id_number), number))
    if row is not None:
        taken = taken.where(col(Person.id) != row.id)
    if (await session.execute(taken.limit(1))).first() is not None:
        checker.add(
            ErrorCode.DUPLICATE,
            "idNumber: another person already has this ID number; find them with "
            "households(filter: {memberIdNumber: ...}) and change that record instead.",
            "idNumber",
        )


async def _check_elder_age(
    session: AsyncSession, checker: Checker, person_id: int | None, birth_date: date
) -> None:
    """A registered elder's birth date may not be corrected to an age under 80."""
    age = age_on(birth_date, date.today())
    if age >= ELDER_MIN_AGE:
        return
    elder = await session.execute(
        sa.select(col(Elder.id)).where(col(Elder.person_id) == person_id, col(Elder.active))
    )
    if elder.first() is not None:
        checker.add(
            ErrorCode.VALIDATION,
            f"birthDate: this person is registered as an elder ({ELDER_MIN_AGE}+) and would be "
            f"{age}; check the date, or deactivate the elder profile first.",
            "birthDate",
        )


PERSON = EntitySpec(
    Person,
    "person",
    {
        "name": FieldSpec("name", text(max_length=64)),
        "birth_date": FieldSpec("birthDate", past_date(earliest=date(1900, 1, 1))),
        "disability_grade": FieldSpec("disabilityGrade", int_range(0, 4)),
        "id_number": FieldSpec("idNumber", id_number, required=False),
        "phone": FieldSpec("phone", phone, required=False),
    },
    references={"household_id": Reference(Household, "household", "householdId")},
    check=_check_person,
)


MEMBER_FIELDS = frozenset({"labour_capacity", "active", "household_id"})
"""Member fields the review interval depends on."""


async def create_person(session: AsyncSession, values: dict[str, Any]) -> Person:
    """Add a member; the household's review schedule follows its members."""
    person = await create(session, PERSON, values)
    await reschedule_after_member_change(session, person.household_id)
    return person


async def update_person(
    session: AsyncSession,
    person_id: int,
    changes: dict[str, Any],
    *,
    expected_version: int | None = None,
) -> Person:
    """Change a member; the review schedule follows a change of labour capacity or presence."""
    before = await get_or_raise(session, Person, person_id, noun="person")
    old_household = before.household_id
    person = await update(session, PERSON, person_id, changes, expected_version=expected_version)
    if MEMBER_FIELDS & changes.keys():
        for household_id in {old_household, person.household_id}:
            await reschedule_after_member_change(session, household_id)
    return person


async def deactivate_person(
    session: AsyncSession, person_id: int, *, expected_version: int | None = None
) -> Person:
    """Mark a member as no longer in the household; their elder profile goes inactive too."""
    person = await set_active(
        session, PERSON, person_id, active=False, expected_version=expected_version
    )
    await reschedule_after_member_change(session, person.household_id)
    await session.execute(
        sa.update(Elder)
        .where(Elder.person_id == person_id)  # type: ignore[arg-type]
        .values(active=False, version=Elder.version + 1, updated_at=utcnow())
    )
    return person
