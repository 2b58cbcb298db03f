"""The per-request context: settings, sessions, loaders, and who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as _Info

from access.principal import ANONYMOUS, CredentialProblem, Principal
from api.loaders import Loaders
from jobs.runner import JobRunner
from models.db import SessionFactory
from settings import Settings


@dataclass
class Context:
    """What every resolver may use. ``user`` is who is asking (``api.authentication``);
    ``credential_problem`` says why credentials that were sent left the request anonymous."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    settings: Settings
    session_factory: SessionFactory
    loaders: Loaders
    runner: JobRunner
    user: Principal = ANONYMOUS
    credential_problem: CredentialProblem | None = None
    extras: dict[str, Any] = field(default_factory=dict)


Info = _Info[Context, None]
