"""Error types. Every error peelpipe raises on purpose is a PeelpipeError.

`transient` says whether trying again later may help (network faults, 5xx, 429);
terminal errors (403 bot block, bad configuration, a corrupt warehouse) need a person.
"""

from __future__ import annotations


class PeelpipeError(Exception):
    """Root of peelpipe's errors; the CLI prints these as one line and exits non-zero."""

    transient: bool = False


class ConfigError(PeelpipeError):
    """The configuration (TOML files, environment, flags) is invalid."""


class FetchError(PeelpipeError):
    """A page could not be fetched; `url` names it."""

    def __init__(self, url: str, reason: str, *, transient: bool = False, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.transient = transient
        self.status = status


class SiteRefusedError(FetchError):
    """The site refused us as a client (403 bot block, robots.txt unreachable): the run stops."""


class WarehouseError(PeelpipeError):
    """The warehouse could not be read or written."""


class LockedError(WarehouseError):
    """Another writer holds the warehouse lock."""
