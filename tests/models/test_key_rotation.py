"""Key rotation on SQLite and PostgreSQL: values written under key A, rotated to key B, read
with key A gone; resumable, idempotent, and loud about values it cannot read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col

from access.crypto import DecryptionError, Keyring, configure_keyring
from models.db import SessionFactory
from models.demo import load_demo
from models.encrypted import matches
from models.household import Person
from models.key_rotation import count_rows, rotate_keys
from models.volunteer import Volunteer
from tests.keys import keyring_of

A, B, H1, H2 = (os.urandom(32) for _ in range(4))
UNDER_A = keyring_of({"a": A}, {"h1": H1})
ROTATING = keyring_of({"a": A, "b": B}, {"h1": H1, "h2": H2}, data_key_id="b", lookup_key_id="h2")
ONLY_B = keyring_of({"b": B}, {"h2": H2})


@pytest.fixture
def use_keys(keyring: Keyring) -> Iterator[Any]:
    """Switch the process's keyring within a test; the test settings' one comes back after."""
    yield configure_keyring
    configure_keyring(keyring)


async def _identifiers(factory: SessionFactory) -> dict[str, Any]:
    """Every stored identifier, decrypted, and the rows' versions and update times."""
    async with factory() as session:
        volunteers = (
            await session.execute(sa.select(Volunteer).order_by(col(Volunteer.id)))
        ).scalars()
        persons = (await session.execute(sa.select(Person).order_by(col(Person.id)))).scalars()
        return {
            "volunteer": [(v.id, v.phone, v.version, v.updated_at) for v in volunteers],
            "person": [(p.id, p.id_number, p.phone, p.version, p.updated_at) for p in persons],
        }


async def _stored_key_ids(factory: SessionFactory) -> set[str]:
    async with factory() as session:
        tokens = [
            *(await session.execute(sa.text("SELECT phone FROM volunteer"))).scalars(),
            *(await session.execute(sa.text("SELECT id_number FROM person"))).scalars(),
            *(await session.execute(sa.text("SELECT phone FROM person"))).scalars(),
        ]
    return {t.split(":")[1] for t in tokens if t is not None}


def _field(rotation: Any, name: str) -> dict[str, Any]:
    fields: list[dict[str, Any]] = rotation.as_dict()["fields"]
    return next(f for f in fields if f["field"] == name)


async def test_rotate_from_key_a_to_key_b(session_factory: SessionFactory, use_keys: Any) -> None:
    use_keys(UNDER_A)
    await load_demo(session_factory)
    before = await _identifiers(session_factory)
    volunteers = len(before["volunteer"])
    numbers = sum(p[1] is not None for p in before["person"])
    assert volunteers > 500
    assert numbers > 900
    some_phone = before["volunteer"][7][1]

    use_keys(ROTATING)
    rotated = await rotate_keys(session_factory, batch_size=250)

    assert rotated.complete
    assert not rotated.dry_run
    assert rotated.rows == await count_rows(session_factory)
    phones = _field(rotated, "volunteer.phone")
    assert phones == {
        "field": "volunteer.phone",
        "values": volunteers,
        "by_key": {"a": volunteers},
        "re_encrypted": volunteers,
        "rehashed": volunteers,
        "unreadable": 0,
    }
    assert _field(rotated, "person.id_number")["re_encrypted"] == numbers
    assert await _stored_key_ids(session_factory) == {"b"}

    again = await rotate_keys(session_factory)  # idempotent: nothing left to do
    assert all(f["re_encrypted"] == f["rehashed"] == 0 for f in again.as_dict()["fields"])
    assert _field(again, "volunteer.phone")["by_key"] == {"b": volunteers}

    use_keys(ONLY_B)  # key A and lookup key h1 removed
    assert await _identifiers(session_factory) == before  # every value reads; no version moved
    async with session_factory() as session:
        found = await session.execute(
            sa.select(col(Volunteer.id)).where(matches(col(Volunteer.phone), some_phone))
        )
        assert found.scalars().all() == [before["volunteer"][7][0]]


async def test_an_interrupted_rotation_resumes_where_it_stopped(
    session_factory: SessionFactory, use_keys: Any
) -> None:
    use_keys(UNDER_A)
    await load_demo(session_factory)
    use_keys(ROTATING)
    batches: list[int] = []

    def stop_after_two(rows: int) -> None:
        batches.append(rows)
        if len(batches) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await rotate_keys(session_factory, batch_size=100, progress=stop_after_two)
    assert await _stored_key_ids(session_factory) == {"a", "b"}

    resumed = await rotate_keys(session_factory, batch_size=100)

    phones = _field(resumed, "volunteer.phone")
    assert phones["by_key"]["b"] == 200  # the two batches done before the interruption
    assert phones["re_encrypted"] == phones["values"] - 200
    assert await _stored_key_ids(session_factory) == {"b"}


async def test_a_dry_run_counts_and_changes_nothing(
    session_factory: SessionFactory, use_keys: Any
) -> None:
    use_keys(UNDER_A)
    await load_demo(session_factory)
    use_keys(ROTATING)

    counted = await rotate_keys(session_factory, dry_run=True)

    phones = counted.as_dict()["fields"][0]
    assert phones["to_re_encrypt"] == phones["to_rehash"] == phones["values"] > 0
    assert await _stored_key_ids(session_factory) == {"a"}


async def test_values_under_a_missing_key_are_reported_and_left_alone(
    session_factory: SessionFactory, use_keys: Any
) -> None:
    use_keys(UNDER_A)
    await load_demo(session_factory)
    use_keys(ONLY_B)  # key A removed before rotating: a mistake

    rotation = await rotate_keys(session_factory)

    assert not rotation.complete
    phones = _field(rotation, "volunteer.phone")
    assert phones["unreadable"] == phones["values"] > 0
    assert "data key 'a', which is not configured" in phones["problem"]
    assert await _stored_key_ids(session_factory) == {"a"}  # nothing rewritten
    with pytest.raises(DecryptionError):
        await _identifiers(session_factory)
    use_keys(ROTATING)  # the key is put back: everything reads again
    assert (await rotate_keys(session_factory)).complete


def test_only_the_tables_with_identifiers_are_read() -> None:
    from models.key_rotation import encrypted_tables

    assert [t.name for t, _ in encrypted_tables()] == [
        t.name for t in SQLModel.metadata.sorted_tables if t.name in ("person", "volunteer")
    ]
