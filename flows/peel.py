"""Prefect flows: the scheduled refresh and the backfill over explicit cycles and forces.

Tasks are coarse (one per cycle for fetch+parse, one to build and publish): Prefect costs
milliseconds per task run and a page per task would swamp it. Fetch tasks run one after another
so the site only ever sees one connection from us.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from peelpipe import pipeline
from peelpipe.config import Catalogue, load
from peelpipe.errors import PeelpipeError
from peelpipe.fetch import RequestBudget
from peelpipe.models import PageRef
from peelpipe.alerts import render_markdown
from peelpipe.report import coverage, progress_printer, run_summary_text
from peelpipe.transform.build import PageOutcome, RunInfo


def _retry_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a task only for errors that may pass (network trouble), never for a 403 or bad config."""
    try:
        state.result()
    except PeelpipeError as exc:
        return exc.transient
    except Exception:
        return True
    return False


@task(name="fetch-and-parse-cycle", task_run_name="fetch-and-parse-{refs[0].cycle_id}", cache_policy=NO_CACHE,
      retries=2, retry_delay_seconds=[30, 120],
      retry_condition_fn=_retry_transient)
def fetch_and_parse_cycle(catalogue: Catalogue, refs: list[PageRef], previous_pages: dict[str, dict[str, Any]],
                          budget: RequestBudget, progress: bool = False) -> tuple[list[PageOutcome], dict[str, int]]:
    """Fetch (conditionally) and parse the pages of one cycle."""
    warehouse = pipeline.open_warehouse(catalogue)
    return pipeline.fetch_and_parse(catalogue, refs, warehouse, previous_pages, progress_printer(not progress),
                                    budget=budget)


@task(name="discover-pages", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[30, 120],
      retry_condition_fn=_retry_transient)
def discover_pages(catalogue: Catalogue, planned: list[PageRef], cycle_ids: list[str], force_ids: list[str],
                   budget: RequestBudget) -> tuple[list[Any], dict[str, int]]:
    """Reports listed on the index pages that the URL patterns did not predict."""
    warehouse = pipeline.open_warehouse(catalogue)
    return pipeline.discover_pages(catalogue, warehouse, planned, cycle_ids, force_ids, budget=budget)


@task(name="build-and-publish", cache_policy=NO_CACHE)
def build_and_publish(catalogue: Catalogue, outcomes: list[PageOutcome], run: RunInfo,
                      alerts: bool) -> pipeline.RunSummary:
    """Merge into the current snapshot, detect changes, deliver alerts if due, publish atomically."""
    warehouse = pipeline.open_warehouse(catalogue)
    deliver = pipeline.alert_step(catalogue, warehouse) if alerts else None
    return pipeline.build_and_publish(catalogue, warehouse, outcomes, run, deliver)


def _run(catalogue: Catalogue, cycle_ids: list[str], force_ids: list[str], mode: str, announce: bool,
         deliver: bool, progress: bool) -> dict[str, Any]:
    warehouse = pipeline.open_warehouse(catalogue)
    cycles, skipped = pipeline.parseable_cycles(catalogue, cycle_ids)
    run = pipeline.new_run(mode, pipeline.scope_text(cycles, force_ids, catalogue), announce)
    with warehouse.lock(f"peelpipe {mode} (Prefect flow)"):
        previous_pages = {r["source_url"]: r for r in warehouse.read_table("pages")}
        budget = RequestBudget(catalogue.settings.max_requests)
        planned, refs = pipeline.pages_to_fetch(catalogue, cycles, force_ids, mode, previous_pages, run.started_at)
        # quote(): Prefect walks every element of every task argument, twice, looking for futures to
        # track. Ours are plain data (every page's row), so the walk cost ~1-2 s a run, growing with the
        # warehouse, for nothing. quote() skips it; the task still gets the value itself.
        extra, totals = discover_pages(quote(catalogue), quote(planned), cycles, force_ids, quote(budget))
        outcomes: list[PageOutcome] = []
        for cycle_id in cycles:
            cycle_refs = [r for r in refs + extra if r.cycle_id == cycle_id]
            if not cycle_refs:
                continue
            cycle_outcomes, stats = fetch_and_parse_cycle(quote(catalogue), quote(cycle_refs), quote(previous_pages),
                                                          quote(budget), progress)
            outcomes.extend(cycle_outcomes)
            totals = pipeline.add_stats(totals, stats)
        run.stats = pipeline.outcome_stats(outcomes, totals)
        summary = build_and_publish(quote(catalogue), quote(outcomes), quote(run), deliver)
    summary.skipped_cycles = skipped
    text = run_summary_text(summary, catalogue)
    create_markdown_artifact(key="peel-run-summary", markdown=f"```\n{text}\n```",
                             description=f"peelpipe {mode} summary")
    create_markdown_artifact(key="peel-grade-changes", markdown=render_markdown(summary.changes),
                             description=f"changes found by this {mode}")
    rows = [{k: v if k != "missing" else ", ".join(v) for k, v in row.items()}
            for row in coverage(catalogue, warehouse.read_table("assessments"))]
    create_table_artifact(key="peel-coverage", table=rows, description="forces found per cycle, gaps named")
    return {"summary": summary, "text": text}


@flow(name="peel-backfill", log_prints=False)
def backfill_flow(cycles: str = "all", forces: str = "all", alerts: bool = False,
                  settings: dict[str, Any] | None = None, progress: bool = False) -> dict[str, Any]:
    """Fetch, parse and publish an explicit scope. Records changes; alerts only when asked."""
    catalogue = load(settings)
    return _run(catalogue, catalogue.cycle_ids(cycles), catalogue.force_ids(forces), "backfill", alerts, alerts,
                progress)


def _health_alert(flow: Any, flow_run: Any, state: Any) -> None:
    """A scheduled run that fails tells the health channels (the warehouse keeps its last snapshot)."""
    try:
        state.result()
    except Exception as exc:  # the failure being reported
        settings = (getattr(flow_run, "parameters", None) or {}).get("settings")
        pipeline.alert_run_failed(load(settings), "scheduled run", exc)


@flow(name="peel-refresh", log_prints=False, on_failure=[_health_alert], on_crashed=[_health_alert])
def refresh_flow(settings: dict[str, Any] | None = None, progress: bool = False) -> dict[str, Any]:
    """The scheduled run: every cycle and force, conditional requests, changes announced and delivered."""
    catalogue = load(settings)
    return _run(catalogue, list(catalogue.cycles), list(catalogue.forces), "run", True, True, progress)
