"""Which pages a run fetches, and in what order: no I/O, no Prefect.

The URL patterns plan every page of a run's cycles and forces; a scheduled run takes the open
cycles whole and a rolling slice of the closed ones; and a run fetches oldest fetch first across all
its cycles, so that the pages a run had to leave (its request or Retry-After budget spent) come
first in the next one, whichever cycle they belong to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from peelpipe.config import Catalogue
from peelpipe.models import PageRef
from peelpipe.parse import parser_for
from peelpipe.urls import page_ref

_NEVER = datetime.min.replace(tzinfo=UTC)


def plan_pages(catalogue: Catalogue, cycle_ids: Iterable[str], force_ids: Iterable[str]) -> list[PageRef]:
    """Every page of the given cycles and forces, in a stable order (cycle, force, page)."""
    refs: list[PageRef] = []
    forces = list(force_ids)
    for cycle_id in cycle_ids:
        cycle = catalogue.cycles[cycle_id]
        for force_id in forces:
            for template in cycle.pages:
                slug = catalogue.forces[force_id].slug_for(template.kind) if force_id in catalogue.forces else force_id
                path = template.path.format(slug=slug, segment=cycle.segment)
                refs.append(
                    page_ref(force_id, cycle_id, template.kind, template.pillar, path, catalogue.settings.base_url)
                )
    return refs


def parseable_cycles(catalogue: Catalogue, cycle_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split cycles into those whose page families peelpipe can parse and those it cannot yet."""
    ok: list[str] = []
    skipped: list[str] = []
    for cycle_id in cycle_ids:
        cycle = catalogue.cycles[cycle_id]
        probe = (
            PageRef("probe", cycle_id, cycle.pages[0].kind, cycle.pages[0].pillar, "/", "/") if cycle.pages else None
        )
        (ok if probe and parser_for(probe, catalogue) else skipped).append(cycle_id)
    return ok, skipped


def select_refresh(
    catalogue: Catalogue, refs: list[PageRef], previous_pages: dict[str, dict[str, Any]], now: datetime
) -> list[PageRef]:
    """What a scheduled run fetches: every page of open and upcoming cycles, and the closed cycles'
    pages in a rolling slice (oldest fetch first) so that each is checked every refresh_closed_days."""
    days = catalogue.settings.refresh_closed_days
    live = [r for r in refs if catalogue.cycles[r.cycle_id].status != "closed"]
    closed = [r for r in refs if catalogue.cycles[r.cycle_id].status == "closed"]
    oldest = datetime.min.replace(tzinfo=UTC)

    def last_fetch(ref: PageRef) -> datetime:
        return (previous_pages.get(ref.url) or {}).get("fetched_at") or oldest

    closed.sort(key=lambda r: (last_fetch(r), r.url))
    share = -(-len(closed) // days)  # ceil: the whole set within `days` daily runs
    due = [r for r in closed if (now - last_fetch(r)).days >= days]
    chosen = {r.url for r in closed[:share]} | {r.url for r in due}
    return live + [r for r in refs if r.url in chosen]


def pages_to_fetch(
    catalogue: Catalogue,
    cycle_ids: list[str],
    force_ids: list[str],
    mode: str,
    previous_pages: dict[str, dict[str, Any]],
    now: datetime,
) -> tuple[list[PageRef], list[PageRef]]:
    """The pages the URL patterns predict, and those this run fetches (a scheduled run: a rolling
    slice of the closed cycles)."""
    planned = plan_pages(catalogue, cycle_ids, force_ids)
    return planned, select_refresh(catalogue, planned, previous_pages, now) if mode == "run" else planned


def last_fetch(ref: PageRef, previous_pages: dict[str, dict[str, Any]]) -> datetime:
    """When the page was last fetched (never: the earliest time, so it comes first)."""
    return (previous_pages.get(ref.url) or {}).get("fetched_at") or _NEVER


def fetch_batches(
    cycle_ids: list[str], refs: list[PageRef], previous_pages: dict[str, dict[str, Any]]
) -> list[list[PageRef]]:
    """The pages of `cycle_ids` among `refs` in the order a run fetches them, in batches of one cycle
    each (one task each through Prefect): oldest fetch first across the whole run, cycles in their
    order among pages fetched at the same time (never fetched), the plan's order within. A run's
    pages were fetched cycle by cycle, so a cycle stays one batch unless the run before left part
    of it for this one."""
    rank = {cycle_id: i for i, cycle_id in enumerate(cycle_ids)}
    ordered = sorted(
        (r for r in refs if r.cycle_id in rank), key=lambda r: (last_fetch(r, previous_pages), rank[r.cycle_id])
    )
    batches: list[list[PageRef]] = []
    for ref in ordered:
        if batches and batches[-1][0].cycle_id == ref.cycle_id:
            batches[-1].append(ref)
        else:
            batches.append([ref])
    return batches
