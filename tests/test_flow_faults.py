"""Issue 15, item 9: the fault guarantees through the real Prefect flows.

One loopback site of four fictional forces (tests/synthforces.py) serves, in one scheduled run,
many faults at once across its pages: a 500, a 429 asking longer than max_retry_after, a 429
whose Retry-After does not fit the run's retry_after_budget, a body dripped past request_deadline,
a compression bomb, a redirect to another force's page, a PDF, a page too deep to parse, an unknown
grade word and truncated HTML, beside a correction on a healthy page. Then runs that cannot
finish: past the run timeout, and with the warehouse lock held by another process.

Each checks the flow's final state as README ("Parameters, timeouts and retries") documents it,
the previous snapshot and the new one read back whole, the faulty pages recorded with the reason,
and the health alert sent to a loopback receiver by a scheduled run that fails, and by no other.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from faultsite import SOURCE, ok
from httpsim import Reply, ScriptedServer
from synthforces import Content, path_of, synthetic_config, uniform

from peelpipe import pipeline
from peelpipe.fetch.client import reset_pacer
from peelpipe.warehouse import Warehouse

pytestmark = [pytest.mark.prefect, pytest.mark.usefixtures("fresh_pacer")]

FORCES = ["testshire", "mocktestshire", "fakeborough", "dummyvale"]
PAGES = ["landing", "effectiveness", "efficiency", "legitimacy"]
FAILED_TITLE = "peelpipe scheduled run failed"
# The last page a scheduled run after the backfill fetches: oldest fetch first, so pages never fetched
# (other cycles) come first, then 2017's in the backfill's order.
LAST_PAGE = path_of("dummyvale", "legitimacy")


def healthy() -> dict[str, str]:
    """Every 2017 page of the four forces, each printing Good."""
    return {path_of(f, p): uniform(f, p, "Good").html() for f in FORCES for p in PAGES}


def bomb() -> bytes:
    return gzip.compress(b"\0" * 20_000_000, compresslevel=9)  # 20 MB of zeros in about 20 KB


FAULTS = {  # path -> (replies, reason recorded in parse_issues, words in its detail)
    path_of("testshire", "landing"): ([Reply(500, b"Internal Server Error")], "fetch_failed", "HTTP 500"),
    path_of("testshire", "effectiveness"): (
        [Reply(429, headers={"Retry-After": "3600"})],
        "fetch_failed",
        "Retry-After of 3600 s",
    ),
    path_of("testshire", "efficiency"): (
        [Reply(200, chunks=[b"<p>x</p>"] * 40, delay=0.1)],  # 4 s in all
        "fetch_failed",
        "request deadline of 1 s",
    ),
    path_of("testshire", "legitimacy"): (
        [Reply(200, bomb(), {"Content-Encoding": "gzip", "Content-Type": "text/html"})],
        "fetch_failed",
        "response larger than",
    ),
    path_of("mocktestshire", "landing"): (
        [Reply(302, headers={"Location": path_of("fakeborough", "landing")})],
        "wrong_page",
        "fakeborough",
    ),
    path_of("mocktestshire", "effectiveness"): (
        [ok(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF", "application/pdf")],
        "not_html",
        "application/pdf",
    ),
    path_of("mocktestshire", "efficiency"): (
        [ok(uniform("mocktestshire", "efficiency").html().replace("</body>", "<div>" * 20_000 + "</body>"))],
        "too_complex",
        "nested over",
    ),
    path_of("mocktestshire", "legitimacy"): (
        [ok(uniform("mocktestshire", "legitimacy", "Splendid").html())],
        "unknown_grade",
        "Splendid",
    ),
    path_of("fakeborough", "efficiency"): (
        [ok(uniform("fakeborough", "efficiency").html()[:300])],
        "truncated",
        "",
    ),
}
CORRECTED = path_of("dummyvale", "efficiency")  # a healthy page whose grade the site corrects


class Site:
    """The loopback site (with ETags, so healthy pages answer 304 to a scheduled run) and a receiver."""

    def __init__(self, server: ScriptedServer, receiver: ScriptedServer) -> None:
        self.server, self.receiver = server, receiver
        server.route("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"}))
        receiver.route("/hook", Reply(200, b"ok"))
        self.serve(healthy())

    def serve(self, pages: dict[str, str]) -> None:
        for path, html in pages.items():
            self.server.route(path, ok(html))

    def titles(self) -> list[str]:
        """Titles of the alerts received so far."""
        return [json.loads(r.body)["title"] for r in self.receiver.requests_to("/hook")]


@pytest.fixture
def site(tmp_path, monkeypatch):
    """The site, a receiver for alerts, and the environment a flow reads its settings from."""
    config = synthetic_config(tmp_path / "config", FORCES)
    with ScriptedServer() as server, ScriptedServer() as receiver:
        for name, value in {
            "CONFIG_DIR": str(config),
            "ALERT_URLS": f"{receiver.json_url}/hook",
            "REQUEST_DEADLINE": "1",
            "RETRY_AFTER_BUDGET": "1",
            "MAX_RETRY_AFTER": "10",
            "RETRY_BACKOFF": "0.01",
            "MAX_RESPONSE_BYTES": "1000000",
        }.items():
            monkeypatch.setenv(f"PEELPIPE_{name}", value)
        yield Site(server, receiver)


def run_settings(site: Site, tmp_path: Path):
    from peelpipe.flows import RunSettings

    return RunSettings(
        base_url=site.server.url,
        warehouse=str(tmp_path / "warehouse"),
        request_delay=0.0,
        timeout=2.0,
        max_retries=1,
        refresh_closed_days=1,  # every closed page is checked, not a rolling slice
    )


def read_all(root: Path, manifest: dict) -> dict[str, int]:
    """Rows of every table a manifest names, read back (each must match its recorded row count)."""
    rows = {}
    for name, entry in manifest["tables"].items():
        rows[name] = pq.read_table(root / entry["path"]).num_rows
        assert rows[name] == entry["rows"], name
    return rows


def backfill(site: Site, tmp_path: Path) -> dict:
    """A clean backfill of PEEL 2017 through the backfill flow: Completed, no alert. Returns CURRENT."""
    from peelpipe.flows import backfill_flow

    state = backfill_flow(cycles=["2017"], forces=FORCES, settings=run_settings(site, tmp_path), return_state=True)
    assert state.is_completed(), state
    assert state.result()["summary"].stats["pages_parsed"] == len(FORCES) * len(PAGES)
    assert site.titles() == []  # a backfill records changes, it does not announce them
    reset_pacer()
    return json.loads((tmp_path / "warehouse" / "CURRENT").read_text())


def lock_is_free(root: Path) -> bool:
    """Whether a writer can take the warehouse lock now."""
    from peelpipe.errors import LockedError

    try:
        with Warehouse(root).lock("test: is the lock free"):
            return True
    except LockedError:
        return False


def test_a_scheduled_run_meeting_many_faults_completes_records_each_and_publishes_the_rest(
    prefect_api, site, tmp_path
) -> None:
    from peelpipe.flows import refresh_flow

    before = backfill(site, tmp_path)
    for path, (replies, _, _) in FAULTS.items():
        site.server.route(path, *replies)
    corrected = (("efficiency", "Outstanding"), ("efficiency.understanding-demand", "Good"))
    site.serve(
        {CORRECTED: Content("dummyvale", "efficiency", (*corrected, ("efficiency.planning-for-future", "Good"))).html()}
    )
    site.server.route(LAST_PAGE, Reply(429, headers={"Retry-After": "5"}))  # fits max_retry_after, not the budget
    state = refresh_flow(settings=run_settings(site, tmp_path), return_state=True)

    # Completed, as README says a run that published ends, however many of its pages failed.
    assert state.is_completed(), state
    summary = state.result()["summary"]
    root = tmp_path / "warehouse"
    after = json.loads((root / "CURRENT").read_text())
    assert after["previous_snapshot_id"] == before["snapshot_id"]
    assert read_all(root, before)["judgements"] > 0 and read_all(root, after)["judgements"] > 0  # both whole
    wh = Warehouse(root)

    # Every faulty page is recorded, naming the page and why; each keeps its earlier grades.
    issues = {(i["source_url"], i["reason"]): i["detail"] for i in wh.read_table("parse_issues")}
    for path, (_, reason, words) in FAULTS.items():
        assert words in issues.get((SOURCE + path, reason), "-"), (path, reason, issues)
    judged = {(j["force_id"], j["area_id"]): j["grade"] for j in wh.read_table("judgements")}
    assert judged[("testshire", "efficiency")] == judged[("mocktestshire", "legitimacy")] == "good"
    assert judged[("mocktestshire", "effectiveness")] == "good"  # the landing page redirected elsewhere: kept
    run = pipeline.run_row(wh.read_all(), summary.run_id)
    assert run["outcome"] == "completed_with_issues" and run["pages_over_budget"] == 1, run

    # The rest is published: the correction is read, recorded and announced; no failure alert.
    assert judged[("dummyvale", "efficiency")] == "outstanding"
    assert [c["change_type"] for c in summary.changes] == ["correction"]
    titles = site.titles()
    assert FAILED_TITLE not in titles and len(titles) == 1 and "dummyvale" in titles[0].lower(), titles


def test_a_scheduled_run_past_its_timeout_fails_frees_the_lock_and_keeps_the_snapshot(
    prefect_api, site, tmp_path
) -> None:
    from peelpipe.flows import refresh_flow

    before = backfill(site, tmp_path)
    site.server.route("*", Reply(404, b"<html><body>not here</body></html>", delay=1.0))
    for path in healthy():
        site.server.route(path, Reply(503, b"slow", delay=1.0))  # every page takes a second, then fails
    state = refresh_flow.with_options(timeout_seconds=4)(settings=run_settings(site, tmp_path), return_state=True)

    assert state.is_failed() and "timeout" in (state.message or "").lower(), state
    root = tmp_path / "warehouse"
    assert json.loads((root / "CURRENT").read_text()) == before  # nothing half published
    read_all(root, before)
    assert lock_is_free(root) and not (root / ".lock").exists()
    assert site.titles() == [FAILED_TITLE]


HOLD = """
import sys
from peelpipe.warehouse import Warehouse
with Warehouse(sys.argv[1]).lock("peelpipe backfill"):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_runs_that_find_the_warehouse_locked_fail_and_only_the_scheduled_one_alerts(
    prefect_api, site, tmp_path
) -> None:
    from peelpipe.flows import backfill_flow, refresh_flow

    before = backfill(site, tmp_path)
    root = tmp_path / "warehouse"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        scheduled = refresh_flow(settings=run_settings(site, tmp_path), return_state=True)
        manual = backfill_flow(cycles=["2017"], settings=run_settings(site, tmp_path), return_state=True)
        still_held = not lock_is_free(root)
    finally:
        holder.communicate("", timeout=30)
    for state in (scheduled, manual):
        assert state.is_failed() and "is being written by pid" in (state.message or ""), state
    assert still_held  # the failed runs did not take or break the other writer's lock
    assert json.loads((root / "CURRENT").read_text()) == before
    read_all(root, before)
    assert lock_is_free(root)  # freed when its holder finished
    titles = site.titles()
    assert titles == [FAILED_TITLE], titles  # the scheduled run's failure only: a backfill has no health alert
    assert "is being written by pid" in json.loads(site.receiver.requests_to("/hook")[0].body)["message"]
