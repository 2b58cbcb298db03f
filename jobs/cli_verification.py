"""``bangfu verification import FILE.csv``: every line checked first (errors name the line),
then all results recorded in one transaction, through the same command as the API's
``verificationChecksRecord``; the summary as JSON on stdout, what to fix on stderr."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.cli_command import run_cli_command
from models.commands.lifecycle.check_file import import_check_file, parse_check_file
from models.errors import DomainError
from settings import Settings


def import_checks_from_cli(settings: Settings, path: str) -> int:
    """Record the verification results of a unit's CSV file; nothing when any line is bad."""
    file = Path(path)
    try:
        checks = parse_check_file(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        print(f"refused: cannot read {path}: {err}", file=sys.stderr)
        return 1
    except DomainError as err:
        for problem in err.problems:
            print(f"refused: {problem.message}", file=sys.stderr)
        return 1

    async def action(session: AsyncSession) -> dict[str, Any]:
        recorded = await import_check_file(session, checks, file_name=file.name)
        return {"file": path, "applications": len(checks.entries), "checks_recorded": recorded}

    return asyncio.run(run_cli_command(settings, action))
