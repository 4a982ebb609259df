"""The fetch layer against a real local HTTP server (tests/httpsim.py): no mocks of httpx."""

from __future__ import annotations

import gzip
import hashlib
import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from fetchkit import PAGE, UA, FakeSleep, make_fetcher, make_settings
from httpsim import Reply, ScriptedServer

from peelpipe.errors import SiteRefusedError, WarehouseError
from peelpipe.fetch import Fetcher, RawArchive
from peelpipe.models import DISALLOWED, FAILED, FETCHED, NOT_FOUND, NOT_MODIFIED, FetchResult

ETAG = '"v1"'
LAST_MODIFIED = "Tue, 01 Mar 2022 10:00:00 GMT"

pytestmark = pytest.mark.usefixtures("fresh_pacer")


# --- success, conditional requests --------------------------------------------------------------


def test_200_is_stored_logged_and_sends_our_headers(server, archive):
    server.static("/peel/", PAGE, etag=ETAG, last_modified=LAST_MODIFIED)
    with make_fetcher(server, archive) as fetcher:
        result = fetcher.fetch(server.url + "/peel/")
    assert result.outcome == FETCHED and result.status == 200 and result.error is None
    assert result.sha256 == hashlib.sha256(PAGE).hexdigest() and result.bytes == len(PAGE)
    assert (result.etag, result.last_modified) == (ETAG, LAST_MODIFIED)
    assert result.content_type.startswith("text/html") and result.requests == 1
    assert result.final_url == server.url + "/peel/" and result.fetched_at.tzinfo is not None
    assert archive.get(result.sha256) == PAGE
    [entry] = list(archive.entries())
    assert entry["outcome"] == FETCHED and entry["sha256"] == result.sha256 and entry["etag"] == ETAG
    assert entry["fetched_at"].endswith("+00:00") and entry["url"] == server.url + "/peel/"
    [request] = server.requests
    assert request.headers["user-agent"] == UA and request.headers["accept"] == "text/html"
    assert "if-none-match" not in request.headers
    assert fetcher.stats.requests == 1 and fetcher.stats.bytes_downloaded >= len(PAGE)


def test_second_fetch_is_conditional_and_304_returns_archived_sha(server, archive):
    server.static("/peel/", PAGE, etag=ETAG, last_modified=LAST_MODIFIED)
    url = server.url + "/peel/"
    with make_fetcher(server, archive) as fetcher:
        first = fetcher.fetch(url)
    with make_fetcher(server, archive) as fetcher:  # a new Fetcher reads validators from the log
        second = fetcher.fetch(url)
        unconditional = fetcher.fetch(url, conditional=False)
    conditional_request = server.requests[1]
    assert conditional_request.headers["if-none-match"] == ETAG
    assert conditional_request.headers["if-modified-since"] == LAST_MODIFIED
    assert second.outcome == NOT_MODIFIED and second.status == 304
    assert second.sha256 == first.sha256 and second.bytes == 0
    assert (second.etag, second.last_modified) == (ETAG, LAST_MODIFIED)
    assert fetcher.stats.not_modified == 1
    assert "if-none-match" not in server.requests[2].headers and unconditional.outcome == FETCHED
    assert [e["outcome"] for e in archive.entries()] == [FETCHED, NOT_MODIFIED, FETCHED]
    assert archive.validators()[url] == {
        "etag": ETAG,
        "last_modified": LAST_MODIFIED,
        "sha256": first.sha256,
        "final_url": url,
    }


def test_changed_page_replaces_validators(server, archive):
    url = server.url + "/peel/"
    server.static("/peel/", PAGE, etag=ETAG)
    with make_fetcher(server, archive) as fetcher:
        fetcher.fetch(url)
        server.static("/peel/", PAGE + b"<!-- v2 -->", etag='"v2"')
        changed = fetcher.fetch(url)
        again = fetcher.fetch(url)
    assert changed.outcome == FETCHED and changed.etag == '"v2"'
    assert server.requests[1].headers["if-none-match"] == ETAG
    assert again.outcome == NOT_MODIFIED and again.sha256 == changed.sha256
    assert archive.latest_bodies() == {url: changed.sha256}


