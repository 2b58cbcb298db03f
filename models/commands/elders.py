"""Commands on elders (80+): a profile on an existing household member."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.categories import age_on
from models.commands.common import Slot, ensure_unique, value_rows, weekly_slots
from models.commands.crud import (
    EntitySpec,
    FieldSpec,
    create,
    get_or_raise,
    replace_children,
    update,
)
from models.elder import ELDER_MIN_AGE, Elder, ElderCareNeed, ElderLanguage, ElderVisitSlot
from models.enums import CareNeed
from models.errors import DomainError, ErrorCode
from models.household import Household, Person
from models.validation import Checker, codes, latitude, longitude

ELDER = EntitySpec(
    Elder,
    "elder",
    {
        "latitude": FieldSpec("location.latitude", latitude),
        "longitude": FieldSpec("location.longitude", longitude),
    },
)


@dataclass(frozen=True)
class ElderSets:
    """The elder's collections; ``None`` leaves a collection as it is (on update)."""

    languages: Sequence[str] | None = None
    care_needs: Sequence[CareNeed] | None = None
    visit_slots: Sequence[Slot] | None = None


async def _write_sets(session: AsyncSession, elder_id: int, sets: ElderSets) -> None:
    if sets.languages is not None:
        checker = Checker()
        languages = checker.apply(codes, sets.languages, "languages")
        checker.raise_if_any()
        await replace_children(
            session, ElderLanguage, "elder_id", elder_id, value_rows("language", languages)
        )
    if sets.care_needs is not None:
        await replace_children(
            session, ElderCareNeed, "elder_id", elder_id, value_rows("need", sets.care_needs)
        )
    if sets.visit_slots is not None:
        rows = weekly_slots(sets.visit_slots, "visitSlots")
        await replace_children(session, ElderVisitSlot, "elder_id", elder_id, rows)


async def create_elder(
    session: AsyncSession, person_id: int, values: dict[str, Any], sets: ElderSets
) -> Elder:
    """Register a household member aged 80+ as an elder; location defaults to the home's."""
    person = await get_or_raise(session, Person, person_id, noun="person", label="personId")
    if not person.active:
        raise DomainError.one(
            ErrorCode.INVALID_STATE, "personId: this person is no longer active.", "personId"
        )
    age = age_on(person.birth_date, date.today())
    if age < ELDER_MIN_AGE:
        raise DomainError.one(
            ErrorCode.VALIDATION,
            f"personId: an elder must be aged {ELDER_MIN_AGE} or more; this person is {age}. "
            "Check the birth date.",
            "personId",
        )
    checker = Checker()
    await ensure_unique(
        session,
        checker,
        Elder,
        {"person_id": person_id},
        exclude_id=None,
        label="personId",
        message="personId: this person is already registered as an elder.",
    )
    checker.raise_if_any()
    household = await get_or_raise(session, Household, person.household_id, noun="household")
    if not household.active:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            "personId: this person's household file is archived; reactivate it first.",
            "personId",
        )
    full = {
        "latitude": household.latitude,
        "longitude": household.longitude,
        **{k: v for k, v in values.items() if v is not None or k == "preferred_volunteer_gender"},
        "person_id": person_id,
        "community_id": household.community_id,
    }
    elder = await create(session, ELDER, full)
    assert elder.id is not None
    await _write_sets(session, elder.id, sets)
    return elder


async def update_elder(
    session: AsyncSession,
    elder_id: int,
    changes: dict[str, Any],
    sets: ElderSets,
    *,
    expected_version: int | None = None,
) -> Elder:
    """Change an elder's preferences, location or collections."""
    elder = await update(
        session,
        ELDER,
        elder_id,
        changes,
        expected_version=expected_version,
        touch=sets != ElderSets(),
    )
    await _write_sets(session, elder_id, sets)
    return elder
