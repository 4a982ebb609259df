"""Hypothesis strategies for what a site may answer: status, headers, encodings, bodies, redirects.

`site_answers()` draws, for every page of the fictional forces of PEEL 2017 (tests/synthforces.py),
the replies its successive requests get (a retry gets the next one), plus the pages redirects lead
to. Every page text it draws is a `Content` (whose page it was written as, which grades it prints),
kept in `Answers.truth`: a grade in the warehouse must be one a page written as that page printed.
"""

from __future__ import annotations

import email.utils
import gzip
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from httpsim import Reply
from hypothesis import strategies as st
from synthforces import FORCES, GRADES, PAGES, UNKNOWN_WORDS, Content, Truth, areas_of, path_of

GARBAGE = b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff not HTTP \x01\r\n\r\n"
DRIP_CHUNKS, DRIP_DELAY = 60, 0.05  # a body sent over 3 s: past any request_deadline the test sets
MOVED = "/moved/{n}/"  # redirect targets that are no PEEL page

CONTENT_TYPES = [
    "text/html; charset=utf-8",
    "text/html",
    "text/html; charset=latin-1",
    "text/html; charset=no-such-charset",
    "TEXT/HTML;;; charset=",
    "application/pdf",
    "application/json",
    "text/plain",
    "image/png",
    "",
]
ETAGS = [None, '"v1"', 'W/"weak"', "no-quotes", '"' + "e" * 300 + '"', '"\xe9t\xe9"', '""', "*"]
LAST_MODIFIED = [None, "Thu, 09 Nov 2017 10:00:00 GMT", "yesterday", "Thu, 99 Foo 1900 99:99:99 GMT", ""]
ODD_STATUSES = [201, 202, 203, 204, 206, 226, 300, 304, 400, 401, 404, 405, 410, 418, 451, 500, 501, 502, 504, 599]
INVALID_LOCATIONS = [
    "javascript:alert(1)",
    "http://[::1/peel/",
    "http://127.0.0.1:99999999/peel/",
    "http://xn--/peel/",
    "http:evil.example/peel/",
    "",
    "//",
    "\xe9\xe9/",
]


def retry_after_values() -> st.SearchStrategy[str | None]:
    """Retry-After as sites send it and as they should not."""
    now = datetime.now(UTC)
    return st.sampled_from(
        [
            None,
            "0",
            "1",  # fits max_retry_after, not the run's retry_after_budget: the rest waits for the next run
            "1",
            "1",
            "-1",
            "1.5",
            "abc",
            "99999999999999999999",
            email.utils.format_datetime(now - timedelta(days=1), usegmt=True),
            email.utils.format_datetime(now + timedelta(days=3), usegmt=True),
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "",
        ]
    )


@dataclass
class Answers:
    """What the site answers: successive replies per path, and the page texts they carry."""

    routes: dict[str, list[Reply]] = field(default_factory=dict)
    truth: Truth = field(default_factory=Truth)
    replies: int = 0  # replies drawn (each one a generated response)
    refuses: bool = False  # a 403 among them: the run stops (documented), nothing is published


@st.composite
def contents(draw: st.DrawFn, force_id: str, page: str) -> Content:
    """A page text: most often the planned page, else another force's, another page of the force, or
    another cycle's; each area printed with a grade word, an unknown word or none."""
    whose = draw(st.sampled_from(["own"] * 6 + ["other-force", "other-page", "other-cycle"]))
    cycle = "2017"
    if whose == "other-force":
        force_id = draw(st.sampled_from(sorted(set(FORCES) - {force_id})))
    elif whose == "other-page":
        page = draw(st.sampled_from([p for p in PAGES if p != page]))
    elif whose == "other-cycle":
        cycle = "2016"
    words = st.sampled_from([*GRADES, *GRADES, *UNKNOWN_WORDS, None])
    printed = tuple((area, draw(words)) for area in areas_of(page))
    return Content(force_id, page, printed, cycle)


