"""Faults of the site and of the machine, end to end through run_pipeline: nothing is lost.

For every fault: the previous snapshot stays current and readable (or the run publishes with the
failing page keeping its previous rows), the raw archive verifies, the failing page is named with
the reason in parse_issues and the fetch log, the rest of the run goes on, and the next run on a
healthy site completes with nothing lost and nothing doubled. See docs/faults.md.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from faultsite import (
    EFFIC,
    EXPECTED,
    LANDING,
    LEGIT,
    SOURCE,
    FaultySite,
    check_intact,
    issues_for,
    judged,
    ok,
    page_row,
    pages,
    row_counts,
)
from httpsim import Reply, ScriptedServer
from sites import local_catalogue

from peelpipe import pipeline
from peelpipe.fetch import RawArchive

pytestmark = pytest.mark.usefixtures("fresh_pacer")


@pytest.fixture(scope="module")
def _server():
    with ScriptedServer() as server:
        yield FaultySite(server)


@pytest.fixture(scope="module")
def _baseline(_server, tmp_path_factory) -> Path:
    """One clean run of the healthy site, copied into each test that starts from it."""
    base = tmp_path_factory.mktemp("baseline")
    run(local_catalogue(base, _server.url, synthetic=True))
    return base / "warehouse"


@pytest.fixture
def site(_server):
    _server.reset()
    return _server


@pytest.fixture
def healthy(site, _baseline, tmp_path):
    """A warehouse holding one clean run of the site: returns a function making its catalogue."""
    shutil.copytree(_baseline, tmp_path / "warehouse")

    def catalogue(**settings):
        return local_catalogue(tmp_path, site.url, synthetic=True, **settings)

    return catalogue


def run(catalogue, **kw):
    return pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], **kw)


def fetch_log(catalogue, path: str) -> list[dict]:
    archive = RawArchive(Path(catalogue.settings.warehouse) / "raw")
    return [e for e in archive.entries() if e["url"].endswith(path)]


# --- the site: transient faults that recover within a run ---------------------------------------


def test_503_for_a_while_then_recovery_ends_with_the_page_parsed(tmp_path, site) -> None:
    site.fault(EFFIC, Reply(503), Reply(503), ok(pages()[EFFIC]))
    catalogue = local_catalogue(tmp_path, site.url, synthetic=True, max_retries=3)
    summary = run(catalogue)
    wh = pipeline.open_warehouse(catalogue)
    assert judged(wh) == EXPECTED and summary.stats["pages_failed"] == 0
    assert site.paths().count(EFFIC) == 3 and page_row(wh, EFFIC)["status"] == "parsed"
    [entry] = fetch_log(catalogue, EFFIC)
    assert (entry["outcome"], entry["requests"]) == ("fetched", 3)
    assert wh.read_table("runs")[-1]["outcome"] == "completed" and not wh.read_table("parse_issues")


def test_429_with_retry_after_is_waited_out(tmp_path, site) -> None:
    site.fault(EFFIC, Reply(429, headers={"Retry-After": "1"}), ok(pages()[EFFIC]))
    catalogue = local_catalogue(tmp_path, site.url, synthetic=True, max_retries=2)
    run(catalogue)
    wh = pipeline.open_warehouse(catalogue)
    first, second = site.server.requests_to(EFFIC)
    assert second.time - first.time >= 0.95  # the retry waited as asked, not the 0.01 s backoff
    assert judged(wh) == EXPECTED and page_row(wh, EFFIC)["status"] == "parsed"


def test_a_connection_reset_mid_body_is_retried_and_the_page_parsed(tmp_path, site) -> None:
    body = pages()[EFFIC].encode()
    site.fault(EFFIC, Reply(200, body, reset_after=len(body) // 2), ok(pages()[EFFIC]))
    catalogue = local_catalogue(tmp_path, site.url, synthetic=True, max_retries=2)
    run(catalogue)
    wh = pipeline.open_warehouse(catalogue)
    assert judged(wh) == EXPECTED and site.paths().count(EFFIC) == 2
    check_intact(wh.root)  # the half body was never stored


def test_a_page_just_under_the_size_cap_is_fetched_and_read(tmp_path, site) -> None:
    page = pages()[EFFIC]
    padding = "<p>" + "Lorem ipsum dolor sit amet. " * 200_000
    padding = padding[: 5_000_000 - len(page.encode()) - 10] + "</p>"
    big = page.replace("</body>", padding + "</body>")
    assert 4_990_000 < len(big.encode()) <= 5_000_000
    site.serve({EFFIC: big})
    catalogue = local_catalogue(tmp_path, site.url, synthetic=True, max_response_bytes=5_000_000)
    run(catalogue)
    wh = pipeline.open_warehouse(catalogue)
    assert judged(wh) == EXPECTED and page_row(wh, EFFIC)["status"] == "parsed"
    assert fetch_log(catalogue, EFFIC)[-1]["bytes"] == len(big.encode())


# --- the site: faults that outlast the retries -------------------------------------------------


def _grown(_request) -> Reply:
    return Reply(200, chunks=[b"<p>" + b"x" * 1_000_000 + b"</p>"] * 6)  # 6 MB, no Content-Length


FETCH_FAULTS = {  # fault -> (replies for the efficiency page, words the recorded error must contain)
    "503-persisting": ([Reply(503, b"Service Unavailable")], "HTTP 503"),
    "429-retry-after-too-long": ([Reply(429, headers={"Retry-After": "3600"})], "Retry-After of 3600 s"),
    "reset-mid-body": ([Reply(200, b"<html>" + b"x" * 5000, reset_after=300)], "gave up after"),
    "grows-to-many-mb": ([_grown], "response larger than 5000000 bytes"),
    "declares-many-mb": ([Reply(200, b"x" * 5_000_001)], "response larger than 5000000 bytes"),
    "redirect-loop": ([Reply(302, headers={"Location": EFFIC.rstrip("/")})], "too many redirects"),
    "slow-server-timeout": ([Reply(200, b"<html></html>", delay=3.0)], "ReadTimeout"),
    "connection-dropped": ([Reply(200, b"<html>" + b"x" * 5000, reset_after=0)], "gave up after"),
}


@pytest.mark.parametrize("fault", FETCH_FAULTS)
def test_a_page_that_keeps_failing_is_recorded_and_loses_nothing(healthy, site, fault) -> None:
    replies, why = FETCH_FAULTS[fault]
    catalogue = healthy(max_retries=1, timeout=1.0 if fault == "slow-server-timeout" else 5.0)
    wh = pipeline.open_warehouse(catalogue)
    before, sha, counts = wh.manifest()["snapshot_id"], page_row(wh, EFFIC)["content_sha256"], row_counts(wh)
    if fault == "redirect-loop":
        site.fault(EFFIC.rstrip("/"), Reply(301, headers={"Location": EFFIC}))
    site.fault(EFFIC, *replies)
    summary = run(catalogue, mode="run")
    # The run went on past the failing page and published; the page kept its rows.
    assert site.paths()[-1] == LEGIT and wh.manifest()["previous_snapshot_id"] == before
    assert judged(wh) == EXPECTED and summary.changes == [] and summary.stats["pages_failed"] == 1
    row = page_row(wh, EFFIC)
    assert (row["status"], row["content_sha256"]) == ("parsed", sha)
    [issue] = issues_for(wh, EFFIC)
    assert issue["reason"] == "fetch_failed" and why in issue["detail"], issue["detail"]
    assert fetch_log(catalogue, EFFIC)[-1]["outcome"] == "failed" and why in fetch_log(catalogue, EFFIC)[-1]["error"]
    assert wh.read_table("runs")[-1]["outcome"] == "completed_with_issues"
    check_intact(wh.root)
    # The site recovers: the next run completes, nothing doubled, the issue is gone.
    site.serve(pages())
    again = run(catalogue, mode="run")
    assert again.changes == [] and judged(wh) == EXPECTED and issues_for(wh, EFFIC) == []
    assert wh.read_table("runs")[-1]["outcome"] == "completed"
    assert row_counts(wh) == counts


CONTENT_FAULTS = {  # a 200 whose body is not the page -> the issue recorded
    "truncated-html": (pages()[EFFIC][:400], "truncated"),
    "maintenance-page": (
        "<html><head><title>Service unavailable</title></head><body><h1>We're carrying out "
        "maintenance</h1><p>Good news: the site will be back soon. Please try again later.</p>"
        "</body></html>",
        "not_peel_page",
    ),
    "wrong-cycle-page": (pages()[EFFIC].replace("PEEL 2017", "PEEL 2016"), "wrong_cycle"),
    "zero-bytes": ("", "empty"),
}


@pytest.mark.parametrize("fault", CONTENT_FAULTS)
@pytest.mark.parametrize("path", [EFFIC, LANDING], ids=["pillar", "landing"])
def test_a_200_that_is_not_the_page_keeps_the_previous_grades(healthy, site, fault, path) -> None:
    body, reason = CONTENT_FAULTS[fault]
    catalogue = healthy()
    wh = pipeline.open_warehouse(catalogue)

    def mine() -> list[str]:
        return sorted(repr(o) for o in wh.read_table("observations") if o["source_url"] == SOURCE + path)

    observations = mine()
    site.serve({path: body})
    summary = run(catalogue, mode="run")
    assert judged(wh) == EXPECTED and summary.changes == [] and summary.stats["pages_unreadable"] == 1
    assert [i["reason"] for i in issues_for(wh, path)] == [reason]
    assert page_row(wh, path)["status"] == "unreadable"
    assert mine() == observations  # the page's previous rows, as they were (not even last_seen_at moved)
    check_intact(wh.root)
    site.serve(pages())
    again = run(catalogue, mode="run")
    assert again.changes == [] and judged(wh) == EXPECTED and issues_for(wh, path) == []
    assert page_row(wh, path)["status"] == "parsed"


def test_a_403_mid_run_stops_it_with_one_clear_line_and_touches_nothing(
    healthy, site, tmp_path, monkeypatch, capsys
) -> None:
    from peelpipe.cli import main

    catalogue = healthy()
    wh = pipeline.open_warehouse(catalogue)
    before = (wh.root / "CURRENT").read_text()
    site.fault(EFFIC, Reply(403, b"<html><body>Access denied: automated traffic</body></html>"))
    monkeypatch.setenv("PEELPIPE_CONFIG_DIR", str(tmp_path / "config"))
    code = main(
        [
            "backfill",
            "--no-prefect",
            "--quiet",
            "--cycles",
            "2017",
            "--forces",
            "testshire",
            "--warehouse",
            str(wh.root),
            "--base-url",
            site.url,
            "--delay",
            "0",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "HTTP 403" in err and "refusing this client" in err and EFFIC in err
    assert (wh.root / "CURRENT").read_text() == before and not (wh.root / ".lock").exists()
    assert LEGIT not in site.paths()[-2:]  # stopped at once, not hammering on
    assert fetch_log(catalogue, EFFIC)[-1]["status"] == 403
    site.serve(pages())
    assert run(catalogue, mode="run").changes == [] and judged(wh) == EXPECTED


# --- the machine: SIGKILL at explicit points, disk full -----------------------------------------

# A run in a subprocess that kills itself (SIGKILL: no cleanup, no finally) at one named point.
KILLER = r"""
import gzip, json, os, signal, sys
from dataclasses import replace
from pathlib import Path

