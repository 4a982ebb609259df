"""A run killed at any moment (SIGKILL) leaves a readable warehouse and an intact archive."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from peelpipe.fetch import RawArchive
from peelpipe.samplesite import serve_site


def check_warehouse(root: Path) -> int:
    """Every table CURRENT names is readable; every archived object matches its hash. Returns judgements rows."""
    rows = 0
    if (root / "CURRENT").exists():
        manifest = json.loads((root / "CURRENT").read_text())
        for name, entry in manifest["tables"].items():
            table = pq.read_table(root / entry["path"])
            assert table.num_rows == entry["rows"], name
            rows = manifest["tables"]["judgements"]["rows"]
    archive = RawArchive(root / "raw")
    for path in (root / "raw" / "objects").glob("*/*.gz"):
        archive.get(path.name.removesuffix(".gz"))
    list(archive.entries())
    return rows


def test_sigkill_at_several_points_loses_nothing(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    with serve_site() as site:
        command = [sys.executable, "-m", "peelpipe", "backfill", "--no-prefect", "--quiet", "--cycles", "2016,2017",
                   "--warehouse", str(warehouse), "--base-url", site.url, "--delay", "0.01"]
        published = 0
        for wait in (0.8, 1.6, 2.4, 3.2, 4.0):
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(wait)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            rows = check_warehouse(warehouse)
            assert rows >= published  # a snapshot once published is never lost
            published = rows
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        again = subprocess.run(command + ["--json"], capture_output=True, text=True, timeout=120)
    rows = check_warehouse(warehouse)
    assert rows > 0 and json.loads(again.stdout)["changes"] == 0  # nothing doubled by the killed runs
    assert not (warehouse / ".lock").exists()
