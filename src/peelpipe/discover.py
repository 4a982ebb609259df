"""Reports the configured index pages list that the URL patterns did not predict (a Welsh copy, a
renamed slug): the run's discover step."""

from __future__ import annotations

from peelpipe.config import Catalogue
from peelpipe.fetch import Fetcher, RequestBudget, fetcher_for
from peelpipe.models import FETCHED, NOT_MODIFIED, PageRef
from peelpipe.parse import parser_for
from peelpipe.warehouse import Warehouse


def discover_pages(
    catalogue: Catalogue,
    warehouse: Warehouse,
    planned: list[PageRef],
    cycle_ids: list[str],
    force_ids: list[str],
    fetcher: Fetcher | None = None,
    budget: RequestBudget | None = None,
) -> tuple[list[PageRef], dict[str, int]]:
    """Pages of the run's scope listed on the configured index pages that the URL patterns did not
    predict (`planned` is the whole plan, not a run's slice of it)."""
    from peelpipe.parse.links import page_links
    from peelpipe.urls import page_for_url

    if not catalogue.settings.index_pages:
        return [], {}
    archive = warehouse.archive()
    known = {ref.path for ref in planned}
    found: dict[str, PageRef] = {}
    with fetcher_for(fetcher, catalogue.settings, archive, budget) as fetching:
        for path in catalogue.settings.index_pages:
            result = fetching.fetch(catalogue.settings.base_url.rstrip("/") + "/" + path.lstrip("/"))
            if result.outcome not in (FETCHED, NOT_MODIFIED) or not result.sha256:
                continue
            for link in page_links(archive.get(result.sha256), result.final_url or result.url):
                ref = page_for_url(link, catalogue)
                if (
                    ref is not None
                    and ref.path not in known
                    and ref.cycle_id in cycle_ids
                    and ref.force_id in force_ids
                    and parser_for(ref, catalogue) is not None
                ):
                    found.setdefault(ref.path, ref)
    return list(found.values()), fetching.stats.counts()
