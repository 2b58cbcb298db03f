"""The district's policy parameters in GraphQL: the values in force on a date (as known on a
date), each parameter's history, and changes (appended rows, never edits)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Info
from api.errors import UserError
from api.guard import run_guarded
from api.scalars import Money
from assessment import REQUIRED, parse_value
from models.commands.benefits import BulkRecomputation, recompute_benefits_command
from models.commands.policy import NewValue, change_policy, policy_rows, stored_policy
from models.errors import DomainError, ErrorCode
from models.policy import PolicyParameter


def exact(value: Fraction | int) -> str:
    """A fraction as text: "3/2", "145000"."""
    return str(value)


@strawberry.type(description="One dated value of a policy parameter; rows are never changed.")
class PolicyParameterRow:
    name: str
    value: str = strawberry.field(description='Exact: a whole number or a fraction ("3/2").')
    approx: float = strawberry.field(description="The value as a number, for display.")
    effective_on: date
    recorded_on: date
    note: str
    source: str = strawberry.field(description="`file:<version>` or `api`.")
    recorded_by: str
    revision: int = strawberry.field(description="The row's number; later rows are higher.")


def parameter_row(row: PolicyParameter) -> PolicyParameterRow:
    value = parse_value(row.value, row.name)
    return PolicyParameterRow(
        name=row.name,
        value=row.value,
        approx=float(value),
        effective_on=row.effective_on,
        recorded_on=row.recorded_on,
        note=row.note,
        source=row.source,
        recorded_by=row.recorded_by,
        revision=row.id or 0,
    )


@strawberry.type(description="Every parameter in force on a date, as known on a date.")
class PolicySnapshotView:
    on: date
    known: date | None = strawberry.field(description="Null: as known today.")
    revision: int = strawberry.field(description="The latest row the snapshot could use.")
    version: str = strawberry.field(description="What explanations cite.")
    dibao_standard: Money = strawberry.field(description="Per person per month.")
    k: str = strawberry.field(description="The poverty cut-off of the need score (exact).")
    parameters: list[PolicyParameterRow] = strawberry.field(
        description="The row in force for every parameter."
    )


async def _snapshot(session: AsyncSession, on: date, known: date | None) -> PolicySnapshotView:
    stored = await stored_policy(session)
    try:
        snapshot = stored.policy.as_of(on, known)
    except ValueError as err:
        raise DomainError.one(ErrorCode.VALIDATION, f"on: {err}", "on") from None
    by_key = {(r.name, r.effective_on, r.recorded_on): r for r in await policy_rows(session)}
    rows = [
        by_key[(p.name, p.effective, p.recorded)] for p in (snapshot.sources[n] for n in REQUIRED)
    ]
    return PolicySnapshotView(
        on=on,
        known=known,
        revision=stored.revision,
        version=snapshot.version,
        dibao_standard=Money(snapshot.dibao_standard_fen),
        k=exact(snapshot.k),
        parameters=[parameter_row(r) for r in rows],
    )


@strawberry.type(description="The policy in force, or the problem with the date asked for.")
class PolicySnapshotResult:
    snapshot: PolicySnapshotView | None
    errors: list[UserError]


@strawberry.type
class PolicyQuery:
    @strawberry.field(
        description="The parameters in force on `on` (default today) as known on `known` "
        "(default: everything recorded so far): recompute a past month exactly as decided."
    )
    async def policy(
        self, info: Info, on: date | None = None, known: date | None = None
    ) -> PolicySnapshotResult:
        async with info.context.session_factory() as session:
            try:
                view = await _snapshot(session, on or date.today(), known)
            except DomainError as err:
                return PolicySnapshotResult(
                    snapshot=None, errors=[UserError.of(p) for p in err.problems]
                )
        return PolicySnapshotResult(snapshot=view, errors=[])

    @strawberry.field(
        description="Every stored row of the parameters (all, or those named), by name, "
        "effective date and recorded date."
    )
    async def policy_parameters(
        self, info: Info, names: list[str] | None = None
    ) -> list[PolicyParameterRow]:
        async with info.context.session_factory() as session:
            rows = await policy_rows(session)
        wanted = set(names) if names is not None else None
        picked = [r for r in rows if wanted is None or r.name in wanted]
        picked.sort(key=lambda r: (r.name, r.effective_on, r.recorded_on))
        return [parameter_row(r) for r in picked]


@strawberry.input
class PolicyValueInput:
    name: str = strawberry.field(description="e.g. `dibao_standard_fen`, `weight.income`.")
    value: str = strawberry.field(description='Exact: "150000", "1.5" or "2/7".')


@strawberry.input(description="New values from a date; recorded today; all or nothing.")
class PolicyChangeInput:
    effective_on: date
    values: list[PolicyValueInput]
    note: str = strawberry.field(description="Why (the notice or decision it follows).")


@strawberry.type
class PolicyChangePayload:
    rows: list[PolicyParameterRow] | None
    errors: list[UserError]


@strawberry.type(description="What a recomputation of every dibao household's benefit changed.")
class BenefitRecomputation:
    on: date
    policy_revision: int
    standard: Money = strawberry.field(description="The standard in force on `on`.")
    households: int = strawberry.field(description="Dibao households recomputed.")
    changed: int = strawberry.field(description="Households whose benefit changed.")
    total_before: Money = strawberry.field(description="Monthly total before.")
    total_after: Money = strawberry.field(description="Monthly total after.")


def recomputation(r: BulkRecomputation) -> BenefitRecomputation:
    return BenefitRecomputation(
        on=r.on,
        policy_revision=r.policy_revision,
        standard=Money(r.standard_fen),
        households=r.households,
        changed=r.changed,
        total_before=Money(r.total_before_fen),
        total_after=Money(r.total_after_fen),
    )


@strawberry.input
class BenefitsRecomputeInput:
    on: date = strawberry.field(description="The month's first day the new amounts apply from.")
    reason: str = strawberry.field(description='e.g. "standard 1,500 yuan from 2025-07-01".')


@strawberry.type
class BenefitsRecomputePayload:
    recomputation: BenefitRecomputation | None
    errors: list[UserError]


@strawberry.type
class PolicyMutation:
    @strawberry.mutation(
        description="Record new parameter values from `effectiveOn` (a new standard, new "
        "weights). Values that must agree (the weights sum to 1) change together. Old rows "
        "stay: a past month recomputes as it was decided. Benefits change only when "
        "`benefitsRecompute` runs for a month."
    )
    async def policy_change(self, info: Info, input: PolicyChangeInput) -> PolicyChangePayload:
        values = [NewValue(v.name, v.value) for v in input.values]
        rows, errors = await run_guarded(
            info,
            input,
            lambda session: change_policy(
                session, effective_on=input.effective_on, values=values, note=input.note
            ),
        )
        return PolicyChangePayload(
            rows=None if rows is None else [parameter_row(r) for r in rows], errors=errors
        )

    @strawberry.mutation(
        description="Recompute every dibao household's monthly benefit on `on` from its "
        "members and the policy in force then (after a new standard or coefficients); each "
        "change is a benefit-history row. Running it again changes nothing."
    )
    async def benefits_recompute(
        self, info: Info, input: BenefitsRecomputeInput
    ) -> BenefitsRecomputePayload:
        result, errors = await run_guarded(
            info,
            input,
            lambda session: recompute_benefits_command(session, on=input.on, reason=input.reason),
        )
        return BenefitsRecomputePayload(
            recomputation=None if result is None else recomputation(result), errors=errors
        )
