"""Configuration from ``BANGFU_*`` environment variables (and a ``.env`` file).

Nothing reads settings at import time: entry points build a :class:`Settings` and pass it down
(``create_app(settings)``, the worker's ``on_startup``, ``alembic/env.py``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./bangfu.db"
DEFAULT_SECRET_KEY = "bangfu-development-secret-key-not-for-production"  # noqa: S105
"""Signs tokens on a laptop; the service refuses to start with it in production."""
MIN_SECRET_KEY_LENGTH = 32


class UnsafeSettingsError(ValueError):
    """A setting that must never reach production did (the development secret key)."""


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
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    """Signs access tokens and keys the hashes of API keys: at least 32 random characters in
    production (``python -c "import secrets; print(secrets.token_urlsafe(48))"``). Changing it
    ends every access token (clients refresh theirs) and invalidates every API key."""
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=14, ge=1, le=90)
    resume_runs: bool = True
    """On start, enqueue the runs a stopped process left queued or running: the server does it
    when it runs jobs itself (no Redis), each worker does it when Redis is configured."""

    def check_safe_to_serve(self) -> None:
        """Raise :class:`UnsafeSettingsError` when production would run with a guessable key."""
        if self.environment != "production":
            return
        key = self.secret_key.get_secret_value()
        if key == DEFAULT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
            raise UnsafeSettingsError(
                "BANGFU_SECRET_KEY is the development default or shorter than "
                f"{MIN_SECRET_KEY_LENGTH} characters: anyone could sign tokens with it. Set it to "
                "a long random value, e.g. the output of "
                '`python -c "import secrets; print(secrets.token_urlsafe(48))"`, and start again.'
            )

    @property
    def graphiql(self) -> bool:
        """The in-browser IDE is served only in development with debug on."""
        return self.debug and self.environment == "development"
