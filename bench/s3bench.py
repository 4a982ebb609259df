"""The warehouse on S3 against the warehouse on a local disk: the same backfill and the same no-change
scheduled run, each `peelpipe --no-prefect` in its own process, one into a folder and one into
s3://bucket/bench on moto's S3 server on loopback (tests/s3server.py), taking turns. Every S3 run is
a new process, so it starts from an empty working copy as a worker with a throwaway disk does. The
proxy in front of the store counts the requests of each no-change run."""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from s3server import FAKE_CREDENTIALS, s3_server

Log = Callable[[str], None]


def bench_s3(base_url: str, work: Path, repeat: int, env: dict[str, str], log: Log) -> dict[str, Any]:
    """Backfill and no-change runs on a local folder and on S3; wall times and the store's requests."""
    logs = work / "s3-logs"
    logs.mkdir(parents=True, exist_ok=True)
    local = work / "s3bench-local"
    common = ["--no-prefect", "--delay", "0", "--base-url", base_url]
    result: dict[str, Any] = {"backfill": {}, "nochange": {"local": [], "s3": []}, "requests": []}
    with s3_server(logs) as s3:
        bucket = s3.bucket("peel-bench")
        url = f"s3://{bucket}/bench"
        s3_env = {**env, **FAKE_CREDENTIALS, "PEELPIPE_S3_ENDPOINT": s3.endpoint}
        for name, warehouse, run_env in (("local", str(local), env), ("s3", url, s3_env)):
            s3.proxy.reset_counts()
            run = run_cli(["backfill", *common, "--warehouse", warehouse], run_env)
            result["backfill"][name] = {"wall_s": run.wall_s, "store_requests": sum(s3.proxy.counts.values())}
            log(f"  backfill {name}: {run.wall_s:.2f} s")
        for i in range(repeat):
            order = [("local", str(local), env), ("s3", url, s3_env)]
            for name, warehouse, run_env in order if i % 2 == 0 else order[::-1]:
                s3.proxy.reset_counts()
                run = run_cli(["run", *common, "--warehouse", warehouse], run_env)
                result["nochange"][name].append(run.wall_s)
                assert not run.summary.get("changes"), "a no-change run found changes"
                if name == "s3":
                    counts = Counter(method for method, _ in s3.proxy.paths)
                    result["requests"].append(dict(counts))
                log(f"  no-change run {name}: {run.wall_s:.2f} s")
        result["objects"] = len(s3.keys(bucket, "bench/"))
    return result


def lines(r: dict[str, Any]) -> list[str]:
    """The S3 figures as Markdown bullets (for docs/performance.md and the terminal)."""
    local, s3 = r["nochange"]["local"], r["nochange"]["s3"]
    back_local, back_s3 = r["backfill"]["local"]["wall_s"], r["backfill"]["s3"]["wall_s"]
    requests = [sum(c.values()) for c in r["requests"]]
    methods = Counter[str]()
    for c in r["requests"]:
        methods.update(c)
    per_method = ", ".join(f"{m} {n / len(r['requests']):.0f}" for m, n in sorted(methods.items()))
    return [
        f"- **Backfill at delay 0, S3 vs local disk**: `peelpipe backfill --no-prefect` into s3://…/bench on "
        f"moto's S3 server on loopback {back_s3:.2f} s, into a local folder {back_local:.2f} s: "
        f"S3/local {back_s3 / back_local:.2f}x; {r['backfill']['s3']['store_requests']} requests to the store.",
        f"- **No-change run, S3 vs local disk**: `peelpipe run --no-prefect`, each run a new process with an "
        f"empty working copy: S3 median {statistics.median(s3):.2f} s (min {min(s3):.2f}, max {max(s3):.2f}), "
        f"local median {statistics.median(local):.2f} s (min {min(local):.2f}, max {max(local):.2f}) of "
        f"{len(s3)} runs each: S3/local {statistics.median(s3) / statistics.median(local):.2f}x. "
        f"Requests to the store per no-change run: {min(requests)}–{max(requests)} "
        f"(per run, by method: {per_method}); the bucket holds {r['objects']} objects.",
    ]
