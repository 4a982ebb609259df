"""What the fetch-layer tests share: a fake sleep and fetchers built on test settings.

The fixtures they share (`server`, `archive`, `fresh_pacer`) live in conftest.py."""

from __future__ import annotations

import dataclasses
from typing import Any

from httpsim import ScriptedServer

from peelpipe.fetch import Fetcher, RawArchive
from peelpipe.settings import Settings

UA = "peelpipe-test/1.0 (+tests)"
PAGE = b"<html><body><h1>Staffordshire PEEL 2021/22</h1></body></html>"


class FakeSleep(list):
    """Records the waits it is asked for instead of waiting."""

    __call__ = list.append


def make_settings(server: ScriptedServer, **changes: Any) -> Settings:
    """Settings for a fetcher of `server`: no delay, short timeouts, small caps, robots.txt ignored."""
    base: dict[str, Any] = dict(
        base_url=server.url,
        allowed_hosts=(),
        user_agent=UA,
        request_delay=0.0,
        timeout=2.0,
        max_retries=2,
        retry_backoff=0.01,
        max_retry_after=5.0,
        max_response_bytes=10_000,
        max_redirects=5,
        respect_robots=False,
        max_requests=0,
    )
    base.update(changes)
    return dataclasses.replace(Settings(), **base)


def make_fetcher(server: ScriptedServer, archive: RawArchive, sleep: Any = None, **changes: Any) -> Fetcher:
    """A Fetcher of `server` with make_settings(**changes) and, unless given, a FakeSleep."""
    return Fetcher(make_settings(server, **changes), archive, sleep=FakeSleep() if sleep is None else sleep)
