"""The fetch log after years of scheduled runs: what a new process pays to index it, reading the
whole log against starting from the checkpoint the previous run left (fetch/logindex.py).

The log is made of the bench backfill's own fetch-log lines (synthetic site, loopback URLs), repeated
to the length that a no-change run a day would reach in one and in three years.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from peelpipe.fetch import logindex

DAILY_LINES = 121  # the requests of one no-change scheduled run of the synthetic site


def _first_read(path: Path) -> tuple[float, logindex.LogIndex]:
    """Seconds for a new process's index (nothing in memory) to read the log at `path`, and the index."""
    index = logindex.LogIndex()
    started = time.perf_counter()
    index.refresh(path)
    return time.perf_counter() - started, index


def bench_fetch_log(template: Path, work: Path, repeat: int) -> dict[str, Any]:
    """For one and three years of daily runs: the first read without a checkpoint and with one
    saved a run earlier (medians of `repeat`), and the checkpoint's size."""
    lines = [line for line in template.read_bytes().splitlines(keepends=True) if line.strip()]
    out: dict[str, Any] = {}
    for years in (1, 3):
        count = DAILY_LINES * 365 * years
        log = work / f"fetch-log-{years}y" / "fetch-log.jsonl"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_bytes(b"".join(lines[i % len(lines)] for i in range(count)))
        checkpoint = log.with_name(logindex.CHECKPOINT_NAME)
        full = []
        for _ in range(repeat):
            seconds, index = _first_read(log)
            full.append(seconds)
        index.save(log)
        with log.open("ab") as fh:  # the run after the one that saved it
            fh.write(b"".join(lines[i % len(lines)] for i in range(DAILY_LINES)))
        resumed = [_first_read(log)[0] for _ in range(repeat)]
        out[f"{years}y"] = {"lines": count + DAILY_LINES, "log_mb": log.stat().st_size / 1e6,
                            "checkpoint_kb": checkpoint.stat().st_size / 1e3, "full_s": full, "resumed_s": resumed,
                            "ratio": statistics.median(full) / statistics.median(resumed)}
    return out
