"""Policy as dated parameters, and the "as of" look-up that recomputes a past decision exactly.

Every parameter (the dibao standard, each category's coefficient, each review interval, each
dimension's weight and cutoff, the poverty cut-off ``k``) is a history of :class:`ParameterValue`
rows. A row says: from ``effective`` on, the value is ``value``; we learnt this on ``recorded``.
A value stays in force until a row with a later effective date. A correction is a new row with
the same effective date and a later recorded date: it replaces the old value for anyone who looks
"as known" after the correction, and leaves a decision taken before it unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from assessment.vocabulary import CATEGORIES, DIMENSIONS, REVIEW_KINDS

STANDARD = "dibao_standard_fen"
K = "poverty_k"
MAX_COEFFICIENT_STEPS = 7
"""Policy 484: coefficients from 1.0 to 1.5 in 7 steps, so at most 7 distinct values at a time."""

Value = int | Fraction


def coefficient_name(category: str) -> str:
    return f"coefficient.{category}"


def review_name(kind: str) -> str:
    return f"review_months.{kind}"


def weight_name(dimension: str) -> str:
    return f"weight.{dimension}"


def cutoff_name(dimension: str) -> str:
    return f"cutoff.{dimension}"


REQUIRED: tuple[str, ...] = (
    STANDARD,
    K,
    *(coefficient_name(c) for c in CATEGORIES),
    *(review_name(r) for r in REVIEW_KINDS),
    *(weight_name(d) for d in DIMENSIONS),
    *(cutoff_name(d) for d in DIMENSIONS),
)
"""Every parameter a policy must define (and the only ones it may define)."""


@dataclass(frozen=True, kw_only=True)
class ParameterValue:
    """One row of a parameter's history."""

    name: str
    effective: dt.date
    recorded: dt.date
    value: Value
    note: str = ""

    def __post_init__(self) -> None:
        if self.name not in REQUIRED:
            raise ValueError(f"unknown parameter {self.name!r}")
        for what in ("effective", "recorded"):
            day = getattr(self, what)
            if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
                raise ValueError(f"{self.name}: {what} must be a date, not {day!r}")
        if isinstance(self.value, bool) or not isinstance(self.value, int | Fraction):
            raise ValueError(f"{self.name}: value must be an int or a Fraction")
        _check_value(self.name, self.value, self.effective)


def _check_value(name: str, value: Value, effective: dt.date) -> None:
    at = f"{name} effective {effective.isoformat()}"
    if name == STANDARD or name.startswith("review_months."):
        if not isinstance(value, int) or value <= 0:
            raise ValueError(f"{at}: must be a positive whole number, not {value}")
    elif name.startswith("coefficient.") and not 1 <= value <= Fraction(3, 2):
        raise ValueError(f"{at}: coefficient {_show(value)} is outside 1.0..1.5")
    elif (name.startswith("weight.") or name == K) and not 0 < value <= 1:
        raise ValueError(f"{at}: {_show(value)} must be above 0 and at most 1")
    elif name.startswith("cutoff.") and value < 0:
        raise ValueError(f"{at}: cutoff {_show(value)} is negative")


def _show(value: Value) -> str:
    return str(value) if isinstance(value, int) or value.denominator == 1 else f"{float(value):g}"


@dataclass(frozen=True, eq=False)
class PolicySnapshot:
    """The parameters in force on ``on`` as known on ``known`` (``None``: as known today).

    ``sources`` are the rows that supplied each value, so an explanation can cite them;
    ``version`` names the file version and both dates.
    """

    on: dt.date
    known: dt.date | None
    file_version: str
    sources: Mapping[str, ParameterValue]
    dibao_standard_fen: int = field(init=False)
    k: Fraction = field(init=False)
    coefficients: Mapping[str, Fraction] = field(init=False)
    review_months: Mapping[str, int] = field(init=False)
    weights: Mapping[str, Fraction] = field(init=False)
    cutoffs: Mapping[str, Fraction] = field(init=False)

    def __post_init__(self) -> None:
        missing = [n for n in REQUIRED if n not in self.sources]
        if missing:
            raise ValueError(
                f"no value in force on {self.on.isoformat()} ({self._known_text()}) for "
                + ", ".join(missing)
            )
        v = {n: self.sources[n].value for n in REQUIRED}
        put = object.__setattr__
        put(self, "sources", MappingProxyType(dict(self.sources)))
        put(self, "dibao_standard_fen", int(v[STANDARD]))
        put(self, "k", Fraction(v[K]))
        put(self, "coefficients", _table(v, coefficient_name, CATEGORIES))
        put(
            self,
            "review_months",
            MappingProxyType({r: int(v[review_name(r)]) for r in REVIEW_KINDS}),
        )
        put(self, "weights", _table(v, weight_name, DIMENSIONS))
        put(self, "cutoffs", _table(v, cutoff_name, DIMENSIONS))
        total = sum(self.weights.values(), Fraction(0))
        if total != 1:
            raise ValueError(
                f"dimension weights in force on {self.on.isoformat()} ({self._known_text()}) "
                f"sum to {total}, not 1"
            )
        steps = sorted(set(self.coefficients.values()))
        if len(steps) > MAX_COEFFICIENT_STEPS:
            raise ValueError(
                f"coefficients in force on {self.on.isoformat()} take {len(steps)} distinct "
                f"values ({', '.join(_show(s) for s in steps)}); policy 484 allows "
                f"{MAX_COEFFICIENT_STEPS}"
            )

    def _known_text(self) -> str:
        return "as known today" if self.known is None else f"as known on {self.known.isoformat()}"

    @property
    def version(self) -> str:
        """What an explanation cites: the file version and the two dates of the look-up."""
        return f"{self.file_version} on {self.on.isoformat()} {self._known_text()}"


