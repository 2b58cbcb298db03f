"""Recomputing dibao benefits after a policy change: through the API and the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col
from starlette.applications import Starlette

from assessment.policy_file import default_policy
from models.commands.policy import ensure_policy
from models.lifecycle import BenefitChange
from models.policy import PolicyParameter
from tests.api.builders import geo, household, person, years_ago
from tests.api.conftest import Api
from tests.test_cli import run_bangfu

RECOMPUTE = """
mutation($input: BenefitsRecomputeInput!) {
  benefitsRecompute(input: $input) {
    recomputation { on standard households changed totalBefore totalAfter policyRevision }
    errors { code message field }
  }
}
"""

CHANGE = """
mutation($input: PolicyChangeInput!) {
  policyChange(input: $input) { rows { name } errors { code message } }
}
"""


@pytest.fixture
async def seeded(app: Starlette) -> None:
    await ensure_policy(app.state.session_factory, None)


async def dibao_family(api: Api, community: str, status: str = "DIBAO") -> str:
    """A man of 87 without labour capacity (man 60+ 1.1, lost capacity 1.3: 1.3) and a
    schoolboy of 10 (minor 1.2, student 1.25: 1.25)."""
    h = await household(api, community, status=status, statusSince="2024-01-01")
    await person(api, h, birthDate=years_ago(87), labourCapacity="NONE")
    await person(api, h, name="小明", birthDate=years_ago(10), relation="GRANDCHILD", student=True)
    return h


async def recompute(api: Api, on: str, reason: str = "test") -> dict[str, Any]:
    return await api.mutate("benefitsRecompute", RECOMPUTE, input={"on": on, "reason": reason})


async def changes(app: Starlette) -> list[tuple[int, int, int]]:
    async with app.state.session_factory() as session:
        rows = await session.execute(
            sa.select(
                col(BenefitChange.before_fen),
                col(BenefitChange.after_fen),
                col(BenefitChange.standard_fen),
            ).order_by(col(BenefitChange.id))
        )
        return [tuple(r) for r in rows.all()]


@pytest.mark.usefixtures("seeded")
async def test_a_new_standard_changes_every_dibao_benefit_once(api: Api, app: Starlette) -> None:
    g = await geo(api)
    await dibao_family(api, g["community"])
    await dibao_family(api, g["community"])
    await dibao_family(api, g["community"], status="LOW_INCOME")  # not paid from the standard
    first = (await recompute(api, "2025-03-01", "first computation"))["recomputation"]
    per_family = 188_500 + 181_250  # 1,450 x 1.3 and 1,450 x 1.25 yuan, in fen
    assert first["households"] == 2
    assert first["changed"] == 2
    assert (first["standard"], first["totalBefore"]) == ("1450.00", "0.00")
    assert first["totalAfter"] == f"{2 * per_family // 100}.{2 * per_family % 100:02d}"
    await api.ok(
        "policyChange",
        CHANGE,
        input={
            "effectiveOn": "2025-07-01",
            "values": [{"name": "dibao_standard_fen", "value": "150000"}],
            "note": "standard 1,500 yuan",
        },
    )
    # June is still computed with the old standard: nothing changes.
    june = (await recompute(api, "2025-06-01"))["recomputation"]
    assert (june["changed"], june["standard"]) == (0, "1450.00")
    july = (await recompute(api, "2025-07-01", "standard 1,500 yuan"))["recomputation"]
    assert (july["changed"], july["standard"]) == (2, "1500.00")
    assert july["totalAfter"] == "7650.00"  # 2 x (1,950 + 1,875)
    again = (await recompute(api, "2025-07-01"))["recomputation"]
    assert again["changed"] == 0
    assert await changes(app) == [
        (0, per_family, 145_000),
        (0, per_family, 145_000),
        (per_family, 382_500, 150_000),
        (per_family, 382_500, 150_000),
    ]


@pytest.mark.usefixtures("seeded")
async def test_recomputation_before_any_standard_is_refused(api: Api, app: Starlette) -> None:
    payload = await recompute(api, "2005-01-01")
    assert payload["recomputation"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("VALIDATION", "on")]
    blank = await recompute(api, "2025-01-01", reason="  ")
    assert [(e["code"], e["field"]) for e in blank["errors"]] == [("VALIDATION", "reason")]
    assert await changes(app) == []


@pytest.mark.usefixtures("seeded")
async def test_command_line_imports_new_rows_and_recomputes(
    api: Api, app: Starlette, db_url: str, tmp_path: Path
) -> None:
    g = await geo(api)
    await dibao_family(api, g["community"])
    source = (Path(__file__).parents[2] / "assessment" / "policy_default.toml").read_text()
    edited = source.replace('version = "default-2024-07"', 'version = "district-2025-07"') + (
        "\n[[dibao_standard_fen]]\neffective = 2025-07-01\nrecorded = 2025-06-20\n"
        'value = 150000\nnote = "test notice"\n'
    )
    (tmp_path / "policy.toml").write_text(edited, encoding="utf-8")
    env = {"BANGFU_DATABASE_URL": db_url}
    imported = run_bangfu("policy", "import", "policy.toml", cwd=tmp_path, env=env)
    assert imported.returncode == 0, imported.stderr
    assert '"rows_added": 1' in imported.stdout
    again = run_bangfu("policy", "import", "policy.toml", cwd=tmp_path, env=env)
    assert '"rows_added": 0' in again.stdout
    # A file that rewrites an old value is refused, and nothing is written.
    rewritten = edited.replace("value = 145000", "value = 146000")
    (tmp_path / "bad.toml").write_text(rewritten, encoding="utf-8")
    refused = run_bangfu("policy", "import", "bad.toml", cwd=tmp_path, env=env)
    assert refused.returncode == 1
    assert "add a correction row" in refused.stderr
    async with app.state.session_factory() as session:
        stored = await session.scalar(sa.select(sa.func.count()).select_from(PolicyParameter))
    assert stored == len(default_policy().rows) + 1
    done = run_bangfu(
        "benefits", "recompute", "--on", "2025-07-01", "--reason", "notice", cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr
    assert '"standard_fen": 150000' in done.stdout
    assert '"changed": 1' in done.stdout
    assert [c[1:] for c in await changes(app)] == [(382_500, 150_000)]
