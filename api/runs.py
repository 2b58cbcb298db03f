"""What every run type shares in GraphQL: progress, timings, a default idempotency key, and the
start mutation's body (start in one transaction, enqueue the job after the commit)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Info
from api.enums import RunStatusEnum
from api.errors import UserError
from api.guard import run_guarded
from api.nodes import from_row
from api.pagination import Connection, paginate
from models.base import Table

N = TypeVar("N")


@strawberry.type(description="How far a run has got.")
class RunProgress:
    percent: int
    phase: str
    message: str


@strawberry.type(description="Where a run's time went, in seconds.")
class RunTimings:
    load_s: float = strawberry.field(
        default=0.0, description="Reading the scope from the database."
    )
    solve_s: float = strawberry.field(
        default=0.0, description="Building the problem and optimising."
    )
    check_s: float = strawberry.field(
        default=0.0, description="Re-checking every hard rule (inside solve where not shown)."
    )
    save_s: float = strawberry.field(default=0.0, description="Writing proposals and explanations.")
    wait_s: float = strawberry.field(
        default=0.0, description="A split run: creating its street runs and waiting for them."
    )
    gather_s: float = strawberry.field(
        default=0.0, description="A split run: copying the street runs' results into it."
    )
    street_solve_s_total: float = strawberry.field(
        default=0.0, description="A split run: the street runs' solve times added up."
    )
    street_solve_s_max: float = strawberry.field(
        default=0.0, description="A split run: the longest street run's solve time."
    )


@strawberry.input
class CancelRunInput:
    id: strawberry.ID


@strawberry.interface(description="The lifecycle every optimisation run shares.")
class Run:
    key: str
    seed: int
    status: RunStatusEnum  # type: ignore[valid-type]
    error: str | None
    solver_status: str | None
    started_at: datetime | None
    finished_at: datetime | None
    row: strawberry.Private[Any]

    @strawberry.field
    def progress(self) -> RunProgress:
        return RunProgress(
            percent=self.row.progress_percent,
            phase=self.row.progress_phase,
            message=self.row.progress_message,
        )

    @strawberry.field(description="Run parameters as JSON text.")
    def parameters(self) -> str:
        return json.dumps(self.row.params, sort_keys=True)


async def run_rows(
    info: Info,
    node_cls: type[N],
    run_id: int,
    *,
    status: Any = None,
    first: int | None,
    after: str | None,
) -> Connection[N]:
    """A page of one run's result rows (proposals, explanations), optionally by ``status``."""
    model: Any = node_cls.model  # type: ignore[attr-defined]
    where = [model.run_id == run_id]
    if status is not None:
        where.append(model.status == status)
    return await paginate(
        info, model, where, lambda r: from_row(node_cls, r), first=first, after=after
    )


def timings(metrics: dict[str, Any]) -> RunTimings | None:
    if "timings" not in metrics:
        return None
    known = {f.name for f in dataclasses.fields(RunTimings)}
    return RunTimings(**{k: v for k, v in metrics["timings"].items() if k in known})


def default_key(kind: str, payload: dict[str, Any]) -> str:
    """A digest of the input and today's date: repeating a start the same day never
    duplicates the run."""
    text = json.dumps({"kind": kind, **payload, "day": date.today().isoformat()}, sort_keys=True)
    return "auto-" + hashlib.sha256(text.encode()).hexdigest()[:32]


async def start_run(
    info: Info,
    input: Any,
    action: Callable[[AsyncSession], Awaitable[tuple[Table, bool]]],
    *,
    job: str,
    node_cls: type[Any],
) -> tuple[Any, list[UserError]]:
    """Start a run in one transaction; enqueue its job only after the commit, and only when
    the run is new. Returns (node or None, errors)."""
    result, errors = await run_guarded(info, input, action)
    if result is None:
        return None, errors
    run, created = result
    if created:
        assert run.id is not None
        await info.context.runner.enqueue(job, run.id)
    return from_row(node_cls, run), []
