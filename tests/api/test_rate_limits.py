"""Rate limits: the limiters themselves (in process and in a real Redis), then the app's
limits per principal, per address and on sign-in attempts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from api.app import create_app
from api.ratelimit import MemoryRateLimiter, Rate, RateLimiter, RedisRateLimiter
from models.enums import Role
from tests.api.conftest import Api, client_for, settings_for
from tests.api.signin import PASSWORD, sign_in
from tests.api.statements import domain_statements, every_statement

# --- the limiters -------------------------------------------------------------------------


async def _burst_then_a_refusal_saying_how_long(limiter: RateLimiter) -> None:
    rate = Rate(3, 60)  # one more every 20 s after the burst
    verdicts = [await limiter.hit("k", rate) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 19 < verdicts[3].retry_after_s <= 20
    again = await limiter.hit("k", rate)  # a refusal costs nothing: the wait does not grow
    assert not again.allowed
    assert again.retry_after_s <= verdicts[3].retry_after_s


async def _keys_counted_apart(limiter: RateLimiter) -> None:
    rate = Rate(1, 60)
    assert (await limiter.hit("a", rate)).allowed
    assert not (await limiter.hit("a", rate)).allowed
    assert (await limiter.hit("b", rate)).allowed


async def _allowance_back_over_the_window(limiter: RateLimiter) -> None:
    rate = Rate(2, 0.2)
    assert (await limiter.hit("k", rate)).allowed
    assert (await limiter.hit("k", rate)).allowed
    refused = await limiter.hit("k", rate)
    assert not refused.allowed
    await asyncio.sleep(refused.retry_after_s + 0.02)
    assert (await limiter.hit("k", rate)).allowed
    assert not (await limiter.hit("k", rate)).allowed


async def _concurrent_hits_never_exceed_the_limit(limiter: RateLimiter) -> None:
    rate = Rate(10, 60)
    verdicts = await asyncio.gather(*(limiter.hit("k", rate) for _ in range(50)))
    assert sum(v.allowed for v in verdicts) == 10


BEHAVIOURS = [
    _burst_then_a_refusal_saying_how_long,
    _keys_counted_apart,
    _allowance_back_over_the_window,
    _concurrent_hits_never_exceed_the_limit,
]
Behaviour = Callable[[RateLimiter], Awaitable[None]]


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=lambda b: b.__name__.strip("_"))
async def test_in_process(behaviour: Behaviour) -> None:
    limiter = MemoryRateLimiter()
    await behaviour(limiter)


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=lambda b: b.__name__.strip("_"))
async def test_in_redis(behaviour: Behaviour, redis_url: str) -> None:
    limiter = RedisRateLimiter.from_url(redis_url)
    try:
        await behaviour(limiter)
    finally:
        await limiter.aclose()


async def test_processes_share_the_counts_in_redis(redis_url: str) -> None:
    first, second = RedisRateLimiter.from_url(redis_url), RedisRateLimiter.from_url(redis_url)
    try:
        rate = Rate(3, 60)
        assert (await first.hit("k", rate)).allowed
        assert (await second.hit("k", rate)).allowed
        assert (await first.hit("k", rate)).allowed
        assert not (await second.hit("k", rate)).allowed
    finally:
        await first.aclose()
        await second.aclose()


async def test_without_redis_a_process_counts_by_itself(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RedisRateLimiter.from_url("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
            verdicts = [await limiter.hit("k", Rate(2, 60)) for _ in range(3)]
    finally:
        await limiter.aclose()
    assert [v.allowed for v in verdicts] == [True, True, False]
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1  # said once, not at every request


# --- the app ------------------------------------------------------------------------------

TYPENAME = "{ __typename }"
LOGIN = "mutation($input: LoginInput!) { login(input: $input) { accessToken errors { code } } }"


@asynccontextmanager
async def limited_app(db_url: str, **limits: Any) -> AsyncIterator[Starlette]:
    app = create_app(settings_for(db_url, **limits))
    try:
        yield app
    finally:
        await app.state.runner.close()  # with Redis, the rate limits use its connections
        await app.state.engine.dispose()


async def _post(api: Api, query: str, **variables: Any) -> httpx.Response:
    return await api.client.post("/graphql", json={"query": query, "variables": variables})


def _assert_rate_limited(response: httpx.Response, *, within_s: float = 60) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["retry-after"]) <= within_s
    assert response.headers["x-request-id"]
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == int(response.headers["retry-after"])
    assert "Try again in" in error["message"]


@pytest.mark.parametrize("credential", [Role.DISTRICT_ADMIN, Role.SERVICE])
async def test_each_principal_has_its_own_allowance(db_url: str, credential: Role) -> None:
    async with (
        limited_app(db_url, rate_limit_requests=3) as app,
        client_for(app, await sign_in(app, credential, username="one")) as one,
        client_for(app, await sign_in(app, credential, username="two")) as two,
    ):
        for _ in range(3):
            assert (await _post(one, TYPENAME)).status_code == 200
        with domain_statements(app) as statements:
            refused = await _post(one, "{ districts { totalCount } }")
        _assert_rate_limited(refused)
        assert statements == []  # refused before any work
        assert (await _post(two, TYPENAME)).status_code == 200


async def test_anonymous_clients_are_counted_by_address(db_url: str) -> None:
    async with limited_app(db_url, rate_limit_requests=2) as app:

        def client(address: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            return httpx.AsyncClient(transport=transport, base_url="http://bangfu.test")

        async with client("10.0.0.1") as first, client("10.0.0.2") as second:
            query = {"query": TYPENAME}
            assert (await first.post("/graphql", json=query)).status_code == 200
            assert (await first.post("/graphql", json=query)).status_code == 200
            _assert_rate_limited(await first.post("/graphql", json=query))
            assert (await second.post("/graphql", json=query)).status_code == 200


async def _login(api: Api, username: str, password: str | None = None) -> httpx.Response:
    attempt = {"username": username, "password": password or "a wrong guess"}
    return await _post(api, LOGIN, input=attempt)


async def test_login_attempts_are_limited_per_username(db_url: str) -> None:
    async with limited_app(db_url, auth_attempts_per_username=2) as app:
        await sign_in(app, username="ana")
        async with client_for(app) as anonymous:
            for _ in range(2):
                answer = await _login(anonymous, "ana")
                assert answer.json()["data"]["login"]["errors"][0]["code"] == "UNAUTHENTICATED"
            with every_statement(app) as statements:  # not even the account is looked up
                refused = await _login(anonymous, " ANA", PASSWORD)  # even the right password
            _assert_rate_limited(refused, within_s=900)
            assert "sign-in attempts" in refused.json()["errors"][0]["message"]
            assert statements == []
            assert (await _login(anonymous, "bo")).status_code == 200  # another username


async def test_aliases_do_not_multiply_the_attempts_of_one_request(db_url: str) -> None:
    async with limited_app(db_url, auth_attempts_per_username=2) as app:
        query = "mutation {" + "".join(
            f' a{i}: login(input: {{username: "ana", password: "guess{i}"}}) {{ accessToken }}'
            for i in range(5)
        )
        async with client_for(app) as anonymous:
            response = await _post(anonymous, query + " }")
            _assert_rate_limited(response, within_s=900)
            body = response.json()
            # a0 and a1 were tried (two attempts); a2 was refused, and a refused login (a
            # non-null field) nulls the whole answer, so a3 and a4 never ran
            assert body["data"] is None
            assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
                (["a2"], "RATE_LIMITED")
            ]
            _assert_rate_limited(await _login(anonymous, "ana"), within_s=900)


async def test_sign_in_attempts_are_limited_per_address(db_url: str) -> None:
    async with limited_app(db_url, auth_attempts_per_address=3) as app:
        refresh = (
            "mutation($input: TokenRefreshInput!) { tokenRefresh(input: $input) {"
            " accessToken errors { code } } }"
        )
        async with client_for(app) as anonymous:
            assert (await _login(anonymous, "a")).status_code == 200
            assert (await _login(anonymous, "b")).status_code == 200
            answer = await _post(anonymous, refresh, input={"refreshToken": "not-a-token"})
            assert answer.json()["data"]["tokenRefresh"]["errors"][0]["code"] == "UNAUTHENTICATED"
            _assert_rate_limited(await _login(anonymous, "c"), within_s=900)
            again = await _post(anonymous, refresh, input={"refreshToken": "not-a-token"})
            _assert_rate_limited(again, within_s=900)


async def test_api_processes_share_the_limits_through_redis(db_url: str, redis_url: str) -> None:
    async with (
        limited_app(db_url, redis_url=redis_url, rate_limit_requests=3) as first,
        limited_app(db_url, redis_url=redis_url, rate_limit_requests=3) as second,
    ):
        headers = await sign_in(first)
        async with client_for(first, headers) as on_first, client_for(second, headers) as on_second:
            both = await asyncio.gather(_post(on_first, TYPENAME), _post(on_first, TYPENAME))
            assert [r.status_code for r in both] == [200, 200]  # one connection pool made
            assert (await _post(on_second, TYPENAME)).status_code == 200
            _assert_rate_limited(await _post(on_second, TYPENAME))
            _assert_rate_limited(await _post(on_first, TYPENAME))
