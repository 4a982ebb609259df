"""`peelpipe replay`: rebuild the warehouse from the raw page archive alone, with no network.

Judgements, findings and issues are parsed again from the stored bodies (so a new parser version
applies to every page); the change history is kept as it was, since a rebuild is not news. Rows
kept under a derived id whose wording config/areas.toml now maps move to that id first
(transform.remap), with the changes and alerts that name them; a grade compared across cycles for
the first time because of the move is recorded unannounced, as a backfill records it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from peelpipe.config import Catalogue
from peelpipe.fetch.archive import is_sha256
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
from peelpipe.transform.remap import CROSS_CYCLE, area_moves, move_areas
from peelpipe.warehouse import Warehouse


def replay_outcomes(
    catalogue: Catalogue, warehouse: Warehouse, refs: list[PageRef], progress: Progress | None = None
) -> list[PageOutcome]:
    """Outcomes for planned pages from the raw archive alone: what the last fetch of each path saw
    (its stored body, or a 404 for a page the site had withdrawn)."""
    archive = warehouse.archive()
    bodies: dict[str, str] = {}
    stored: dict[str, bool] = {}
    gone: set[str] = set()
    # In fetch order: the last word on each path wins, whichever base URL (mirror, test server port)
    # it was fetched from; a body missing from the archive leaves the one before it.
    for entry in archive.entries():
        path = urlsplit(entry.get("url") or "").path.rstrip("/") + "/"
        if entry.get("outcome") == NOT_FOUND:
            gone.add(path)
        elif entry.get("outcome") in (FETCHED, NOT_MODIFIED):
            gone.discard(path)
            sha = entry.get("sha256")
            if sha and is_sha256(sha):
                if sha not in stored:
                    stored[sha] = archive.has(sha)
                if stored[sha]:
                    bodies[path] = sha
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
        parsed = {o.page.url: o.parsed for o in outcomes if o.parsed is not None}
        current = move_areas(current, area_moves(current.get("observations", []), parsed), catalogue)
        now = datetime.now(UTC)
        tables = build_tables(current, outcomes, catalogue, run, now)
        # A rebuild is not news: keep the change history as it was. Only a comparison across cycles
        # the history lacks (a moved area meeting its earlier grade) is added, unannounced, so that
        # the next run does not announce it either.
        found = [
            dict(c, announce=False)
            for c in tables["changes"]
            if c["run_id"] == run.run_id and c["change_type"] in CROSS_CYCLE
        ]
        tables["changes"] = current["changes"] + found
        run_row(tables, run.run_id)["changes"] = len(found)
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
