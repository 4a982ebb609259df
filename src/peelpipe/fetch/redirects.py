"""Where a redirect leads, or why it is not followed.

A Location must be a URL peelpipe can request on a configured host: an http(s) URL with a host
(`http:host` without slashes is refused rather than read as a relative path), a host that parses
and encodes (IDNA) and a valid port, no control characters. Anything else fails that page with a
clear error; it never raises out of the fetch.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from peelpipe.fetch.robots import REDIRECT_STATUSES
from peelpipe.redact import hide_credentials, without_credentials

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _host_text(netloc: str, scheme: str) -> str:
    """host[:port] without any user:password@ part, for messages."""
    return netloc.rsplit("@", 1)[-1] or f"{scheme}:"


def invalid_location(current: str, location: str) -> str | None:
    """Why a Location (from a response to `current`) is not a URL at all, or None when it parses.

    As strict as httpx, which parses a redirect's Location even when not following it."""
    location = location.strip()
    shown = hide_credentials(location)[:80]  # as quoted in a message: never a user:password@
    if _CONTROL.search(location):
        return f"redirect to an invalid URL refused (control characters in Location {shown!r})"
    scheme = _SCHEME.match(location)
    if scheme and scheme.group(1).lower() in ("http", "https") and not location[scheme.end() :].startswith("//"):
        return f"redirect to an invalid URL refused (Location {shown!r} has no //host)"
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return f"redirect to an invalid URL refused (Location {shown!r} is not an http(s) URL)"
    try:  # the steps httpx takes to build the redirect request
        url = httpx.URL(location)
        if url.scheme and not url.host:
            url = url.copy_with(host=httpx.URL(current).host)
        if url.is_relative_url:
            httpx.URL(current).join(url)
        parts = urlsplit(urljoin(current, location))
        parts.port  # noqa: B018  (raises ValueError for a port out of range or not a number)
    except (httpx.InvalidURL, ValueError) as exc:  # IDNAError is a ValueError
        return f"redirect to an invalid URL refused (Location {shown!r}: {hide_credentials(str(exc))})"
    return None


def redirect_target(
    current: str, location: str | None, seen: list[str], hosts: Collection[str], max_redirects: int
) -> tuple[str, str | None]:
    """The absolute URL a redirect from `current` leads to, or ("", why it is not followed). A user:password@
    in the Location is dropped: the fetcher authenticates to the base URL's host itself."""
    if not location or not location.strip():
        return "", "redirect without a Location header"
    problem = invalid_location(current, location)
    if problem:
        return "", problem
    target = without_credentials(urldefrag(urljoin(current, location.strip()))[0])
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in hosts:
        return "", f"redirect to other host {_host_text(parts.netloc, parts.scheme)} refused"
    if target in seen:
        return "", f"too many redirects: loop back to {target}"
    if len(seen) > max_redirects:
        return "", f"too many redirects: more than {max_redirects}"
    return target, None


class BadLocation(Exception):
    """A redirect whose Location is not a URL: raised from the response hook, before httpx parses it."""

    def __init__(self, response: httpx.Response, why: str) -> None:
        super().__init__(why)
        self.status, self.headers = response.status_code, response.headers


def check_location(response: httpx.Response) -> None:
    """httpx response hook: refuse a redirect whose Location does not parse, with a clear reason."""
    location = response.headers.get("location")
    if response.status_code in REDIRECT_STATUSES and location is not None:
        why = invalid_location(str(response.request.url), location)
        if why:
            raise BadLocation(response, why)


def invalid_url(url: str, exc: Exception) -> str:
    """Why an httpx.InvalidURL failed a request: the URL requested, or the Location it answered with."""
    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return f"invalid URL refused ({type(exc).__name__}: {exc})"
    return f"redirect to an invalid URL refused (the Location header: {exc})"
