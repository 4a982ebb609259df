"""PEEL page URLs: one canonical form per page, and which force, cycle and page family a URL is.

The same page is reachable under www.justiceinspectorates.gov.uk/hmic/…, …/hmicfrs/… and
hmicfrs.justiceinspectorates.gov.uk/…, over http or https, with or without a trailing slash or '?',
and with doubled slashes. Renamed slugs (hampshire-and-isle-of-wight) and Welsh copies
(heddlu-<force>) belong to the same force. Pure functions: no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from peelpipe.config import CANONICAL_BASE, Catalogue
from peelpipe.models import PageRef
from peelpipe.redact import without_credentials

_OLD_PREFIX = re.compile(r"^/(?:hmic|hmicfrs)(?=/)")
_ASSESSMENT = re.compile(
    r"^/peel-assessments/(?P<segment>peel-\d{4})/(?P<slug>[a-z0-9-]+)/(?:(?P<pillar>effectiveness|"
    r"efficiency|legitimacy)/)?$"
)
_REPORT = re.compile(r"^/peel-reports/(?P<rest>[a-z0-9-]+)/$")
KNOWN_HOSTS = frozenset(
    {"hmicfrs.justiceinspectorates.gov.uk", "www.justiceinspectorates.gov.uk", "justiceinspectorates.gov.uk"}
)


def page_ref(force_id: str, cycle_id: str, kind: str, pillar: str | None, path: str, base_url: str) -> PageRef:
    """A page at `path`: its identity on the live site, and where this run fetches it (base_url + path,
    without the base URL's credentials: the fetcher sends those apart)."""
    return PageRef(
        force_id,
        cycle_id,
        kind,
        pillar,
        path,
        CANONICAL_BASE + "/" + path.lstrip("/"),
        without_credentials(base_url).rstrip("/") + "/" + path.lstrip("/"),
    )


def canonical_path(url_or_path: str) -> str:
    """The path of a PEEL URL in one form: no /hmic or /hmicfrs prefix, single slashes, trailing slash."""
    path = urlsplit(url_or_path).path if "://" in url_or_path else url_or_path.split("?", 1)[0].split("#", 1)[0]
    path = re.sub(r"/{2,}", "/", "/" + path.lstrip("/"))
    path = _OLD_PREFIX.sub("", path)
    return path if path.endswith("/") else path + "/"


def canonical_url(url: str) -> str:
    """The page's URL on the current HMICFRS host, https, canonical path, no query."""
    return CANONICAL_BASE + canonical_path(url)


def page_for_url(url: str, catalogue: Catalogue) -> PageRef | None:
    """Which force, cycle and page a URL is (any host form, alias or Welsh copy); None if not a PEEL page."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc.lower() not in KNOWN_HOSTS | catalogue.settings.hosts:
        return None
    path = canonical_path(url)
    match = _ASSESSMENT.match(path)
    if match:
        cycle = next((c for c in catalogue.cycles.values() if c.segment == match.group("segment")), None)
        force = catalogue.force_for_slug(match.group("slug"))
        if cycle is None or force is None:
            return None
        pillar = match.group("pillar")
        return page_ref(
            force.id, cycle.id, "pillar" if pillar else "landing", pillar, path, catalogue.settings.base_url
        )
    match = _REPORT.match(path)
    if match:
        rest = match.group("rest")
        for cycle in catalogue.cycles.values():
            suffix = f"-{cycle.segment}"
            if cycle.family == "area" and rest.endswith(suffix):
                force = catalogue.force_for_slug(rest[: -len(suffix)])
                if force is None:
                    return None
                return page_ref(force.id, cycle.id, "report", None, path, catalogue.settings.base_url)
    return None


def is_welsh_copy(page: PageRef) -> bool:
    """Whether a page is the Welsh-language copy of a report (heddlu-<force>-<cycle>)."""
    return page.path.strip("/").split("/")[-1].startswith("heddlu-")


def _identity(page: PageRef) -> tuple[str, str, str, str | None]:
    return page.force_id, page.cycle_id, page.kind, page.pillar


def redirect_mismatch(final_url: str | None, page: PageRef, catalogue: Catalogue) -> str | None:
    """Why the page a fetch ended at (`final_url`, after redirects) is not the planned `page`, or
    None when it is the same force, cycle and kind (aliases and Welsh copies are the same force).
    A base URL's path prefix (a mirror at https://host/peel/) is taken off first."""
    if not final_url or final_url in (page.fetch_url, page.url):
        return None
    if page_for_url(page.path, catalogue) is None:
        return None  # a page its URL does not identify: only its text can tell
    parts = urlsplit(final_url)
    prefix = urlsplit(catalogue.settings.base_url).path.rstrip("/")
    url = final_url
    if prefix and parts.path.startswith(prefix + "/"):
        url = parts._replace(path=parts.path[len(prefix) :]).geturl()
    found = page_for_url(url, catalogue)
    if found is None:
        return f"redirected to {final_url}, which is no PEEL page of a known force and cycle"
    if _identity(found) != _identity(page):
        planned = " ".join(filter(None, _identity(page)))
        return f"redirected to {final_url}, the page of {' '.join(filter(None, _identity(found)))}, not of {planned}"
    return None
