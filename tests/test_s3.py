"""The warehouse on S3-compatible storage, against a real S3 API on loopback (moto's server behind a
counting, fault-injecting proxy: tests/s3server.py), over the bundled sample site on loopback.

The whole path (backfill, no-change run, correction, replay on a fresh worker with no site, export,
readers following CURRENT with pyarrow, pandas and DuckDB), then the faults: a PUT failing halfway
through publish, two writers racing for the lock, the store unreachable mid-run, a process killed
between the snapshot and CURRENT. In each, the previous snapshot stays current and nothing is lost.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from s3server import FAKE_CREDENTIALS, S3Server, s3_server
from sites import local_catalogue

from peelpipe import pipeline
from peelpipe.errors import LockedError, WarehouseError
from peelpipe.replay import replay
from peelpipe.samplesite import UPDATES_ROOT, serve_site
from peelpipe.warehouse.lock import Holder
from peelpipe.warehouse.mirror import RemoteWarehouse, unlock_command
from peelpipe.warehouse.remote import S3Location, S3Store, acquire, release

CYCLE, FORCE = "2023-25", "northamptonshire"  # the sample site's published correction (real, sample data)


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory):
    with s3_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture
def site():
    with serve_site() as served:
        yield served


def s3_catalogue(tmp_path: Path, s3: S3Server, base_url: str, url: str, **settings: object):
    """The project's configuration with its warehouse at `url` on the loopback store."""
    return local_catalogue(tmp_path, base_url, warehouse=url, s3_endpoint=s3.endpoint, **settings)


def fresh_worker(catalogue) -> None:
    """Throw away this process's working copy, as a worker with a new disk would start."""
    shutil.rmtree(pipeline.open_warehouse(catalogue).root, ignore_errors=True)


def current(s3: S3Server, bucket: str, prefix: str = "peel") -> bytes:
    return s3.client().get_object(Bucket=bucket, Key=f"{prefix}/CURRENT")["Body"].read()


def read_current_with_pyarrow(s3: S3Server, bucket: str, prefix: str = "peel") -> dict[str, list[dict]]:
    """What a reader does (the README's lines): follow CURRENT, read the tables it names."""
    import pyarrow.fs

    fs = pyarrow.fs.S3FileSystem(
        endpoint_override=s3.endpoint.removeprefix("http://"), scheme="http", region=FAKE_CREDENTIALS["AWS_REGION"]
    )
    with fs.open_input_stream(f"{bucket}/{prefix}/CURRENT") as fh:
        manifest = json.loads(fh.read())
    tables = {}
    for name, entry in manifest["tables"].items():
        table = pq.read_table(f"{bucket}/{prefix}/{entry['path']}", filesystem=fs)
        assert table.num_rows == entry["rows"], name
        tables[name] = table.to_pylist()
    return tables


def grades(tables: dict[str, list[dict]]) -> list[tuple[str, str]]:
    return sorted((j["area_id"], j["grade"] or "") for j in tables["judgements"] if j["force_id"] == FORCE)


