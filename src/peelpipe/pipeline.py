"""The pipeline as plain functions: plan, discover, fetch and parse per cycle, build, publish, alert.

The order of the steps is written once, in run_pipeline; the Prefect flows (peelpipe.flows) pass it
the same steps wrapped as tasks. No Prefect here. Fetching goes through one polite client; parsing
reads bodies back from the raw archive, so any page can be re-parsed without the network.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from peelpipe.alerts.runs import alert_step
from peelpipe.config import Catalogue
from peelpipe.discover import discover_pages
from peelpipe.fetch import Fetcher, RawArchive, RequestBudget, fetcher_for
from peelpipe.models import FETCHED, NOT_MODIFIED, FetchResult, PageRef
from peelpipe.monitoring import monitoring_step
from peelpipe.parse import parse_page, parser_version_for
from peelpipe.plan import fetch_batches, pages_to_fetch
from peelpipe.plan import parseable_cycles as parseable_cycles  # re-exported: callers import these from here
from peelpipe.plan import plan_pages as plan_pages
from peelpipe.plan import select_refresh as select_refresh
from peelpipe.transform.build import PageOutcome, RunInfo, build_tables
from peelpipe.transform.health import grade_shortfall, pages_short
from peelpipe.transform.monitoring import MonitoringOutcome
from peelpipe.warehouse import Warehouse
from peelpipe.warehouse.mirror import open_location
from peelpipe.warehouse.report_page import write_report_page
from peelpipe.warehouse.views import write_views

Progress = Callable[[int, int, PageRef, str], None]


def open_warehouse(catalogue: Catalogue) -> Warehouse:
    """The configured warehouse."""
    settings = catalogue.settings
    return open_location(settings.warehouse, settings.s3_endpoint, settings.keep_snapshots, settings.lock_max_age)


def fetch_and_parse(
    catalogue: Catalogue,
    refs: list[PageRef],
    warehouse: Warehouse,
    previous_pages: dict[str, dict[str, Any]],
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
    budget: RequestBudget | None = None,
) -> tuple[list[PageOutcome], dict[str, int]]:
    """Fetch each page (conditionally) and parse what changed. Raises SiteRefusedError on a 403.

    Pages past the run's request budget, or past its Retry-After budget (with the page whose
    Retry-After did not fit), are left for the next run: not parsed, not recorded, so they keep
    their older fetch time and come first next time (pages are fetched oldest fetch first).
    """
    archive = warehouse.archive()
    outcomes: list[PageOutcome] = []
    skipped = 0
    oldest = datetime.min.replace(tzinfo=UTC)
    refs = sorted(refs, key=lambda r: (previous_pages.get(r.url) or {}).get("fetched_at") or oldest)  # stable
    with fetcher_for(fetcher, catalogue.settings, archive, budget) as fetching, fetching.archive.batch():
        # the archive's batch: fsync once per file at the end, not three times per page
        for number, ref in enumerate(refs, start=1):
            if fetching.budget.left() == 0:
                skipped = len(refs) - number + 1
                break
            result = fetching.fetch(ref.fetch_url)
            if fetching.budget.out_of_time and result.outcome == "failed":
                skipped = len(refs) - number + 1  # this page's Retry-After did not fit the run
                break
            outcomes.append(read_page(catalogue, ref, result, archive, previous_pages.get(ref.url)))
            if progress:
                progress(number, len(refs), ref, result.outcome)
    return outcomes, {**fetching.stats.counts(), "pages_over_budget": skipped}


def read_page(
    catalogue: Catalogue, ref: PageRef, result: FetchResult, archive: RawArchive, previous: dict[str, Any] | None
) -> PageOutcome:
    """Parse a fetched page, or reuse the previous parse when its content and parser are unchanged.

    A page that could not be read is parsed again each time, so that it keeps counting as failing."""
    if result.outcome not in (FETCHED, NOT_MODIFIED) or not result.sha256:
        return PageOutcome(ref, result)
    if (
        previous is not None
        and previous.get("content_sha256") == result.sha256
        and previous.get("parser_version") == parser_version_for(ref, catalogue)
        and previous.get("status") == "parsed"
    ):
        return PageOutcome(ref, result, reused=True)
    body = archive.get(result.sha256)
    return PageOutcome(ref, result, parse_page(body, ref, catalogue, result.content_type, result.final_url))


@dataclass
class RunSummary:
    """What a run did, for people and for the run summary artifact."""

    run_id: str
    mode: str
    snapshot_id: str | None
    warehouse: str
    pages_planned: int
    stats: dict[str, int]
    changes: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    skipped_cycles: list[str] = field(default_factory=list)
    alerts: dict[str, int] = field(default_factory=dict)
    grade_shortfall: str = ""  # the run's runs.grade_shortfall: family=short/total, ...


def add_stats(*parts: dict[str, int]) -> dict[str, int]:
    """Counters of several steps added up."""
    total: dict[str, int] = {}
    for part in parts:
        for key, value in part.items():
            total[key] = total.get(key, 0) + value
    return total


def outcome_stats(outcomes: list[PageOutcome], fetch_stats: dict[str, int]) -> dict[str, int]:
    """Counters for the runs table and the summary."""
    return {
        **fetch_stats,
        "pages_parsed": sum(1 for o in outcomes if o.parsed is not None and o.parsed.readable),
        "pages_reused": sum(1 for o in outcomes if o.reused),
        "pages_unreadable": sum(1 for o in outcomes if o.parsed is not None and not o.parsed.readable),
        "pages_failed": sum(1 for o in outcomes if o.fetch.outcome in ("failed", "disallowed")),
        "pages_not_found": sum(1 for o in outcomes if o.fetch.outcome == "not_found"),
    }


def new_run(mode: str, scope: str, announce: bool) -> RunInfo:
    """A run id and start time."""
    now = datetime.now(UTC)
    return RunInfo(
        run_id=f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}", mode=mode, started_at=now, scope=scope, announce=announce
    )


def run_row(tables: dict[str, list[dict[str, Any]]], run_id: str) -> dict[str, Any]:
    """The runs row a run added to the tables it built."""
    return next(r for r in reversed(tables["runs"]) if r["run_id"] == run_id)


def build_and_publish(
    catalogue: Catalogue,
    warehouse: Warehouse,
    outcomes: list[PageOutcome],
    run: RunInfo,
    deliver: Callable[[dict[str, list[dict[str, Any]]], RunInfo], dict[str, int]] | None = None,
) -> RunSummary:
    """Merge this run into the current snapshot, deliver alerts if asked, publish atomically."""
    previous = warehouse.read_all()
    now = datetime.now(UTC)
    tables = build_tables(previous, outcomes, catalogue, run, now)
    alert_counts = deliver(tables, run) if deliver else {}
    manifest = warehouse.publish(tables, run.run_id)
    write_readers(catalogue, warehouse, tables, manifest)
    return RunSummary(
        run_id=run.run_id,
        mode=run.mode,
        snapshot_id=manifest["snapshot_id"],
        warehouse=warehouse.label,
        pages_planned=len(outcomes),
        stats=run.stats,
        changes=[c for c in tables["changes"] if c["run_id"] == run.run_id],
        issues=[i for i in tables["parse_issues"] if i["seen_at"] == now],
        tables={k: v["rows"] for k, v in manifest["tables"].items()},
        alerts=alert_counts,
        grade_shortfall=run_row(tables, run.run_id).get("grade_shortfall") or "",
    )


def write_readers(
    catalogue: Catalogue, warehouse: Warehouse, tables: dict[str, list[dict[str, Any]]], manifest: dict[str, Any]
) -> None:
    """What readers open beside the snapshot just published: peel.duckdb, report.html, the Atom feed."""
    write_views(warehouse.root, manifest)
    write_report_page(warehouse.root, tables, manifest, list(catalogue.areas))
    if catalogue.settings.feed:
        from peelpipe.alerts import write_feed

        write_feed(warehouse.root / "changes.atom", tables["changes"])


@dataclass(frozen=True)
class Steps:
    """How run_pipeline calls its three coarse steps: directly (the default), or wrapped, as the
    Prefect flows do to run each one as a task. The order of the steps lives in run_pipeline alone."""

    discover: Callable[
        [Catalogue, list[PageRef], list[str], list[str], RequestBudget], tuple[list[PageRef], dict[str, int]]
    ]
    fetch_cycle: Callable[
        [Catalogue, list[PageRef], dict[str, dict[str, Any]], RequestBudget, Progress | None],
        tuple[list[PageOutcome], dict[str, int]],
    ]
    publish: Callable[[Catalogue, list[PageOutcome], RunInfo, bool], RunSummary]
    monitoring: Callable[[Catalogue, RequestBudget], tuple[list[MonitoringOutcome], dict[str, int]]] = monitoring_step


def discover_step(
    catalogue: Catalogue, planned: list[PageRef], cycle_ids: list[str], force_ids: list[str], budget: RequestBudget
) -> tuple[list[PageRef], dict[str, int]]:
    """Step 1: reports listed on the index pages that the URL patterns did not predict."""
    return discover_pages(catalogue, open_warehouse(catalogue), planned, cycle_ids, force_ids, budget=budget)


def fetch_cycle_step(
    catalogue: Catalogue,
    refs: list[PageRef],
    previous_pages: dict[str, dict[str, Any]],
    budget: RequestBudget,
    progress: Progress | None = None,
) -> tuple[list[PageOutcome], dict[str, int]]:
    """Step 2, once per cycle: fetch the cycle's pages (conditionally) and parse what changed."""
    return fetch_and_parse(catalogue, refs, open_warehouse(catalogue), previous_pages, progress, budget=budget)


