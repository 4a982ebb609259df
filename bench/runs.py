"""Whole runs over loopback: full backfill and the no-change scheduled run after it, through the
Prefect flow and through the library alone (interleaved, order alternating), then what the
warehouse holds compared with the grades the synthetic site was generated with, and DuckDB reads."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from measure import CliRun, prefect_phases, run_cli

MODES = ("library", "prefect")


def _flags(mode: str) -> list[str]:
    return ["--no-prefect"] if mode == "library" else []


def _record(run: CliRun) -> dict[str, Any]:
    return {"wall_s": run.wall_s, "load_1m_before": run.load_before, "maxrss_mb": round(run.maxrss_mb, 1),
            "tree_mb": round(run.tree_mb, 1),
            "stats": run.summary.get("stats", {}), "tables": run.summary.get("tables", {}),
            "changes": run.summary.get("changes"), "issues": run.summary.get("issues"), "phases": run.phases}


def bench_runs(url: str, tmp: Path, repeat: int, env: dict[str, str], prefect_home: Path,
               log: Any = print) -> dict[str, Any]:
    """Backfill + no-change run, `repeat` times per mode; returns every run's record."""
    common = ["--base-url", url, "--delay", "0"]
    for mode in MODES:  # warm-up: Prefect's database, imports and page cache, so measured runs start alike
        run_cli(["backfill", "--cycles", "2017", "--forces", "staffordshire", "--warehouse", str(tmp / f"warm-{mode}"),
                 *common, *_flags(mode)], env)
    records: dict[str, list[dict[str, Any]]] = {f"{kind}_{mode}": [] for kind in ("backfill", "run") for mode in MODES}
    for i in range(repeat):
        for mode in (MODES if i % 2 == 0 else MODES[::-1]):
            wh = str(tmp / f"{mode}-{i}")
            for kind in ("backfill", "run"):
                run = run_cli([kind, "--warehouse", wh, *common, *_flags(mode)], env)
                if mode == "prefect":
                    run.phases = prefect_phases(prefect_home, run, wh)
                records[f"{kind}_{mode}"].append(_record(run))
                log(f"  {kind:8} {mode:8} #{i + 1}: {run.wall_s:6.2f} s, peak {run.tree_mb:4.0f} MB "
                    f"(largest process {run.maxrss_mb:.0f} MB), {run.summary['stats'].get('requests')} requests, "
                    f"load {run.load_before:.1f} before")
    return records


@contextmanager
def prefect_server(env: dict[str, str], home: Path) -> Iterator[dict[str, str]]:
    """`prefect server start` on a free loopback port (no UI), its own home; yields the clients' env."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home.mkdir(parents=True, exist_ok=True)
    server_env = {**env, "PREFECT_HOME": str(home), "PREFECT_UI_ENABLED": "false"}
    server_env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", "127.0.0.1",
                             "--port", str(port), "--no-ui", "--analytics-off"], env=server_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        import httpx

        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"prefect server start did not come up on port {port}")
            try:
                if httpx.get(url + "/health", timeout=2.0).json() is True:
                    break
            except (httpx.HTTPError, ValueError):
                time.sleep(0.3)
        yield {**server_env, "PREFECT_API_URL": url}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def bench_server_runs(url: str, tmp: Path, repeat: int, env: dict[str, str], home: Path,
                      log: Any = print) -> list[dict[str, Any]]:
    """No-change runs through the flow against a running Prefect server (as scheduled runs under
    `peelpipe serve` or a worker run), on the warehouse the Prefect-mode runs above left."""
    common = ["--base-url", url, "--delay", "0"]
    records = []
    with prefect_server(env, home) as server_env:
        run_cli(["run", "--warehouse", str(tmp / "prefect-0"), *common], server_env)  # warm-up: the server's first runs
        for i in range(repeat):
            run = run_cli(["run", "--warehouse", str(tmp / "prefect-0"), *common], server_env)
            records.append(_record(run))
            log(f"  run      server   #{i + 1}: {run.wall_s:6.2f} s, peak {run.tree_mb:4.0f} MB, "
                f"{run.summary['stats'].get('requests')} requests, load {run.load_before:.1f} before")
    return records


def _connect(warehouse: Path):  # noqa: ANN202 - duckdb connection
    import duckdb

    return duckdb.connect(str(warehouse / "peel.duckdb"), read_only=True)


def read_back(warehouse: Path, grades: dict[tuple[str, str, str], str]) -> dict[str, Any]:
    """The warehouse's graded judgements against the generated grades: missing, extra, wrong."""
    con = _connect(warehouse)
    try:
        rows = con.sql("SELECT force_id, cycle_id, area_id, grade FROM judgements WHERE grade_status = 'graded'").fetchall()
    finally:
        con.close()
    held = {(f, c, a): g for f, c, a, g in rows}
    missing = sorted(k for k in grades if k not in held)
    extra = sorted(k for k in held if k not in grades)
    wrong = sorted((k, grades[k], held[k]) for k in grades if k in held and held[k] != grades[k])
    return {"expected": len(grades), "held": len(held), "missing": len(missing), "extra": len(extra),
            "wrong": len(wrong), "examples": [*(("missing", k) for k in missing[:5]), *(("extra", k) for k in extra[:5]),
                                              *(("wrong", k, a, b) for k, a, b in wrong[:10])]}


def latest_expected(grades: dict[tuple[str, str, str], str]) -> dict[tuple[str, str], tuple[str, str]]:
    """(force, area) -> (cycle, grade) of the latest cycle grading it (cycle ids sort in time order)."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for (force, cycle, area), grade in sorted(grades.items()):
        out[(force, area)] = (cycle, grade)
    return out


LATEST_FROM_PARQUET = """
SELECT force_id, area_id, cycle_id, grade FROM (
  SELECT force_id, area_id, cycle_id, grade,
         row_number() OVER (PARTITION BY force_id, area_id ORDER BY cycle_id DESC) AS n
  FROM read_parquet(getvariable('judgements')) WHERE grade_status = 'graded') WHERE n = 1
"""


def bench_duckdb(warehouse: Path, repeat: int, grades: dict[tuple[str, str, str], str]) -> dict[str, Any]:
    """'Every force's latest grade per area': the current_grades view of peel.duckdb (connect, query,
    close, each time), and the same query straight from the snapshot's Parquet file."""
    import duckdb

    view_s, parquet_s = [], []
    rows: list[tuple] = []
    manifest = json.loads((warehouse / "CURRENT").read_text())
    judgements = (warehouse / manifest["tables"]["judgements"]["path"]).as_posix()
    for _ in range(repeat):
        started = time.perf_counter()
        con = _connect(warehouse)
        rows = con.sql("SELECT force_id, area_id, cycle_id, grade FROM current_grades").fetchall()
        con.close()
        view_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        con = duckdb.connect()
        con.execute(f"SET VARIABLE judgements = '{judgements}'")
        raw = con.sql(LATEST_FROM_PARQUET).fetchall()
        con.close()
        parquet_s.append(time.perf_counter() - started)
    want = latest_expected(grades)
    got = {(f, a): (c, g) for f, a, c, g in rows}
    wrong = sorted(k for k in want if got.get(k) != want[k])
    return {"rows": len(rows), "rows_parquet": len(raw), "view_s": view_s, "parquet_s": parquet_s,
            "expected_rows": len(want), "wrong": len(wrong) + len(set(got) - set(want)), "examples": wrong[:5]}
