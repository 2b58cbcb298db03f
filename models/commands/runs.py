"""Starting and cancelling any kind of run (matching, allocation): idempotent by key."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Table, utcnow
from models.commands.crud import check_version, get_or_raise
from models.enums import ProposalStatus, RunStatus
from models.errors import DomainError, ErrorCode
from models.validation import Checker, text

R = TypeVar("R", bound=Table)


async def start(
    session: AsyncSession, model: type[R], *, key: str, **values: Any
) -> tuple[R, bool]:
    """Queue a run, or return the one already started with ``key`` (``created`` False).

    Callers validate ``values`` first; a concurrent start with the same key loses on the
    unique key and, retried, finds the winner's run here."""
    existing = (
        (await session.execute(sa.select(model).where(model.key == key)))  # type: ignore[attr-defined]
        .scalars()
        .first()
    )
    if existing is not None:
        return existing, False
    factory: Any = model
    run: R = factory(key=key, status=RunStatus.QUEUED, **values)
    session.add(run)
    await session.flush()
    return run, True


async def cancel(session: AsyncSession, model: type[R], run_id: int, noun: str) -> R:
    """Cancel a queued or running run; its job stops at its next checkpoint."""
    run: Any = await get_or_raise(session, model, run_id, noun=noun)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        raise DomainError.one(
            ErrorCode.INVALID_STATE, f"This run has already {run.status.value}.", "id"
        )
    run.status = RunStatus.CANCELLED
    run.finished_at = utcnow()
    run.version += 1
    await session.flush()
    result: R = run
    return result


P = TypeVar("P", bound=Table)
_REASON = text(max_length=500)


async def open_proposal(
    session: AsyncSession, model: type[P], proposal_id: int, expected_version: int | None
) -> P:
    """A run's proposal that is still open for a decision (else a typed error)."""
    proposal: Any = await get_or_raise(session, model, proposal_id, noun="proposal")
    check_version(proposal, expected_version, "proposal")
    if proposal.status is not ProposalStatus.PROPOSED:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"This proposal was already {proposal.status.value}; only an open proposal can be "
            "decided.",
            "proposalId",
        )
    found: P = proposal
    return found


async def reject_proposal(
    session: AsyncSession,
    model: type[P],
    proposal_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
) -> P:
    """Decline a proposal, with the reason (kept for whoever runs the next run)."""
    proposal: Any = await open_proposal(session, model, proposal_id, expected_version)
    checker = Checker()
    clean = checker.apply(_REASON, reason, "reason")
    checker.raise_if_any()
    proposal.status = ProposalStatus.REJECTED
    proposal.decision_reason = clean
    proposal.decided_at = utcnow()
    proposal.version += 1
    await session.flush()
    rejected: P = proposal
    return rejected
