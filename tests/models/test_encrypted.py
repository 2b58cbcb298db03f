"""Encrypted columns on SQLite and PostgreSQL: ciphertext stored, clear text in Python, the
lookup hash filled beside it however a row is written, comparisons refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col

from access.crypto import DecryptionError, Keyring
from models.db import SessionFactory, transaction
from models.encrypted import HASH_SUFFIX, EncryptedText, encrypted_columns, matches
from models.enums import Gender
from models.volunteer import Volunteer

PHONE = "13812345678"


def _volunteer(phone: str = PHONE) -> Volunteer:
    return Volunteer(
        name="王芳",
        gender=Gender.FEMALE,
        birth_year=1990,
        phone=phone,
        home_latitude=39.9,
        home_longitude=116.4,
    )


async def _stored(factory: SessionFactory, volunteer_id: int) -> Any:
    async with factory() as session:
        row = await session.execute(
            sa.text("SELECT phone, phone_hash FROM volunteer WHERE id = :id"), {"id": volunteer_id}
        )
        return row.one()


def test_every_encrypted_column_has_its_hash_beside_it() -> None:
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in encrypted_columns(table):
            found.append(f"{table.name}.{column.name}")
            assert isinstance(column.type, EncryptedText)  # (narrows the type)
            assert column.type.field == f"{table.name}.{column.name}"
            hashed = table.c[column.name + HASH_SUFFIX]
            assert (
                hashed.index
                or hashed.unique
                or any(hashed in ix.columns.values() for ix in table.indexes)
            )
            assert hashed.nullable == column.nullable
            if column.nullable:
                checks = {
                    str(c.name) for c in table.constraints if isinstance(c, sa.CheckConstraint)
                }
                assert f"ck_{table.name}_{column.name}_hash_beside" in checks
    assert sorted(found) == ["person.id_number", "person.phone", "volunteer.phone"]


async def test_an_orm_insert_stores_ciphertext_and_the_hash(
    session_factory: SessionFactory, keyring: Keyring
) -> None:
    async with transaction(session_factory) as session:
        volunteer = _volunteer()
        session.add(volunteer)
    assert volunteer.id is not None

    stored = await _stored(session_factory, volunteer.id)

    assert stored.phone.startswith(f"v1:{keyring.data_key_id}:")
    assert PHONE not in stored.phone
    assert stored.phone_hash == keyring.lookup_hash(PHONE, field="volunteer.phone")
    assert volunteer.phone_hash == stored.phone_hash  # the ORM object has it too
    async with session_factory() as session:
        again = await session.get(Volunteer, volunteer.id)
    assert again is not None
    assert again.phone == PHONE


async def test_a_core_bulk_insert_fills_each_rows_hash(
    session_factory: SessionFactory, keyring: Keyring
) -> None:
    table = SQLModel.metadata.tables["volunteer"]
    base = _volunteer().model_dump(exclude={"id", "phone", "phone_hash"})
    phones = [f"1380000000{i}" for i in range(3)]
    async with transaction(session_factory) as session:
        await session.execute(sa.insert(table), [{**base, "phone": p} for p in phones])
        rows = (await session.execute(sa.select(table.c.phone, table.c.phone_hash))).all()

    assert sorted(r.phone for r in rows) == phones
    assert {r.phone_hash for r in rows} == {
        keyring.lookup_hash(p, field="volunteer.phone") for p in phones
    }


async def test_rows_are_found_by_hash_and_the_column_itself_cannot_be_compared(
    session_factory: SessionFactory,
) -> None:
    async with transaction(session_factory) as session:
        session.add_all([_volunteer(), _volunteer("13900000000")])
    async with session_factory() as session:
        found = (
            await session.execute(sa.select(Volunteer).where(matches(col(Volunteer.phone), PHONE)))
        ).scalars()
        assert [v.phone for v in found] == [PHONE]
        missing = sa.select(col(Volunteer.id)).where(col(Volunteer.phone).is_(None))
        assert (await session.execute(missing)).all() == []

    comparisons: list[Callable[[Any], Any]] = [
        lambda c: c == PHONE,
        lambda c: c != PHONE,
        lambda c: c.in_([PHONE]),
        lambda c: c.like("138%"),
        lambda c: c.desc(),
    ]
    for compare in comparisons:
        with pytest.raises(TypeError, match=r"volunteer\.phone is encrypted"):
            compare(col(Volunteer.phone))
    with pytest.raises(TypeError, match="not an encrypted column"):
        matches(col(Volunteer.name), "王芳")


async def test_a_ciphertext_copied_into_another_column_does_not_read(
    session_factory: SessionFactory, keyring: Keyring
) -> None:
    """Someone with write access to the database moves a member's encrypted phone onto a
    volunteer: the volunteer's row then fails to read, loudly, instead of showing it."""
    async with transaction(session_factory) as session:
        victim, other = _volunteer(), _volunteer("13900000000")
        session.add_all([victim, other])
    assert victim.id is not None
    assert other.id is not None
    person_phone = keyring.encrypt(PHONE, field="person.phone")
    async with transaction(session_factory) as session:
        await session.execute(
            sa.text("UPDATE volunteer SET phone = :phone WHERE id = :id"),
            {"phone": person_phone, "id": other.id},
        )

    async with session_factory() as session:
        with pytest.raises(DecryptionError, match="copied from another column"):
            await session.get(Volunteer, other.id)
        assert (await session.get(Volunteer, victim.id)) is not None
