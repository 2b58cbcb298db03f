"""The arq worker: the same job functions as in-process, fed from Redis.

``bangfu worker`` starts one; settings come from the same ``BANGFU_*`` variables, read when
the worker starts (not at import). Job arguments are ids only.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from arq import func
from arq.connections import RedisSettings
from arq.worker import Worker
from prometheus_client import start_http_server

from access.crypto import configure_keyring
from jobs import metrics
from jobs.registry import JOBS, recover_stale, resume_unfinished, start_schedules
from jobs.runner import CURRENT_RUNNER, ArqRunner
from models.commands.policy import ensure_policy
from models.db import SessionFactory, make_engine, make_session_factory
from settings import Settings

log = logging.getLogger(__name__)


async def _startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or Settings()
    settings.check_safe_to_serve()  # a production worker refuses development keys too
    configure_keyring(settings.keyring())
    ctx["engine"] = make_engine(settings.database_url)
    ctx["session_factory"] = make_session_factory(ctx["engine"])
    await ensure_policy(ctx["session_factory"], settings.policy_file)
    if settings.worker_metrics_port is not None:
        server, thread = start_http_server(
            settings.worker_metrics_port, addr=settings.host, registry=metrics.REGISTRY
        )
        ctx["metrics_server"] = (server, thread)
    if settings.redis_url:
        runner = ctx["runner"] = ArqRunner(settings.redis_url)
        if settings.resume_runs:
            await resume_unfinished(ctx["session_factory"], runner)
        ctx["schedules"] = start_schedules(settings, ctx["session_factory"], runner)
        ctx["queue_watch"] = asyncio.create_task(_watch_queue(runner), name="queue depth")
        ctx["stale_watch"] = asyncio.create_task(
            _watch_stale(ctx["session_factory"], runner, settings.run_stale_after_s),
            name="stale runs",
        )


async def _watch_stale(factory: SessionFactory, runner: ArqRunner, stale_after_s: float) -> None:
    """Hand on the jobs of workers that died (see ``recover_stale``)."""
    while True:
        await asyncio.sleep(stale_after_s / 3)
        try:
            await recover_stale(factory, runner, stale_after_s)
        except Exception:
            log.warning("could not look for stale runs", exc_info=True)


async def _watch_queue(runner: ArqRunner) -> None:
    """Keep the queue-depth gauge fresh for Prometheus."""
    while True:
        try:
            metrics.QUEUE_DEPTH.set(await runner.queue_depth())
        except Exception:  # Redis gone for a moment: the gauge keeps its last value
            log.warning("could not read the queue depth", exc_info=True)
        await asyncio.sleep(metrics.QUEUE_POLL_S)


async def _shutdown(ctx: dict[str, Any]) -> None:
    for name in ("schedules", "queue_watch", "stale_watch"):
        task = ctx.pop(name, None)
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
    if "runner" in ctx:
        await ctx.pop("runner").close()
    await ctx["engine"].dispose()
    if "metrics_server" in ctx:
        server, thread = ctx.pop("metrics_server")
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _task(name: str, timeout_s: int) -> Any:
    job = JOBS[name]

    async def task(ctx: dict[str, Any], object_id: int) -> None:
        CURRENT_RUNNER.set(ctx.get("runner"))
        await job(ctx["session_factory"], object_id)

    task.__qualname__ = task.__name__ = name
    return func(task, name=name, timeout=timeout_s, max_tries=3)


def worker_options(settings: Settings) -> dict[str, Any]:
    """What every bangfu worker is made of, whoever starts it."""
    if not settings.redis_url:
        raise ValueError("BANGFU_REDIS_URL is not set: a worker needs Redis")
    return {
        "functions": [_task(name, settings.job_timeout_s) for name in JOBS],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "on_startup": _startup,
        "on_shutdown": _shutdown,
        "ctx": {"settings": settings},
        "job_timeout": settings.job_timeout_s,
        "max_jobs": settings.worker_max_jobs,
    }


def make_worker(settings: Settings, *, burst: bool = False, handle_signals: bool = True) -> Worker:
    """A worker for every job in :data:`jobs.registry.JOBS`."""
    return Worker(**worker_options(settings), burst=burst, handle_signals=handle_signals)


def __getattr__(name: str) -> Any:
    """``WorkerSettings`` for the plain ``arq jobs.worker.WorkerSettings`` command, built when
    arq asks for it (settings are read then, from the same ``BANGFU_*`` variables), never at
    import."""
    if name == "WorkerSettings":
        return type("WorkerSettings", (), worker_options(Settings()))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
