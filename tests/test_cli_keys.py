"""``bangfu keys``: generate a key, rotate a database from key A to key B, refuse bad keys."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from access.crypto import generate_key
from tests.test_cli import run_bangfu, sqlite_rows


def _keys(data: dict[str, str], lookup: dict[str, str], **current: str) -> dict[str, str]:
    env = {"BANGFU_DATA_KEYS": json.dumps(data), "BANGFU_LOOKUP_KEYS": json.dumps(lookup)}
    env.update({f"BANGFU_{name.upper()}": value for name, value in current.items()})
    return env


def _fields(stdout: str) -> dict[str, dict[str, Any]]:
    report = json.loads(stdout)
    return {f["field"]: f for f in report["fields"]}


def test_generate_prints_a_new_32_byte_key(tmp_path: Path) -> None:
    first = run_bangfu("keys", "generate", cwd=tmp_path)
    second = run_bangfu("keys", "generate", cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert len(base64.b64decode(first.stdout.strip())) == 32
    assert first.stdout != second.stdout


def test_rotate_a_database_from_key_a_to_key_b(tmp_path: Path) -> None:
    database = tmp_path / "keys.db"
    url = {"BANGFU_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    a, b, h1, h2 = (generate_key() for _ in range(4))
    loaded = run_bangfu("demo", "--quiet", cwd=tmp_path, env={**url, **_keys({"a": a}, {"h1": h1})})
    assert loaded.returncode == 0, loaded.stderr
    phones = len(sqlite_rows(database, "SELECT phone FROM volunteer"))

    both = _keys({"a": a, "b": b}, {"h1": h1, "h2": h2}, data_key_id="b", lookup_key_id="h2")
    rotated = run_bangfu("keys", "rotate", "--quiet", cwd=tmp_path, env={**url, **both})

    assert rotated.returncode == 0, rotated.stderr
    phone = _fields(rotated.stdout)["volunteer.phone"]
    assert phone["values"] == phone["re_encrypted"] == phone["rehashed"] == phones > 0
    assert phone["by_key"] == {"a": phones}
    assert {p.split(":")[1] for p in sqlite_rows(database, "SELECT phone FROM volunteer")} == {"b"}

    only_b = _keys({"b": b}, {"h2": h2})
    checked = run_bangfu(
        "keys", "rotate", "--dry-run", "--quiet", cwd=tmp_path, env={**url, **only_b}
    )

    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["dry_run"]
    assert report["complete"]
    assert all(f["to_re_encrypt"] == f["to_rehash"] == 0 for f in report["fields"])
    assert _fields(checked.stdout)["volunteer.phone"]["by_key"] == {"b": phones}

    only_a = _keys({"a": a}, {"h1": h1})  # key B forgotten: every value is unreadable
    failed = run_bangfu("keys", "rotate", "--quiet", cwd=tmp_path, env={**url, **only_a})

    assert failed.returncode == 1
    assert "add the missing key back to BANGFU_DATA_KEYS" in failed.stderr
    assert "data key 'b', which is not configured" in failed.stdout


def test_a_malformed_key_is_refused_by_name_before_anything_runs(tmp_path: Path) -> None:
    database = tmp_path / "never.db"
    env = {
        "BANGFU_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        **_keys({"2026": "c2hvcnQ="}, {"h": generate_key()}),
    }

    refused = run_bangfu("migrate", cwd=tmp_path, env=env)

    assert refused.returncode == 2
    assert "BANGFU_DATA_KEYS['2026'] is not a base64-encoded 32-byte key" in refused.stderr
    assert "c2hvcnQ=" not in refused.stderr
    assert not database.exists()
    fixed = run_bangfu("keys", "generate", cwd=tmp_path, env=env)  # the way out still works
    assert fixed.returncode == 0, fixed.stderr
    assert len(base64.b64decode(fixed.stdout.strip())) == 32


def test_serve_in_production_refuses_the_development_data_key(tmp_path: Path) -> None:
    database = tmp_path / "never.db"
    env = {
        "BANGFU_ENVIRONMENT": "production",
        "BANGFU_SECRET_KEY": "a production secret key, long enough: " + "k" * 20,
        "BANGFU_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }

    refused = run_bangfu("serve", cwd=tmp_path, env=env)

    assert refused.returncode == 2
    assert "BANGFU_DATA_KEYS is not set" in refused.stderr
    assert not database.exists()