from peelpipe import pipeline
from peelpipe.config import load_catalogue, load_settings

args = json.loads(sys.argv[1])
config = Path(args["config"])
settings = replace(load_settings(config, environ={}), base_url=args["base_url"], warehouse=args["warehouse"],
                   request_delay=0.0, retry_backoff=0.01, max_retries=1, timeout=5.0, refresh_closed_days=1,
                   monitoring_pages=())  # as local_catalogue: the fault site has no Engage pages
catalogue = load_catalogue(config, settings)
point, marker = args["point"], args["marker"]


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def patch(owner, name, make):
    setattr(owner, name, make(getattr(owner, name)))


if point == "fetch-mid-archive-write":  # the body's temp file written, not yet renamed into place
    import peelpipe.fetch.archive as archive
    patch(archive.os, "replace", lambda real: lambda src, dst: die() if str(dst).endswith(".gz") and marker.encode()
          in gzip.decompress(Path(src).read_bytes()) else real(src, dst))
elif point == "fetch-after-archive-write":  # the body stored, the fetch not yet logged
    from peelpipe.fetch.archive import RawArchive
    patch(RawArchive, "put", lambda real: lambda self, body: (real(self, body), marker.encode() in body and die())[0])
elif point == "fetch-mid-log-insert":  # inside SQLite, running the INSERT of the page's fetch-log row, uncommitted
    import sqlite3
    from peelpipe.fetch.archive import RawArchive
    state = {"page": False, "sql": ""}

    def watched(real):
        def connect(*a, **kw):
            db = real(*a, **kw)
            db.set_trace_callback(lambda sql: state.update(sql=sql))  # each statement, as it starts
            db.set_progress_handler(lambda: state["page"] and state["sql"].startswith("INSERT") and die(), 1)
            return db
        return connect
    patch(sqlite3, "connect", watched)
    patch(RawArchive, "log", lambda real: lambda self, result: (
        state.update(page=result.url.endswith(args["path"]) and result.sha256 is not None), real(self, result))[1])
