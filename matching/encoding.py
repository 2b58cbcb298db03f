"""A problem as numpy arrays, ordered by id so that results never depend on input or set order.

Slots, languages and care needs become bitmasks (``uint64`` words, one bit per value that occurs
among the elders), so that rule checks and cost terms over millions of candidate arcs are a few
vectorised AND / popcount operations instead of Python set operations.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from operator import attrgetter
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from matching.arrays import ranges, unique, unique_inverse
from matching.problem import Elder, PairingProblem, Volunteer

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.integer[Any]]
"""Any integer index array (volunteer indices are int32 in the candidate matrix)."""
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
MaskArray = npt.NDArray[np.uint64]

GENDER_CODE = {None: 0, "female": 1, "male": 2}
_NAN_FOR_NONE = {None: math.nan}.get
"""``_NAN_FOR_NONE(x, x)``: NaN for None, else x (a C-level map, unlike a conditional)."""
_WORD = 64
_T = TypeVar("_T")


@dataclass(frozen=True)
class Vocabulary:
    """Values that occur among the elders, in sorted order; bit i stands for ``values[i]``."""

    values: tuple[object, ...]

    @property
    def words(self) -> int:
        return max(1, -(-len(self.values) // _WORD))

    def bits(self, sets: Sequence[Iterable[object]]) -> tuple[IntArray, IntArray]:
        """(row, bit) for every member of every set that is in the vocabulary."""
        counts = np.fromiter(map(len, sets), np.int64, len(sets))  # type: ignore[arg-type]
        rows = np.repeat(np.arange(len(sets)), counts)
        total = int(counts.sum())
        if self.values and all(isinstance(v, int) for v in self.values):
            # integer codes (slots): one vectorised search instead of a dict lookup per member
            known = np.array(self.values, dtype=np.int64)
            flat = np.fromiter(chain.from_iterable(sets), np.int64, total)
            pos = np.minimum(np.searchsorted(known, flat), known.size - 1)
            keep = known[pos] == flat
            return rows[keep], pos[keep]
        bit_of = {value: i for i, value in enumerate(self.values)}
        flat = np.array([bit_of.get(x, -1) for x in chain.from_iterable(sets)], dtype=np.int64)
        keep = flat >= 0
        return rows[keep], flat[keep]

    def masks(self, sets: Sequence[Iterable[object]]) -> MaskArray:
        """(len(sets), words) bitmasks; values outside the vocabulary are ignored.

        Named values (languages, skills) come in few distinct sets, so each distinct set is
        encoded once; slot sets are too varied for that to pay.
        """
        if not self.values:
            return np.zeros((len(sets), self.words), dtype=np.uint64)
        if isinstance(self.values[0], int):
            return self.pack(*self.bits(sets), len(sets))
        distinct, which = _distinct(sets)
        out: MaskArray = self.pack(*self.bits(distinct), len(distinct))[which]
        return out

    def pack(self, rows: IntArray, bits: IntArray, n: int) -> MaskArray:
        """Bitmasks with ``bits[i]`` set in row ``rows[i]`` (each bit at most once per row).

        Summing distinct powers of two is OR; ``bincount`` sums in float64, which is exact for
        half-words (< 2**32), so each word is assembled from two of them.
        """
        out = np.zeros((n, self.words), dtype=np.uint64)
        for w in range(self.words):
            for half in (0, 1):
                low = _WORD * w + 32 * half
                at = (bits >= low) & (bits < low + 32)
                if not at.any():
                    continue
                weights = np.ldexp(1.0, (bits[at] - low).astype(np.int32))
                part = np.bincount(rows[at], weights=weights, minlength=n).astype(np.uint64)
                out[:, w] |= part << np.uint64(32 * half)
        return out


def popcount(masks: MaskArray) -> IntArray:
    """Set bits per row of an (..., words) mask array."""
    counts: IntArray = np.bitwise_count(masks).sum(axis=-1, dtype=np.int64)
    return counts


@dataclass(frozen=True)
class Points:
    """Where everyone is, sorted by id: what the KD-tree needs, so that its query can run
    (it releases the GIL) while the rest of the problem is encoded."""

    elders: tuple[Elder, ...]
    volunteers: tuple[Volunteer, ...]
    e_lat: FloatArray
    e_lon: FloatArray
    e_limit_m: FloatArray
    v_home_lat: FloatArray
    v_home_lon: FloatArray
    v_work_lat: FloatArray
    """NaN when the volunteer has no workplace anchor."""
    v_work_lon: FloatArray

    @property
    def n_elders(self) -> int:
        return len(self.elders)

    @property
    def n_volunteers(self) -> int:
        return len(self.volunteers)


@dataclass(frozen=True)
class Encoded(Points):
    """Elders and volunteers as arrays (index i = i-th smallest id)."""

    e_street: IntArray
    """Dense street index; ``streets[e_street[i]]`` is the street id."""
    streets: IntArray
    e_priority: IntArray
    e_gender: npt.NDArray[np.int8]
    e_vetted: BoolArray
    e_slots: MaskArray
    e_slot_count: IntArray
    e_languages: MaskArray
    e_language_count: IntArray
    e_needs: MaskArray
    e_need_count: IntArray
    v_gender: npt.NDArray[np.int8]
    v_vetted: BoolArray
    v_capacity: IntArray
    v_slots: MaskArray
    v_languages: MaskArray
    v_covers: MaskArray
    """Which of the elders' care needs the volunteer's skills meet."""
    slot_vocabulary: Vocabulary

    @cached_property
    def elder_index(self) -> dict[int, int]:
        """Elder id -> index (built on first use: only pins and pairs given by id need it)."""
        return dict(zip(map(attrgetter("id"), self.elders), range(self.n_elders), strict=True))

    @cached_property
    def volunteer_index(self) -> dict[int, int]:
        """Volunteer id -> index (built on first use)."""
        ids = map(attrgetter("id"), self.volunteers)
        return dict(zip(ids, range(self.n_volunteers), strict=True))


def _column(items: Sequence[object], name: str, dtype: type) -> npt.NDArray[Any]:
    return np.fromiter(map(attrgetter(name), items), dtype, len(items))


def _optional(items: Sequence[object], name: str) -> FloatArray:
    """A float column where None becomes NaN."""
    values = list(map(attrgetter(name), items))
    return np.fromiter(map(_NAN_FOR_NONE, values, values), np.float64, len(values))


def locate(problem: PairingProblem) -> Points:
    """Everyone's position and walking limit, sorted by id."""
    elders = tuple(sorted(problem.elders, key=attrgetter("id")))
    volunteers = tuple(sorted(problem.volunteers, key=attrgetter("id")))
    limits = _optional(elders, "max_distance_m")
    limits[np.isnan(limits)] = problem.params.max_distance_m
    return Points(
        elders=elders,
        volunteers=volunteers,
        e_lat=_column(elders, "lat", np.float64),
        e_lon=_column(elders, "lon", np.float64),
        e_limit_m=limits,
        v_home_lat=_column(volunteers, "home_lat", np.float64),
        v_home_lon=_column(volunteers, "home_lon", np.float64),
        v_work_lat=_optional(volunteers, "work_lat"),
        v_work_lon=_optional(volunteers, "work_lon"),
    )