def test_conditional_headers_go_only_where_they_came_from(server, archive):
    server.route("/old", Reply(301, headers={"Location": "/new"}))
    server.static("/new", PAGE, etag=ETAG, last_modified=LAST_MODIFIED)
    with make_fetcher(server, archive) as fetcher:
        first = fetcher.fetch(server.url + "/old")
        server.route("/old", Reply(301, headers={"Location": "/elsewhere"}))
        server.static("/elsewhere", b"another page", last_modified="Mon, 01 Jan 2018 00:00:00 GMT")
        moved = fetcher.fetch(server.url + "/old")
        assert moved.outcome == FETCHED and moved.sha256 != first.sha256
        server.route("/old", Reply(301, headers={"Location": "/new"}))
        fetcher.fetch(server.url + "/old", conditional=False)
        again = fetcher.fetch(server.url + "/old")
    assert again.outcome == NOT_MODIFIED and again.sha256 == first.sha256
    assert all("if-none-match" not in r.headers for r in server.requests_to("/old"))
    assert "if-modified-since" not in server.requests_to("/elsewhere")[0].headers
    assert server.requests_to("/new")[-1].headers["if-none-match"] == ETAG


# --- retries ------------------------------------------------------------------------------------


def test_429_honours_retry_after(server, archive):
    server.route("/p", Reply(429, headers={"Retry-After": "1"}), Reply(200, PAGE))
    sleep = FakeSleep()
    with make_fetcher(server, archive, sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url + "/p")
    assert result.outcome == FETCHED and result.requests == 2
    assert sleep == [pytest.approx(1.0)]
    assert fetcher.stats.retries == 1


def test_retry_after_http_date_and_too_long(server, archive):
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 3600))
    server.route("/p", Reply(503, headers={"Retry-After": later}), Reply(200, PAGE))
    sleep = FakeSleep()
    with make_fetcher(server, archive, sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url + "/p")
    assert result.outcome == FAILED and result.status == 503 and "Retry-After" in result.error
    assert result.requests == 1 and sleep == []


def test_503_502_then_200_counts_retries_with_backoff(server, archive):
    server.route("/p", Reply(503), Reply(502), Reply(200, PAGE))
    sleep = FakeSleep()
    with make_fetcher(server, archive, sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url + "/p")
    assert result.outcome == FETCHED and result.requests == 3 and fetcher.stats.retries == 2
    assert 0.005 <= sleep[0] < 0.015 and 0.01 <= sleep[1] < 0.03  # backoff * 2**n * jitter


def test_retries_exhausted_fails_with_last_status(server, archive):
    server.route("/p", Reply(500))
    with make_fetcher(server, archive, max_retries=2) as fetcher:
        result = fetcher.fetch(server.url + "/p")
    assert result.outcome == FAILED and result.status == 500 and "HTTP 500" in result.error
    assert result.requests == 3 and len(server.requests) == 3
    assert [e["outcome"] for e in archive.entries()] == [FAILED] and fetcher.stats.errors == 1


def test_404_410_and_other_4xx_are_not_retried(server, archive):
    server.route("/gone", Reply(410))
    server.route("/bad", Reply(400))
    with make_fetcher(server, archive) as fetcher:
        results = [fetcher.fetch(server.url + path) for path in ("/missing/", "/gone", "/bad")]
    assert [(r.outcome, r.status, r.requests) for r in results] == [
        (NOT_FOUND, 404, 1),
        (NOT_FOUND, 410, 1),
        (FAILED, 400, 1),
    ]
    assert len(server.requests) == 3
    assert [e["outcome"] for e in archive.entries()] == [NOT_FOUND, NOT_FOUND, FAILED]


