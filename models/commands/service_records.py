"""Recording what a volunteer did for the elder of a pair."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.actor import current_actor
from models.commands.crud import get_or_raise
from models.enums import PairStatus, ServiceKind
from models.errors import DomainError, ErrorCode
from models.pair import Pair
from models.service_record import ServiceRecord
from models.validation import Checker, text

MAX_MINUTES = 720


async def record_service(
    session: AsyncSession,
    *,
    pair_id: int,
    served_on: date,
    kind: ServiceKind,
    minutes: int,
    note: str = "",
    today: date | None = None,
) -> ServiceRecord:
    """A service done while the pair stood (from its start to its end, not in the future)."""
    pair = await get_or_raise(session, Pair, pair_id, noun="pair", label="pairId")
    checker = Checker()
    clean_note = checker.apply(text(max_length=500, required=False), note, "note") or ""
    if not 1 <= minutes <= MAX_MINUTES:
        checker.add(
            ErrorCode.VALIDATION,
            f"minutes: between 1 and {MAX_MINUTES} (got {minutes}).",
            "minutes",
        )
    latest = min(today or date.today(), pair.ended_on or date.max)
    if pair.status is PairStatus.PROPOSED:
        checker.add(
            ErrorCode.INVALID_STATE,
            "pairId: this pair is only proposed; record services once it is confirmed.",
            "pairId",
        )
    elif not pair.started_on <= served_on <= latest:
        checker.add(
            ErrorCode.VALIDATION,
            f"servedOn: must be between the pair's start ({pair.started_on}) and "
            f"{'its end' if pair.ended_on else 'today'} ({latest}).",
            "servedOn",
        )
    checker.raise_if_any()
    if pair.id is None:  # pragma: no cover - a stored pair has its id
        raise DomainError.one(ErrorCode.NOT_FOUND, "pairId: no pair with this id.", "pairId")
    row = ServiceRecord(
        pair_id=pair.id,
        served_on=served_on,
        kind=kind,
        minutes=minutes,
        note=clean_note,
        recorded_by=current_actor(),
    )
    session.add(row)
    await session.flush()
    return row
