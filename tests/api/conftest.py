"""The real app over ASGI (HTTP semantics, in process) on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from api.app import create_app
from settings import Settings
from tests.api.signin import sign_in


class Api:
    """A GraphQL client for tests: ``data`` asserts success, ``post`` returns the raw body."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.post(query, **variables)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result

    async def mutate(self, name: str, query: str, **variables: Any) -> dict[str, Any]:
        """Run a mutation; return its payload (with ``errors``)."""
        payload: dict[str, Any] = (await self.data(query, **variables))[name]
        return payload

    async def ok(self, name: str, query: str, **variables: Any) -> dict[str, Any]:
        """Run a mutation that must succeed; return its payload."""
        payload = await self.mutate(name, query, **variables)
        assert payload["errors"] == [], payload["errors"]
        return payload


def settings_for(db_url: str, **overrides: Any) -> Settings:
    """Test settings: no schedules unless a test asks (a schedule's catch-up would start runs)."""
    return Settings(_env_file=None, database_url=db_url, **{"schedules": {}, **overrides})


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[Starlette]:
    application = create_app(settings_for(db_url))
    yield application
    await application.state.engine.dispose()


@asynccontextmanager
async def client_for(app: Starlette, headers: dict[str, str] | None = None) -> AsyncIterator[Api]:
    """A client of the app in process, sending ``headers`` (credentials) with every request."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bangfu.test", headers=headers
    ) as client:
        yield Api(client)


@pytest.fixture
async def api(app: Starlette) -> AsyncIterator[Api]:
    """A district administrator's client (every operation, the whole district)."""
    async with client_for(app, await sign_in(app)) as client:
        yield client


@pytest.fixture
async def anonymous_api(app: Starlette) -> AsyncIterator[Api]:
    """A client that sends no credentials."""
    async with client_for(app) as client:
        yield client
