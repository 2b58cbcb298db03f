"""Field rules shared by every command: each normalises a value or says what to fix."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.errors import DomainError, ErrorCode, Problem
from models.id_number import InvalidIdNumber, parse_id_number

Rule = Callable[[Any], Any]
"""Takes a raw value, returns the normalised value or raises :class:`Invalid`."""


class Invalid(ValueError):
    """A rule's rejection; the message says what to fix, without the field name."""


@dataclass
class Checker:
    """Collects every problem of one input, so that a user sees them all at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: ErrorCode, message: str, field_path: str | None = None) -> None:
        self.problems.append(Problem(code, message, field_path))

    def apply(self, rule: Rule, value: Any, field_path: str) -> Any:
        """Run ``rule`` on ``value``; record its complaint against ``field_path``."""
        try:
            return rule(value)
        except Invalid as exc:
            self.add(ErrorCode.VALIDATION, f"{field_path}: {exc}", field_path)
            return None

    def raise_if_any(self) -> None:
        if self.problems:
            raise DomainError(self.problems)


def text(*, max_length: int, required: bool = True) -> Rule:
    """Trimmed text of at most ``max_length`` characters (empty only when not required)."""

    def rule(value: Any) -> str | None:
        if value is None:
            if required:
                raise Invalid("a value is required")
            return None
        cleaned = " ".join(str(value).split())
        if required and not cleaned:
            raise Invalid("must not be blank")
        if len(cleaned) > max_length:
            raise Invalid(f"must be at most {max_length} characters (got {len(cleaned)})")
        return cleaned or None

    return rule


def int_range(low: int, high: int) -> Rule:
    def rule(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid("must be a whole number")
        if not low <= value <= high:
            raise Invalid(f"must be between {low} and {high} (got {value})")
        return value

    return rule


def _coordinate(limit: float, what: str) -> Rule:
    def rule(value: Any) -> float:
        number = float(value)
        if not math.isfinite(number) or not -limit <= number <= limit:
            raise Invalid(f"{what} must be between -{limit:g} and {limit:g} (got {value})")
        return number

    return rule


latitude = _coordinate(90, "latitude")
longitude = _coordinate(180, "longitude")

_PHONE = re.compile(r"^\+?\d{7,15}$")


def phone(value: Any) -> str:
    """A phone number: digits (an optional leading +), spaces and dashes dropped."""
    cleaned = re.sub(r"[\s\-()]", "", str(value or ""))
    if not _PHONE.match(cleaned):
        raise Invalid("must be a phone number of 7 to 15 digits, e.g. 13812345678")
    return cleaned


def id_number(value: Any) -> str:
    """A resident ID-card number, normalised (upper-case ``X``); its check digit must match."""
    try:
        return parse_id_number(str(value)).value
    except InvalidIdNumber as exc:
        raise Invalid(str(exc)) from None


def birth_year(value: Any) -> int:
    """A volunteer's birth year: a person at least 10 and at most 110 years old this year."""
    this_year = date.today().year
    return int(int_range(this_year - 110, this_year - 10)(value))


def past_date(*, earliest: date = date(1900, 1, 1)) -> Rule:
    """A date not in the future and not before ``earliest``."""

    def rule(value: Any) -> date:
        if not isinstance(value, date):
            raise Invalid("must be a date (YYYY-MM-DD)")
        if value > date.today():
            raise Invalid(f"must not be in the future (got {value.isoformat()})")
        if value < earliest:
            raise Invalid(f"must not be before {earliest.isoformat()} (got {value.isoformat()})")
        return value

    return rule


_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def codes(value: Any) -> list[str]:
    """Language/dialect codes: lower-case words such as ``mandarin`` or ``beijing_dialect``."""
    result: list[str] = []
    for raw in value or []:
        code = str(raw).strip().lower().replace("-", "_").replace(" ", "_")
        if not _CODE.match(code):
            raise Invalid(
                f"{raw!r} is not a language code: use 2-32 lower-case letters, digits or _, "
                "e.g. mandarin, beijing_dialect"
            )
        if code not in result:
            result.append(code)
    return result


def distinct(value: Any) -> list[Any]:
    """A list with duplicates dropped, first occurrence kept (for enum sets and slots)."""
    result: list[Any] = []
    for item in value or []:
        if item not in result:
            result.append(item)
    return result


YEAR = int_range(2000, 2200)
"""A budget or grant year."""


def non_negative_fen(value: Any) -> int:
    """An amount of money in fen, zero or more."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid("must be an amount of money")
    if value < 0:
        raise Invalid("must not be negative")
    return value


def positive_fen(value: Any) -> int:
    """An amount of money in fen, more than zero."""
    if non_negative_fen(value) == 0:
        raise Invalid("must be more than 0")
    return int(value)


def ids_in(values: Iterable[int]) -> list[int]:
    """Distinct ids, in the order given."""
    return list(dict.fromkeys(values))
