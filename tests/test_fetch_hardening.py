"""Issue 15, items 1-2: whatever one response is, it fails one page (never the run), within bounded
bytes and time. Real loopback servers (tests/httpsim.py), no mocks of httpx. See docs/faults.md."""

from __future__ import annotations

import gzip
import logging
import resource
import shutil
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from faultsite import EFFIC, EXPECTED, LEGIT, FaultySite, issues_for, judged, page_row
from fetchkit import PAGE, FakeSleep, make_fetcher
from httpsim import Reply, ScriptedServer
from sites import local_catalogue

from peelpipe import pipeline
from peelpipe.config import Settings
from peelpipe.errors import SiteRefusedError
from peelpipe.fetch import Fetcher
from peelpipe.fetch.client import reset_pacer
from peelpipe.models import FAILED, FETCHED
from peelpipe.report import run_summary_text

GARBAGE = b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff\xfe not HTTP at all \x01\x02\r\n\r\n"

pytestmark = pytest.mark.usefixtures("fresh_pacer")


def fetcher(server, archive, sleep=None, **changes) -> Fetcher:
    """make_fetcher with one retry and the default max_retry_after."""
    return make_fetcher(
        server, archive, sleep, **{"max_retries": 1, "max_retry_after": Settings.max_retry_after, **changes}
    )


def fetch_one(server, archive, path: str, **changes):
    with fetcher(server, archive, **changes) as f:
        return f.fetch(server.url + path)


# --- item 1: redirects whose Location is not a URL we can follow ----------------------------------


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("javascript:alert(document.cookie)", "redirect to an invalid URL refused"),
        ("http://[::1/peel/", "invalid URL"),  # malformed host: urlsplit raises ValueError
        ("http://127.0.0.1:99999999/peel/", "invalid URL"),  # port out of range
        ("http://xn--/peel/", "invalid URL"),  # IDNA-invalid host
        ("http://xn--ls8h\u00e9.example/", "invalid URL"),  # IDNA-invalid (non-ASCII after xn--)
        ("http:evil.example/peel/", "no //host"),  # no slashes: not a relative path on our host
    ],
)
def test_a_redirect_to_an_invalid_location_fails_only_that_page(server, archive, location, why):
    server.route("/peel/", Reply(302, headers={"Location": location}))
    server.route("/good/", Reply(200, PAGE))
    with fetcher(server, archive) as f:
        bad = f.fetch(server.url + "/peel/")
        good = f.fetch(server.url + "/good/")
    assert bad.outcome == FAILED and why in (bad.error or "") and bad.status == 302
    assert good.outcome == FETCHED
    assert [r.path for r in server.requests] == ["/peel/", "/good/"]  # nothing followed


# --- item 1: protocol and decoding errors ---------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        GARBAGE,
        b"HTTP/1.1 200 OK\r\nBad Header Without Colon\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\nok",
    ],
)
def test_protocol_garbage_fails_the_page_with_a_clear_error(server, archive, raw):
    server.route("/peel/", Reply(raw=raw))
    result = fetch_one(server, archive, "/peel/")
    assert result.outcome == FAILED and "ProtocolError" in (result.error or "")
    assert [e["outcome"] for e in archive.entries()] == ["failed"]


def test_a_bad_gzip_body_fails_the_page(server, archive):
    server.route("/peel/", Reply(200, b"this is not gzip" * 10, {"Content-Encoding": "gzip"}))
    server.route("/cut/", Reply(200, gzip.compress(PAGE)[:-12], {"Content-Encoding": "gzip"}))
    with fetcher(server, archive) as f:
        bad, cut = f.fetch(server.url + "/peel/"), f.fetch(server.url + "/cut/")
    assert bad.outcome == FAILED and "bad gzip body" in (bad.error or "")
    assert cut.outcome == FAILED and "truncated" in (cut.error or "")
    assert not archive.objects.exists()


