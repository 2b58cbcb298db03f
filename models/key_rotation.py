"""Key rotation: every encrypted value under the current data key, every lookup hash under the
current lookup key.

Rows are read in batches by id, each batch in a transaction of its own, so a rotation can be
stopped at any point and run again: a value already under the current keys is left alone, and
a second run over a rotated database changes nothing. Values and hashes are read and written
as stored (no ORM, no column types), and neither ``version`` nor ``updated_at`` moves: a
rotation changes no one's data. A value changed by a user meanwhile is skipped (the user's
write used the current keys already).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import SQLModel

from access.crypto import DecryptionError, Keyring, current_keyring
from models.db import SessionFactory, transaction
from models.encrypted import HASH_SUFFIX, encrypted_columns

DEFAULT_BATCH = 1000


@dataclass
class FieldRotation:
    """What a rotation found and did in one encrypted column."""

    name: str
    """The column as ``table.column``."""
    values: int = 0
    by_key: Counter[str] = field(default_factory=Counter)
    """Values per data key id, as found (before re-encryption)."""
    re_encrypted: int = 0
    rehashed: int = 0
    unreadable: int = 0
    problem: str | None = None
    """Why values could not be read (the first such error; never a value)."""


@dataclass
class Rotation:
    """The outcome of :func:`rotate_keys` over every encrypted column."""

    fields: list[FieldRotation]
    rows: int
    seconds: float
    dry_run: bool

    @property
    def complete(self) -> bool:
        """Every value was readable (and, unless a dry run, is now under the current keys)."""
        return all(f.unreadable == 0 for f in self.fields)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "complete": self.complete,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "fields": [
                {
                    "field": f.name,
                    "values": f.values,
                    "by_key": dict(sorted(f.by_key.items())),
                    ("to_re_encrypt" if self.dry_run else "re_encrypted"): f.re_encrypted,
                    ("to_rehash" if self.dry_run else "rehashed"): f.rehashed,
                    "unreadable": f.unreadable,
                    **({"problem": f.problem} if f.problem else {}),
                }
                for f in self.fields
            ],
        }


def encrypted_tables() -> list[tuple[sa.Table, list[sa.Column[Any]]]]:
    """Each table with encrypted columns, with those columns."""
    found = [(t, encrypted_columns(t)) for t in SQLModel.metadata.sorted_tables]
    return [(t, columns) for t, columns in found if columns]


async def count_rows(factory: SessionFactory) -> int:
    """Rows of the tables a rotation reads (for a progress bar)."""
    total = 0
    async with factory() as session:
        for table, _ in encrypted_tables():
            count = sa.select(sa.func.count()).select_from(sa.table(table.name))
            total += int((await session.execute(count)).scalar_one())
    return total


def _stored(table: sa.Table, columns: list[sa.Column[Any]]) -> sa.TableClause:
    """The table as stored: ciphertexts and hashes as plain text."""
    names = [n for c in columns for n in (c.name, c.name + HASH_SUFFIX)]
    return sa.table(
        table.name, sa.column("id", sa.Integer), *(sa.column(n, sa.Text) for n in names)
    )


def _rotate_value(
    keyring: Keyring, report: FieldRotation, token: str, stored_hash: str | None
) -> tuple[str, str] | None:
    """The new (ciphertext, hash) of one value, or None when it is current (or unreadable)."""
    report.values += 1
    try:
        key_id = keyring.key_id_of(token, field=report.name)
        plain = keyring.decrypt(token, field=report.name)
    except DecryptionError as exc:
        report.unreadable += 1
        report.problem = report.problem or str(exc)
        return None
    report.by_key[key_id] += 1
    new_token = token
    if key_id != keyring.data_key_id:
        new_token = keyring.encrypt(plain, field=report.name)
        report.re_encrypted += 1
    new_hash = keyring.lookup_hash(plain, field=report.name)
    if new_hash != stored_hash:
        report.rehashed += 1
    if new_token == token and new_hash == stored_hash:
        return None
    return new_token, new_hash


async def _rotate_batch(
    connection: AsyncConnection,
    stored: sa.TableClause,
    reports: dict[str, FieldRotation],
    rows: list[Any],
    *,
    dry_run: bool,
) -> None:
    keyring = current_keyring()
    for name, report in reports.items():
        value, hashed = stored.c[name], stored.c[name + HASH_SUFFIX]
        changes = []
        for row in rows:
            token = row._mapping[name]
            if token is None:
                continue
            rotated = _rotate_value(keyring, report, token, row._mapping[hashed.name])
            if rotated is not None:
                changes.append(
                    {"k_id": row.id, "k_old": token, "k_new": rotated[0], "k_hash": rotated[1]}
                )
        if changes and not dry_run:
            # Only where the value is still the one read: a user's change meanwhile wins.
            update = (
                sa.update(stored)
                .where(stored.c.id == sa.bindparam("k_id"), value == sa.bindparam("k_old"))
                .values({value: sa.bindparam("k_new"), hashed: sa.bindparam("k_hash")})
            )
            await connection.execute(update, changes)


@asynccontextmanager
async def _batch_session(factory: SessionFactory, *, write: bool) -> AsyncIterator[AsyncSession]:
    if write:
        async with transaction(factory) as session:
            yield session
    else:
        async with factory() as session:
            yield session


async def rotate_keys(
    factory: SessionFactory,
    *,
    batch_size: int = DEFAULT_BATCH,
    dry_run: bool = False,
    progress: Callable[[int], object] | None = None,
) -> Rotation:
    """Re-encrypt and rehash every stored identifier under the configured current keys.

    ``dry_run`` only counts (values per key id, and what a rotation would change).
    ``progress`` is called with the number of rows of each batch done.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    reports: list[FieldRotation] = []
    rows_seen = 0
    for table, columns in encrypted_tables():
        stored = _stored(table, columns)
        by_column = {c.name: FieldRotation(c.type.field) for c in columns}  # type: ignore[attr-defined]
        reports += by_column.values()
        last_id = 0
        while True:
            async with _batch_session(factory, write=not dry_run) as session:
                connection = await session.connection()
                batch = list(
                    await connection.execute(
                        sa.select(stored)
                        .where(stored.c.id > last_id)
                        .order_by(stored.c.id)
                        .limit(batch_size)
                    )
                )
                if not batch:
                    break
                await _rotate_batch(connection, stored, by_column, batch, dry_run=dry_run)
            last_id = batch[-1].id
            rows_seen += len(batch)
            if progress is not None:
                progress(len(batch))
    return Rotation(reports, rows_seen, time.perf_counter() - started, dry_run)
