"""Whatever the site answers, a run ends on time, loses nothing, and records nothing it did not read
from the right page (issue 15: the property test).

Hypothesis draws the answers of a whole site (tests/responsegen.py): for each of the 40 pages of ten
fictional forces in PEEL 2017, one or two responses of any status, headers, encoding and body,
redirects with their own drawn targets. A real loopback server (tests/httpsim.py) serves them to
the real path, `pipeline.run_pipeline` with the direct steps (what `--no-prefect` runs), over a
warehouse holding a clean earlier run. Per drawn site it checks:

- no exception escapes (but the documented stop on a 403, which publishes nothing);
- each fetch ends within its requests' deadlines, and the run within the sum of them;
- every grade published (observations and judgements) was printed on a page written as that
  force's page: never one of another force, another page, another cycle;
- the previous snapshot stays readable throughout: a reader thread reads CURRENT and every table in
  a loop while the run goes on, and the whole warehouse is read again after it;
- nothing is lost: an earlier observation survives unless its page was read again or is gone (404).

PEELPIPE_FUZZ_EXAMPLES sets the number of drawn sites (default 60; `make fuzz` runs far more).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from faultsite import SOURCE, ok
from httpsim import ScriptedServer
from hypothesis import HealthCheck, given, settings
from responsegen import DRIP_CHUNKS, DRIP_DELAY, Answers, site_answers
from synthforces import FORCES, PAGES, Content, Truth, path_of, synthetic_config, uniform

from peelpipe import pipeline
from peelpipe.config import Catalogue, load_catalogue, load_settings, with_settings
from peelpipe.errors import SiteRefusedError
from peelpipe.fetch import RawArchive
from peelpipe.fetch.client import reset_pacer

EXAMPLES = int(os.environ.get("PEELPIPE_FUZZ_EXAMPLES") or 60)
DEADLINE, TIMEOUT, RETRIES, RETRY_AFTER_MAX = 0.15, 0.15, 1, 1.0
SLACK = 1.0  # seconds per request for a loaded machine (CI shares its cores)
# The drawn slow drip outlasts a request: the time check fails if the deadline is not kept.
assert DRIP_CHUNKS * DRIP_DELAY > DEADLINE + TIMEOUT + SLACK
STATS: Counter[str] = Counter()  # what the drawn sites did, printed at the end of the module
PAGE_OF = {SOURCE + path_of(f, p): (f, p) for f in FORCES for p in PAGES}
WORDS = ["Good", "Requires improvement", "Outstanding", "Inadequate", "Good", "Good"]


def baseline_contents() -> list[Content]:
    """The earlier, healthy site: each force's pages print one grade word everywhere."""
    return [uniform(f, p, WORDS[i % len(WORDS)]) for i, f in enumerate(sorted(FORCES)) for p in PAGES]


@pytest.fixture(scope="module")
def site(request):
    started = time.monotonic()
    with ScriptedServer() as server:
        yield server
    if STATS:
        with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
            print(f"\n[response property] {dict(STATS)}, {time.monotonic() - started:.1f} s in all")


@pytest.fixture(scope="module")
def baseline(site, tmp_path_factory) -> tuple[Catalogue, Path]:
    """The catalogue of the fictional forces against `site`, and a warehouse holding one clean run."""
    root = tmp_path_factory.mktemp("property")
    config = synthetic_config(root / "config")
    values = dict(
        base_url=site.url,
        warehouse=str(root / "warehouse"),
        index_pages=(),
        request_delay=0.0,
        timeout=TIMEOUT,
        request_deadline=DEADLINE,
        max_retries=RETRIES,
        retry_backoff=0.001,
        max_retry_after=RETRY_AFTER_MAX,
        retry_after_budget=0.5,  # a Retry-After of 1 s fits max_retry_after, not the run's budget
        max_response_bytes=200_000,
        max_redirects=3,
        respect_robots=False,
        refresh_closed_days=1,
        digest=False,
        feed=False,
    )
    catalogue = load_catalogue(config, replace(load_settings(config, environ={}), **values))
    serve(site, {path_of(c.force_id, c.page): [ok(c.html())] for c in baseline_contents()})
    reset_pacer()
    summary = pipeline.run_pipeline(catalogue, ["2017"], sorted(FORCES))
    assert summary.stats["pages_parsed"] == len(PAGE_OF), summary.stats
    return catalogue, root / "warehouse"


def serve(server: ScriptedServer, routes: dict) -> None:
    """Replace every route of `server` with `routes` and forget its requests."""
    with server._lock:
        server._routes.clear()
    for path, responders in routes.items():
        server.route(path, *responders)
    server.clear()


def read_everything(root: Path) -> int:
    """Read CURRENT and every table it names; the number of rows read. Raises on anything unreadable."""
    manifest = json.loads((root / "CURRENT").read_text())
    rows = 0
    for name, entry in manifest["tables"].items():
        table = pq.read_table(root / entry["path"])
        assert table.num_rows == entry["rows"], name
        rows += table.num_rows
    return rows


class Reader(threading.Thread):
    """Reads the warehouse in a loop until stopped, keeping any error (a reader during publish)."""

    def __init__(self, root: Path) -> None:
        super().__init__(daemon=True)
        self.root, self.reads, self.errors = root, 0, []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                read_everything(self.root)
                self.reads += 1
            except Exception as exc:
                self.errors.append(repr(exc))
            time.sleep(0.01)


def request_bound(requests: int) -> float:
    """The longest a fetch of `requests` requests may take: each within its deadline (the body after
    headers that took at most `timeout`), retry waits within max_retry_after each."""
    return requests * (DEADLINE + TIMEOUT + SLACK) + RETRIES * RETRY_AFTER_MAX


