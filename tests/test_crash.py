"""A backfill killed (SIGKILL: no cleanup, no finally) at named points of publishing leaves a readable
warehouse, the previous snapshot current until CURRENT is replaced, an intact archive, and a next run
that completes with nothing lost or doubled.

The process kills itself from the warehouse's publish hook (store.publish_hooks), so each case dies
exactly at its point, whatever the machine's speed; the hook first writes the point's name to a file,
which proves the process got there."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from peelpipe.fetch import RawArchive
from peelpipe.samplesite import serve_site

# A backfill of two cycles that SIGKILLs itself when publish reaches the point named in argv.
KILL_AT = r"""
import os, signal, sys
from pathlib import Path

from peelpipe.cli import main
from peelpipe.warehouse import store

point, proof = sys.argv[1], Path(sys.argv[2])


def die_at(reached):
    if reached == point:
        proof.write_text(reached)
        os.kill(os.getpid(), signal.SIGKILL)


store.publish_hooks.append(die_at)
sys.exit(main(sys.argv[3:]))
"""
POINTS = [
    "table-written:forces",
    "table-written:judgements",
    "table-written:runs",
    "snapshot-in-place",
    "current-replaced",
]


def check_warehouse(root: Path) -> dict[str, object] | None:
    """Every table CURRENT names is readable with its rows; every archived object matches its hash."""
    manifest = None
    if (root / "CURRENT").exists():
        manifest = json.loads((root / "CURRENT").read_text())
        for name, entry in manifest["tables"].items():
            assert pq.read_table(root / entry["path"]).num_rows == entry["rows"], name
    archive = RawArchive(root / "raw")
    for path in (root / "raw" / "objects").glob("*/*.gz"):
        archive.get(path.name.removesuffix(".gz"))
    list(archive.entries())
    return manifest


@pytest.fixture(scope="module")
def site():
    with serve_site() as served:
        yield served


def backfill_args(warehouse: Path, base_url: str, cycles: str) -> list[str]:
    return [
        "backfill",
        "--no-prefect",
        "--quiet",
        "--cycles",
        cycles,
        "--warehouse",
        str(warehouse),
        "--base-url",
        base_url,
        "--delay",
        "0",
    ]


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_at_a_named_point_of_publish_loses_nothing(site, tmp_path: Path, point: str) -> None:
    warehouse = tmp_path / "wh"
    first = subprocess.run(
        [sys.executable, "-m", "peelpipe", *backfill_args(warehouse, site.url, "2016")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    before = check_warehouse(warehouse)
    assert before is not None

    proof = tmp_path / "reached"
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT, point, str(proof), *backfill_args(warehouse, site.url, "2016,2017")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # it died where it was told to
    assert proof.read_text() == point
    after = check_warehouse(warehouse)
    assert after is not None
    if point == "current-replaced":  # the new snapshot was whole and named: it stays
        assert after["snapshot_id"] != before["snapshot_id"]
    else:  # the new snapshot was never named by CURRENT: the previous one is still current
        assert after == before

    again = subprocess.run(
        [sys.executable, "-m", "peelpipe", *backfill_args(warehouse, site.url, "2016,2017"), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr  # the killed run's lock does not block the next one
    final = check_warehouse(warehouse)
    assert not list((warehouse / "snapshots").glob(".staging-*"))  # what the killed run left is cleared
    assert final is not None and final["tables"]["judgements"]["rows"] > before["tables"]["judgements"]["rows"]
    once = subprocess.run(
        [sys.executable, "-m", "peelpipe", *backfill_args(warehouse, site.url, "2016,2017"), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert json.loads(once.stdout)["changes"] == 0  # nothing doubled by the killed run