def test_403_raises_site_refused(server, archive):
    server.route("/p", Reply(403, b"blocked"))
    with make_fetcher(server, archive) as fetcher, pytest.raises(SiteRefusedError) as info:
        fetcher.fetch(server.url + "/p")
    assert info.value.status == 403 and len(server.requests) == 1
    assert list(archive.entries())[0]["status"] == 403


def test_slow_body_times_out_and_fails_after_retries(server, archive):
    server.route("/slow", Reply(200, PAGE, delay=0.6))
    with make_fetcher(server, archive, timeout=0.2, max_retries=1) as fetcher:
        result = fetcher.fetch(server.url + "/slow")
    assert result.outcome == FAILED and "Timeout" in result.error and result.requests == 2
    assert not archive.objects.exists()


def test_reset_mid_body_is_retried(server, archive):
    server.route("/p", Reply(200, PAGE, reset_after=10), Reply(200, PAGE))
    with make_fetcher(server, archive) as fetcher:
        result = fetcher.fetch(server.url + "/p")
    assert result.outcome == FETCHED and result.requests == 2 and fetcher.stats.retries == 1
    assert archive.get(result.sha256) == PAGE


def test_connection_refused_fails_after_retries(archive):
    with ScriptedServer() as gone:
        pass  # stopped: its port now refuses connections
    with make_fetcher(gone, archive, max_retries=1) as fetcher:
        result = fetcher.fetch(gone.url + "/p")
    assert result.outcome == FAILED and "ConnectError" in result.error and result.requests == 2


# --- redirects ----------------------------------------------------------------------------------


def test_relative_redirect_within_host_is_followed(server, archive):
    server.route("/old/page", Reply(301, headers={"Location": "../new/"}))
    server.route("/new/", Reply(200, PAGE))
    with make_fetcher(server, archive) as fetcher:
        result = fetcher.fetch(server.url + "/old/page")
    assert result.outcome == FETCHED and result.final_url == server.url + "/new/" and result.requests == 2
    assert result.url == server.url + "/old/page"
    assert len({r.client_port for r in server.requests}) == 1


def test_redirect_to_other_host_is_refused(server, archive):
    with ScriptedServer() as other:
        other.route("/x", Reply(200, PAGE))
        server.route("/p", Reply(302, headers={"Location": other.url + "/x"}))
        with make_fetcher(server, archive) as fetcher:
            result = fetcher.fetch(server.url + "/p")
        assert other.requests == []
    assert result.outcome == FAILED and "redirect to other host" in result.error and "refused" in result.error


def test_refusal_messages_leave_out_credentials(server, archive):
    server.route("/p", Reply(302, headers={"Location": "http://user:s3cret@127.0.0.1:1/x"}))
    with make_fetcher(server, archive) as fetcher:
        redirected = fetcher.fetch(server.url + "/p")
        direct = fetcher.fetch("http://user:s3cret@elsewhere.invalid/x")
    assert "s3cret" not in redirected.error and "127.0.0.1:1" in redirected.error
    assert "s3cret" not in direct.error and direct.outcome == FAILED


def test_redirect_to_allowed_host_is_followed(server, archive):
    with ScriptedServer() as other:
        other.route("/x", Reply(200, PAGE))
        server.route("/p", Reply(308, headers={"Location": other.url + "/x"}))
        allowed = (other.url.split("//")[1],)
        with make_fetcher(server, archive, allowed_hosts=allowed) as fetcher:
            result = fetcher.fetch(server.url + "/p")
        assert result.outcome == FETCHED and len(other.requests) == 1


def test_redirect_loop_and_too_many_redirects_fail(server, archive):
    server.route("/a", Reply(302, headers={"Location": "/b"}))
    server.route("/b", Reply(302, headers={"Location": "/a"}))
    for i in range(5):
        server.route(f"/chain{i}", Reply(302, headers={"Location": f"/chain{i + 1}"}))
    with make_fetcher(server, archive, max_redirects=3) as fetcher:
        loop = fetcher.fetch(server.url + "/a")
        chain = fetcher.fetch(server.url + "/chain0")
    assert loop.outcome == FAILED and "too many redirects" in loop.error and loop.requests == 2
    assert chain.outcome == FAILED and "too many redirects" in chain.error and chain.requests == 4


