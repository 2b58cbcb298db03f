"""Fixtures for job tests: a real, emptied Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from tests.services import REDIS_URL, missing


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    client = Redis.from_url(REDIS_URL)
    try:
        await asyncio.wait_for(client.ping(), timeout=3)
    except (TimeoutError, OSError) as exc:
        await client.aclose()
        missing(f"Redis at {REDIS_URL}", exc)
    await client.flushdb()
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()
