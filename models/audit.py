"""Every change to a person's, household's, volunteer's or account's record, with its values
before and after, written to the access log in the same transaction as the change.

An ORM ``after_flush`` hook sees each flushed insert, update and deletion of the audited tables
(whichever command made it) and adds one CHANGE row each: an insertion has only ``after``, a
deletion only ``before``, an update the changed columns in both. Identifiers appear masked; secrets
(hashes) and bookkeeping columns not at all. Bulk statements that bypass the ORM (the demo
load, the yearly benefit recomputation) keep their own history rows instead.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from access.masking import Identifier, mask
from models.access_log import AccessLogEntry
from models.actor import current_actor
from models.allocation_run import AllocationProposal
from models.base import Table, utcnow
from models.case import CaseAssignment
from models.elder import Elder
from models.enums import AccessKind
from models.grant import AssistanceRequest, Grant
from models.household import Household, Person
from models.lifecycle import AssistanceApplication, HouseholdReview, VerificationCheck
from models.pair import Pair
from models.station import Station
from models.user import ApiKey, User
from models.volunteer import Volunteer

AUDITED: dict[type[Table], str] = {
    Household: "Household",
    Person: "Person",
    Elder: "Elder",
    Volunteer: "Volunteer",
    Pair: "Pair",
    AssistanceRequest: "AssistanceRequest",
    Grant: "Grant",
    AllocationProposal: "AllocationProposal",
    AssistanceApplication: "AssistanceApplication",
    VerificationCheck: "VerificationCheck",
    HouseholdReview: "HouseholdReview",
    CaseAssignment: "CaseAssignment",
    Station: "Station",
    User: "User",
    ApiKey: "ApiKey",
}
"""Audited tables and the GraphQL type their records are named by."""

SKIPPED = frozenset({"id", "created_at", "updated_at", "version"})
MASKED = {"id_number": Identifier.ID_NUMBER, "phone": Identifier.PHONE}


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _shown(name: str, value: Any) -> Any:
    if value is None:
        return None
    kind = MASKED.get(name)
    return mask(kind, str(value)) if kind is not None else _plain(value)


@cache
def _columns(model: type[Table]) -> tuple[str, ...]:
    return tuple(
        c.key
        for c in sa.inspect(model).column_attrs
        if c.key not in SKIPPED and not c.key.endswith("_hash")
    )


def _change(obj: Table, kind: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    state = sa.inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in _columns(type(obj)):
        history = state.attrs[name].history
        if kind == "update":
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            before[name], after[name] = _shown(name, old), _shown(name, new)
        elif kind == "insert":
            after[name] = _shown(name, getattr(obj, name))
        else:
            before[name] = _shown(name, getattr(obj, name))
    return before or None, after or None


def _record_changes(session: Session, _flush: UOWTransaction) -> None:
    rows: list[dict[str, Any]] = []
    now = utcnow()
    actor = current_actor()
    for kind, objects in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            record_type = AUDITED.get(type(obj))
            if record_type is None or obj.id is None:
                continue
            before, after = _change(obj, kind)
            if kind == "update" and after is None:
                continue  # touched, nothing changed
            rows.append(
                {
                    "created_at": now,
                    "updated_at": now,
                    "kind": AccessKind.CHANGE,
                    "actor": actor,
                    "record_type": record_type,
                    "record_id": obj.id,
                    "fields": sorted((after or before or {}).keys()),
                    "before": before,
                    "after": after,
                }
            )
    if rows:
        session.connection().execute(sa.insert(AccessLogEntry.__table__), rows)  # type: ignore[attr-defined]


event.listen(Session, "after_flush", _record_changes)
