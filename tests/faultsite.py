"""A small synthetic PEEL site on ScriptedServer whose pages can be made to misbehave one at a time.

Four pages of the synthetic force "testshire" in PEEL 2017 (landing + three pillars), served with
ETags (304 on a match) so that re-runs are conditional like the real site. `site.fault(path, ...)`
replaces a page's replies with scripted ones (httpsim.Reply); `site.serve(pages)` restores them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
from httpsim import Reply, Request, ScriptedServer
from sites import landing_page, pillar_page

from peelpipe.fetch import RawArchive

T = "/peel-assessments/peel-2017/testshire/"
LANDING, EFF, EFFIC, LEGIT = T, T + "effectiveness/", T + "efficiency/", T + "legitimacy/"
SOURCE = "https://hmicfrs.justiceinspectorates.gov.uk"  # source_url prefix of every page row
TITLE = "Testshire PEEL 2017"


AFI = "The force\u2019s demand model should be kept up to date."


def pages(*, demand: str = "Good", afi: str = AFI) -> dict[str, str]:
    """The site's pages; `demand` is the grade of one efficiency question (change it for a correction)."""
    return {
        LANDING: landing_page(
            "Testshire 2017",
            [
                "The extent to which the constabulary is effective at keeping people safe and reducing crime is good.",
                "The extent to which the constabulary is efficient at keeping people safe and reducing crime is good.",
                "The extent to which the constabulary is legitimate at keeping people safe and reducing crime is good.",
            ],
        ),
        EFF: pillar_page(
            TITLE,
            [
                ("How effective is the force at keeping people safe and reducing crime?", "Good", "Good overall."),
                ("How effective is the force at investigating crime and reducing re-offending?", "Good", "Good work."),
            ],
        ),
        EFFIC: pillar_page(
            TITLE,
            [
                ("How efficient is the force at keeping people safe and reducing crime?", "Good", "It is good."),
                (
                    "How well does the force understand demand?",
                    demand,
                    f"Testshire Constabulary understands demand.</p><h3>Areas for improvement</h3><p>{afi}",
                ),
                ("How well is the force planning for the future?", "Requires improvement", "More to do."),
            ],
        ),
        LEGIT: pillar_page(
            TITLE, [("How legitimate is the force at keeping people safe and reducing crime?", "Good", "It is good.")]
        ),
    }


EXPECTED = [  # judgements of a clean run of pages()
    ("effectiveness", "good"),
    ("effectiveness.investigating-crime", "good"),
    ("efficiency", "good"),
    ("efficiency.planning-for-future", "requires_improvement"),
    ("efficiency.understanding-demand", "good"),
    ("legitimacy", "good"),
]


def ok(body: bytes | str, content_type: str = "text/html; charset=utf-8"):
    """A responder serving `body` with a strong ETag and answering 304 to a matching If-None-Match."""
    data = body.encode() if isinstance(body, str) else body
    etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'

    def respond(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(200, data, headers={"Content-Type": content_type, "ETag": etag})

    return respond


class FaultySite:
    """The synthetic site on a ScriptedServer, with per-page faults."""

    def __init__(self, server: ScriptedServer) -> None:
        self.server = server
        self.url = server.url
        self.reset()

    def reset(self) -> None:
        """Every page healthy again, no other route, no requests recorded."""
        with self.server._lock:
            self.server._routes.clear()
        self.server.route("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"}))
        self.serve(pages())
        self.server.clear()

    def serve(self, site_pages: dict[str, str]) -> None:
        for path, html in site_pages.items():
            self.server.route(path, ok(html))

    def fault(self, path: str, *replies) -> None:
        self.server.route(path, *replies)

    def paths(self) -> list[str]:
        """Paths requested so far, in order (robots.txt and the index page left out)."""
        return [r.path for r in self.server.requests if r.path.startswith(T)]


def judged(wh) -> list[tuple[str, str | None]]:
    return sorted((j["area_id"], j["grade"]) for j in wh.read_table("judgements"))


def issues_for(wh, path: str) -> list[dict]:
    return [i for i in wh.read_table("parse_issues") if i["source_url"] == SOURCE + path]


def page_row(wh, path: str) -> dict:
    return next(p for p in wh.read_table("pages") if p["source_url"] == SOURCE + path)


def row_counts(wh) -> dict[str, int]:
    """Rows per table of the current snapshot (runs and changes left out: they grow by design)."""
    return {name: t["rows"] for name, t in wh.manifest()["tables"].items() if name not in ("runs", "changes")}


def check_intact(root: Path) -> None:
    """Every table CURRENT names reads back with its row count; every archived object matches its hash;
    no staging directory is named by CURRENT."""
    manifest = json.loads((root / "CURRENT").read_text())
    for name, entry in manifest["tables"].items():
        assert ".staging-" not in entry["path"], entry
        assert pq.read_table(root / entry["path"]).num_rows == entry["rows"], name
    archive = RawArchive(root / "raw")
    objects = list((root / "raw" / "objects").glob("*/*.gz"))
    assert objects
    for path in objects:
        archive.get(path.name.removesuffix(".gz"))  # raises WarehouseError if corrupt
    for entry in archive.entries():
        if entry.get("sha256"):
            assert archive.has(entry["sha256"]), entry  # every logged body is stored
