"""The polite HTTP client: bytes in, no parsing.

One connection, a delay between requests to a host shared by every Fetcher in the process,
robots.txt (its rules and cache live in robots.py), conditional requests against the raw archive,
a response size cap, redirects only to configured hosts, and bounded retries with backoff that
honour Retry-After. Credentials in the base URL are sent as HTTP basic auth to its origin only;
every URL the fetcher records or names in a message is without them.
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import SplitResult, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from peelpipe.errors import SiteRefusedError
from peelpipe.fetch.archive import RawArchive
from peelpipe.fetch.body import ACCEPT_ENCODING, BodyError, read_body
from peelpipe.fetch.budget import RequestBudget
from peelpipe.fetch.redirects import BadLocation, check_location, invalid_url, redirect_target
from peelpipe.fetch.robots import REDIRECT_STATUSES, BudgetExhausted, RobotsRules, load_robots, reset_robots
from peelpipe.models import DISALLOWED, FAILED, FETCHED, NOT_FOUND, NOT_MODIFIED, FetchResult
from peelpipe.redact import credentials, hide_credentials, without_credentials
from peelpipe.settings import Settings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})


class _Pacer:
    """When the last request to each host started; shared by every Fetcher so tasks pace together.

    A start is recorded when the pacer lets a request go and moved to when its response headers
    arrive, so connection set-up and one-way latency never shrink the gap the server observes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hosts: dict[str, tuple[threading.Lock, list[float]]] = {}

    def wait(self, host: str, delay: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        """Block until `delay` seconds after the last start for `host`, then record this start."""
        with self._lock:
            lock, last = self._hosts.setdefault(host, (threading.Lock(), []))
        with lock:  # held while sleeping: a second thread queues behind this one
            if last and delay > 0:
                remaining = last[0] + delay - clock()
                if remaining > 0:
                    sleep(remaining)
            last[:] = [clock()]

    def touch(self, host: str, now: float) -> None:
        """Move the host's last start to `now`: called when the response headers arrive, so the next
        request starts at least `delay` after the server saw this one, whatever the connect time."""
        with self._lock:
            entry = self._hosts.get(host)
            if entry and entry[1] and now > entry[1][0]:
                entry[1][0] = now

    def reset(self) -> None:
        """Forget every host's last start."""
        with self._lock:
            self._hosts.clear()


_PACER = _Pacer()


def reset_pacer() -> None:
    """Forget when hosts were last contacted and their robots.txt (tests start from a clean slate)."""
    _PACER.reset()
    reset_robots()


@dataclass
class FetchStats:
    """Counters for one Fetcher. `errors` counts fetches that ended FAILED or raised SiteRefusedError."""

    requests: int = 0
    not_modified: int = 0
    bytes_downloaded: int = 0
    retries: int = 0
    errors: int = 0

    def counts(self) -> dict[str, int]:
        """The counters a run adds up and reports: requests, 304s and bytes downloaded."""
        return {"requests": self.requests, "not_modified": self.not_modified, "bytes_downloaded": self.bytes_downloaded}


@dataclass
class _Reply:
    """One HTTP exchange (after retries): a status with its body, or an error."""

    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    error: str | None = None
    final: bool = False  # an error that retrying cannot fix
    budget: bool = False  # not sent: the request budget is spent


@dataclass
class _Trip:
    """Book-keeping for one fetch() call."""

    url: str
    started: float
    requests: int = 0
    log: bool = True

    def result(self, outcome: str, **fields: Any) -> FetchResult:
        if fields.get("error"):  # an error may quote a URL (a Location header): never its credentials
            fields["error"] = hide_credentials(fields["error"])
        return FetchResult(
            url=self.url,
            outcome=outcome,
            elapsed=time.monotonic() - self.started,
            fetched_at=datetime.now(UTC),
            requests=self.requests,
            **fields,
        )


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta seconds or an HTTP date), None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _host(parts: SplitResult) -> str:
    """host[:port] of a URL without any user:password@ part, for messages."""
    return parts.netloc.rsplit("@", 1)[-1] or f"{parts.scheme}:"


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Fetcher:
    """Fetches pages politely and records each one in the raw archive. One per task is fine."""

    def __init__(
        self,
        settings: Settings,
        archive: RawArchive,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        budget: RequestBudget | None = None,
    ) -> None:
        """`sleep` and `clock` pace requests and retries (inject fakes in tests); `budget` caps a whole run."""
        self.settings = settings
        self.budget = budget or RequestBudget(settings.max_requests)
        if self.budget.wait_limit is None:
            self.budget.wait_limit = settings.retry_after_budget
        self.archive = archive
        self.stats = FetchStats()
        self._sleep = sleep
        self._clock = clock
        self._random = random.Random()
        self._robots = RobotsRules(settings.user_agent, settings.request_delay, settings.max_crawl_delay)
        login = credentials(settings.base_url)
        self._auth = httpx.BasicAuth(*login) if login else None  # for the base URL's origin only
        self._auth_origin = f"{urlsplit(settings.base_url).scheme}://{settings.base_host}".lower()
        self._client = httpx.Client(
            headers={"User-Agent": settings.user_agent, "Accept": "text/html", "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(min(settings.timeout, settings.request_deadline)),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=False,
            event_hooks={"response": [check_location]},
            http1=True,
            http2=False,
        )

    def close(self) -> None:
        """Close the connection."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def fetch(self, url: str, *, conditional: bool = True) -> FetchResult:
        """GET `url` and return what happened; 403 or an unreachable robots.txt raises SiteRefusedError.

        Results that made a request (all but DISALLOWED and an exhausted budget) go to the fetch log.
        Credentials in `url` are dropped: the base URL's origin gets the configured ones.
        """
        url = without_credentials(url)
        trip = _Trip(url=url, started=time.monotonic())
        try:
            result = self._fetch(url, conditional, trip)
        except SiteRefusedError:
            self.stats.errors += 1
            raise
        if result.outcome == FAILED:
            self.stats.errors += 1
        elif result.outcome == NOT_MODIFIED:
            self.stats.not_modified += 1
        if trip.log and result.outcome != DISALLOWED:
            self.archive.log(result)
        return result

    def _fetch(self, url: str, conditional: bool, trip: _Trip) -> FetchResult:
        refused = self._refuse_host(url)
        if refused:
            return trip.result(FAILED, error=refused)
        try:
            if self._budget_left() == 0:
                raise BudgetExhausted
            if not self._allowed(url, trip):
                trip.log = False
                return trip.result(DISALLOWED)
        except BudgetExhausted:
            trip.log = trip.requests > 0
            return trip.result(FAILED, error=self.budget.spent_text())
        known = self.archive.validators_for(url) if conditional else None
        headers = {}
        if known and known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known and known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        if not headers:
            known = None
        # Validators belong to the URL that answered with them: after a redirect, send them only there.
        validated_url = (known or {}).get("final_url") or url
        current, seen = url, [url]
        while True:
            conditional_hop = known is not None and current == validated_url
            reply = self._send(current, headers if conditional_hop else {}, trip)
            status, got = reply.status, reply.headers
            if reply.error is not None:
                trip.log = trip.log and trip.requests > 0
                return trip.result(FAILED, status=status, final_url=current, error=reply.error)
            if status in REDIRECT_STATUSES:
                target, error = self._redirect_target(current, got.get("location"), seen)
                if error:
                    return trip.result(FAILED, status=status, final_url=current, error=error)
                seen.append(target)
                current = target
                try:
                    if not self._allowed(current, trip):
                        trip.log = False
                        return trip.result(DISALLOWED, status=status, final_url=current)
                except BudgetExhausted:
                    return trip.result(FAILED, final_url=current, error=self.budget.spent_text())
                continue
            common = {"status": status, "final_url": current, "content_type": got.get("content-type")}
            if status == 304 and conditional_hop and known is not None:
                return trip.result(
                    NOT_MODIFIED,
                    sha256=known["sha256"],
                    etag=got.get("etag") or known["etag"],
                    last_modified=got.get("last-modified") or known["last_modified"],
                    **common,
                )
            if status in (200, 203):
                sha = self.archive.put(reply.body)
                return trip.result(
                    FETCHED,
                    sha256=sha,
                    bytes=len(reply.body),
                    etag=got.get("etag"),
                    last_modified=got.get("last-modified"),
                    **common,
                )
            if status in (404, 410):
                return trip.result(NOT_FOUND, **common)
            if status == 403:
                reason = "HTTP 403: the site is refusing this client; stopping the run"
                self.archive.log(trip.result(FAILED, error=reason, **common))
                raise SiteRefusedError(url, reason, status=403)
            return trip.result(FAILED, error=f"unexpected HTTP {status}", **common)

    def _refuse_host(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() not in self.settings.hosts:
            allowed = ", ".join(sorted(self.settings.hosts))
            return f"refusing {parts.scheme}://{_host(parts)}: not an allowed host ({allowed})"
        return None

    def _redirect_target(self, current: str, location: str | None, seen: list[str]) -> tuple[str, str | None]:
        """Where a redirect leads, or why it is not followed."""
        return redirect_target(current, location, seen, self.settings.hosts, self.settings.max_redirects)

    def _budget_left(self) -> int | None:
        return self.budget.left()

    def _send(self, url: str, headers: dict[str, str], trip: _Trip) -> _Reply:
        """One request with retries on 429/5xx/network errors; the last reply (error set if it failed)."""
        s = self.settings
        attempt = 0
        while True:
            reply = self._once(url, headers, trip)
            if reply.final or (reply.error is None and reply.status not in RETRY_STATUSES):
                return reply
            wait = None
            if reply.status in RETRY_AFTER_STATUSES:
                wait = _retry_after(reply.headers.get("retry-after"))
                if wait is not None and wait > s.max_retry_after:
                    reply.error = (
                        f"HTTP {reply.status} with Retry-After of {wait:.0f} s, longer than "
                        f"max_retry_after {s.max_retry_after:g} s: giving up on this URL"
                    )
                    return reply
                if wait is not None and attempt < s.max_retries and not self.budget.wait(wait):
                    reply.error = f"HTTP {reply.status} with Retry-After of {wait:.0f} s: {self.budget.spent_text()}"
                    reply.budget = reply.final = True
                    return reply
            if attempt >= s.max_retries:
                last = reply.error or f"HTTP {reply.status}"
                reply.error = f"{last} (gave up after {attempt} retries)"
                return reply
            if wait is None:
                wait = s.retry_backoff * 2**attempt * (0.5 + self._random.random())
            attempt += 1
            self.stats.retries += 1
            self._sleep(wait)

    def _once(self, url: str, headers: dict[str, str], trip: _Trip) -> _Reply:
        """Exactly one paced request, body streamed under the size cap."""
        s = self.settings
        if self._budget_left() == 0:
            trip.log = trip.requests > 0
            return _Reply(error=self.budget.spent_text(), final=True, budget=True)
        host = urlsplit(url).netloc.lower()
        _PACER.wait(host, self._robots.delay(host), self._clock, self._sleep)
        self.stats.requests += 1
        self.budget.spend()
        trip.requests += 1
        deadline = self._clock() + s.request_deadline
        late = f"request deadline of {s.request_deadline:g} s passed before the whole body arrived"
        try:
            auth = self._auth if f"{urlsplit(url).scheme}://{host}".lower() == self._auth_origin else None
            with self._client.stream("GET", url, headers=headers, auth=auth) as resp:
                _PACER.touch(host, self._clock())
                try:
                    length = resp.headers.get("content-length", "")
                    if length.isdigit() and int(length) > s.max_response_bytes:
                        too_big = f"response larger than {s.max_response_bytes} bytes"
                        return _Reply(resp.status_code, resp.headers, error=too_big, final=True)
                    body = read_body(resp, s.max_response_bytes, deadline, self._clock, late)
                    return _Reply(resp.status_code, resp.headers, body)
                except BodyError as exc:
                    return _Reply(resp.status_code, resp.headers, error=str(exc), final=True)
                finally:
                    self.stats.bytes_downloaded += resp.num_bytes_downloaded
        except (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.DecodingError) as exc:
            return _Reply(error=_describe(exc), final=True)
        except httpx.TransportError as exc:  # timeouts, refused/reset connections, truncated bodies, garbage
            return _Reply(error=_describe(exc))
        except BadLocation as exc:
            return _Reply(exc.status, exc.headers, error=str(exc), final=True)
        except httpx.InvalidURL as exc:  # httpx parses a redirect's Location even when not following it
            return _Reply(error=invalid_url(url, exc), final=True)
        except (httpx.HTTPError, httpx.StreamError, ValueError) as exc:
            return _Reply(error=_describe(exc), final=True)  # anything else one request can raise

    def _allowed(self, url: str, trip: _Trip) -> bool:
        """Whether robots.txt of the URL's origin lets our user agent fetch it (read once per origin)."""
        if not self.settings.respect_robots:
            return True

        def load(origin: str) -> RobotFileParser | None:
            return load_robots(origin, lambda u, headers: self._send(u, headers, trip), self._redirect_target)

        return self._robots.allowed(url, load)


def fetcher_for(
    fetcher: Fetcher | None, settings: Settings, archive: RawArchive, budget: RequestBudget | None = None
) -> AbstractContextManager[Fetcher]:
    """`fetcher` when a caller lends one (its owner closes it), else a new Fetcher closed at the end
    of the `with` block."""
    return nullcontext(fetcher) if fetcher is not None else Fetcher(settings, archive, budget=budget)