def publish_step(catalogue: Catalogue, outcomes: list[PageOutcome], run: RunInfo, alerts: bool) -> RunSummary:
    """Step 3: merge into the current snapshot, detect changes, deliver alerts when asked, publish."""
    warehouse = open_warehouse(catalogue)
    deliver = alert_step(catalogue, warehouse) if alerts else None
    return build_and_publish(catalogue, warehouse, outcomes, run, deliver)


DIRECT = Steps(discover=discover_step, fetch_cycle=fetch_cycle_step, publish=publish_step)


def run_pipeline(
    catalogue: Catalogue,
    cycle_ids: list[str],
    force_ids: list[str],
    *,
    mode: str = "backfill",
    announce: bool = False,
    alerts: bool = False,
    progress: Progress | None = None,
    steps: Steps = DIRECT,
) -> RunSummary:
    """One whole run, under the writer lock: plan, discover, fetch and parse cycle by cycle, then build,
    publish and alert. `announce` marks the run's changes as news; `alerts` delivers them."""
    warehouse = open_warehouse(catalogue)
    cycles, skipped = parseable_cycles(catalogue, cycle_ids)
    run = new_run(mode, scope_text(cycles, force_ids, catalogue), announce)
    budget = RequestBudget(catalogue.settings.max_requests)
    with warehouse.lock(f"peelpipe {mode}"):
        previous_pages = {r["source_url"]: r for r in warehouse.read_table("pages")}
        planned, refs = pages_to_fetch(catalogue, cycles, force_ids, mode, previous_pages, run.started_at)
        extra, totals = steps.discover(catalogue, planned, cycles, force_ids, budget)
        outcomes: list[PageOutcome] = []
        for batch in fetch_batches(cycles, refs + extra, previous_pages):  # oldest fetch first, whole run
            batch_outcomes, stats = steps.fetch_cycle(catalogue, batch, previous_pages, budget, progress)
            outcomes.extend(batch_outcomes)
            totals = add_stats(totals, stats)
        run.monitoring, stats = steps.monitoring(catalogue, budget)  # the site-wide Engage pages, once
        run.stats = outcome_stats(outcomes, add_stats(totals, stats))
        summary = steps.publish(catalogue, outcomes, run, alerts)
    summary.skipped_cycles = skipped
    return summary


def cycle_stats(outcomes: list[PageOutcome], fetch_stats: dict[str, int]) -> dict[str, int]:
    """One cycle's counters for its log line: requests, 304s, pages parsed, parse issues, and pages that
    read fewer grades than they promise."""
    return {
        **outcome_stats(outcomes, fetch_stats),
        "parse_issues": sum(len(o.parsed.issues) for o in outcomes if o.parsed is not None),
        "pages_short": pages_short(grade_shortfall(outcomes)),
    }


def scope_text(cycle_ids: list[str], force_ids: list[str], catalogue: Catalogue) -> str:
    """A short description of a run's scope."""
    cycles = "all cycles" if set(cycle_ids) >= set(catalogue.cycles) else "cycles " + ",".join(cycle_ids)
    forces = "all forces" if set(force_ids) >= set(catalogue.forces) else "forces " + ",".join(force_ids)
    return f"{cycles}; {forces}"
