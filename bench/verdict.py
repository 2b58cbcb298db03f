"""The end of every benchmark: peak memory, one PASS/FAIL line per target, the exit status."""

from __future__ import annotations

import resource


def verdict(checks: list[tuple[str, bool]], *, memory_note: str | None = None) -> int:
    """Print the process's peak RSS (when ``memory_note`` says what it covers) and the checks;
    0 if every check passed, else 1."""
    if memory_note is not None:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process max RSS {rss:.0f} MiB ({memory_note})")
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(ok for _, ok in checks) else 1