def check_grades(wh, truth: Truth) -> None:
    """Every published grade, for that area, was printed on a page written as one of that force's
    pages of the cycle. (A page of the force served at another of its URLs may give its own grades:
    the landing parser reads pillar questions, and they are that force's grades as printed.)"""
    for obs in wh.read_table("observations"):
        if obs["grade"] is not None:
            force_id, _ = PAGE_OF[obs["source_url"]]
            assert force_id == obs["force_id"], obs
            assert (obs["area_id"], obs["grade"]) in truth.of_force(force_id), obs
    for j in wh.read_table("judgements"):
        if j["grade"] is not None:
            assert (j["area_id"], j["grade"]) in truth.of_force(j["force_id"]), j


def check_nothing_lost(before: list[dict], before_pages: dict[str, dict], wh) -> None:
    """An earlier observation is kept unless its page was read again (new content) or is gone."""
    after = {(o["source_url"], o["area_id"]) for o in wh.read_table("observations")}
    pages = {p["source_url"]: p for p in wh.read_table("pages")}
    for obs in before:
        if (obs["source_url"], obs["area_id"]) in after:
            continue
        page = pages[obs["source_url"]]
        reread = (
            page["status"] == "parsed" and page["content_sha256"] != before_pages[obs["source_url"]]["content_sha256"]
        )
        assert reread or page["status"] == "not_found", (obs, page)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="PEELPIPE_FUZZ_EXAMPLES" not in os.environ,  # CI draws the same sites each run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
@given(answers=site_answers())
def test_whatever_the_site_answers_a_run_ends_on_time_loses_nothing_and_records_only_what_it_read(
    site, baseline, answers: Answers
) -> None:
    catalogue, base_warehouse = baseline
    work = Path(tempfile.mkdtemp(prefix="peel-property-"))
    try:
        shutil.copytree(base_warehouse, work / "warehouse")
        catalogue = with_settings(catalogue, warehouse=str(work / "warehouse"))
        wh = pipeline.open_warehouse(catalogue)
        truth = Truth()
        for content in [*baseline_contents()]:
            truth.add(content)
        for key, grades in answers.truth.carried.items():
            truth.carried.setdefault(key, set()).update(grades)
        before, before_pages = wh.read_table("observations"), {p["source_url"]: p for p in wh.read_table("pages")}
        snapshot = wh.manifest()["snapshot_id"]
        serve(site, {path: replies for path, replies in answers.routes.items()})
        reset_pacer()
        reader = Reader(wh.root)
        reader.start()
        started, since = time.monotonic(), datetime.now(UTC)
        try:
            summary = pipeline.run_pipeline(catalogue, ["2017"], sorted(FORCES))
            STATS["runs"] += 1
            for key in ("pages_parsed", "pages_unreadable", "pages_failed", "pages_not_found", "pages_over_budget"):
                STATS[key] += summary.stats.get(key, 0)
        except SiteRefusedError:
            STATS["refused"] += 1
            assert answers.refuses  # the documented stop: a 403 ends the run, nothing published
            assert wh.manifest()["snapshot_id"] == snapshot
        finally:
            elapsed = time.monotonic() - started
            reader.stop.set()
            reader.join()
            STATS["responses"] += len(site.requests)
            STATS["run_seconds"] += elapsed
            STATS["reads"] += reader.reads
        assert not reader.errors and reader.reads > 0, reader.errors[:3]

        fetches = [e for e in RawArchive(wh.root / "raw").entries() if e["fetched_at"] >= since.isoformat()]
        for entry in fetches:
            assert entry["elapsed"] <= request_bound(entry["requests"] or 1), entry
        assert elapsed <= sum(request_bound(e["requests"] or 1) for e in fetches) + 30.0, elapsed

        read_everything(wh.root)
        check_grades(wh, truth)
        check_nothing_lost(before, before_pages, wh)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_page_of_a_force_whose_name_holds_anothers_is_not_read_as_that_forces(site, baseline) -> None:
    """Found by the property test: Mocktestshire's page served at Testshire's URL was read as
    Testshire's, because "testshire" is inside "mocktestshire" (as "essex" is inside "sussex").
    A force's name now counts only as a whole word."""
    catalogue, base_warehouse = baseline
    work = Path(tempfile.mkdtemp(prefix="peel-impostor-"))
    try:
        shutil.copytree(base_warehouse, work / "warehouse")
        catalogue = with_settings(catalogue, warehouse=str(work / "warehouse"))
        wh = pipeline.open_warehouse(catalogue)
        before = sorted((j["area_id"], j["grade"]) for j in wh.read_table("judgements") if j["force_id"] == "testshire")
        impostor = uniform("mocktestshire", "efficiency", "Outstanding")
        assert ("efficiency", "outstanding") not in before
        routes = {path_of(c.force_id, c.page): [ok(c.html())] for c in baseline_contents()}
        routes[path_of("testshire", "efficiency")] = [ok(impostor.html())]
        serve(site, routes)
        reset_pacer()
        pipeline.run_pipeline(catalogue, ["2017"], sorted(FORCES))
        url = SOURCE + path_of("testshire", "efficiency")
        assert [i["reason"] for i in wh.read_table("parse_issues") if i["source_url"] == url] == ["wrong_page"]
        after = sorted((j["area_id"], j["grade"]) for j in wh.read_table("judgements") if j["force_id"] == "testshire")
        assert after == before  # Mocktestshire's grades are not Testshire's, and Testshire's are kept
    finally:
        shutil.rmtree(work, ignore_errors=True)
