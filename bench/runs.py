"""Whole runs over loopback, each `peelpipe` in its own process: the no-change scheduled run through
Prefect against a running `prefect server start` and through the library alone (interleaved, order
alternating), the full backfill at a politeness delay against its floor, and what the warehouse
holds compared with the grades the synthetic site was generated with."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from measure import CliRun, flow_phases, run_cli

from tools import processes

Log = Callable[[str], None]
MARKER_VAR = "PEELPIPE_BENCH_PROCESS"
MARKER = uuid.uuid4().hex
SERVER_START_TIMEOUT = 180.0


def base_env(work: Path) -> dict[str, str]:
    """The environment of every process the bench starts: no user PEELPIPE_* or Prefect profile,
    Prefect's state under `work`, analytics off, and a marker so that strays can be found."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PEELPIPE_") and k not in ("PREFECT_API_URL", "PREFECT_PROFILE")
    }
    return {
        **env,
        MARKER_VAR: MARKER,
        "PREFECT_HOME": str(work / "prefect-client"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }


def marked_pids() -> list[int]:
    """Processes started by this bench (and their children): the marker is in their environment."""
    return processes.marked_pids(MARKER_VAR, MARKER)


def sweep() -> list[int]:
    """SIGKILL whatever the bench started that is still running; returns their pids."""
    return processes.sweep(MARKER_VAR, MARKER)


@contextmanager
def prefect_server(work: Path, env: dict[str, str], log: Log = print) -> Iterator[str]:
    """`prefect server start` on a free loopback port with its own PREFECT_HOME (no UI); yields its
    API URL; stopped at the end, even on error, and nothing it started is left running."""
    import httpx

    port = processes.free_port()
    home = work / "prefect-server"
    home.mkdir(parents=True, exist_ok=True)
    server_env = {
        **env,
        "PREFECT_HOME": str(home),
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    }
    url = f"http://127.0.0.1:{port}/api"
    log_path = work / "prefect-server.log"
    started = time.perf_counter()
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("prefect")),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-ui",
                "--analytics-off",
            ],
            env=server_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
                raise SystemExit(f"prefect server start did not come up on port {port}:\n{tail}")
            try:
                if httpx.get(url + "/health", timeout=2.0).json() is True:
                    break
            except (httpx.HTTPError, ValueError):
                time.sleep(0.3)
        log(f"  prefect server start: healthy at {url} after {time.perf_counter() - started:.1f} s")
        yield url
    finally:
        processes.stop_group(proc, 30.0)
        strays = sweep()
        if strays:
            log(f"  !! processes left after the server stopped were killed: {strays}")


def _summary_line(kind: str, run: CliRun) -> str:
    st = run.summary.get("stats", {})
    return (
        f"  {kind:28} {run.wall_s:7.2f} s, {st.get('requests')} requests ({st.get('not_modified', 0)} x 304), "
        f"{st.get('pages_parsed', 0)} parsed, {run.summary.get('changes')} changes, "
        f"peak {run.maxrss_mb:.0f} MB, load {run.load_before:.1f} before"
    )


def bench_nochange(
    site_url: str, work: Path, repeat: int, env: dict[str, str], api_url: str, log: Log = print
) -> dict[str, Any]:
    """A backfill at delay 0 for each mode's own warehouse (the Prefect one through Prefect), one
    untimed warm-up run each, then `repeat` no-change scheduled runs per mode, taking turns."""
    common = ["--base-url", site_url, "--delay", "0"]
    modes = {"prefect": ([], {**env, "PREFECT_API_URL": api_url}), "library": (["--no-prefect"], env)}
    out: dict[str, Any] = {"backfill": {}, "warmup": {}, "prefect": [], "library": []}
    for mode, (flags, mode_env) in modes.items():
        run = run_cli(["backfill", "--warehouse", str(work / f"nochange-{mode}"), *common, *flags], mode_env)
        out["backfill"][mode] = run.record()
        log(_summary_line(f"backfill {mode} (delay 0)", run))
    for mode, (flags, mode_env) in modes.items():  # the server's first flow run; the page cache
        run = run_cli(["run", "--warehouse", str(work / f"nochange-{mode}"), *common, *flags], mode_env)
        out["warmup"][mode] = run.record()
        log(_summary_line(f"run {mode} warm-up (untimed)", run))
    for i in range(repeat):
        for mode in ("prefect", "library") if i % 2 == 0 else ("library", "prefect"):
            flags, mode_env = modes[mode]
            run = run_cli(["run", "--warehouse", str(work / f"nochange-{mode}"), *common, *flags], mode_env)
            if mode == "prefect":
                run.phases = flow_phases(api_url, run)
            out[mode].append(run.record())
            log(_summary_line(f"run {mode} #{i + 1}", run))
    return out


def bench_polite(
    site_url: str,
    work: Path,
    delay: float,
    cycles: list[str],
    env: dict[str, str],
    api_url: str | None,
    log: Log = print,
) -> dict[str, Any]:
    """The backfill of `cycles` (all forces) at `delay` s between requests into a new warehouse:
    through the library, then through Prefect against the running server when `api_url` is given."""
    args = ["backfill", "--cycles", ",".join(cycles), "--forces", "all", "--base-url", site_url, "--delay", str(delay)]
    out: dict[str, Any] = {}
    modes = [("library", ["--no-prefect"], env)]
    if api_url:
        modes.append(("prefect", [], {**env, "PREFECT_API_URL": api_url}))
    for mode, flags, mode_env in modes:
        warehouse = work / f"polite-{mode}"
        run = run_cli([*args, "--warehouse", str(warehouse), *flags], mode_env)
        if mode == "prefect" and api_url:
            run.phases = flow_phases(api_url, run)
        requests = int(run.summary.get("stats", {}).get("requests", 0))
        floor = requests * delay
        out[mode] = {
            **run.record(),
            "warehouse": str(warehouse),
            "requests": requests,
            "delay_s": delay,
            "floor_s": floor,
            "overhead": (run.wall_s - floor) / floor if floor else None,
        }
        log(
            _summary_line(f"backfill {mode} (delay {delay:g})", run)
            + f"; floor {floor:.1f} s, overhead {out[mode]['overhead']:.1%}"
        )
    return out


def read_back(warehouse: Path, grades: dict[tuple[str, str, str], str]) -> dict[str, Any]:
    """The warehouse's graded judgements against the generated grades: missing, extra, wrong."""
    import duckdb

    con = duckdb.connect(str(warehouse / "peel.duckdb"), read_only=True)
    try:
        rows = con.sql(
            "SELECT force_id, cycle_id, area_id, grade FROM judgements WHERE grade_status = 'graded'"
        ).fetchall()
    finally:
        con.close()
    held = {(f, c, a): g for f, c, a, g in rows}
    missing = sorted(k for k in grades if k not in held)
    extra = sorted(k for k in held if k not in grades)
    wrong = sorted((k, grades[k], held[k]) for k in grades if k in held and held[k] != grades[k])
    return {
        "expected": len(grades),
        "held": len(held),
        "missing": len(missing),
        "extra": len(extra),
        "wrong": len(wrong),
        "examples": [
            *(("missing", k) for k in missing[:5]),
            *(("extra", k) for k in extra[:5]),
            *(("wrong", k, a, b) for k, a, b in wrong[:10]),
        ],
    }
