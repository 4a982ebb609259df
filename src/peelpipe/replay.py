"""`peelpipe replay`: rebuild the warehouse from the raw page archive alone, with no network.

Judgements, findings and issues are parsed again from the stored bodies (so a new parser version
applies to every page); the change history is kept as it was, since a rebuild is not news.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from peelpipe.config import Catalogue
from peelpipe.models import FETCHED, NOT_FOUND, NOT_MODIFIED, FetchResult, PageRef
from peelpipe.parse import parse_page
from peelpipe.pipeline import (
    Progress,
    RunSummary,
    new_run,
    open_warehouse,
    outcome_stats,
    parseable_cycles,
    plan_pages,
    run_row,
    write_readers,
)
from peelpipe.transform.build import PageOutcome, build_tables
from peelpipe.warehouse import Warehouse


def replay_outcomes(
    catalogue: Catalogue, warehouse: Warehouse, refs: list[PageRef], progress: Progress | None = None
) -> list[PageOutcome]:
    """Outcomes for planned pages from the raw archive alone: what the last fetch of each path saw
    (its stored body, or a 404 for a page the site had withdrawn)."""
    archive = warehouse.archive()
    bodies = {urlsplit(url).path.rstrip("/") + "/": sha for url, sha in archive.latest_bodies().items()}
    gone: set[str] = set()
    for entry in archive.entries():  # in order: the last word on each path wins
        path = urlsplit(entry.get("url") or "").path.rstrip("/") + "/"
        if entry.get("outcome") == NOT_FOUND:
            gone.add(path)
        elif entry.get("outcome") in (FETCHED, NOT_MODIFIED):
            gone.discard(path)
    outcomes = []
    archived = gone | bodies.keys()
    known = [ref for ref in refs if ref.path.rstrip("/") + "/" in archived]
    for number, ref in enumerate(known, 1):
        key = ref.path.rstrip("/") + "/"
        now = datetime.now(UTC)
        if key in gone:
            outcomes.append(
                PageOutcome(ref, FetchResult(url=ref.fetch_url, outcome=NOT_FOUND, status=404, fetched_at=now))
            )
        else:
            result = FetchResult(url=ref.fetch_url, outcome=FETCHED, status=200, sha256=bodies[key], fetched_at=now)
            outcomes.append(PageOutcome(ref, result, parse_page(archive.get(bodies[key]), ref, catalogue)))
        if progress:
            progress(number, len(known), ref, outcomes[-1].fetch.outcome)
    return outcomes


def replay(catalogue: Catalogue, progress: Progress | None = None) -> RunSummary:
    """Rebuild judgements, findings and issues from the raw archive with no network; history is kept."""
    warehouse = open_warehouse(catalogue)
    cycles, skipped = parseable_cycles(catalogue, list(catalogue.cycles))
    refs = plan_pages(catalogue, cycles, list(catalogue.forces))
    run = new_run("replay", "raw archive", announce=False)
    with warehouse.lock("peelpipe replay"):
        outcomes = replay_outcomes(catalogue, warehouse, refs, progress)
        run.stats = outcome_stats(outcomes, {})
        current = warehouse.read_all()
        now = datetime.now(UTC)
        tables = build_tables(current, outcomes, catalogue, run, now)
        # A rebuild is not news: keep the change history as it was, with no changes from this run.
        tables["changes"] = current["changes"]
        run_row(tables, run.run_id)["changes"] = 0
        manifest = warehouse.publish(tables, run.run_id)
        write_readers(catalogue, warehouse, tables, manifest)
    return RunSummary(
        run_id=run.run_id,
        mode="replay",
        snapshot_id=manifest["snapshot_id"],
        warehouse=warehouse.label,
        pages_planned=len(outcomes),
        stats=run.stats,
        tables={k: v["rows"] for k, v in manifest["tables"].items()},
        skipped_cycles=skipped,
        grade_shortfall=run_row(tables, run.run_id).get("grade_shortfall") or "",
    )