def test_stacked_content_encodings_are_refused(server, archive):
    body = gzip.compress(gzip.compress(PAGE))
    server.route("/peel/", Reply(200, body, {"Content-Encoding": "gzip, gzip"}))
    result = fetch_one(server, archive, "/peel/")
    assert result.outcome == FAILED and "stacked Content-Encoding" in (result.error or "")


def test_deflate_and_plain_gzip_still_read(server, archive):
    server.route("/gz/", Reply(200, gzip.compress(PAGE), {"Content-Encoding": "gzip"}))
    server.route("/df/", Reply(200, zlib.compress(PAGE), {"Content-Encoding": "deflate"}))
    with fetcher(server, archive) as f:
        results = [f.fetch(server.url + p) for p in ("/gz/", "/df/")]
    assert [archive.get(r.sha256 or "") for r in results] == [PAGE, PAGE]
    assert server.requests[0].headers["accept-encoding"] == "gzip, deflate"


def _bomb(size: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = b"\0" * 1_000_000
    return b"".join([*(z.compress(zeros) for _ in range(size // len(zeros))), z.flush()])


def test_a_gzip_bomb_is_refused_at_the_decoded_cap_with_bounded_memory(server, archive, capsys):
    bomb = _bomb(100_000_000)  # 100 MB of zeros, about 100 KB on the wire
    assert len(bomb) < 200_000
    server.route("/peel/", Reply(200, bomb, {"Content-Encoding": "gzip", "Content-Type": "text/html"}))
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = fetch_one(server, archive, "/peel/", max_response_bytes=5_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - started
    assert result.outcome == FAILED and result.error == "response larger than 5000000 bytes"
    assert peak < 12_000_000, peak  # the cap and a few pieces, never the 100 MB
    with capsys.disabled():
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"\n[gzip bomb] traced peak {peak / 1e6:.1f} MB, ru_maxrss {maxrss / 1024:.0f} MB, {elapsed:.2f} s")


# --- item 2: time ---------------------------------------------------------------------------------


def test_a_body_dripped_slowly_ends_at_the_request_deadline(server, archive, capsys):
    server.route("/peel/", Reply(200, chunks=[b"<p>x</p>"] * 40, delay=0.1))  # 4 s in all, 0.1 s per read
    started = time.monotonic()
    result = fetch_one(server, archive, "/peel/", request_deadline=1.0, timeout=2.0, max_retries=0)
    elapsed = time.monotonic() - started
    assert result.outcome == FAILED and "request deadline of 1 s" in (result.error or "")
    assert elapsed < 2.0
    with capsys.disabled():
        print(f"\n[slow drip] ended after {elapsed:.2f} s (deadline 1 s)")


def test_a_huge_crawl_delay_is_capped_with_one_warning(server, archive, caplog):
    server.route("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 86400\nDisallow:\n"))
    server.route("/a/", Reply(200, PAGE))
    server.route("/b/", Reply(200, PAGE))
    sleep = FakeSleep()
    with caplog.at_level(logging.WARNING, logger="peelpipe.fetch"):
        with fetcher(server, archive, sleep=sleep, respect_robots=True, max_crawl_delay=30.0) as f:
            results = [f.fetch(server.url + p) for p in ("/a/", "/b/", "/a/")]
    assert [r.outcome for r in results] == [FETCHED, "not_modified" if results[2].etag else FETCHED, FETCHED]
    assert sleep and max(sleep) <= 30.0 and max(sleep) > 29.0
    warnings = [r.getMessage() for r in caplog.records if "Crawl-delay" in r.getMessage()]
    assert len(warnings) == 1 and "86400" in warnings[0] and "max_crawl_delay 30" in warnings[0]


# --- robots.txt failing the same ways: the documented policy --------------------------------------


def test_robots_txt_answering_garbage_refuses_the_site_with_one_line(server, archive):
    server.route("/robots.txt", Reply(raw=GARBAGE))
    with fetcher(server, archive, respect_robots=True) as f, pytest.raises(SiteRefusedError) as info:
        f.fetch(server.url + "/peel/")
    assert "robots.txt unreachable" in str(info.value) and "ProtocolError" in str(info.value)
    assert "\n" not in str(info.value) and not server.requests_to("/peel/")


def test_robots_txt_with_a_bad_gzip_body_refuses_the_site(server, archive):
    server.route("/robots.txt", Reply(200, b"garbage", {"Content-Encoding": "gzip"}))
    with fetcher(server, archive, respect_robots=True) as f, pytest.raises(SiteRefusedError) as info:
        f.fetch(server.url + "/peel/")
    assert "robots.txt unreachable (DecodingError" in str(info.value)


def test_robots_txt_redirect_to_an_invalid_location_is_unavailable_with_one_line(server, archive, caplog):
    server.route("/robots.txt", Reply(301, headers={"Location": "http:robots.example/robots.txt"}))
    server.route("/peel/", Reply(200, PAGE))
    with caplog.at_level(logging.WARNING, logger="peelpipe.fetch"):
        result = fetch_one(server, archive, "/peel/", respect_robots=True)
    assert result.outcome == FETCHED  # RFC 9309: robots.txt unavailable, everything allowed
    [line] = [r.getMessage() for r in caplog.records if "robots.txt" in r.getMessage()]
    assert "no //host" in line and "allow all" in line
    assert [r.path for r in server.requests] == ["/robots.txt", "/peel/"]


# --- through run_pipeline: one bad page among good ones -------------------------------------------


@pytest.fixture(scope="module")
def _site():
    with ScriptedServer() as srv:
        yield FaultySite(srv)


@pytest.fixture(scope="module")
def _baseline(_site, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("baseline15")
    reset_pacer()
    pipeline.run_pipeline(local_catalogue(base, _site.url, synthetic=True), ["2017"], ["testshire"])
    return base / "warehouse"


@pytest.fixture
def healthy(_site, _baseline, tmp_path):
    _site.reset()
    shutil.copytree(_baseline, tmp_path / "warehouse")
    return lambda **settings: local_catalogue(tmp_path, _site.url, synthetic=True, **settings)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(302, headers={"Location": "http://xn--/peel/"}),  # IDNAError stopped the run before
        Reply(raw=GARBAGE),
        Reply(200, gzip.compress(gzip.compress(b"<html></html>")), {"Content-Encoding": "gzip, gzip"}),
    ],
    ids=["idna-invalid-redirect", "garbage", "stacked-gzip"],
)
def test_one_bad_page_among_good_ones_fails_only_that_page(_site, healthy, reply):
    _site.fault(EFFIC, reply)
    catalogue = healthy()
    summary = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    wh = pipeline.open_warehouse(catalogue)
    assert summary.snapshot_id and summary.stats["pages_failed"] == 1
    assert judged(wh) == EXPECTED  # the failing page keeps its previous grades
    assert [i["reason"] for i in issues_for(wh, EFFIC)] == ["fetch_failed"]
    assert page_row(wh, LEGIT)["status"] == "parsed"


def test_retry_after_past_the_run_budget_skips_the_rest_and_they_come_first_next_run(_site, healthy):
    _site.fault(EFFIC, Reply(503, headers={"Retry-After": "2"}))
    catalogue = healthy(retry_after_budget=1.0, max_retries=2, max_retry_after=10.0)
    started = time.monotonic()
    summary = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run")
    assert time.monotonic() - started < 10
    wh = pipeline.open_warehouse(catalogue)
    assert summary.snapshot_id and summary.stats["pages_over_budget"] == 2  # EFFIC and LEGIT, after it
    assert summary.stats["pages_failed"] == 0 and not issues_for(wh, EFFIC)
    assert judged(wh) == EXPECTED  # skipped pages keep their rows
    assert "request budget reached: 2 pages left for the next run" in run_summary_text(summary, catalogue)
    assert _site.paths().count(EFFIC) == 1 and LEGIT not in _site.paths()

    _site.reset()
    reset_pacer()
    summary = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run")
    assert _site.paths()[:2] == [EFFIC, LEGIT]  # the skipped pages, oldest fetch, go first
    assert summary.stats["pages_over_budget"] == 0 and judged(pipeline.open_warehouse(catalogue)) == EXPECTED