elif point == "parse":  # inside the pillar parser, on the changed page
    import functools
    import peelpipe.parse.pillar as pillar
    patch(pillar, "parse", lambda real: functools.wraps(real)(lambda html, page, cat: (real(html, page, cat),
                                                                                      marker in html and die())[0]))
elif point == "publish-after-some-tables":  # four Parquet files of the new snapshot written
    import pyarrow.parquet as pq
    written = []
    patch(pq, "write_table", lambda real: lambda table, where, **kw: (real(table, where, **kw), written.append(where),
                                                                       len(written) == 4 and die())[0])
elif point == "publish-before-current":  # the snapshot renamed into place, CURRENT not yet replaced
    import peelpipe.warehouse.store as store
    patch(store, "write_atomic", lambda real: lambda path, data: die() if path.name == "CURRENT" else real(path, data))
elif point == "publish-after-current":  # CURRENT replaced, the DuckDB views and the feed not yet written
    patch(pipeline, "write_views", lambda real: lambda *a, **kw: die())
pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run")
print("not killed")
"""
KILL_POINTS = [
    "fetch-mid-archive-write",
    "fetch-after-archive-write",
    "fetch-mid-log-insert",
    "parse",
    "publish-after-some-tables",
    "publish-before-current",
    "publish-after-current",
]
CORRECTED = [(a, "inadequate" if a == "efficiency.understanding-demand" else g) for a, g in EXPECTED]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_at_an_explicit_point_loses_nothing(healthy, site, tmp_path, point) -> None:
    catalogue = healthy()
    wh = pipeline.open_warehouse(catalogue)
    before, counts, changes = wh.manifest(), row_counts(wh), wh.read_table("changes")
    site.serve({EFFIC: pages(demand="Inadequate")[EFFIC]})  # the site publishes a correction
    args = {
        "config": str(tmp_path / "config"),
        "base_url": site.url,
        "warehouse": str(wh.root),
        "point": point,
        "marker": "Inadequate",
        "path": EFFIC,
    }
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, json.dumps(args)], capture_output=True, text=True, timeout=60
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr  # it died where it was told to
    assert json.loads((wh.root / ".lock").read_text())["pid"] != os.getpid()  # the dead writer's lock is left
    left = {  # what each kill leaves behind, proving it struck where intended
        "fetch-mid-archive-write": lambda: list((wh.root / "raw" / "objects").glob("*/.*.tmp")),
        "fetch-mid-log-insert": lambda: (
            (wh.root / "raw" / "fetch-log.sqlite-wal").exists()
            and not any(  # left open
                b"Inadequate" in RawArchive(wh.root / "raw").get(e["sha256"])
                for e in fetch_log(catalogue, EFFIC)
                if e["sha256"]
            )
        ),  # the corrected body is stored, and no fetch of it logged
        "publish-after-some-tables": lambda: len(list(wh.snapshots_dir.glob(".staging-*/*.parquet"))) == 4,
        "publish-before-current": lambda: (
            len(
                [
                    p
                    for p in wh.snapshots_dir.iterdir()  # a whole orphan snapshot
                    if p.name != before["snapshot_id"] and not p.name.startswith(".")
                ]
            )
            == 1
        ),
    }
    assert left.get(point, lambda: True)(), point
    published = point == "publish-after-current"
    if published:
        assert wh.manifest()["previous_snapshot_id"] == before["snapshot_id"]
    else:
        assert wh.manifest() == before
    check_intact(wh.root)
    assert judged(wh) == (CORRECTED if published else EXPECTED)  # readers see one whole snapshot
    # The next run takes the lock over, completes, and records the correction exactly once.
    summary = run(catalogue, mode="run")
    assert [(c["change_type"], c["area_id"]) for c in summary.changes] == (
        [] if published else [("correction", "efficiency.understanding-demand")]
    )
    assert [c["change_type"] for c in wh.read_table("changes")[len(changes) :]] == ["correction"]
    assert judged(wh) == CORRECTED and row_counts(wh) == counts and not issues_for(wh, EFFIC)
    assert not (wh.root / ".lock").exists() and not list(wh.snapshots_dir.glob(".staging-*"))
    if not published:
        assert wh.manifest()["previous_snapshot_id"] == before["snapshot_id"]  # a half-made snapshot never counts
    assert run(catalogue, mode="run").changes == [] and row_counts(wh) == counts
    check_intact(wh.root)


def test_disk_full_while_writing_a_snapshot(healthy, site, tmp_path, monkeypatch, capsys) -> None:
    from peelpipe.cli import main

    catalogue = healthy()
    wh = pipeline.open_warehouse(catalogue)
    before = wh.manifest()
    site.serve({EFFIC: pages(demand="Inadequate")[EFFIC]})
    real, calls = pq.write_table, []

    def full(table, where, **kw):
        calls.append(where)
        if len(calls) == 4:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(where))
        return real(table, where, **kw)

    monkeypatch.setattr(pq, "write_table", full)
    monkeypatch.setenv("PEELPIPE_CONFIG_DIR", str(tmp_path / "config"))
    code = main(
        [
            "backfill",
            "--no-prefect",
            "--quiet",
            "--cycles",
            "2017",
            "--forces",
            "testshire",
            "--warehouse",
            str(wh.root),
            "--base-url",
            site.url,
            "--delay",
            "0",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "No space left on device" in err and "judgements.parquet" in err  # which file, and why
    assert wh.manifest() == before and not list(wh.snapshots_dir.glob(".staging-*"))
    assert not (wh.root / ".lock").exists()
    check_intact(wh.root)
    assert any(e["outcome"] == "fetched" for e in fetch_log(catalogue, EFFIC))  # the new body is archived
    monkeypatch.setattr(pq, "write_table", real)  # space freed
    summary = run(catalogue, mode="run")
    assert [c["change_type"] for c in summary.changes] == ["correction"] and judged(wh) == CORRECTED