def _table(
    values: Mapping[str, Value], name: Callable[[str], str], keys: tuple[str, ...]
) -> Mapping[str, Fraction]:
    return MappingProxyType({key: Fraction(values[name(key)]) for key in keys})


@dataclass(frozen=True, eq=False)
class Policy:
    """All parameter histories of one policy file ``version``; immutable once built.

    Building checks each row, refuses two rows of one parameter with the same effective and
    recorded dates (which value would apply is then undecidable), requires every parameter,
    and checks that the parameters in force at every date where any of them changes, as known
    at every recording date, form a valid :class:`PolicySnapshot`.
    """

    version: str
    rows: tuple[ParameterValue, ...]
    _by_name: Mapping[str, tuple[ParameterValue, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.version, str) or not self.version:
            raise ValueError("policy version must be a non-empty string")
        rows = tuple(self.rows)
        by_name: dict[str, list[ParameterValue]] = {}
        seen: dict[tuple[str, dt.date, dt.date], ParameterValue] = {}
        for row in rows:
            if not isinstance(row, ParameterValue):
                raise ValueError(f"policy rows must be ParameterValue, not {row!r}")
            key = (row.name, row.effective, row.recorded)
            if key in seen:
                raise ValueError(
                    f"{row.name} has two values effective {row.effective.isoformat()} recorded "
                    f"{row.recorded.isoformat()}; a correction needs a later recorded date"
                )
            seen[key] = row
            by_name.setdefault(row.name, []).append(row)
        missing = [n for n in REQUIRED if n not in by_name]
        if missing:
            raise ValueError(f"policy {self.version}: missing parameters: {', '.join(missing)}")
        object.__setattr__(self, "rows", rows)
        object.__setattr__(
            self,
            "_by_name",
            MappingProxyType(
                {
                    n: tuple(sorted(rs, key=lambda r: (r.effective, r.recorded)))
                    for n, rs in by_name.items()
                }
            ),
        )
        self._check_every_change()

    def _check_every_change(self) -> None:
        """Snapshots change only where some row takes effect or becomes known, so checking
        those dates covers every look-up (dates before a parameter's first value, as known at
        a given time, are skipped: nothing is answerable there, and ``as_of`` says so)."""
        start = max(hist[0].effective for hist in self._by_name.values())
        days = sorted({r.effective for r in self.rows if r.effective >= start} | {start})
        knowns: list[dt.date | None] = [*sorted({r.recorded for r in self.rows}), None]
        for known in knowns:
            for day in days:
                sources = self._sources(day, known)
                if len(sources) == len(REQUIRED):
                    PolicySnapshot(day, known, self.version, sources)

    def history(self, name: str) -> tuple[ParameterValue, ...]:
        """Every row of one parameter, by effective then recorded date."""
        if name not in self._by_name:
            raise ValueError(f"unknown parameter {name!r}")
        return self._by_name[name]

    def value_row(
        self, name: str, on: dt.date, known: dt.date | None = None
    ) -> ParameterValue | None:
        """The row in force on ``on`` as known on ``known``: the latest effective date not after
        ``on`` among rows recorded by ``known``; among corrections of that date, the latest
        recorded. ``None`` when nothing was in force yet."""
        best: ParameterValue | None = None
        for row in self.history(name):
            if row.effective > on:
                break
            if known is None or row.recorded <= known:
                best = row
        return best

    def as_of(self, on: dt.date, known: dt.date | None = None) -> PolicySnapshot:
        """Every parameter in force on ``on`` as known on ``known`` (``None``: all rows)."""
        return PolicySnapshot(on, known, self.version, self._sources(on, known))

    def _sources(self, on: dt.date, known: dt.date | None) -> dict[str, ParameterValue]:
        rows = {name: self.value_row(name, on, known) for name in REQUIRED}
        return {name: row for name, row in rows.items() if row is not None}
