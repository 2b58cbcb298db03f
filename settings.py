"""Configuration from ``BANGFU_*`` environment variables (and a ``.env`` file).

Nothing reads settings at import time: entry points build a :class:`Settings` and pass it down
(``create_app(settings)``, the worker's ``on_startup``, ``alembic/env.py``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./bangfu.db"


class Settings(BaseSettings):
    """All of bangfu's settings; every field can be set as ``BANGFU_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="BANGFU_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    debug: bool = True
    """GraphiQL and detailed logs; on for the laptop default."""
    sql_echo: bool = False
    max_page_size: int = Field(default=100, ge=1, le=1000)
    default_page_size: int = Field(default=20, ge=1, le=1000)
    max_query_depth: int = Field(default=10, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=5000, ge=100)
    demo_seed: int = 2017
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    """Where a worker serves its Prometheus metrics (jobs by outcome, durations); off if unset."""
    schedules: dict[str, str] = Field(
        default_factory=lambda: {
            "nightly_rematch": "daily 02:00",
            "review_due": "daily 01:00",
            "weekly_statistics": "weekly mon 03:00",
        }
    )
    """Scheduled jobs and when: ``every 30s|10m|2h``, ``daily HH:MM``, ``weekly mon HH:MM``
    (JSON in the environment; ``{}`` for none). See ``jobs.schedule``."""
    schedule_timezone: str = "Asia/Shanghai"
    schedule_tick_s: float = Field(default=30.0, gt=0)
    worker_max_jobs: int = Field(default=4, ge=1, le=100)
    """Jobs one worker runs at once. Solving is CPU work: about the machine's cores plus one
    (a split run's parent only waits)."""
    job_timeout_s: int = Field(default=3600, ge=10)
    """arq's limit per job; a job whose worker was killed is retried only after this much time
    (arq's in-progress mark expires then), so keep it near the longest run you expect."""
    run_stale_after_s: float = Field(default=120.0, gt=0)
    """A RUNNING run untouched this long lost its worker (a job touches its run every second
    while solving and at every phase); workers then hand its job on at once instead of waiting
    for arq's job timeout."""
    policy_file: str | None = None
    """The district's policy file (TOML, see ``assessment/policy_default.toml``); unset: the
    packaged default. Loaded into the database when none is stored yet; later edits go in with
    ``bangfu policy import FILE`` or the ``policyChange`` mutation."""
    resume_runs: bool = True
    """On start, enqueue the runs a stopped process left queued or running: the server does it
    when it runs jobs itself (no Redis), each worker does it when Redis is configured."""

    @property
    def graphiql(self) -> bool:
        """The in-browser IDE is served only in development with debug on."""
        return self.debug and self.environment == "development"