# --- size cap -----------------------------------------------------------------------------------


def test_oversized_bodies_are_refused_and_not_stored(server, archive):
    big = b"x" * 2_000
    server.route("/declared", Reply(200, big))
    server.route("/chunked", Reply(200, chunks=[big[:600], big[600:1200], big[1200:]]))
    with make_fetcher(server, archive, max_response_bytes=1_000) as fetcher:
        declared = fetcher.fetch(server.url + "/declared")
        chunked = fetcher.fetch(server.url + "/chunked")
    for result in (declared, chunked):
        assert result.outcome == FAILED and result.error == "response larger than 1000 bytes"
        assert result.sha256 is None and result.requests == 1
    assert not archive.objects.exists() and archive.validators() == {}


# --- robots.txt ---------------------------------------------------------------------------------


def test_robots_disallow_is_obeyed_and_read_once(server, archive):
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n"))
    server.route("/public/", Reply(200, PAGE))
    with make_fetcher(server, archive, respect_robots=True) as fetcher:
        blocked = fetcher.fetch(server.url + "/private/report")
        allowed = fetcher.fetch(server.url + "/public/")
    assert blocked.outcome == DISALLOWED and blocked.requests == 1  # the robots.txt request
    assert allowed.outcome == FETCHED
    assert [r.path for r in server.requests] == ["/robots.txt", "/public/"]
    assert fetcher.stats.requests == 2
    assert [e["outcome"] for e in archive.entries()] == [FETCHED]


def test_robots_500_refuses_the_site(server, archive):
    server.route("/robots.txt", Reply(500))
    server.route("/p", Reply(200, PAGE))
    with make_fetcher(server, archive, respect_robots=True, max_retries=1) as fetcher:
        with pytest.raises(SiteRefusedError, match="robots.txt unreachable"):
            fetcher.fetch(server.url + "/p")
    assert server.requests_to("/p") == []


def test_robots_crawl_delay_for_our_agent_is_honoured(server, archive):
    server.route("/robots.txt", Reply(200, b"User-agent: peelpipe-test\nCrawl-delay: 7\nDisallow:\n"))
    server.route("/p", Reply(200, PAGE))
    sleep, now = FakeSleep(), [100.0]
    settings = make_settings(server, respect_robots=True, request_delay=0.5)
    with Fetcher(settings, archive, sleep=sleep, clock=lambda: now[0]) as fetcher:
        fetcher.fetch(server.url + "/p")
    assert sleep == [pytest.approx(7.0)]  # robots at t=100, page waits until t=107


# --- politeness ---------------------------------------------------------------------------------


def test_request_delay_between_starts_is_shared_by_all_fetchers(server, archive):
    server.static("/p", PAGE, etag=ETAG)
    server.route("/q", Reply(200, PAGE))
    settings = make_settings(server, request_delay=0.2, respect_robots=True)
    with Fetcher(settings, archive) as one, Fetcher(settings, archive) as two:
        one.fetch(server.url + "/p")
        two.fetch(server.url + "/q")
        one.fetch(server.url + "/p")
    starts = [r.time for r in server.requests]
    assert [r.path for r in server.requests] == ["/robots.txt", "/p", "/q", "/p"]  # robots.txt read once per process
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.2, gaps


def test_one_connection_is_reused_and_robots_404_allows_all(server, archive):
    server.static("/p", PAGE, etag=ETAG)
    server.route("/r", Reply(301, headers={"Location": "/p"}))
    with make_fetcher(server, archive, respect_robots=True) as fetcher:
        results = [fetcher.fetch(server.url + path) for path in ("/p", "/p", "/missing", "/r", "/p")]
    assert [r.outcome for r in results] == [FETCHED, NOT_MODIFIED, NOT_FOUND, FETCHED, NOT_MODIFIED]
    assert [r.path for r in server.requests] == ["/robots.txt", "/p", "/p", "/missing", "/r", "/p", "/p"]
    assert len({r.client_port for r in server.requests}) == 1