def test_s3_backfill_no_change_run_correction_replay_and_export(s3, tmp_path: Path) -> None:
    from tools.processes import free_port

    bucket = s3.bucket()
    url = f"s3://{bucket}/peel"
    port = free_port()  # the site keeps its address when the correction is published, as the real one does
    with serve_site(port=port) as site:
        catalogue = s3_catalogue(tmp_path, s3, site.url, url)
        first = pipeline.run_pipeline(catalogue, [CYCLE], [FORCE])
        assert first.warehouse == url and first.stats["pages_parsed"] > 0
        published = read_current_with_pyarrow(s3, bucket)
        assert json.loads(current(s3, bucket))["snapshot_id"] == first.snapshot_id
        assert grades(published) and len(published["runs"]) == 1

        fresh_worker(catalogue)  # the next day's worker has an empty disk
        s3.proxy.reset_counts()
        same = pipeline.run_pipeline(catalogue, [CYCLE], [FORCE], mode="run", announce=True)
        no_change_requests = sum(s3.proxy.counts.values())
    assert same.changes == [] and same.stats["not_modified"] > 0  # conditional requests from the store's log
    assert no_change_requests < 60, s3.proxy.paths  # a bounded number, not one per object

    with serve_site(port=port, overlays=[UPDATES_ROOT]):
        fresh_worker(catalogue)
        corrected = pipeline.run_pipeline(catalogue, [CYCLE], [FORCE], mode="run", announce=True, alerts=True)
    assert [(c["change_type"], c["from_grade"], c["to_grade"]) for c in corrected.changes] == [
        ("correction", "adequate", "requires_improvement")
    ]
    after = read_current_with_pyarrow(s3, bucket)
    assert len(after["runs"]) == 3 and grades(after) != grades(published)

    fresh_worker(catalogue)  # replay on a new worker, with no site at all: bodies come from the store
    offline = s3_catalogue(tmp_path, s3, "http://127.0.0.1:9", url)
    replayed = replay(offline)
    assert replayed.stats["pages_parsed"] > 0
    again = read_current_with_pyarrow(s3, bucket)
    assert grades(again) == grades(after) and again["changes"] == after["changes"]

    objects = s3.keys(bucket, "peel/")
    for name in ("report.html", "changes.atom", "peel.sql", "raw/fetch-log.sqlite"):
        assert f"peel/{name}" in objects, name
    assert "Northamptonshire" in objects["peel/report.html"].decode()
    assert any(k.startswith("peel/digests/") for k in objects)  # the correction's digest
    for data in objects.values():  # no credential in any object the warehouse wrote
        assert FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"].encode() not in data
        assert FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"].encode() not in data

    from peelpipe.warehouse.export import export

    fresh_worker(catalogue)
    written = export(pipeline.open_warehouse(catalogue), "json", tmp_path / "out")
    document = json.loads(written.read_text())
    assert document["snapshot_id"] == json.loads(current(s3, bucket))["snapshot_id"]
    assert sorted((j["area_id"], j["grade"] or "") for j in document["tables"]["judgements"]) == grades(again)


def test_s3_readers_follow_current_with_pandas_and_duckdb_views(s3, site, tmp_path: Path) -> None:
    import duckdb
    import pandas as pd
    import pyarrow.fs

    bucket = s3.bucket()
    catalogue = s3_catalogue(tmp_path, s3, site.url, f"s3://{bucket}/peel", keep_snapshots=2)
    for _ in range(3):
        pipeline.run_pipeline(catalogue, [CYCLE], [FORCE])
    fs = pyarrow.fs.S3FileSystem(endpoint_override=s3.endpoint.removeprefix("http://"), scheme="http")
    manifest = json.loads(current(s3, bucket))
    frame = pd.read_parquet(f"{bucket}/peel/{manifest['tables']['judgements']['path']}", filesystem=fs)
    assert len(frame) == manifest["tables"]["judgements"]["rows"] > 0
    snapshots = {k.split("/")[2] for k in s3.keys(bucket, "peel/snapshots/")}
    assert snapshots == {manifest["snapshot_id"], manifest["previous_snapshot_id"]}  # keep_snapshots = 2

    # peel.sql names the current snapshot's objects; DuckDB's httpfs needs a download, so the test runs
    # the same statements over a local copy of those objects
    local = tmp_path / "copy"
    for key, data in s3.keys(bucket, "peel/").items():
        (local / key).parent.mkdir(parents=True, exist_ok=True)
        (local / key).write_bytes(data)
    script = (local / "peel" / "peel.sql").read_text()
    assert f"s3://{bucket}/peel/snapshots/{manifest['snapshot_id']}/judgements.parquet" in script
    con = duckdb.connect()
    con.execute(script.replace(f"s3://{bucket}/", f"{local.as_posix()}/"))  # every statement, in order
    assert con.execute("SELECT count(*) FROM judgements").fetchall() == [(len(frame),)]
    assert con.execute("SELECT count(*) FROM current_grades WHERE force_id = ?", [FORCE]).fetchall()[0][0] > 0