def encode(problem: PairingProblem, points: Points | None = None) -> Encoded:
    """Arrays for the problem's elders and volunteers, sorted by id (``points``: the part
    :func:`locate` already made)."""
    params = problem.params
    at = locate(problem) if points is None else points
    elders, volunteers = at.elders, at.volunteers
    ne = len(elders)

    def sets(items: Sequence[object], name: str) -> list[frozenset[object]]:
        return list(map(attrgetter(name), items))

    def codes(items: Sequence[object], name: str) -> npt.NDArray[np.int8]:
        return np.fromiter(map(GENDER_CODE.__getitem__, map(attrgetter(name), items)), np.int8)

    def vocabulary(items: list[frozenset[Any]]) -> Vocabulary:
        return Vocabulary(tuple(sorted(frozenset[Any]().union(*items))))

    streets, street_index = unique_inverse(_column(elders, "street", np.int64))
    e_slot_sets, e_language_sets = sets(elders, "slots"), sets(elders, "languages")
    e_need_sets = sets(elders, "needs")
    slot_vocab = vocabulary(e_slot_sets)
    language_vocab = vocabulary(e_language_sets)
    need_vocab = vocabulary(e_need_sets)
    e_slots = slot_vocab.masks(e_slot_sets)
    e_languages = language_vocab.masks(e_language_sets)
    e_needs = need_vocab.masks(e_need_sets)
    return Encoded(
        elders=elders,
        volunteers=volunteers,
        e_lat=at.e_lat,
        e_lon=at.e_lon,
        e_limit_m=at.e_limit_m,
        v_home_lat=at.v_home_lat,
        v_home_lon=at.v_home_lon,
        v_work_lat=at.v_work_lat,
        v_work_lon=at.v_work_lon,
        e_street=street_index.astype(np.int64).reshape(ne),
        streets=streets.astype(np.int64),
        e_priority=_column(elders, "priority", np.int64),
        e_gender=codes(elders, "required_gender"),
        e_vetted=_column(elders, "needs_vetted", np.bool_),
        e_slots=e_slots,
        e_slot_count=popcount(e_slots),
        e_languages=e_languages,
        e_language_count=popcount(e_languages),
        e_needs=e_needs,
        e_need_count=popcount(e_needs),
        v_gender=codes(volunteers, "gender"),
        v_vetted=_column(volunteers, "vetted", np.bool_),
        v_capacity=_column(volunteers, "capacity", np.int64),
        v_slots=slot_vocab.masks(sets(volunteers, "slots")),
        v_languages=language_vocab.masks(sets(volunteers, "languages")),
        v_covers=_covers(volunteers, params.need_skills, need_vocab),
        slot_vocabulary=slot_vocab,
    )


