"""A problem as numpy arrays, ordered by id so that results never depend on input or set order.

Slots, languages and care needs become bitmasks (``uint64`` words, one bit per value that occurs
among the elders), so that rule checks and cost terms over millions of candidate arcs are a few
vectorised AND / popcount operations instead of Python set operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import Any

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
_WORD = 64


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
        distinct = list(dict.fromkeys(sets))
        number = {x: i for i, x in enumerate(distinct)}
        which = np.fromiter(map(number.__getitem__, sets), np.int64, len(sets))
        return self.pack(*self.bits(distinct), len(distinct))[which]

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
class Encoded:
    """Elders and volunteers as arrays (index i = i-th smallest id)."""

    elders: tuple[Elder, ...]
    volunteers: tuple[Volunteer, ...]
    elder_index: dict[int, int]
    volunteer_index: dict[int, int]
    e_lat: FloatArray
    e_lon: FloatArray
    e_street: IntArray
    """Dense street index; ``streets[e_street[i]]`` is the street id."""
    streets: IntArray
    e_priority: IntArray
    e_limit_m: FloatArray
    e_gender: npt.NDArray[np.int8]
    e_vetted: BoolArray
    e_slots: MaskArray
    e_slot_count: IntArray
    e_languages: MaskArray
    e_language_count: IntArray
    e_needs: MaskArray
    e_need_count: IntArray
    v_home_lat: FloatArray
    v_home_lon: FloatArray
    v_work_lat: FloatArray
    """NaN when the volunteer has no workplace anchor."""
    v_work_lon: FloatArray
    v_gender: npt.NDArray[np.int8]
    v_vetted: BoolArray
    v_capacity: IntArray
    v_slots: MaskArray
    v_languages: MaskArray
    v_covers: MaskArray
    """Which of the elders' care needs the volunteer's skills meet."""
    slot_vocabulary: Vocabulary

    @property
    def n_elders(self) -> int:
        return len(self.elders)

    @property
    def n_volunteers(self) -> int:
        return len(self.volunteers)


def encode(problem: PairingProblem) -> Encoded:
    """Arrays for the problem's elders and volunteers, sorted by id."""
    params = problem.params
    elders = tuple(sorted(problem.elders, key=attrgetter("id")))
    volunteers = tuple(sorted(problem.volunteers, key=attrgetter("id")))
    ne, nv = len(elders), len(volunteers)

    def column(items: Sequence[object], name: str, dtype: type, n: int) -> npt.NDArray[Any]:
        return np.fromiter(map(attrgetter(name), items), dtype, n)

    def sets(items: Sequence[object], name: str) -> list[frozenset[object]]:
        return list(map(attrgetter(name), items))

    def optional(items: Sequence[Volunteer], name: str) -> FloatArray:
        return np.array([np.nan if x is None else x for x in map(attrgetter(name), items)])

    streets, street_index = unique_inverse(column(elders, "street", np.int64, ne))
    slot_vocab = Vocabulary(tuple(sorted({s for e in elders for s in e.slots})))
    language_vocab = Vocabulary(tuple(sorted({x for e in elders for x in e.languages})))
    need_vocab = Vocabulary(tuple(sorted({x for e in elders for x in e.needs})))
    e_slots = slot_vocab.masks(sets(elders, "slots"))
    e_languages = language_vocab.masks(sets(elders, "languages"))
    e_needs = need_vocab.masks(sets(elders, "needs"))
    limits = np.array(
        [
            params.max_distance_m if x is None else x
            for x in map(attrgetter("max_distance_m"), elders)
        ],
        dtype=np.float64,
    )
    required = [GENDER_CODE[x] for x in map(attrgetter("required_gender"), elders)]
    return Encoded(
        elders=elders,
        volunteers=volunteers,
        elder_index={e.id: i for i, e in enumerate(elders)},
        volunteer_index={v.id: i for i, v in enumerate(volunteers)},
        e_lat=column(elders, "lat", np.float64, ne),
        e_lon=column(elders, "lon", np.float64, ne),
        e_street=street_index.astype(np.int64).reshape(ne),
        streets=streets.astype(np.int64),
        e_priority=column(elders, "priority", np.int64, ne),
        e_limit_m=limits.reshape(ne),
        e_gender=np.array(required, dtype=np.int8).reshape(ne),
        e_vetted=column(elders, "needs_vetted", np.bool_, ne),
        e_slots=e_slots,
        e_slot_count=popcount(e_slots),
        e_languages=e_languages,
        e_language_count=popcount(e_languages),
        e_needs=e_needs,
        e_need_count=popcount(e_needs),
        v_home_lat=column(volunteers, "home_lat", np.float64, nv),
        v_home_lon=column(volunteers, "home_lon", np.float64, nv),
        v_work_lat=optional(volunteers, "work_lat").reshape(nv),
        v_work_lon=optional(volunteers, "work_lon").reshape(nv),
        v_gender=np.array(
            [GENDER_CODE[x] for x in map(attrgetter("gender"), volunteers)], dtype=np.int8
        ).reshape(nv),
        v_vetted=column(volunteers, "vetted", np.bool_, nv),
        v_capacity=column(volunteers, "capacity", np.int64, nv),
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
    rows, skill_bits = skills.bits([v.skills for v in volunteers])
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
    return needs.pack(key // (_WORD * needs.words), key % (_WORD * needs.words), len(volunteers))