def test_s3_a_put_failing_halfway_through_publish_keeps_the_previous_snapshot(s3, site, tmp_path: Path) -> None:
    bucket = s3.bucket()
    url = f"s3://{bucket}/peel"
    pipeline.run_pipeline(s3_catalogue(tmp_path, s3, site.url, url), [CYCLE], [FORCE])
    before = current(s3, bucket)
    published = read_current_with_pyarrow(s3, bucket)
    with serve_site(overlays=[UPDATES_ROOT]) as updated:
        catalogue = s3_catalogue(tmp_path, s3, updated.url, url)
        s3.proxy.fail_puts("/snapshots/", after=4)  # the 5th table's PUT (and its retries) fail
        try:
            with pytest.raises(WarehouseError, match="cannot write s3://.*/snapshots/.*HTTP 503"):
                pipeline.run_pipeline(catalogue, [CYCLE], [FORCE], mode="run", announce=True)
        finally:
            s3.proxy.fail_puts(None)
        assert current(s3, bucket) == before  # CURRENT still names the previous, whole snapshot
        assert read_current_with_pyarrow(s3, bucket) == published
        fresh_worker(catalogue)
        run = pipeline.run_pipeline(catalogue, [CYCLE], [FORCE], mode="run", announce=True)
    assert [c["change_type"] for c in run.changes] == ["correction"]  # detected once, when published
    after = read_current_with_pyarrow(s3, bucket)
    assert len(after["runs"]) == 2 and len(after["changes"]) == len(published["changes"]) + 1


