"""Writing the access log: reads of sensitive fields (one row per record read), reveals of
full identifiers (with their purpose) and changes (before and after)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from models.access_log import AccessLogEntry
from models.base import utcnow
from models.enums import AccessKind

TABLE = AccessLogEntry.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Reader:
    """Who read or revealed: the actor's name, account and role, and the request."""

    actor: str
    user_id: int | None
    role: str | None
    request_id: str | None


def entry(
    reader: Reader,
    kind: AccessKind,
    record_type: str,
    record_id: int,
    fields: list[str],
    **extra: Any,
) -> dict[str, Any]:
    """One access-log row as insert values."""
    now = utcnow()
    return {
        "created_at": now,
        "updated_at": now,
        "kind": kind,
        "actor": reader.actor,
        "user_id": reader.user_id,
        "role": reader.role,
        "request_id": reader.request_id,
        "record_type": record_type,
        "record_id": record_id,
        "fields": fields,
        "purpose": None,
        "before": None,
        "after": None,
        **extra,
    }


async def record_reads(
    session: AsyncSession, reader: Reader, reads: Mapping[tuple[str, int], set[str]]
) -> int:
    """One READ row per record whose sensitive fields were sent, in one statement."""
    rows = [
        entry(reader, AccessKind.READ, record_type, record_id, sorted(fields))
        for (record_type, record_id), fields in sorted(reads.items())
    ]
    if rows:
        await session.execute(sa.insert(TABLE), rows)
    return len(rows)


async def record_reveal(
    session: AsyncSession,
    reader: Reader,
    record_type: str,
    record_id: int,
    field: str,
    purpose: str,
) -> None:
    await session.execute(
        sa.insert(TABLE),
        [entry(reader, AccessKind.REVEAL, record_type, record_id, [field], purpose=purpose)],
    )
