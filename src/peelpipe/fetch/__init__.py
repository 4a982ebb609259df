"""Fetch layer: the polite HTTP client and the raw page archive it writes to."""

from peelpipe.fetch.archive import RawArchive
from peelpipe.fetch.budget import RequestBudget
from peelpipe.fetch.client import Fetcher, FetchStats, fetcher_for

__all__ = ["FetchStats", "Fetcher", "RawArchive", "RequestBudget", "fetcher_for"]