def test_s3_two_writers_racing_for_the_lock_never_both_hold_it(s3) -> None:
    bucket = s3.bucket()
    location = S3Location.parse(f"s3://{bucket}/race")
    trials, doubles = 40, 0
    stores = [S3Store(location, s3.endpoint) for _ in range(2)]  # two workers, each with its own client
    for trial in range(trials):
        stale = trial % 2 == 1  # odd trials: both find a dead worker's expired lock and race to take it over
        if stale:
            old = Holder("gone-host", 1, "peelpipe run", time.time() - 7 * 3600, "old")
            stores[1].put(".lock", json.dumps(old.__dict__).encode())
        barrier = threading.Barrier(2)
        won: list[str] = []
        refused: list[str] = []

        def writer(store: S3Store, barrier: threading.Barrier, won: list[str], refused: list[str]) -> None:
            barrier.wait()
            try:
                holder, etag = acquire(store, "peelpipe run", 6.0)
                won.append(etag)
            except LockedError as exc:
                refused.append(str(exc))

        threads = [threading.Thread(target=writer, args=(store, barrier, won, refused)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        doubles += len(won) > 1
        assert len(won) == 1 and len(refused) == 1, (trial, won, refused)
        assert "is being written by pid" in refused[0] and "peelpipe unlock" in refused[0]
        assert release(stores[0], won[0])  # only the holder's own version is removed
    assert doubles == 0


def test_s3_the_store_unreachable_mid_run_keeps_the_previous_snapshot(s3, site, tmp_path: Path) -> None:
    bucket = s3.bucket()
    url = f"s3://{bucket}/peel"
    catalogue = s3_catalogue(tmp_path, s3, site.url, url)
    pipeline.run_pipeline(catalogue, [CYCLE], [FORCE])
    before = current(s3, bucket)
    published = read_current_with_pyarrow(s3, bucket)

    def store_goes_down(number: int, total: int, ref: object, outcome: str) -> None:
        s3.proxy.down = True  # after the first page: fetching goes on, the store no longer answers

    try:
        with pytest.raises(WarehouseError, match=r"s3://.*the store did not answer"):
            pipeline.run_pipeline(catalogue, [CYCLE], [FORCE], mode="run", progress=store_goes_down)
    finally:
        s3.proxy.down = False
    assert current(s3, bucket) == before and read_current_with_pyarrow(s3, bucket) == published
    # the lock could not be released while the store was down: the next run is told who holds it
    with pytest.raises(LockedError, match=r"pid \d+ on host .*peelpipe unlock --warehouse s3://"):
        pipeline.run_pipeline(catalogue, [CYCLE], [FORCE], mode="run")
    assert unlock_command(catalogue.settings, as_json=False, quiet=True) == 0
    fresh_worker(catalogue)
    again = pipeline.run_pipeline(catalogue, [CYCLE], [FORCE], mode="run")
    assert again.changes == []
    after = read_current_with_pyarrow(s3, bucket)
    assert grades(after) == grades(published) and len(after["runs"]) == 2


KILL_AT = r"""
import os, signal, sys
from peelpipe.cli import main
from peelpipe.warehouse import store

def die_at(reached):
    if reached == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)

store.publish_hooks.append(die_at)
sys.exit(main(sys.argv[2:]))
"""


def test_s3_a_crash_between_the_snapshot_and_current_keeps_the_previous_snapshot(s3, site, tmp_path: Path) -> None:
    bucket = s3.bucket()
    url = f"s3://{bucket}/peel"
    env = {**os.environ, "PEELPIPE_S3_ENDPOINT": s3.endpoint}
    args = ["backfill", "--no-prefect", "--quiet", "--cycles", CYCLE, "--forces", FORCE]
    args += ["--warehouse", url, "--base-url", site.url, "--delay", "0"]
    first = subprocess.run([sys.executable, "-m", "peelpipe", *args], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = current(s3, bucket)
    published = read_current_with_pyarrow(s3, bucket)

    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT, "remote-snapshot-written", *args], env=env, capture_output=True, text=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert current(s3, bucket) == before and read_current_with_pyarrow(s3, bucket) == published
    snapshots = {k.split("/")[2] for k in s3.keys(bucket, "peel/snapshots/")}
    assert len(snapshots) == 2  # the killed run's snapshot was written whole, but never named

    refused = subprocess.run([sys.executable, "-m", "peelpipe", *args], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "peelpipe unlock" in refused.stderr  # the dead worker's lock, named
    unlocked = subprocess.run(
        [sys.executable, "-m", "peelpipe", "unlock", "--warehouse", url], env=env, capture_output=True, text=True
    )
    assert unlocked.returncode == 0 and "freed the lock" in unlocked.stdout, unlocked.stderr
    again = subprocess.run([sys.executable, "-m", "peelpipe", *args], env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    after = read_current_with_pyarrow(s3, bucket)
    assert grades(after) == grades(published) and len(after["runs"]) == 2
    manifest = json.loads(current(s3, bucket))
    left = {k.split("/")[2] for k in s3.keys(bucket, "peel/snapshots/")}
    assert left == {manifest["snapshot_id"], manifest["previous_snapshot_id"]}  # the orphan was pruned


def test_s3_settings_refuse_credentials_in_urls(tmp_path: Path) -> None:
    from conftest import ROOT

    from peelpipe.errors import ConfigError
    from peelpipe.settings import load_settings

    for bad in ("s3://AKIA:secret@bucket/p", "s3://bucket/p?X-Amz-Credential=abc", "s3:///nobucket"):
        with pytest.raises(ConfigError, match="s3://bucket/prefix") as caught:
            load_settings(ROOT / "config", environ={"PEELPIPE_WAREHOUSE": bad})
        assert "secret" not in str(caught.value) and "abc" not in str(caught.value)
    with pytest.raises(ConfigError, match="s3_endpoint") as caught:
        load_settings(ROOT / "config", environ={"PEELPIPE_S3_ENDPOINT": "http://key:secret@127.0.0.1:9000"})
    assert "secret" not in str(caught.value)
    good = load_settings(
        ROOT / "config", {"warehouse": "s3://peel-bucket/team/peel", "s3_endpoint": "http://127.0.0.1:9"}
    )
    assert (good.warehouse, good.s3_endpoint) == ("s3://peel-bucket/team/peel", "http://127.0.0.1:9")
    assert RemoteWarehouse(good.warehouse, good.s3_endpoint, workdir=tmp_path / "w").label == good.warehouse


@pytest.mark.prefect
def test_s3_the_flows_publish_to_the_store_through_prefect(prefect_api, s3, site, monkeypatch) -> None:
    from peelpipe.flows import RunSettings, backfill_flow

    bucket = s3.bucket()
    monkeypatch.setenv("PEELPIPE_S3_ENDPOINT", s3.endpoint)  # as on a worker: the store's settings in its env
    settings = RunSettings(base_url=site.url, warehouse=f"s3://{bucket}/peel", request_delay=0.0)
    first = backfill_flow(cycles=[CYCLE], forces=[FORCE], settings=settings, return_state=True).result()
    assert first["summary"].warehouse == f"s3://{bucket}/peel"
    again = backfill_flow(cycles=[CYCLE], forces=[FORCE], settings=settings, return_state=True).result()
    assert again["summary"].changes == []
    manifest = json.loads(current(s3, bucket))
    assert manifest["snapshot_id"] == again["summary"].snapshot_id
    assert manifest["previous_snapshot_id"] == first["summary"].snapshot_id
    assert grades(read_current_with_pyarrow(s3, bucket))