def test_request_budget(server, archive):
    server.route("/p", Reply(200, PAGE))
    with make_fetcher(server, archive, max_requests=2) as fetcher:
        results = [fetcher.fetch(server.url + "/p") for _ in range(3)]
    assert [r.outcome for r in results] == [FETCHED, FETCHED, FAILED]
    assert results[2].error == "request budget of 2 exhausted" and results[2].requests == 0
    assert len(server.requests) == 2 and len(list(archive.entries())) == 2


def test_host_outside_settings_is_refused(server, archive):
    with make_fetcher(server, archive) as fetcher:
        result = fetcher.fetch("http://example.invalid/page")
    assert result.outcome == FAILED and "not an allowed host" in result.error and result.requests == 0
    assert server.requests == []


# --- the archive on its own ---------------------------------------------------------------------


def test_archive_put_get_round_trip_and_idempotence(archive):
    assert not archive.root.exists()  # created lazily
    sha = archive.put(PAGE)
    assert sha == hashlib.sha256(PAGE).hexdigest() and archive.has(sha)
    path = archive.objects / sha[:2] / f"{sha}.gz"
    assert gzip.decompress(path.read_bytes()) == PAGE
    assert archive.put(PAGE) == sha
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left behind
    assert archive.get(sha) == PAGE
    missing = hashlib.sha256(b"nothing").hexdigest()
    assert not archive.has(missing)
    with pytest.raises(WarehouseError, match=missing):
        archive.get(missing)


def test_archive_detects_corrupt_objects(archive):
    sha = archive.put(PAGE)
    path = archive.objects / sha[:2] / f"{sha}.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(WarehouseError, match=f"{sha} is corrupt"):
        archive.get(sha)
    path.write_bytes(gzip.compress(b"some other page"))
    with pytest.raises(WarehouseError, match=f"{sha} is corrupt"):
        archive.get(sha)


@pytest.mark.parametrize(
    "bad", ["../" * 10 + "etc/passwd", "A" * 64, "a" * 63, "a" * 65, "g" * 64, "a" * 64 + "\n", "", None]
)
def test_archive_rejects_bad_sha_strings(archive, bad):
    with pytest.raises(WarehouseError, match="invalid sha256"):
        archive.get(bad)
    with pytest.raises(WarehouseError, match="invalid sha256"):
        archive.has(bad)


def _result(url: str, sha: str | None, outcome: str = FETCHED, etag: str | None = None) -> FetchResult:
    return FetchResult(url=url, outcome=outcome, status=200, sha256=sha, etag=etag)


def test_each_fetch_is_logged_in_its_own_committed_row(archive):
    sha = archive.put(PAGE)
    archive.log(_result("http://h/a", sha, etag='"a1"'))
    archive.log(_result("http://h/b", None, outcome=NOT_FOUND))
    with sqlite3.connect(archive.log_path) as other:  # another process's view: committed at once
        rows = other.execute("SELECT seq, url, outcome, sha256, etag FROM fetches ORDER BY seq").fetchall()
        indexes = {row[1] for row in other.execute("PRAGMA index_list(fetches)")}
    assert [row[1:] for row in rows] == [("http://h/a", FETCHED, sha, '"a1"'), ("http://h/b", NOT_FOUND, None, None)]
    assert rows[0][0] < rows[1][0] and "fetches_by_url" in indexes
    assert [e["url"] for e in archive.entries()] == ["http://h/a", "http://h/b"]
    assert set(archive.validators()) == {"http://h/a"} and archive.validators_for("http://h/b") is None


def test_reading_an_archive_without_a_log_creates_nothing(tmp_path):
    archive = RawArchive(tmp_path / "raw")
    assert list(archive.entries()) == [] and archive.validators() == {} and archive.validators_for("http://h/a") is None
    assert not (tmp_path / "raw").exists()


