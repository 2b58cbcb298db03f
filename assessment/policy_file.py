"""Reading a policy from the district's versioned TOML file (``policy_default.toml`` shows the
format).

Each parameter is an array of tables, one per dated row::

    format = 1
    version = "2024-07"

    [[dibao_standard_fen]]
    effective = 2024-07-01
    recorded = 2024-06-20
    value = 145000

    [[coefficient.serious_illness]]
    effective = 2014-01-01
    recorded = 2014-01-01
    value = "1.5"

Fractional values are written as strings ("1.5", "1/7") so they are exact; a TOML float is
read through its decimal text (0.3 is 3/10), never through binary floating point. Errors name
the parameter and the row, so a clerk can find the line.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from assessment.policy import ParameterValue, Policy, Value

FORMAT = 1
ROW_KEYS = frozenset({"effective", "recorded", "value", "note"})


def load_policy(path: str | Path) -> Policy:
    """The policy in a TOML file; ValueError says what is wrong and where."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as err:
        raise ValueError(f"cannot read policy file {file}: {err.strerror}") from err
    return parse_policy(text, source=str(file))


def default_policy() -> Policy:
    """The policy shipped with the package (Beijing's standard; illustrative coefficients)."""
    text = resources.files("assessment").joinpath("policy_default.toml").read_text("utf-8")
    return parse_policy(text, source="policy_default.toml")


def parse_policy(text: str, *, source: str = "policy") -> Policy:
    """The policy in TOML ``text``; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{source}: not valid TOML: {err}") from err
    if data.get("format") != FORMAT:
        raise ValueError(f"{source}: format must be {FORMAT}, not {data.get('format')!r}")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{source}: version must be a non-empty string")
    body = {k: v for k, v in data.items() if k not in ("format", "version")}
    try:
        return Policy(version, tuple(_rows(body, "")))
    except ValueError as err:
        raise ValueError(f"{source}: {err}") from err


def _rows(table: dict[str, Any], prefix: str) -> Iterator[ParameterValue]:
    for key, item in table.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            yield from _rows(item, f"{name}.")
        elif isinstance(item, list) and all(isinstance(r, dict) for r in item):
            for index, row in enumerate(item, start=1):
                yield _row(name, index, row)
        else:
            raise ValueError(f"{name} must be an array of dated rows ([[{name}]])")


def _row(name: str, index: int, row: dict[str, Any]) -> ParameterValue:
    at = f"{name} row {index}"
    extra = set(row) - ROW_KEYS
    if extra:
        raise ValueError(f"{at}: unknown keys {', '.join(sorted(extra))}")
    for key in ("effective", "recorded", "value"):
        if key not in row:
            raise ValueError(f"{at}: missing {key}")
    for key in ("effective", "recorded"):
        if not isinstance(row[key], dt.date) or isinstance(row[key], dt.datetime):
            raise ValueError(f"{at}: {key} must be a date like 2024-07-01, not {row[key]!r}")
    note = row.get("note", "")
    if not isinstance(note, str):
        raise ValueError(f"{at}: note must be text")
    try:
        return ParameterValue(
            name=name,
            effective=row["effective"],
            recorded=row["recorded"],
            value=parse_value(row["value"], at),
            note=note,
        )
    except ValueError as err:
        raise ValueError(f"{at}: {err}") from err


def parse_value(raw: object, at: str) -> Value:
    """An exact parameter value from a TOML number or a string ("145000", "1.5", "2/7");
    ``at`` says where, for the error. Text with a point or a slash gives a Fraction."""
    if isinstance(raw, bool):
        raise ValueError(f"{at}: value must be a number, not {raw!r}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        raw = repr(raw)
    if isinstance(raw, str):
        try:
            value = Fraction(Decimal(raw)) if "/" not in raw else Fraction(raw)
        except (InvalidOperation, ValueError, ZeroDivisionError, OverflowError):
            raise ValueError(f"{at}: value {raw!r} is not a number") from None
        return int(value) if value.denominator == 1 and "." not in raw and "/" not in raw else value
    raise ValueError(f"{at}: value must be a number, not {raw!r}")
