"""Measuring one peelpipe command in its own process: wall time, memory, summary, Prefect phases.

Memory is measured two ways, because a Prefect run may be two processes (peelpipe, plus a
temporary Prefect API server, when Prefect starts its own; peelpipe serves the API in-process
instead, flows/api.py): ``maxrss_mb`` is what wait4() reports (the largest single process,
children included only as a maximum), ``tree_mb`` the peak of the summed RSS of the process and
all its descendants, sampled from /proc every 0.1 s. The targets use ``tree_mb``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass
class CliRun:
    """One finished peelpipe command."""

    args: list[str]
    wall_s: float
    maxrss_mb: float
    tree_mb: float
    summary: dict[str, Any]
    started: float  # epoch seconds
    ended: float
    load_before: float = 0.0  # 1-minute load average when it started (others' work on the machine)
    phases: dict[str, float] = field(default_factory=dict)


def parent_pids() -> dict[int, int]:
    """Every process's parent, from /proc (pid -> ppid)."""
    out: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            out[int(name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
    return out


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * PAGE_MB
    except (OSError, IndexError, ValueError):
        return 0.0


class TreeSampler(threading.Thread):
    """Peak summed RSS of a process and its descendants (descendants re-scanned every 0.4 s)."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._done = threading.Event()

    def run(self) -> None:
        tree, tick = {self.pid}, 0
        while not self._done.is_set():
            if tick % 4 == 0:
                parents = parent_pids()
                tree = {self.pid}
                grew = True
                while grew:
                    before = len(tree)
                    tree |= {p for p, pp in parents.items() if pp in tree}
                    grew = len(tree) > before
            self.peak = max(self.peak, sum(_rss_mb(p) for p in tree))
            tick += 1
            self._done.wait(self.interval)

    def stop(self) -> float:
        self._done.set()
        self.join(timeout=2)
        return self.peak


def peelpipe_exe() -> str:
    """The venv's peelpipe console script."""
    return str(Path(sys.executable).with_name("peelpipe"))


def run_cli(args: list[str], env: dict[str, str]) -> CliRun:
    """Run `peelpipe <args> --json --quiet` and measure it; raises SystemExit when it fails."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started_epoch, started = time.time(), time.perf_counter()
        proc = subprocess.Popen([peelpipe_exe(), *args, "--json", "--quiet"], stdout=out, stderr=err, env=env, text=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree = sampler.stop()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"peelpipe {' '.join(args)} failed ({proc.returncode}): {stderr.strip()[-800:]}")
    lines = [line for line in stdout.strip().splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"peelpipe {' '.join(args)} printed no JSON summary: {stdout[-300:]} {stderr[-300:]}")
    return CliRun(args, wall, usage.ru_maxrss / 1024, max(tree, usage.ru_maxrss / 1024), json.loads(lines[-1]),
                  started_epoch, started_epoch + wall, load_before)


def _epoch(text: str | None) -> float | None:
    if not text:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


def prefect_phases(prefect_home: Path, run: CliRun, warehouse: str) -> dict[str, float]:
    """Where a Prefect run's wall time went, from the Prefect database of the run's PREFECT_HOME:
    start-up (process start to flow run start: imports, starting the Prefect API, flow run creation),
    each task family's run time, orchestration inside the flow (flow time not spent in a task
    body) and shut-down (flow run end to process exit). {} when the flow run is not found."""
    db = prefect_home / "prefect.db"
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return {}
    try:
        row = con.execute("SELECT id, start_time, end_time FROM flow_run WHERE parameters LIKE ? "
                          "ORDER BY created DESC LIMIT 1", (f"%{warehouse}%",)).fetchone()
        if row is None:
            return {}
        tasks = con.execute("SELECT name, start_time, end_time FROM task_run WHERE flow_run_id = ?",
                            (row[0],)).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        con.close()
    flow_start, flow_end = _epoch(row[1]), _epoch(row[2])
    if flow_start is None or flow_end is None:
        return {}
    phases = {"startup_s": flow_start - run.started, "flow_s": flow_end - flow_start,
              "shutdown_s": run.ended - flow_end, "fetch_parse_tasks_s": 0.0, "discover_task_s": 0.0,
              "build_publish_task_s": 0.0, "tasks": len(tasks)}
    for name, start, end in tasks:
        s, e = _epoch(start), _epoch(end)
        if s is None or e is None:
            continue
        key = ("fetch_parse_tasks_s" if name.startswith("fetch-and-parse") else
               "discover_task_s" if name.startswith("discover") else "build_publish_task_s")
        phases[key] += e - s
    in_tasks = phases["fetch_parse_tasks_s"] + phases["discover_task_s"] + phases["build_publish_task_s"]
    phases["orchestration_s"] = phases["flow_s"] - in_tasks
    return phases
