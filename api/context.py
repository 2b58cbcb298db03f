"""The per-request context: settings, sessions, loaders, and (later) the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as _Info

from api.loaders import Loaders
from jobs.runner import JobRunner
from models.db import SessionFactory
from settings import Settings


@dataclass
class Context:
    """What every resolver may use. ``user`` is filled by authentication (access issue)."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    settings: Settings
    session_factory: SessionFactory
    loaders: Loaders
    runner: JobRunner
    user: Any = None
    extras: dict[str, Any] = field(default_factory=dict)


Info = _Info[Context, None]
