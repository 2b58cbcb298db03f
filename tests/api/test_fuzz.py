"""Fuzzing: thousands of generated requests, sent as a district administrator, never get a
server error, a masked "unexpected" error or a glimpse of the internals.

Two generators: ``tests.api.fuzz_requests`` walks the schema with a seeded ``random`` (5,000
requests in seconds), and hypothesis-graphql draws valid and one-violation operations (slower
to generate, about 20-40 ms each, but shrinks a failure to a minimal query).
"""

from __future__ import annotations

import os
import random
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import graphql
import httpx
import hypothesis_graphql as hg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from starlette.applications import Starlette

import tests.api.builders as b
from api.app import create_app
from api.schema import schema_sdl
from tests.api.conftest import Api, client_for, settings_for
from tests.api.fuzz_requests import DATES, DATETIMES, MONEY, RequestGenerator
from tests.api.signin import sign_in

REQUESTS = int(os.environ.get("BANGFU_FUZZ_REQUESTS", "5000"))
SEED = int(os.environ.get("BANGFU_FUZZ_SEED", "20260511"))
"""Another seed, or more requests, explore further: ``BANGFU_FUZZ_SEED=7 pytest ...``."""
SCHEMA = graphql.build_schema(schema_sdl())
UNLIMITED = {"rate_limit_requests": 10**9, "auth_attempts_per_address": 10**9}

INTERNALS = re.compile(
    r"Traceback|File \"|sqlalchemy|psycopg|asyncpg|aiosqlite|sqlite3", re.IGNORECASE
)
CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][A-Za-z0-9]*)*(?:Error|Exception)\b")
SQL = re.compile(r"\bSELECT |\bINSERT INTO\b|\bDELETE FROM\b|\bUPDATE \w+ SET\b")
"""Signs of internals in a message: tracebacks, driver names, exception class names, SQL
(in capitals: "select fewer fields" is advice, not SQL)."""


def _leaks(message: str) -> bool:
    class_names = (m.group(0) for m in CLASS_NAME.finditer(message))
    return (
        INTERNALS.search(message) is not None
        or SQL.search(message) is not None
        or any(name not in SCHEMA.type_map for name in class_names)  # UserError is ours
    )


def _messages(value: Any) -> Iterator[str]:
    """Every ``message`` in an answer: GraphQL errors and typed user errors alike."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "message" and isinstance(item, str):
                yield item
            else:
                yield from _messages(item)
    elif isinstance(value, list):
        for item in value:
            yield from _messages(item)


def problems(response: httpx.Response) -> list[str]:
    """What is wrong with an answer, if anything."""
    found = []
    if response.status_code >= 500:
        found.append(f"status {response.status_code}")
    if "Traceback" in response.text or 'File "' in response.text:
        found.append("a traceback")
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        for error in body.get("errors") or []:
            if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR":
                found.append(f"masked unexpected error at {error.get('path')}")
        found += [f"leak: {m[:200]}" for m in _messages(body) if _leaks(m)]
    return found


@pytest.fixture
async def fuzz_app(db_url: str) -> AsyncIterator[tuple[Starlette, Api, list[str]]]:
    """An app without rate limits, a district administrator's client, and the ids of a small
    district's rows (a street, community, station, volunteer, household, person, elder)."""
    app = create_app(settings_for(db_url, **UNLIMITED))
    try:
        async with client_for(app, await sign_in(app)) as api:
            ids = await b.geo(api)
            volunteer = await b.volunteer(api, [ids["station"]])
            household = await b.household(api, ids["community"])
            person = await b.person(api, household)
            elder = await b.elder(api, person)
            yield app, api, [*ids.values(), volunteer, household, person, elder]
            await app.state.runner.drain()  # runs a generated mutation may have started
    finally:
        await app.state.engine.dispose()


def _signed_out(response: httpx.Response) -> bool:
    """Whether a generated mutation ended the client's own sign-in (``logout``...)."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return False
    errors = response.json().get("errors") or []
    return any((e.get("extensions") or {}).get("code") == "UNAUTHENTICATED" for e in errors)


@pytest.mark.slow
async def test_generated_requests_get_no_server_errors_and_show_no_internals(
    fuzz_app: tuple[Starlette, Api, list[str]],
) -> None:
    app, api, ids = fuzz_app
    generator = RequestGenerator(SCHEMA, random.Random(SEED), ids)
    statuses: Counter[int] = Counter()
    outcomes: Counter[str] = Counter()
    failures: list[tuple[dict[str, Any], list[str], str]] = []
    started = time.perf_counter()
    for number in range(REQUESTS):
        body = generator.request()
        response = await api.client.post("/graphql", json=body)
        statuses[response.status_code] += 1
        if response.status_code == 200:
            outcomes["errors" if response.json().get("errors") else "data"] += 1
        found = problems(response)
        if found:
            failures.append((body, found, response.text[:500]))
        if _signed_out(response):  # sign in again, as a person would
            outcomes["signed in again"] += 1
            api.client.headers.update(await sign_in(app, username=f"fuzz-{number}"))
    elapsed = time.perf_counter() - started
    print(
        f"\nfuzz: {sum(statuses.values())} requests in {elapsed:.1f} s; statuses "
        f"{dict(statuses)}; {dict(outcomes)}"
    )
    assert outcomes["data"] > REQUESTS // 10  # the generator does reach the resolvers
    assert not failures, "\n\n".join(f"{q}\n{p}\n{t}" for q, p, t in failures[:5])


SCALARS = {
    "Date": st.sampled_from(DATES).map(nodes.String),
    "DateTime": st.sampled_from(DATETIMES).map(nodes.String),
    "Money": st.sampled_from(MONEY).map(nodes.String),
    "JSON": st.integers(-5, 5).map(nodes.Int),
}
OPERATIONS = st.one_of(
    hg.from_schema(SCHEMA, custom_scalars=SCALARS, codec="utf-8"),
    hg.from_schema(SCHEMA, custom_scalars=SCALARS, mode=hg.Mode.NEGATIVE),
)


@pytest.mark.slow
@pytest.mark.parametrize("migrated_url", ["sqlite"], indirect=True)
@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=OPERATIONS)
async def test_hypothesis_graphql_operations_get_no_server_errors(
    fuzz_app: tuple[Starlette, Api, list[str]], query: str
) -> None:
    _, api, _ = fuzz_app
    response = await api.client.post("/graphql", json={"query": query})
    assert problems(response) == [], response.text[:1000]


FOUND = {
    "a spread of a fragment that is not there": (
        "{ districts { nodes { ...nox } } }",
        "Unknown fragment 'nox'.",
    ),
    "a date and time without its offset": (
        '{ accessLog(filter: {since: "2026-01-01T08:00:00"}) { totalCount } }',
        "Give its time zone offset",
    ),
}
"""What the fuzzing found (masked server errors before): each now a clear error."""


@pytest.mark.parametrize("case", list(FOUND))
async def test_what_fuzzing_found_is_a_clear_error(api: Api, case: str) -> None:
    query, says = FOUND[case]
    response = await api.client.post("/graphql", json={"query": query})
    assert problems(response) == []
    assert says in response.json()["errors"][0]["message"]


async def test_a_date_and_time_with_its_offset_is_accepted(api: Api) -> None:
    for since in ("2026-01-01T08:00:00+08:00", "2026-01-01T00:00:00Z"):
        data = await api.data(
            "query($since: DateTime) { accessLog(filter: {since: $since}) { totalCount } }",
            since=since,
        )
        assert isinstance(data["accessLog"]["totalCount"], int)
