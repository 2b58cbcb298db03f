"""Commands around matching runs: start (idempotent), decide proposals, end pairs, pair rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.base import utcnow
from models.commands import runs
from models.commands.crud import EntitySpec, FieldSpec, Reference, check_version, get_or_raise
from models.commands.crud import create as crud_create
from models.elder import Elder
from models.enums import PairRuleKind, PairStatus, Project, ProposalStatus, RunScope
from models.errors import DomainError, ErrorCode
from models.geo import Community, District, Street
from models.matching_run import MatchingRun, PairProposal, PairRule
from models.pair import Pair
from models.validation import Checker, text
from models.volunteer import Volunteer

LIVE = (PairStatus.PROPOSED, PairStatus.ACTIVE)
_SCOPE_MODELS = {
    RunScope.DISTRICT: District,
    RunScope.STREETS: Street,
    RunScope.COMMUNITIES: Community,
}
_SCOPE_LABELS = {
    RunScope.DISTRICT: "scope.districtId",
    RunScope.STREETS: "scope.streetIds[{index}]",
    RunScope.COMMUNITIES: "scope.communityIds[{index}]",
}
_REASON = text(max_length=500)


async def start_run(
    session: AsyncSession,
    *,
    key: str,
    project: Project,
    scope: RunScope,
    scope_ids: list[int],
    params: dict[str, Any],
    seed: int,
) -> tuple[MatchingRun, bool]:
    """Queue a run, or return the run already started with ``key`` (``created`` False)."""
    existing = (
        await session.execute(sa.select(MatchingRun).where(col(MatchingRun.key) == key))
    ).scalar_one_or_none()
    if existing is not None:  # before validating: a replay of a start succeeds as it did
        return existing, False
    checker = Checker()
    if not scope_ids:
        checker.add(ErrorCode.REQUIRED, "scope: name at least one street or community.", "scope")
    model: Any = _SCOPE_MODELS[scope]
    found = set(
        (await session.execute(sa.select(model.id).where(model.id.in_(scope_ids)))).scalars()
    )
    for index, scope_id in enumerate(scope_ids):
        if scope_id not in found:
            label = _SCOPE_LABELS[scope].format(index=index)
            checker.add(ErrorCode.NOT_FOUND, f"{label}: no such {model.__name__.lower()}.", label)
    checker.raise_if_any()
    return await runs.start(
        session,
        MatchingRun,
        key=key,
        project=project,
        scope=scope,
        scope_ids=sorted(set(scope_ids)),
        params=params,
        seed=seed,
    )


async def cancel_run(session: AsyncSession, run_id: int) -> MatchingRun:
    """Cancel a queued or running run; its job stops at its next checkpoint."""
    return await runs.cancel(session, MatchingRun, run_id, "matching run")


async def confirm_proposal(
    session: AsyncSession,
    proposal_id: int,
    *,
    volunteer_consent: bool,
    elder_consent: bool,
    note: str | None,
    expected_version: int | None = None,
) -> PairProposal:
    """Turn a proposal into an active pair; both sides must have agreed."""
    proposal = await runs.open_proposal(session, PairProposal, proposal_id, expected_version)
    checker = Checker()
    if not volunteer_consent:
        checker.add(
            ErrorCode.VALIDATION,
            "volunteerConsent: record the volunteer's consent first.",
            "volunteerConsent",
        )
    if not elder_consent:
        checker.add(
            ErrorCode.VALIDATION,
            "elderConsent: record the elder's (or family's) consent first.",
            "elderConsent",
        )
    checker.raise_if_any()
    elder = await get_or_raise(session, Elder, proposal.elder_id, noun="elder")
    volunteer = await get_or_raise(session, Volunteer, proposal.volunteer_id, noun="volunteer")
    if not (elder.active and volunteer.active):
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            "The elder or the volunteer is no longer active; start a new run.",
            "proposalId",
        )
    live = (
        (
            await session.execute(
                sa.select(Pair).where(
                    sa.or_(col(Pair.elder_id) == elder.id, col(Pair.volunteer_id) == volunteer.id),
                    col(Pair.status).in_(LIVE),
                )
            )
        )
        .scalars()
        .all()
    )
    if any(p.elder_id == elder.id for p in live):
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            "This elder already has a live pair; end it first (pairingEnd).",
            "proposalId",
        )
    if sum(1 for p in live if p.volunteer_id == volunteer.id) >= volunteer.capacity:
        raise DomainError.one(
            ErrorCode.INVALID_STATE,
            f"This volunteer already has {volunteer.capacity} standing pair(s), their capacity.",
            "proposalId",
        )
    pair = Pair(
        volunteer_id=volunteer.id,  # type: ignore[arg-type]
        elder_id=elder.id,  # type: ignore[arg-type]
        status=PairStatus.ACTIVE,
        started_on=date.today(),
    )
    session.add(pair)
    await session.flush()
    proposal.status = ProposalStatus.CONFIRMED
    proposal.volunteer_consent = True
    proposal.elder_consent = True
    proposal.decision_reason = note
    proposal.decided_at = utcnow()
    proposal.pair_id = pair.id
    proposal.version += 1
    await session.flush()
    return proposal


async def reject_proposal(
    session: AsyncSession, proposal_id: int, *, reason: str, expected_version: int | None = None
) -> PairProposal:
    """Decline a proposal, with the reason (kept for the next run's coordinator)."""
    return await runs.reject_proposal(
        session, PairProposal, proposal_id, reason=reason, expected_version=expected_version
    )


async def end_pair(
    session: AsyncSession,
    pair_id: int,
    *,
    reason: str,
    ended_on: date | None,
    expected_version: int | None = None,
) -> Pair:
    """End a live pair, with the reason; the row stays as history."""
    pair = await get_or_raise(session, Pair, pair_id, noun="pair", label="pairId")
    check_version(pair, expected_version, "pair")
    if pair.status is PairStatus.ENDED:
        raise DomainError.one(ErrorCode.INVALID_STATE, "This pair has already ended.", "pairId")
    checker = Checker()
    clean = checker.apply(_REASON, reason, "reason")
    day = ended_on or date.today()
    if day < pair.started_on or day > date.today():
        checker.add(
            ErrorCode.VALIDATION,
            f"endedOn: must be between the start ({pair.started_on.isoformat()}) and today.",
            "endedOn",
        )
    checker.raise_if_any()
    pair.status = PairStatus.ENDED
    pair.ended_on = day
    pair.end_reason = clean
    pair.version += 1
    await session.flush()
    return pair


PAIR_RULE = EntitySpec(
    PairRule,
    "pair rule",
    {"reason": FieldSpec("reason", _REASON)},
    references={
        "volunteer_id": Reference(Volunteer, "volunteer", "volunteerId"),
        "elder_id": Reference(Elder, "elder", "elderId"),
    },
)


async def create_rule(
    session: AsyncSession, *, kind: PairRuleKind, volunteer_id: int, elder_id: int, reason: str
) -> PairRule:
    """Pin or forbid a pair for every later run; one active rule per (volunteer, elder)."""
    clash = await session.execute(
        sa.select(col(PairRule.kind)).where(
            col(PairRule.volunteer_id) == volunteer_id,
            col(PairRule.elder_id) == elder_id,
            col(PairRule.active),
        )
    )
    current = clash.scalar_one_or_none()
    if current is not None:
        raise DomainError.one(
            ErrorCode.DUPLICATE,
            f"This pair already has an active {current.value} rule; deactivate it first.",
            "elderId",
        )
    values = {"kind": kind, "volunteer_id": volunteer_id, "elder_id": elder_id, "reason": reason}
    return await crud_create(session, PAIR_RULE, values)
