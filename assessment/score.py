"""One household's multidimensional need score (Alkire-Foster), explained.

The score c is the sum of the weights of the dimensions where the household is deprived; the
household is poor when c >= k. The result carries every indicator's value, threshold, weight
and verdict, k and the policy version, so a caseworker can see why a household ranks where it
does and recompute it later from the same snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from assessment.indicators import SPECS, Indicators
from assessment.policy import PolicySnapshot


@dataclass(frozen=True)
class IndicatorResult:
    """One dimension of one score: ``deprived`` is ``value < threshold`` when ``below``, else
    ``value >= threshold``; ``cutoff`` is the policy's parameter (a ratio of the standard when
    ``relative``), ``threshold`` what the value was compared with."""

    dimension: str
    indicator: str
    unit: str
    value: int
    cutoff: Fraction
    threshold: Fraction
    below: bool
    relative: bool
    weight: Fraction
    deprived: bool

    @property
    def rule(self) -> str:
        """The comparison in words, e.g. "income_fen_per_person 90000 < 217500: deprived"."""
        op = "<" if self.below else ">="
        verdict = "deprived" if self.deprived else "not deprived"
        return f"{self.indicator} {self.value} {op} {_text(self.threshold)}: {verdict}"


@dataclass(frozen=True)
class NeedScore:
    """A household's score ``c`` (0..1, exact), ``k``, ``poor`` (c >= k) and the explanation."""

    score: Fraction
    k: Fraction
    poor: bool
    indicators: tuple[IndicatorResult, ...]
    policy_version: str

    @property
    def deprived_dimensions(self) -> tuple[str, ...]:
        return tuple(r.dimension for r in self.indicators if r.deprived)

    def explain(self) -> str:
        """A few lines a caseworker can read."""
        head = (
            f"score {_text(self.score)} {'>=' if self.poor else '<'} k {_text(self.k)}: "
            f"{'poor' if self.poor else 'not poor'} (policy {self.policy_version})"
        )
        lines = [f"  {r.dimension} (weight {_text(r.weight)}): {r.rule}" for r in self.indicators]
        return "\n".join([head, *lines])


def _text(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x} (~{float(x):.4g})"


def need_score(indicators: Indicators, policy: PolicySnapshot) -> NeedScore:
    """The explained need score of one household under ``policy``."""
    results = []
    for spec in SPECS:
        threshold = spec.threshold(policy)
        value = indicators.value(spec)
        results.append(
            IndicatorResult(
                dimension=spec.dimension,
                indicator=spec.field,
                unit=spec.unit,
                value=value,
                cutoff=policy.cutoffs[spec.dimension],
                threshold=threshold,
                below=spec.below,
                relative=spec.relative,
                weight=policy.weights[spec.dimension],
                deprived=spec.deprived(value, threshold),
            )
        )
    score = sum((r.weight for r in results if r.deprived), Fraction(0))
    return NeedScore(score, policy.k, score >= policy.k, tuple(results), policy.version)
