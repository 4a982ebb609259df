"""robots.txt for the fetch layer: reading it (RFC 9309), caching it per process, and what it allows.

Kept apart from client.py so the HTTP client holds the transport (pacing, retries, size caps,
redirects) and this module holds the crawl rules: the client supplies the requests, this module
decides what the answers mean. Rules are cached per origin and user agent across every Fetcher in
the process, so a run reads each robots.txt once, not once per task.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from peelpipe.errors import SiteRefusedError

ROBOTS_TTL = 3600.0  # seconds a robots.txt is trusted within one process (RFC 9309 allows up to 24 h)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ROBOTS: dict[tuple[str, str], tuple[float, RobotFileParser | None]] = {}  # (origin, UA) -> (read at, rules)
_ROBOTS_LOCK = threading.Lock()
log = logging.getLogger("peelpipe.fetch")
_WARNED: set[str] = set()  # origins whose capped Crawl-delay was reported (once per process)


class BudgetExhausted(Exception):
    """The run's request budget was spent before a page (or its robots.txt) could be requested."""


class RobotsReply(Protocol):
    """What this module needs of one HTTP exchange made by the client (after its retries)."""

    @property
    def status(self) -> int | None: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def body(self) -> bytes: ...
    @property
    def error(self) -> str | None: ...
    @property
    def budget(self) -> bool: ...


Send = Callable[[str, dict[str, str]], RobotsReply]  # (url, headers) -> reply
RedirectTarget = Callable[
    [str, str | None, list[str]], tuple[str, str | None]
]  # (url, Location, seen) -> (target, why not)
Loader = Callable[[str], RobotFileParser | None]  # origin -> rules (None: everything allowed)


def reset_robots() -> None:
    """Forget every robots.txt read in this process."""
    with _ROBOTS_LOCK:
        _ROBOTS.clear()
        _WARNED.clear()


def load_robots(origin: str, send: Send, redirect_target: RedirectTarget) -> RobotFileParser | None:
    """Fetch and parse robots.txt (RFC 9309): 4xx allows all; 5xx or unreachable refuses the site.

    Raises BudgetExhausted when the request budget ran out, SiteRefusedError when the site is refused.
    """
    robots_url = current = f"{origin}/robots.txt"
    seen = [current]
    while True:
        reply = send(current, {"Accept": "text/plain"})
        if reply.budget:
            raise BudgetExhausted
        if reply.error and reply.error.startswith("redirect to an invalid URL"):
            log.warning("%s: %s; treating robots.txt as unavailable (RFC 9309: allow all)", robots_url, reply.error)
            return None
        if reply.status not in REDIRECT_STATUSES or reply.error:
            break
        target, error = redirect_target(current, reply.headers.get("location"), seen)
        if error and error.startswith("redirect to other host"):
            raise SiteRefusedError(robots_url, f"robots.txt {error}; add the host to allowed_hosts")
        if error:  # RFC 9309: a redirect that cannot be followed means robots.txt is unavailable
            log.warning("%s: %s; treating robots.txt as unavailable (RFC 9309: allow all)", robots_url, error)
            return None
        seen.append(target)
        current = target
    status = reply.status
    if reply.error is None and status is not None and 200 <= status < 300:
        rules = RobotFileParser(robots_url)
        rules.parse(reply.body.decode("utf-8-sig", errors="replace").splitlines())
        return rules
    if reply.error is None and status is not None and 400 <= status < 500 and status != 429:
        return None
    why = reply.error or f"HTTP {status}"
    raise SiteRefusedError(
        robots_url,
        f"robots.txt unreachable ({why}); refusing to crawl (RFC 9309: an unreachable robots.txt means disallow all)",
        transient=True,
        status=status,
    )


class RobotsRules:
    """One Fetcher's view of robots.txt: the rules of each origin it met and each host's Crawl-delay."""

    def __init__(self, user_agent: str, request_delay: float, max_crawl_delay: float = 30.0) -> None:
        self.user_agent = user_agent
        self.request_delay = request_delay
        self.max_crawl_delay = max_crawl_delay
        self._rules: dict[str, RobotFileParser | None] = {}  # origin -> rules (None: everything allowed)
        self._delays: dict[str, float] = {}  # host -> delay between requests (Crawl-delay may raise it)

    def delay(self, host: str) -> float:
        """Seconds to leave between requests to `host`: the configured delay, or a longer Crawl-delay."""
        return self._delays.get(host, self.request_delay)

    def allowed(self, url: str, load: Loader) -> bool:
        """Whether robots.txt of the URL's origin lets our user agent fetch it (read once per origin)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if origin not in self._rules:
            # Shared across Fetchers (one per task): one robots.txt request per run, not per task.
            key = (origin, self.user_agent)
            with _ROBOTS_LOCK:
                cached = _ROBOTS.get(key)
            if cached is not None and time.monotonic() - cached[0] < ROBOTS_TTL:
                rules = cached[1]
            else:
                rules = load(origin)
                with _ROBOTS_LOCK:
                    _ROBOTS[key] = (time.monotonic(), rules)
            self._rules[origin] = rules
            if rules is not None:
                delay = float(rules.crawl_delay(self.user_agent) or 0)
                if delay > self.max_crawl_delay:
                    if origin not in _WARNED:
                        _WARNED.add(origin)
                        log.warning(
                            "%s/robots.txt asks for a Crawl-delay of %g s; waiting max_crawl_delay %g s instead",
                            origin,
                            delay,
                            self.max_crawl_delay,
                        )
                    delay = self.max_crawl_delay
                self._delays[parts.netloc] = max(self.request_delay, delay)
        rules = self._rules[origin]
        return rules is None or rules.can_fetch(self.user_agent, url)
