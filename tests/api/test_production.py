"""In production: no introspection, no GraphiQL, and no "Did you mean ...?" in any error
(each checked against development, where they are on, so the checks can fail)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from api.app import create_app
from tests.api.conftest import Api, client_for, settings_for
from tests.api.signin import sign_in
from tests.keys import PRODUCTION_KEYS

PRODUCTION = {"environment": "production", "secret_key": SecretStr("p" * 48), **PRODUCTION_KEYS}
ENVIRONMENTS = {"development": {}, "production": PRODUCTION}


@asynccontextmanager
async def signed_in(db_url: str, environment: str) -> AsyncIterator[tuple[Starlette, Api]]:
    app = create_app(settings_for(db_url, **ENVIRONMENTS[environment]))
    try:
        async with client_for(app, await sign_in(app)) as api:
            yield app, api
    finally:
        await app.state.engine.dispose()


@pytest.mark.parametrize("environment", list(ENVIRONMENTS))
async def test_introspection_only_in_development(db_url: str, environment: str) -> None:
    async with signed_in(db_url, environment) as (_, api):
        body = await api.post("{ __schema { queryType { name } } }")
    if environment == "development":
        assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    else:
        assert body.get("data") is None
        assert "introspection has been disabled" in body["errors"][0]["message"]


@pytest.mark.parametrize("environment", list(ENVIRONMENTS))
async def test_graphiql_only_in_development(db_url: str, environment: str) -> None:
    async with signed_in(db_url, environment) as (_, api):
        response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    if environment == "development":
        assert response.status_code == 200
        assert "graphiql" in response.text.lower()
    else:
        assert response.status_code == 404
        assert "graphiql" not in response.text.lower()


MISTAKES: dict[str, tuple[str, dict[str, Any]]] = {
    "unknown field": ("{ volunteerz { totalCount } }", {}),
    "unknown field below": ("{ volunteers { totalCont } }", {}),
    "unknown argument": ("{ volunteers(frist: 1) { totalCount } }", {}),
    "unknown enum value": ("{ needRanking(kind: CASHH) { score } }", {}),
    "unknown enum value in a variable": (
        "query($k: HelpKind!) { needRanking(kind: $k) { score } }",
        {"k": "CASHH"},
    ),
    "unknown input field": (
        'mutation { districtCreate(input: {nmae: "x"}) { errors { code } } }',
        {},
    ),
    "unknown type": ("query($f: VolunteerFiltr) { volunteers(filter: $f) { totalCount } }", {}),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
@pytest.mark.parametrize("environment", list(ENVIRONMENTS))
async def test_errors_suggest_nothing_in_production(
    db_url: str, environment: str, mistake: str
) -> None:
    query, variables = MISTAKES[mistake]
    async with signed_in(db_url, environment) as (_, api):
        body = await api.post(query, **variables)
    messages = " | ".join(e["message"] for e in body["errors"])
    assert body.get("data") is None
    if environment == "development":
        assert "Did you mean" in messages
    else:
        assert "Did you mean" not in messages
        assert messages  # the mistake itself is still named
