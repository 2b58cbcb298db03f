"""``bangfu policy import`` and ``bangfu benefits recompute``: one transaction each, the result
as JSON on stdout, what to fix on stderr. Exit status 0 on success, 1 when refused."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment import load_policy
from jobs.cli_command import run_cli_command
from models.commands.benefits import recompute_benefits_command
from models.commands.policy import import_policy
from settings import Settings


async def import_policy_from_cli(settings: Settings, path: str) -> int:
    """Append the rows of a policy file that are not stored yet."""
    try:
        policy = load_policy(path)
    except ValueError as err:
        print(f"refused: {err}", file=sys.stderr)
        return 1

    async def action(session: AsyncSession) -> dict[str, Any]:
        added = await import_policy(session, policy, source=f"file:{policy.version}")
        return {"file": path, "version": policy.version, "rows_added": added}

    return await run_cli_command(settings, action)


async def recompute_benefits_from_cli(settings: Settings, on: date, reason: str) -> int:
    """Every dibao household's benefit on ``on`` under the stored policy."""
    return await run_cli_command(
        settings, lambda session: recompute_benefits_command(session, on=on, reason=reason)
    )