def _covers(
    volunteers: Sequence[Volunteer],
    table: tuple[tuple[str, tuple[str, ...]], ...],
    needs: Vocabulary,
) -> MaskArray:
    """Which of the elders' needs each volunteer's skills meet (a need absent from the table is
    met by a skill of the same name)."""
    listed = dict(table)
    skills = Vocabulary(
        tuple(
            sorted(
                {skill for need in needs.values for skill in listed.get(str(need), (str(need),))}
            )
        )
    )
    distinct, which = _distinct(list(map(attrgetter("skills"), volunteers)))
    rows, skill_bits = skills.bits(distinct)
    pairs = [
        (skills.values.index(skill), n)
        for n, need in enumerate(needs.values)
        for skill in listed.get(str(need), (str(need),))
    ]
    if not pairs or rows.size == 0:
        return np.zeros((len(volunteers), needs.words), dtype=np.uint64)
    skill_of, need_of = np.array(pairs, dtype=np.int64).T
    # every (volunteer, skill) row meets the needs listed for that skill
    order = np.argsort(skill_of, kind="stable")
    skill_of, need_of = skill_of[order], need_of[order]
    start = np.searchsorted(skill_of, skill_bits)
    count = np.searchsorted(skill_of, skill_bits, side="right") - start
    volunteer_rows = np.repeat(rows, count)
    need_bits = need_of[np.repeat(start, count) + ranges(count)]
    # two skills may meet the same need: each (volunteer, need) once
    key = unique(volunteer_rows * (_WORD * needs.words) + need_bits)
    by_set = needs.pack(key // (_WORD * needs.words), key % (_WORD * needs.words), len(distinct))
    out: MaskArray = by_set[which]
    return out


def _distinct(sets: Sequence[_T]) -> tuple[list[_T], IntArray]:
    """The distinct sets in first-seen order, and which of them each set is."""
    distinct = list(dict.fromkeys(sets))
    number = {x: i for i, x in enumerate(distinct)}
    return distinct, np.fromiter(map(number.__getitem__, sets), np.int64, len(sets))
