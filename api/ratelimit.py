"""Rate limits: requests per principal (or per address when anonymous), and sign-in attempts
per username and per address.

Each limit is a *rate* (so many per window) enforced with GCRA, the generic cell rate
algorithm: a key stores one number, the time at which its bucket will be empty again (the
"theoretical arrival time"); a request is allowed while that time is less than one window ahead,
and moves it on by window/limit. So a client may spend the whole allowance in a burst, then one
more request each window/limit seconds; a refusal says exactly how long to wait, and costs
nothing (the stored time does not move).

The same algorithm runs in this process (:class:`MemoryRateLimiter`: one server, the default)
or in Redis (:class:`RedisRateLimiter`, when ``BANGFU_REDIS_URL`` is set, over the job queue's
connections: one Lua script, atomic, on Redis's clock, so every API process shares the counts).
If Redis cannot be reached, a process counts by itself for a while (logged once) rather than
refusing everyone or no one, or making each request wait for Redis.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from graphql import GraphQLError
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.requests import HTTPConnection
from starlette.responses import Response

from access.principal import Principal
from api.refusals import RateLimited
from jobs.runner import ArqRunner, JobRunner
from settings import Settings

if TYPE_CHECKING:
    from api.context import Context

log = logging.getLogger(__name__)

REDIS_PREFIX = "bangfu:rate:"
RETRY_REDIS_AFTER_S = 30.0
"""After a failure, how long this process counts by itself before trying Redis again (making
the connection pool can itself take arq's retries, about 5 s)."""
_PRUNE_AT = 10_000
"""The in-process limiter forgets empty buckets when it holds this many keys."""


@dataclass(frozen=True, slots=True)
class Rate:
    """``limit`` requests per ``window_s`` seconds (a burst of ``limit`` at most)."""

    limit: int
    window_s: float

    @property
    def interval_s(self) -> float:
        return self.window_s / self.limit


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after_s: float = 0.0


def gcra(tat: float | None, now: float, rate: Rate) -> tuple[float | None, Verdict]:
    """One request against a bucket whose theoretical arrival time is ``tat`` (None: empty).

    Returns the new time to store (None when refused: nothing changes) and the verdict.
    """
    start = now if tat is None or tat < now else tat
    new_tat = start + rate.interval_s
    allowed_from = new_tat - rate.window_s
    if now < allowed_from:
        return None, Verdict(False, allowed_from - now)
    return new_tat, Verdict(True)


class RateLimiter(Protocol):
    async def hit(self, key: str, rate: Rate) -> Verdict:
        """Count one request for ``key``; whether it is allowed, and if not, for how long."""
        ...

    async def aclose(self) -> None: ...


class MemoryRateLimiter:
    """GCRA in this process's memory (on ``clock``, monotonic seconds)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._tats: dict[str, float] = {}
        self._prune_at = _PRUNE_AT

    async def hit(self, key: str, rate: Rate) -> Verdict:
        now = self._clock()
        new_tat, verdict = gcra(self._tats.get(key), now, rate)
        if new_tat is not None:
            if key not in self._tats and len(self._tats) >= self._prune_at:
                # Forget the emptied buckets; prune next when twice as many keys are live, so
                # many live keys cost one pass per doubling, not one per request.
                self._tats = {k: t for k, t in self._tats.items() if t > now}
                self._prune_at = max(_PRUNE_AT, 2 * len(self._tats))
            self._tats[key] = new_tat
        return verdict

    async def aclose(self) -> None:
        self._tats.clear()


_GCRA_LUA = """
local now_parts = redis.call('TIME')
local now = now_parts[1] * 1000 + now_parts[2] / 1000
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
local new_tat = tat + interval
local allowed_from = new_tat - window
if now < allowed_from then
  return {0, string.format('%.3f', allowed_from - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', new_tat),
           'PX', string.format('%d', math.ceil(new_tat - now)))
return {1, '0'}
"""
"""GCRA as :func:`gcra`, in milliseconds on Redis's clock; atomic (one script; EVAL, which
Redis caches by its hash)."""


class RedisRateLimiter:
    """GCRA in Redis, shared by every process; this process's own counts while Redis cannot
    be reached (tried again after ``RETRY_REDIS_AFTER_S``, so that no request waits on it)."""

    def __init__(
        self,
        connect: Callable[[], Awaitable[Any]],
        *,
        owned: Redis | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connect = connect  # a redis.asyncio client (arq's pool is one)
        self._owned = owned
        self._clock = clock
        self._fallback = MemoryRateLimiter(clock)
        self._down_until: float | None = None

    @classmethod
    def from_url(cls, url: str) -> RedisRateLimiter:
        """A limiter with a Redis client of its own (closed by :meth:`aclose`)."""
        client: Redis = Redis.from_url(url)

        async def connect() -> Redis:
            return client

        return cls(connect, owned=client)

    async def hit(self, key: str, rate: Rate) -> Verdict:
        if self._down_until is not None and self._clock() < self._down_until:
            return await self._fallback.hit(key, rate)
        try:
            redis = await self._connect()
            allowed, wait_ms = await redis.eval(
                _GCRA_LUA,
                1,
                REDIS_PREFIX + key,
                f"{rate.interval_s * 1000:.3f}",
                f"{rate.window_s * 1000:.3f}",
            )
        except (RedisError, OSError) as exc:
            if self._down_until is None:
                log.warning("rate limits: Redis unreachable (%s); counting in this process", exc)
            self._down_until = self._clock() + RETRY_REDIS_AFTER_S
            return await self._fallback.hit(key, rate)
        if self._down_until is not None:
            log.warning("rate limits: Redis reachable again")
            self._down_until = None
        return Verdict(bool(allowed), float(wait_ms) / 1000)

    async def aclose(self) -> None:
        if self._owned is not None:
            await self._owned.aclose()


def make_rate_limiter(runner: JobRunner) -> RateLimiter:
    """In the job queue's Redis when there is one (``BANGFU_REDIS_URL``: every API process
    then shares the counts, over the same connections), else in this process."""
    if isinstance(runner, ArqRunner):
        return RedisRateLimiter(runner.redis)
    return MemoryRateLimiter()


def _username_key(username: str) -> str:
    """A username's bucket: hashed (no personal data in Redis), case and spaces folded (so
    "Admin " is not a fresh allowance for "admin")."""
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]


class RequestLimits:
    """The limits of one app: what a request and a sign-in attempt may spend."""

    def __init__(self, settings: Settings, limiter: RateLimiter) -> None:
        self.limiter = limiter
        self.requests = Rate(settings.rate_limit_requests, settings.rate_limit_window_s)
        self.per_username = Rate(
            settings.auth_attempts_per_username, settings.auth_attempt_window_s
        )
        self.per_address = Rate(settings.auth_attempts_per_address, settings.auth_attempt_window_s)

    async def check_request(self, principal: Principal, address: str) -> None:
        """Count a request of ``principal`` (by its API key, else its user), or of an anonymous
        client by ``address``; raise :class:`RateLimited` when over the limit."""
        if principal.api_key_id is not None:
            key = f"req:key:{principal.api_key_id}"
        elif principal.user_id is not None:
            key = f"req:user:{principal.user_id}"
        else:
            key = f"req:addr:{address}"
        verdict = await self.limiter.hit(key, self.requests)
        if not verdict.allowed:
            raise RateLimited("Too many requests.", verdict.retry_after_s)

    async def check_sign_in(self, *, address: str, username: str | None) -> None:
        """Count a ``login`` (with its username) or ``tokenRefresh`` attempt; raise
        :class:`RateLimited` when the address or the username is over its limit."""
        verdict = await self.limiter.hit(f"auth:addr:{address}", self.per_address)
        if verdict.allowed and username is not None:
            verdict = await self.limiter.hit(
                f"auth:user:{_username_key(username)}", self.per_username
            )
        if not verdict.allowed:
            raise RateLimited("Too many sign-in attempts.", verdict.retry_after_s)


def client_address(connection: HTTPConnection) -> str:
    """The client's address (the proxy's, unless the server trusts its forwarded headers)."""
    return connection.client.host if connection.client is not None else "unknown"


async def limit_sign_in(context: Context, username: str | None) -> None:
    """In ``login`` and ``tokenRefresh``, before any work: refuse an attempt over the limits
    with a RATE_LIMITED error and HTTP 429 with Retry-After (each attempt counts, so aliases
    in one request do not multiply a client's guesses)."""
    try:
        await context.limits.check_sign_in(
            address=client_address(context.request), username=username
        )
    except RateLimited as refused:
        if isinstance(context.response, Response):
            context.response.status_code = refused.status
            context.response.headers.update(refused.headers)
        raise GraphQLError(
            refused.message, extensions={"code": refused.code, **refused.extensions}
        ) from None
