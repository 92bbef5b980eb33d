"""Optional cProfile of a measured section (`run.py --profile`): timings under the profiler
are inflated, so a profiled run shows where time goes, not whether a budget is met."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def profiled(path: str | Path | None) -> Iterator[None]:
    """Profile the block into `path` (.prof for snakeviz/pstats) and `path`.txt (top functions)."""
    if not path:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        profile.dump_stats(target)
        with target.with_suffix(".txt").open("w") as fh:
            stats = pstats.Stats(profile, stream=fh).strip_dirs()
            fh.write("== by cumulative time ==\n")
            stats.sort_stats("cumulative").print_stats(40)
            fh.write("\n== by own time ==\n")
            stats.sort_stats("tottime").print_stats(30)
