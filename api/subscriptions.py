"""GraphQL subscriptions over WebSocket (graphql-transport-ws): a run's progress, live.

The job writes its phase and percent to the run's row; a subscription reads the row every
:data:`POLL_S` and sends the run whenever status or progress changed, ending when the run ends.
Polling the row (not an in-process event) works whichever process or machine runs the job.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from strawberry import relay

from api.allocation import AllocationRunNode
from api.context import Info
from api.matching import MatchingRunNode
from api.nodes import from_row
from api.runs import Run
from models.runs import FINISHED

POLL_S = 0.5
RUN_TYPES: dict[str, Any] = {"MatchingRun": MatchingRunNode, "AllocationRun": AllocationRunNode}


def _run_type(value: str) -> tuple[Any, int]:
    try:
        gid = relay.GlobalID.from_id(value)
        node_cls = RUN_TYPES[gid.type_name]
        return node_cls, int(gid.node_id)
    except (ValueError, KeyError):
        raise GraphQLError("id: not the id of a matching or allocation run.") from None


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The run (status, progress, and at the end its metrics) each time its "
        "status or progress changes, until it succeeds, fails or is cancelled."
    )
    async def run_progress(self, info: Info, id: strawberry.ID) -> AsyncGenerator[Run, None]:
        node_cls, pk = _run_type(id)
        model = node_cls.model
        visible = sa.select(model).where(model.id == pk, *info.context.scope.read(model))
        last: tuple[Any, ...] | None = None
        while True:
            async with info.context.session_factory() as session:
                row = (await session.execute(visible)).scalar_one_or_none()
            if row is None:
                raise GraphQLError("id: no such run.")
            state = (row.status, row.progress_percent, row.progress_phase, row.progress_message)
            if state != last:
                last = state
                yield from_row(node_cls, row)
            if row.status in FINISHED:
                return
            await asyncio.sleep(POLL_S)
