"""``bangfu verification import FILE.csv`` (``cli.main``, as the console script calls it): a
good file records every line in one transaction; a file with any bad line records nothing and
names each bad line."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

import cli
from tests.api import builders as b
from tests.api import lifecycle_builders as lb
from tests.api.conftest import Api

HEADER = "application_id,item,result,checked_on,note\n"


@pytest.fixture(autouse=True)
async def cli_environment(
    app: Starlette, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The policy stored, the command pointed at the test database."""
    await lb.store_policy(app)
    monkeypatch.setenv("BANGFU_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)  # no .env of the checkout


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


async def _run(capsys: pytest.CaptureFixture[str], path: Path) -> Run:
    """``bangfu verification import PATH`` (the command's own event loop, in a thread)."""
    capsys.readouterr()
    code = await asyncio.to_thread(cli.main, ["verification", "import", str(path)])
    out, err = capsys.readouterr()
    return Run(code, out, err)


async def _import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, lines: list[str]
) -> Run:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return await _run(capsys, path)


async def _checks(api: Api, application: str) -> list[dict[str, Any]]:
    node = await b.read(api, application, "AssistanceApplication", f"version {lb.CHECKS}")
    assert node is not None
    checks: list[dict[str, Any]] = node["checks"]
    return checks


async def _two_applications(api: Api) -> tuple[str, str]:
    ids = await b.geo(api)
    first, second = (
        await b.household(api, ids["community"]),
        await b.household(api, ids["community"]),
    )
    await b.person(api, first)
    return (await lb.apply(api, first, "2025-03-01"))["id"], (
        await lb.apply(api, second, "2025-03-01")
    )["id"]


async def test_a_good_file_is_recorded_in_full(
    api: Api, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a1, a2 = await _two_applications(api)
    number = b.local_id(a1)
    lines = [f"{number},{item.lower()},passed,2025-03-10," for item in lb.ITEMS]
    lines += [
        f'{a2},vehicles,FAILED,2025-03-11,"名下一辆轿车, 2019年购"',
        f"{a2},bank_deposits,pending,,等待银行回复",
    ]
    result = await _import(capsys, tmp_path, "核对结果-三月.csv", lines)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "file": str(tmp_path / "核对结果-三月.csv"),
        "applications": 2,
        "checks_recorded": 13,
    }
    first = await _checks(api, a1)
    assert {(c["result"], c["checkedOn"], c["source"], c["recordedBy"]) for c in first} == {
        ("PASSED", "2025-03-10", "import:核对结果-三月.csv", "cli")
    }
    second = {c["item"]: c for c in await _checks(api, a2)}
    assert (second["VEHICLES"]["result"], second["VEHICLES"]["note"]) == (
        "FAILED",
        "名下一辆轿车, 2019年购",
    )
    assert (second["BANK_DEPOSITS"]["result"], second["BANK_DEPOSITS"]["note"]) == (
        "PENDING",
        "等待银行回复",
    )
    assert [c["result"] for c in second.values()].count("PENDING") == 10
    # The imported results admit the first household.
    household = await lb.enrol(api, a1, "2025-03-15")
    assert (household["status"], household["benefit"]) == ("DIBAO", "1885.00")


async def test_a_bad_file_records_nothing(
    api: Api, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a1, a2 = await _two_applications(api)
    before = (await _checks(api, a1), await _checks(api, a2))

    malformed = [
        f"{a1},tax_payments,passed,2025-03-10,",
        f"{a1},horses,passed,2025-03-10,",
        f"{a1},vehicles,maybe,10/03/2025,",
        "Z,vehicles,passed,2025-03-10,",
        f"{a1},vehicles,passed",
    ]
    result = await _import(capsys, tmp_path, "bad.csv", malformed)
    assert (result.returncode, result.stdout) == (1, "")
    errors = result.stderr.strip().splitlines()
    assert [e.split(":")[1].strip() for e in errors] == ["line 3", "line 4", "line 5", "line 6"]
    assert "horses" in errors[0]
    assert "maybe" in errors[1]
    assert "10/03/2025" in errors[1]

    # Well-formed, but one application was decided and one line is refused by the rules: the
    # good lines of the file are not recorded either.
    await api.ok("assistanceApplicationWithdraw", lb.WITHDRAW, input={"id": a2})
    refused = [
        f"{a1},tax_payments,passed,2025-03-10,",
        f"{a1},vehicles,passed,,",
        f"{a2},vehicles,passed,2025-03-10,",
        "999999,vehicles,passed,2025-03-10,",
    ]
    result = await _import(capsys, tmp_path, "refused.csv", refused)
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3, errors
    assert "line 3.checkedOn" in errors[0]
    assert "line 4 (application" in errors[1]
    assert "withdrawn" in errors[1]
    assert "line 5 (application 999999): no assistance application" in errors[2]
    assert (await _checks(api, a1), (await _checks(api, a2))) == before

    empty = await _import(capsys, tmp_path, "empty.csv", [])
    assert (empty.returncode, empty.stderr.strip()) == (
        1,
        "refused: The file has no lines after its header.",
    )
    missing = await _run(capsys, tmp_path / "nowhere.csv")
    assert missing.returncode == 1
    assert "cannot read" in missing.stderr
