"""Small shared helpers for the benchmarks: timing, peak RSS, a table printer, JSON results."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@contextmanager
def timed(results: dict, name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results[name] = time.perf_counter() - start


def peak_rss_mib() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(r[0]) for r in rows) if rows else 10
    print(f"\n{title}\n" + "-" * (width + 24))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def write_results(area: str, data: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{area}.json"
    data = dict(data, machine={"cpus": os.cpu_count(), "python": sys.version.split()[0]}, at=time.time())
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


@contextmanager
def cpu_split(results: dict, prefix: str) -> Iterator[None]:
    """CPU seconds of this process (the import's writer) and of its waited-for children (the parse
    process) during the block, and the load average: on a shared 2-core machine the wall time moves
    with other jobs, while the larger of the two CPU times bounds what the pipeline can do alone."""
    s, c = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    yield
    results[f"{prefix}_writer_cpu_s"] = _cpu(resource.RUSAGE_SELF) - s
    results[f"{prefix}_parse_cpu_s"] = _cpu(resource.RUSAGE_CHILDREN) - c
    results[f"{prefix}_load"] = os.getloadavg()[0]


def cpu_row(results: dict, prefix: str, n: int) -> str:
    w, p = results[f"{prefix}_writer_cpu_s"], results[f"{prefix}_parse_cpu_s"]
    return (f"writer {1e6 * w / n:.1f} µs/msg, parse process {1e6 * p / n:.1f} µs/msg CPU "
            f"(two-core bound {n / max(w, p, 1e-9):,.0f} msg/s; load {results[f'{prefix}_load']:.1f})")