def test_entries_come_in_fetch_order_across_pages_of_rows(archive, monkeypatch):
    from peelpipe.fetch import archive as archive_module

    monkeypatch.setattr(archive_module, "_PAGE", 7)
    with archive.batch():
        for i in range(30):
            archive.log(_result(f"http://h/{i}", None, outcome=FAILED))
    assert [e["url"] for e in archive.entries()] == [f"http://h/{i}" for i in range(30)]


def test_archive_validators_use_latest_stored_body(archive):
    old, new = archive.put(b"old"), archive.put(b"new")
    archive.log(_result("http://h/a", old, etag='"old"'))
    archive.log(_result("http://h/a", None, outcome=FAILED))
    archive.log(_result("http://h/a", new, etag='"new"'))
    assert archive.validators()["http://h/a"]["etag"] == '"new"'
    (archive.objects / new[:2] / f"{new}.gz").unlink()  # the newer body went missing
    assert archive.validators()["http://h/a"] == {
        "etag": '"old"',
        "last_modified": None,
        "sha256": old,
        "final_url": None,
    }
    assert archive.latest_bodies() == {"http://h/a": old}


def test_archive_batch_syncs_each_file_once_at_the_end(archive, monkeypatch) -> None:
    import os as os_module

    synced: list[int] = []
    real_fsync = os_module.fsync
    monkeypatch.setattr(os_module, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    bodies = [f"<html>synthetic page {i}</html>".encode() for i in range(30)]
    with archive.batch():
        shas = [archive.put(body) for body in bodies]
        for sha in shas:
            archive.log(FetchResult(url=f"https://example.test/{sha}", outcome=FETCHED, status=200, sha256=sha))
        assert synced == []  # nothing waits on the disk page by page
    folders = {sha[:2] for sha in shas}
    # each object, each object folder, the fetch log's database and write-ahead files, the archive
    # root: once each at most
    assert 30 + len(folders) + 1 <= len(synced) <= 30 + len(folders) + 3
    assert [archive.get(sha) for sha in shas] == bodies and len(list(archive.entries())) == 30
    synced.clear()
    archive.put(b"<html>one more, outside a batch</html>")
    assert len(synced) == 2  # the object and its folder, at once


# --- the fetch log: a killed process, an earlier version's JSONL log ------------------------------

KILLED_MID_TRANSACTION = r"""
import os, signal, sqlite3, sys
from peelpipe.fetch import RawArchive
from peelpipe.models import FetchResult
archive = RawArchive(sys.argv[1])
for i in range(3):
    archive.log(FetchResult(url=f"http://h/{i}", outcome="fetched", status=200, sha256=archive.put(b"page %d" % i)))
db = sqlite3.connect(archive.log_path, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO fetches (url, outcome) VALUES ('http://h/torn', 'fetched')")
db.execute("UPDATE fetches SET etag = 'half-made'")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_process_killed_inside_a_log_transaction_loses_no_committed_fetch(archive):
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_TRANSACTION, str(archive.root)], capture_output=True, text=True, timeout=60
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert [e["url"] for e in archive.entries()] == ["http://h/0", "http://h/1", "http://h/2"]
    assert {v["etag"] for v in archive.validators().values()} == {None}  # nothing of the unfinished one
    with sqlite3.connect(archive.log_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    archive.log(_result("http://h/3", None, outcome=FAILED))
    assert [e["url"] for e in archive.entries()][-2:] == ["http://h/2", "http://h/3"]


def _jsonl_log(archive: RawArchive) -> list[dict]:
    """An earlier version's fetch log and its index checkpoint, with torn lines; its whole entries."""
    old, new = archive.put(b"<html>synthetic old</html>"), archive.put(b"<html>synthetic new</html>")
    entries = [
        {
            "url": "http://h/a",
            "final_url": "http://h/a/",
            "outcome": FETCHED,
            "status": 200,
            "sha256": old,
            "bytes": 26,
            "elapsed": 0.0123,
            "fetched_at": "2024-01-02T03:04:05.000006+00:00",
            "etag": '"old"',
            "last_modified": None,
            "content_type": "text/html",
            "error": None,
            "requests": 1,
        },
        {
            "url": "http://h/gone",
            "final_url": None,
            "outcome": NOT_FOUND,
            "status": 404,
            "sha256": None,
            "bytes": 0,
            "elapsed": 0.01,
            "fetched_at": "2024-01-02T03:04:06+00:00",
            "etag": None,
            "last_modified": None,
            "content_type": None,
            "error": None,
            "requests": 1,
        },
        {
            "url": "http://h/a",
            "final_url": "http://h/a/",
            "outcome": NOT_MODIFIED,
            "status": 304,
            "sha256": new,
            "bytes": 0,
            "elapsed": 0.02,
            "fetched_at": "2024-02-02T03:04:05+00:00",
            "etag": '"new"',
            "last_modified": "Tue, 01 Mar 2022 10:00:00 GMT",
            "content_type": None,
            "error": None,
            "requests": 1,
        },
    ]
    lines = [json.dumps(e, separators=(",", ":")).encode() + b"\n" for e in entries]
    lines.insert(2, b'{"url": "http://h/b", "outcome": "fetch\n')  # torn mid-append, then a new line begun
    archive.root.mkdir(parents=True, exist_ok=True)
    (archive.root / "fetch-log.jsonl").write_bytes(b"".join(lines) + b'{"url":"http://h/c","outc')
    (archive.root / "fetch-log.index.json").write_text('{"version": 1}')
    return entries


def test_an_earlier_versions_jsonl_log_is_imported_once(archive):
    entries = _jsonl_log(archive)
    jsonl = (archive.root / "fetch-log.jsonl").read_bytes()
    upgraded = RawArchive(archive.root)
    assert list(upgraded.entries()) == entries  # every whole line, in order; the torn ones skipped
    assert upgraded.validators_for("http://h/a") == {
        "etag": '"new"',
        "last_modified": "Tue, 01 Mar 2022 10:00:00 GMT",
        "sha256": entries[2]["sha256"],
        "final_url": "http://h/a/",
    }
    assert not (archive.root / "fetch-log.jsonl").exists() and not (archive.root / "fetch-log.index.json").exists()
    assert (archive.root / "fetch-log.jsonl.imported").read_bytes() == jsonl  # the trace: kept, renamed
    upgraded.log(_result("http://h/d", None, outcome=FAILED))
    again = RawArchive(archive.root)
    assert [e["url"] for e in again.entries()] == ["http://h/a", "http://h/gone", "http://h/a", "http://h/d"]
    assert set(again.latest_bodies()) == {"http://h/a"}


def test_an_import_cut_short_before_the_rename_is_not_repeated(archive):
    entries = _jsonl_log(archive)
    jsonl = (archive.root / "fetch-log.jsonl").read_bytes()
    assert len(list(RawArchive(archive.root).entries())) == 3
    # as if killed after the import committed, before the JSONL log was renamed
    (archive.root / "fetch-log.jsonl.imported").rename(archive.root / "fetch-log.jsonl")
    assert list(RawArchive(archive.root).entries()) == entries
    assert (archive.root / "fetch-log.jsonl.imported").read_bytes() == jsonl
    assert not (archive.root / "fetch-log.jsonl").exists()


def test_an_import_that_fails_leaves_the_jsonl_log_for_the_next_open(archive, monkeypatch):
    from peelpipe.fetch import archive as archive_module

    entries = _jsonl_log(archive)
    real = archive_module._legacy_rows

    def failing(path):
        yield from list(real(path))[:1]
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(archive_module, "_legacy_rows", failing)
    with pytest.raises(WarehouseError, match="cannot open fetch log .*Input/output error"):
        list(RawArchive(archive.root).entries())
    assert (archive.root / "fetch-log.jsonl").exists() and not (archive.root / "fetch-log.jsonl.imported").exists()
    monkeypatch.setattr(archive_module, "_legacy_rows", real)
    assert list(RawArchive(archive.root).entries()) == entries  # the first row was rolled back, not doubled
