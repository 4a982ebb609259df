"""Measuring one peelpipe command in its own process (wall time, peak memory, its JSON summary),
where a Prefect run's time went (from the Prefect server's REST API), and the machine it ran on."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("prefect", "httpx", "selectolax", "pyarrow", "pandas", "duckdb", "beautifulsoup4")


@dataclass
class CliRun:
    """One finished peelpipe command."""

    args: list[str]
    wall_s: float
    maxrss_mb: float  # the largest single process (wait4), children included only as a maximum
    summary: dict[str, Any]
    started: float  # epoch seconds
    ended: float
    load_before: float = 0.0  # 1-minute load average when it started (others' work on the machine)
    phases: dict[str, float] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """What the results JSON keeps of the run."""
        return {
            "wall_s": self.wall_s,
            "maxrss_mb": round(self.maxrss_mb, 1),
            "load_1m_before": self.load_before,
            "stats": self.summary.get("stats", {}),
            "tables": self.summary.get("tables", {}),
            "changes": self.summary.get("changes"),
            "issues": self.summary.get("issues"),
            "phases": self.phases,
        }


def peelpipe_exe() -> str:
    """The venv's peelpipe console script."""
    return str(Path(sys.executable).with_name("peelpipe"))


def run_cli(args: list[str], env: dict[str, str]) -> CliRun:
    """Run `peelpipe <args> --json --quiet` as a user would (the console script) and time it from
    launch to exit; raises SystemExit when it fails."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started_epoch, started = time.time(), time.perf_counter()
        proc = subprocess.Popen(
            [peelpipe_exe(), *args, "--json", "--quiet"],
            stdout=out,
            stderr=err,
            env=env,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"peelpipe {' '.join(args)} failed ({proc.returncode}): {stderr.strip()[-800:]}")
    lines = [line for line in stdout.strip().splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"peelpipe {' '.join(args)} printed no JSON summary: {stdout[-300:]} {stderr[-300:]}")
    return CliRun(
        args, wall, usage.ru_maxrss / 1024, json.loads(lines[-1]), started_epoch, started_epoch + wall, load_before
    )


def _epoch(text: str | None) -> float | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() if text else None


def flow_phases(api_url: str, run: CliRun) -> dict[str, float]:
    """Where a Prefect run's wall time went, from the server's latest flow run and its task runs:
    start-up (process launch to flow start: imports, the API client, flow run creation), the flow
    (its task bodies, and orchestration: flow time outside any task), shut-down (flow end to exit).
    {} when the server has no finished flow run that started within the command's lifetime."""
    import httpx

    try:
        with httpx.Client(base_url=api_url, timeout=10.0) as client:
            flows = client.post("/flow_runs/filter", json={"sort": "START_TIME_DESC", "limit": 1}).json()
            if not flows:
                return {}
            flow = flows[0]
            tasks = client.post(
                "/task_runs/filter", json={"flow_runs": {"id": {"any_": [flow["id"]]}}, "limit": 200}
            ).json()
    except (httpx.HTTPError, ValueError):
        return {}
    start, end = _epoch(flow.get("start_time")), _epoch(flow.get("end_time"))
    if start is None or end is None or not run.started <= start <= run.ended:
        return {}
    in_tasks = 0.0
    for t in tasks:
        s, e = _epoch(t.get("start_time")), _epoch(t.get("end_time"))
        if s is not None and e is not None:
            in_tasks += e - s
    return {
        "startup_s": start - run.started,
        "flow_s": end - start,
        "tasks_s": in_tasks,
        "orchestration_s": end - start - in_tasks,
        "shutdown_s": run.ended - end,
        "task_runs": len(tasks),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """The machine and the versions the figures were measured with."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gb = 0.0
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": round(mem_gb, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }
