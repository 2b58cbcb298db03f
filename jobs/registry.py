"""The jobs bangfu runs, by name, and the runner a process uses for them."""

from __future__ import annotations

from jobs.allocation_job import run_allocation
from jobs.matching_job import run_matching
from jobs.runner import ArqRunner, InProcessRunner, JobFunction, JobRunner
from models.db import SessionFactory
from settings import Settings

JOBS: dict[str, JobFunction] = {"matching_run": run_matching, "allocation_run": run_allocation}


def make_runner(settings: Settings, factory: SessionFactory) -> JobRunner:
    """arq through Redis when ``BANGFU_REDIS_URL`` is set, else in this process."""
    if settings.redis_url:
        return ArqRunner(settings.redis_url)
    return InProcessRunner(factory, JOBS)
