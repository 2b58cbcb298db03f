"""Input checks shared by the optimisers' problem types (pairing, allocation): each returns the
value or raises ValueError naming the item and field, before any solving."""

from __future__ import annotations

from collections.abc import Iterable


def integer(value: object, what: str, *, low: int | None = None, high: int | None = None) -> int:
    """An int within bounds; bool is refused (True as an id or a capacity is always a mistake)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} must be an integer, not {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{what} is {value}; it must be at least {low}")
    if high is not None and value > high:
        raise ValueError(f"{what} is {value}; it must be at most {high}")
    return value


def strings(values: Iterable[str], what: str) -> frozenset[str]:
    """A set of non-empty strings; a bare string would otherwise become a set of its letters."""
    if isinstance(values, str):
        raise ValueError(f"{what} must be a collection of strings, not the string {values!r}")
    out = frozenset(values)
    for v in out:
        if not isinstance(v, str) or not v:
            raise ValueError(f"{what} contains {v!r}; use non-empty strings")
    return out