@st.composite
def bodies(draw: st.DrawFn, force_id: str, page: str, answers: Answers) -> tuple[bytes, dict[str, str]]:
    """A body and the headers that describe it (or lie about it)."""
    kind = draw(st.sampled_from(["page"] * 8 + ["truncated", "empty", "binary", "bomb", "cp1252"]))
    headers: dict[str, str] = {}
    if kind in ("page", "truncated", "cp1252"):
        content = draw(contents(force_id, page))
        answers.truth.add(content)
        text = content.html()
        if kind == "truncated":
            text = text[: draw(st.integers(0, len(text) - 1))]
        data = text.replace("synthetic", "synth\u2019tic").encode("cp1252") if kind == "cp1252" else text.encode()
    elif kind == "empty":
        data = draw(st.sampled_from([b"", b"   \n\t ", b"\x00"]))
    elif kind == "binary":
        data = draw(st.sampled_from([b"%PDF-1.7\n%%EOF", b"\x89PNG\r\n\x1a\n", b'{"grade": "good"}'])) + draw(
            st.binary(max_size=200)
        )
    else:  # a compression bomb: zeros that inflate past max_response_bytes
        data = gzip.compress(b"\0" * draw(st.integers(300_000, 2_000_000)), compresslevel=9)
        headers["Content-Encoding"] = "gzip"
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if content_type:
        headers["Content-Type"] = content_type
    if "Content-Encoding" not in headers:
        encoding = draw(
            st.sampled_from([None] * 12 + ["gzip", "deflate", "gzip, gzip", "br", "lying-gzip", "identity"])
        )
        if encoding == "gzip":
            data, headers["Content-Encoding"] = gzip.compress(data), "gzip"
        elif encoding == "deflate":
            data, headers["Content-Encoding"] = zlib.compress(data), "deflate"
        elif encoding == "gzip, gzip":
            data, headers["Content-Encoding"] = gzip.compress(gzip.compress(data)), "gzip, gzip"
        elif encoding == "lying-gzip":
            headers["Content-Encoding"] = "gzip"
        elif encoding is not None:
            headers["Content-Encoding"] = encoding
    return data, headers


@st.composite
def replies(draw: st.DrawFn, force_id: str, page: str, answers: Answers, hop: int = 0) -> Reply:
    """One response to a request for a page (or for a page a redirect led to)."""
    answers.replies += 1
    shape = draw(
        st.sampled_from(
            ["ok"] * 24 + ["status", "status", "redirect", "redirect", "retry", "length-shorter", "garbage", "reset"]
        )
    )
    if draw(st.sampled_from([False] * 29 + [True])):  # the slow ones, rarer: each costs its request deadline
        shape = draw(st.sampled_from(["drip", "length-longer"]))
    if shape == "redirect" and hop < 2:
        return redirect(draw, force_id, page, answers, hop)
    if shape == "retry":
        headers = {}
        value = draw(retry_after_values())
        if value is not None:
            headers["Retry-After"] = value
        return Reply(draw(st.sampled_from([429, 503, 500])), b"busy", headers)
    if shape == "garbage":
        return Reply(raw=GARBAGE)
    body, headers = draw(bodies(force_id, page, answers))
    etag, modified = draw(st.sampled_from(ETAGS)), draw(st.sampled_from(LAST_MODIFIED))
    if etag is not None:
        headers["ETag"] = etag
    if modified is not None:
        headers["Last-Modified"] = modified
    status = 200
    if shape == "status":
        status = draw(st.sampled_from(ODD_STATUSES * 3 + [403]))  # a 403 stops the run: rarer
        answers.refuses = answers.refuses or status == 403
    if shape == "drip":
        return Reply(status, headers=headers, chunks=[b"<p>x</p>"] * DRIP_CHUNKS, delay=DRIP_DELAY)
    if shape == "length-longer" and body:
        headers["Content-Length"] = str(len(body) + draw(st.integers(1, 10_000)))
    elif shape == "length-shorter" and body:
        headers["Content-Length"] = str(draw(st.integers(0, len(body) - 1)))
    elif shape == "reset" and body:
        return Reply(status, body, headers, reset_after=draw(st.integers(0, len(body) - 1)))
    return Reply(status, body, headers)


def redirect(draw: st.DrawFn, force_id: str, page: str, answers: Answers, hop: int) -> Reply:
    """A 3xx to: the page itself (a loop), another page of the site, a page that is no PEEL page (with its
    own drawn replies), another host, or a Location that is not a URL."""
    where = draw(st.sampled_from(["self", "other-page", "moved", "moved", "off-site", "invalid", "none"]))
    status = draw(st.sampled_from([301, 302, 303, 307, 308]))
    if where == "none":
        return Reply(status, b"")
    if where == "self":
        location = path_of(force_id, page)
    elif where == "other-page":
        location = path_of(draw(st.sampled_from(sorted(FORCES))), draw(st.sampled_from(PAGES)))
    elif where == "moved":
        location = MOVED.format(n=len(answers.routes))
        answers.routes[location] = [draw(replies(force_id, page, answers, hop + 1))]
    elif where == "off-site":
        location = "http://example.invalid" + path_of(force_id, page)
    else:
        location = draw(st.sampled_from(INVALID_LOCATIONS))
    return Reply(status, b"", {"Location": location})


@st.composite
def site_answers(draw: st.DrawFn) -> Answers:
    """Replies for every page of every fictional force: one or two per page (a retry gets the second)."""
    answers = Answers()
    for force_id in sorted(FORCES):
        for page in PAGES:
            count = draw(st.integers(1, 2))
            answers.routes[path_of(force_id, page)] = [draw(replies(force_id, page, answers)) for _ in range(count)]
    return answers
