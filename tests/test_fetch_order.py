"""Pages a run had to leave for the next one are fetched first by the next one, across all its cycles.

Before, a run fetched cycle after cycle, oldest fetch first only within each cycle: pages of a later
cycle left over when the Retry-After budget ran out waited behind every page of the earlier cycles.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from faultsite import ok
from httpsim import Reply, ScriptedServer
from synthforces import Content, path_of, synthetic_config, uniform

from peelpipe import pipeline
from peelpipe.config import load_catalogue, load_settings
from peelpipe.fetch.client import reset_pacer
from peelpipe.models import PageRef
from peelpipe.plan import fetch_batches
from peelpipe.urls import page_ref

pytestmark = pytest.mark.usefixtures("fresh_pacer")
PAGES = ["landing", "effectiveness", "efficiency", "legitimacy"]


def test_pages_left_over_budget_come_first_next_run_whichever_their_cycle(tmp_path) -> None:
    from dataclasses import replace

    config = synthetic_config(tmp_path / "config", ["testshire"])
    pages = {path_of("testshire", p, "2016"): Content("testshire", p, (), "2016").html() for p in PAGES}
    pages |= {path_of("testshire", p): uniform("testshire", p).html() for p in PAGES}
    with ScriptedServer() as server:
        for path, html in pages.items():
            server.route(path, ok(html))
        settings = replace(
            load_settings(config, environ={}),
            base_url=server.url,
            warehouse=str(tmp_path / "warehouse"),
            index_pages=(),
            request_delay=0.0,
            respect_robots=False,
            retry_backoff=0.01,
            max_retries=2,
            max_retry_after=10.0,
            retry_after_budget=1.0,
            refresh_closed_days=1,
        )
        catalogue = load_catalogue(config, settings)
        pipeline.run_pipeline(catalogue, ["2016", "2017"], ["testshire"])

        # 2016's efficiency page asks for a 2 s wait the run's 1 s budget cannot give: it, the rest of
        # 2016 and all of 2017 are left for the next run.
        left = [path_of("testshire", p, "2016") for p in ("efficiency", "legitimacy")]
        left += [path_of("testshire", p) for p in PAGES]
        server.route(left[0], Reply(503, headers={"Retry-After": "2"}))
        reset_pacer()
        summary = pipeline.run_pipeline(catalogue, ["2016", "2017"], ["testshire"], mode="run")
        assert summary.stats["pages_over_budget"] == len(left)

        server.route(left[0], ok(pages[left[0]]))
        server.clear()
        reset_pacer()
        summary = pipeline.run_pipeline(catalogue, ["2016", "2017"], ["testshire"], mode="run")
        requested = [r.path for r in server.requests if r.path in pages]
    assert requested[: len(left)] == left  # every page left over first, 2017's before 2016's fresher ones
    assert requested[len(left) :] == [path_of("testshire", p, "2016") for p in ("landing", "effectiveness")]
    assert summary.stats["pages_over_budget"] == 0


def _ref(cycle: str, page: str) -> PageRef:
    kind, pillar = ("landing", None) if page == "landing" else ("pillar", page)
    return page_ref("testshire", cycle, kind, pillar, path_of("testshire", page, cycle), "https://example.invalid")


def test_fetch_batches_keep_a_cycle_whole_unless_part_of_it_was_left_over() -> None:
    refs = [_ref(c, p) for c in ("2016", "2017") for p in PAGES]
    never = fetch_batches(["2016", "2017"], refs, {})
    assert [[r.cycle_id for r in batch] for batch in never] == [["2016"] * 4, ["2017"] * 4]
    assert [r for batch in never for r in batch] == refs  # the plan's order

    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    fetched = {r.url: {"fetched_at": t0 + timedelta(seconds=i)} for i, r in enumerate(refs)}
    assert fetch_batches(["2016", "2017"], refs, fetched) == never  # one run's pages: its order again
    for r in refs[:2]:  # 2016's first two pages were fetched again by a run that then stopped
        fetched[r.url] = {"fetched_at": t0 + timedelta(days=1)}
    batches = fetch_batches(["2016", "2017"], refs, fetched)
    assert batches == [refs[2:4], refs[4:], refs[:2]]
    assert fetch_batches(["2017"], refs, fetched) == [refs[4:]]  # only the run's cycles
