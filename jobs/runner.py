"""How jobs are run: in-process (the embedded default) or through arq on Redis.

Job functions take the session factory and ids only (never personal data), so the same
function runs in the web process on a laptop and in an arq worker in production.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Protocol

from models.db import SessionFactory

log = logging.getLogger(__name__)

JobFunction = Callable[[SessionFactory, int], Coroutine[Any, Any, None]]


class JobRunner(Protocol):
    """Where ``enqueue`` sends work; ``close`` releases connections."""

    async def enqueue(self, job: str, object_id: int) -> None: ...

    async def release(self, job: str, object_id: int) -> None:
        """Run again a job whose process died (its run stopped showing signs of life)."""

    async def close(self) -> None: ...


CURRENT_RUNNER: contextvars.ContextVar[JobRunner | None] = contextvars.ContextVar(
    "bangfu_runner", default=None
)
"""The runner that started the current job, for a job that starts others (a split run's
street runs); None when a job is called directly (the command line)."""


class InProcessRunner:
    """Runs jobs as tasks of the current event loop (no Redis needed)."""

    def __init__(self, factory: SessionFactory, jobs: Mapping[str, JobFunction]) -> None:
        self._factory = factory
        self._jobs = dict(jobs)
        self._tasks: set[asyncio.Task[None]] = set()

    async def enqueue(self, job: str, object_id: int) -> None:
        function = self._jobs[job]
        context = contextvars.copy_context()
        context.run(CURRENT_RUNNER.set, self)
        task = asyncio.create_task(
            function(self._factory, object_id), name=f"{job}:{object_id}", context=context
        )
        self._tasks.add(task)  # keep a reference until done (asyncio holds only weak ones)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("job %s failed", task.get_name(), exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for every job started so far (tests; graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def release(self, job: str, object_id: int) -> None:
        await self.enqueue(job, object_id)

    async def close(self) -> None:
        await self.drain()


class ArqRunner:
    """Sends jobs to arq workers through Redis; the job id dedupes repeated enqueues.

    The connection pool is made on first use, inside the running event loop, once however many
    requests need it at the same moment.
    """

    def __init__(self, redis_url: str) -> None:
        self._redis_url = redis_url
        self._pool: Any = None
        self._connecting = asyncio.Lock()

    async def _connected(self) -> Any:
        if self._pool is None:
            async with self._connecting:
                if self._pool is None:
                    from arq import create_pool
                    from arq.connections import RedisSettings

                    self._pool = await create_pool(RedisSettings.from_dsn(self._redis_url))
        return self._pool

    async def redis(self) -> Any:
        """The Redis connection pool (arq's client), shared with others in this process that
        need Redis (the API's rate limits); closed by :meth:`close`."""
        return await self._connected()

    async def enqueue(self, job: str, object_id: int) -> None:
        pool = await self._connected()
        await pool.enqueue_job(job, object_id, _job_id=f"{job}:{object_id}")

    async def release(self, job: str, object_id: int) -> None:
        """Let any worker take a job whose worker died: arq keeps the job in its queue but
        marks it in progress until its timeout; dropping the mark hands it on now."""
        from arq.constants import in_progress_key_prefix

        pool = await self._connected()
        await pool.delete(in_progress_key_prefix + f"{job}:{object_id}")
        await pool.enqueue_job(job, object_id, _job_id=f"{job}:{object_id}")  # if it was lost

    async def queue_depth(self) -> int:
        """Jobs waiting in the queue (not those in progress)."""
        from arq.constants import default_queue_name

        pool = await self._connected()
        return int(await pool.zcard(default_queue_name))

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None
