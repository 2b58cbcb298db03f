"""What the one-transaction commands of ``bangfu`` share: run the action as ``cli`` in one
transaction, the result as JSON on stdout, what to fix on stderr; exit status 0 or 1."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from models.actor import acting_as
from models.db import make_engine, make_session_factory, transaction
from models.errors import DomainError
from settings import Settings

R = TypeVar("R")


async def run_cli_command(
    settings: Settings, action: Callable[[AsyncSession], Awaitable[R]]
) -> int:
    engine = make_engine(settings.database_url)
    try:
        with acting_as("cli"):
            async with transaction(make_session_factory(engine)) as session:
                result = await action(session)
    except DomainError as err:
        for problem in err.problems:
            print(f"refused: {problem.message}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    data: Any = (
        dataclasses.asdict(result)
        if dataclasses.is_dataclass(result) and not isinstance(result, type)
        else result
    )
    print(json.dumps(data, default=str, ensure_ascii=False, indent=2))
    return 0
