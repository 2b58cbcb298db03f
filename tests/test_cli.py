"""The `bangfu` console script: its help, export-schema and migrate, run as a user runs them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import cli
import models  # noqa: F401  (registers the tables)
from api.schema import schema_sdl
from models.migrations import alembic_config

BANGFU = Path(sys.executable).parent / "bangfu"
"""The console script installed beside the interpreter that runs the tests (the venv's)."""

SUBCOMMAND_OPTIONS = {
    "serve": ["--host", "--port", "--demo", "--no-migrate"],
    "migrate": ["revision", "--down"],
    "demo": ["--scale", "--seed", "--quiet", "--no-migrate"],
    "export-schema": ["output"],
    "match": [
        "--street",
        "--district",
        "--max-distance",
        "--churn-budget",
        "--street-floor",
        "--split-by-street",
    ],
    "allocate": ["--year", "--street", "--street-floor", "--strict-floors"],
    "policy": ["import"],
    "benefits": ["recompute"],
    "verification": ["import"],
    "users": ["create"],
    "keys": ["generate", "rotate"],
}


def run_bangfu(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed console script (not ``python -m``: the entry point is under test)."""
    assert BANGFU.exists(), f"{BANGFU} is missing: install the project (make install)"
    return subprocess.run(  # noqa: S603  (our own script, fixed arguments)
        [str(BANGFU), *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        check=False,
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run_bangfu("--help", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: bangfu")
    for command in SUBCOMMAND_OPTIONS:
        assert command in result.stdout


@pytest.mark.parametrize("command", sorted(SUBCOMMAND_OPTIONS))
def test_each_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"])

    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: bangfu {command}")
    for option in SUBCOMMAND_OPTIONS[command]:
        assert option in out


def test_users_create_help_names_its_options_and_every_role(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from models.enums import Role

    with pytest.raises(SystemExit) as exited:
        cli.main(["users", "create", "--help"])

    assert exited.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for option in ["--username", "--role", "--display-name", "--street", "--station"]:
        assert option in out
    for option in ["--volunteer", "--password-stdin"]:
        assert option in out
    for role in Role:
        assert role.value in out


def test_users_create_makes_an_account_from_a_script(tmp_path: Path) -> None:
    database = tmp_path / "users.db"
    env = {"BANGFU_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    assert run_bangfu("migrate", cwd=tmp_path, env=env).returncode == 0
    create = ["users", "create", "--username", "admin", "--role", "district_admin"]

    made = run_bangfu(
        *create, "--password-stdin", cwd=tmp_path, env=env, stdin="s3cret pass phrase\n"
    )
    weak = run_bangfu(*create, "--password-stdin", cwd=tmp_path, env=env, stdin="short\n")
    bad_role = run_bangfu("users", "create", "--username", "x", "--role", "king", cwd=tmp_path)

    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["role"] == "district_admin"
    assert weak.returncode == 1
    assert "refused: password: must be at least 12 characters" in weak.stderr
    assert bad_role.returncode == 1
    assert "--role must be one of district_admin" in bad_role.stderr
    hashes = sqlite_rows(database, "SELECT password_hash FROM app_user")
    assert len(hashes) == 1
    assert hashes[0].startswith("$argon2id$")
    assert "s3cret" not in database.read_bytes().decode("latin-1")


def test_an_unknown_command_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["frobnicate"])

    assert exited.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_export_schema_to_stdout_is_the_sdl(tmp_path: Path) -> None:
    result = run_bangfu("export-schema", "-", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == schema_sdl()
    assert "type Query {" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_export_schema_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"

    assert cli.main(["export-schema", str(target)]) == 0

    assert target.read_text(encoding="utf-8") == schema_sdl()


def sqlite_rows(path: Path, sql: str) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [str(value) for (value,) in conn.execute(sql).fetchall()]


def sqlite_tables(path: Path) -> set[str]:
    return set(sqlite_rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'"))


def current_head() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://")).get_current_head()
    assert head is not None
    return head


def test_migrate_creates_the_tables_then_down_removes_them(tmp_path: Path) -> None:
    database = tmp_path / "bangfu.db"
    env = {"BANGFU_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}

    up = run_bangfu("migrate", cwd=tmp_path, env=env)

    assert up.returncode == 0, up.stderr
    assert sqlite_tables(database) == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert sqlite_rows(database, "SELECT version_num FROM alembic_version") == [current_head()]

    down = run_bangfu("migrate", "--down", "base", cwd=tmp_path, env=env)

    assert down.returncode == 0, down.stderr
    assert sqlite_tables(database) == {"alembic_version"}
    assert sqlite_rows(database, "SELECT version_num FROM alembic_version") == []


def test_match_and_allocate_run_from_the_command_line(tmp_path: Path) -> None:
    env = {"BANGFU_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    loaded = run_bangfu("demo", "--quiet", cwd=tmp_path, env=env)
    assert loaded.returncode == 0, loaded.stderr

    matched = run_bangfu("match", "--street", "东华门街道", cwd=tmp_path, env=env, timeout=120)
    assert matched.returncode == 0, matched.stderr
    report = json.loads(matched.stdout)
    assert report["solver_status"] in ("OPTIMAL", "FEASIBLE")
    assert report["elders_paired"] > 0
    assert [s["street_name"] for s in report["streets"]] == ["东华门街道"]

    allocated = run_bangfu("allocate", "--year", "2026", cwd=tmp_path, env=env, timeout=120)
    assert allocated.returncode == 0, allocated.stderr
    report = json.loads(allocated.stdout)
    assert report["requests"] == 40  # the small demo's open requests
    assert len(report["funds"]) == 18
    assert report["covered_fen"] > 0
    assert report["objective"] >= report["greedy"]["objective"]

    unknown = run_bangfu("match", "--street", "没有这条街", cwd=tmp_path, env=env)
    assert unknown.returncode == 2
    assert "no street named" in unknown.stderr
    bad_year = run_bangfu("allocate", "--year", "1999", cwd=tmp_path, env=env)
    assert bad_year.returncode == 2
    assert "year" in bad_year.stderr


def test_serve_in_production_refuses_the_development_key(tmp_path: Path) -> None:
    database = tmp_path / "never.db"
    env = {
        "BANGFU_ENVIRONMENT": "production",
        "BANGFU_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }

    refused = run_bangfu("serve", cwd=tmp_path, env=env)

    assert refused.returncode == 2
    assert "BANGFU_SECRET_KEY is the development default" in refused.stderr
    assert not database.exists()  # refused before migrating anything
