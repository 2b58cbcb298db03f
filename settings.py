"""Configuration from ``BANGFU_*`` environment variables (and a ``.env`` file).

Nothing reads settings at import time: entry points build a :class:`Settings` and pass it down
(``create_app(settings)``, the worker's ``on_startup``, ``alembic/env.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from access.crypto import Keyring

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
    max_query_cost: int = Field(default=20_000, ge=1)
    """The most objects one operation may return in the worst case (``api.cost``): each list
    counts at its page size (``first``, else ``default_page_size``), ``nodes(ids:)`` at its ids,
    a plain list such as a household's members at ``assumed_list_size``; nesting multiplies.
    The largest real query in the tests (50 households with their histories, reviews,
    applications and checks: 13,551) passes; two nested pages of 100 with anything inside
    (20,201 or more) do not."""
    assumed_list_size: int = Field(default=10, ge=1)
    """How many items the cost estimate assumes for a list without a page size."""
    max_request_bytes: int = Field(default=64 * 1024, ge=1024)
    """Request bodies above this are refused with 413 (by Content-Length, or while reading)."""
    rate_limit_requests: int = Field(default=600, ge=1)
    rate_limit_window_s: float = Field(default=60.0, gt=0)
    """Each signed-in user (or API key), and each address of anonymous requests, may send
    ``rate_limit_requests`` requests per window (in a burst, or spread out); then 429."""
    auth_attempts_per_username: int = Field(default=10, ge=1)
    auth_attempts_per_address: int = Field(default=100, ge=1)
    auth_attempt_window_s: float = Field(default=900.0, gt=0)
    """``login`` attempts per username, and ``login``/``tokenRefresh`` attempts per client
    address, per window: slows password guessing without locking out a busy office."""
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
    production (``python -c "import secrets; print(secrets.token_urlsafe(48))"``). To change
    it without ending every sign-in and key at once, move the old one to
    ``previous_secret_keys`` for a while (see the README)."""
    previous_secret_keys: list[SecretStr] = Field(default_factory=list)
    """Secret keys being retired (JSON list): access tokens they signed are still accepted
    until they expire, and an API key hashed under one of them still opens, its hash renewed
    under ``secret_key`` at its first use. Remove them once every key has been used."""
    data_keys: dict[str, SecretStr] = Field(default_factory=dict)
    """Keys that encrypt ID-card and phone numbers at rest: key id -> base64 of 32 random bytes
    (JSON, e.g. ``{"2026-01": "..."}``; ``bangfu keys generate`` makes one). Unset: a
    development key derived from the secret key, which production refuses. Keep every key that
    still encrypts a stored value; ``bangfu keys rotate`` moves them all to the current key."""
    data_key_id: str | None = None
    """The data key that encrypts new values (unset: the only one configured)."""
    lookup_keys: dict[str, SecretStr] = Field(default_factory=dict)
    """Keys of the hashes stored beside encrypted values for exact look-up and uniqueness, as
    ``data_keys`` and never one of them. Unset: derived from the secret key (development)."""
    lookup_key_id: str | None = None
    """The lookup key new hashes are made with (unset: the only one configured)."""
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=14, ge=1, le=90)
    resume_runs: bool = True
    """On start, enqueue the runs a stopped process left queued or running: the server does it
    when it runs jobs itself (no Redis), each worker does it when Redis is configured."""

    def secrets(self) -> list[str]:
        """The current secret key, then those being retired."""
        return [k.get_secret_value() for k in (self.secret_key, *self.previous_secret_keys)]

    def check_safe_to_serve(self) -> None:
        """Raise :class:`UnsafeSettingsError` when production would run with a guessable key
        (the development secret key, or the development data or lookup keys)."""
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
        for variable, keys in (
            ("BANGFU_DATA_KEYS", self.data_keys),
            ("BANGFU_LOOKUP_KEYS", self.lookup_keys),
        ):
            if not keys:
                raise UnsafeSettingsError(
                    f"{variable} is not set, so the development key derived from the secret key "
                    "would protect ID-card and phone numbers. Set it to a JSON object of key id "
                    'and key, e.g. {"2026-01": "<output of `bangfu keys generate`>"}, keep it '
                    "apart from the database's backups, and start again."
                )

    def keyring(self) -> Keyring:
        """The data and lookup keys these settings describe (``access.data_keys``); entry points
        hand it to ``access.crypto.configure_keyring``."""
        from access.data_keys import build_keyring

        return build_keyring(
            secret=self.secret_key.get_secret_value(),
            data_keys=self.data_keys,
            data_key_id=self.data_key_id,
            lookup_keys=self.lookup_keys,
            lookup_key_id=self.lookup_key_id,
        )

    @property
    def graphiql(self) -> bool:
        """The in-browser IDE is served only in development with debug on."""
        return self.debug and self.environment == "development"
