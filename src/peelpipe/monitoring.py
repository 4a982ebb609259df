"""The monitoring pages step: fetch the configured Engage pages once per run and read them.

They are site-wide pages, not force or cycle pages, so every run reads them whole, whatever its
--forces or --cycles (both pages list every force; a subset would record a part of a page as the
page). Requests are conditional, so an unchanged page costs a 304; its archived body is read again
(two small pages), so the table always restates what the pages say.
"""

from __future__ import annotations

from peelpipe.config import CANONICAL_BASE, Catalogue
from peelpipe.fetch import Fetcher, RequestBudget, fetcher_for
from peelpipe.models import FETCHED, NOT_MODIFIED
from peelpipe.parse import monitoring as monitoring_parser
from peelpipe.transform.monitoring import MonitoringOutcome
from peelpipe.warehouse import Warehouse


def fetch_monitoring(
    catalogue: Catalogue, warehouse: Warehouse, fetcher: Fetcher | None = None, budget: RequestBudget | None = None
) -> tuple[list[MonitoringOutcome], dict[str, int]]:
    """Fetch (conditionally) and parse each configured monitoring page."""
    paths = catalogue.settings.monitoring_pages
    if not paths:
        return [], {}
    archive = warehouse.archive()
    outcomes: list[MonitoringOutcome] = []
    with fetcher_for(fetcher, catalogue.settings, archive, budget) as fetching:
        for path in paths:
            path = "/" + path.lstrip("/")
            url = CANONICAL_BASE + path
            result = fetching.fetch(catalogue.settings.base_url.rstrip("/") + path)
            outcome = MonitoringOutcome(url=url, fetch=result)
            if result.outcome in (FETCHED, NOT_MODIFIED) and result.sha256:
                body = archive.get(result.sha256)
                outcome.parsed = monitoring_parser.parse(body, url, catalogue, result.content_type)
            outcomes.append(outcome)
    return outcomes, fetching.stats.counts()


def monitoring_step(catalogue: Catalogue, budget: RequestBudget) -> tuple[list[MonitoringOutcome], dict[str, int]]:
    """The run's step that reads the monitoring pages (the flows run it as a task)."""
    from peelpipe.pipeline import open_warehouse

    return fetch_monitoring(catalogue, open_warehouse(catalogue), budget=budget)
